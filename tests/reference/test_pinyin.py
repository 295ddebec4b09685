"""reference.pinyin: 姓名拼音 with the surname readings (曾 ZENG, 尉迟 YUCHI) over 145 polyphone and compound surnames,
the search keys that hold every reading of a 多音字, the choices offered to the clerk, and the heteronym search through
services.roster.search_students on a real data file."""

from __future__ import annotations

from datetime import date

import pytest
from pypinyin import lazy_pinyin

from tests.factories import add_student, id_number
from xueji_desktop.reference.pinyin import (
    KEY_SEPARATOR,
    pinyin_choices,
    pinyin_keys,
    pinyin_spelling,
    preferred_key,
    stale_spelling,
    surname_reading,
)
from xueji_desktop.services.roster import search_students

# 复姓: the reading as 姓名拼音 writes it (one word, GB/T 28039), written here by hand, not read from surnames.csv.
COMPOUND = {
    "万俟": "MOQI", "上官": "SHANGGUAN", "东方": "DONGFANG", "东郭": "DONGGUO", "东门": "DONGMEN",
    "乐正": "YUEZHENG", "亓官": "QIGUAN", "仉督": "ZHANGDU", "令狐": "LINGHU", "仲孙": "ZHONGSUN",
    "公冶": "GONGYE", "公孙": "GONGSUN", "公羊": "GONGYANG", "公良": "GONGLIANG", "公西": "GONGXI",
    "单于": "CHANYU", "南宫": "NANGONG", "南门": "NANMEN", "司寇": "SIKOU", "司徒": "SITU",
    "司空": "SIKONG", "司马": "SIMA", "呼延": "HUYAN", "壤驷": "RANGSI", "夏侯": "XIAHOU",
    "太叔": "TAISHU", "夹谷": "JIAGU", "子车": "ZIJU", "宇文": "YUWEN", "宗政": "ZONGZHENG",
    "宰父": "ZAIFU", "尉迟": "YUCHI", "左丘": "ZUOQIU", "巫马": "WUMA", "慕容": "MURONG",
    "拓跋": "TUOBA", "梁丘": "LIANGQIU", "榖梁": "GULIANG", "欧阳": "OUYANG", "段干": "DUANGAN",
    "淳于": "CHUNYU", "漆雕": "QIDIAO", "澹台": "TANTAI", "濮阳": "PUYANG", "申屠": "SHENTU",
    "百里": "BAILI", "皇甫": "HUANGFU", "端木": "DUANMU", "第五": "DIWU", "羊舌": "YANGSHE",
    "西门": "XIMEN", "诸葛": "ZHUGE", "赫连": "HELIAN", "轩辕": "XUANYUAN", "钟离": "ZHONGLI",
    "长孙": "ZHANGSUN", "闻人": "WENREN", "闾丘": "LVQIU", "颛孙": "ZHUANSUN", "鲜于": "XIANYU",
}  # fmt: skip
# Single surnames whose character has more than one reading, with the surname's (现代汉语词典, 百家姓 lists).
SINGLE = {
    "曾": "ZENG", "解": "XIE", "单": "SHAN", "区": "OU", "仇": "QIU", "朴": "PIAO", "查": "ZHA", "覃": "QIN",
    "盖": "GE", "缪": "MIAO", "翟": "ZHAI", "乐": "YUE", "牟": "MOU", "阚": "KAN", "能": "NAI", "那": "NA",
    "乜": "NIE", "都": "DU", "薄": "BO", "柏": "BAI", "宿": "SU", "召": "SHAO", "员": "YUN", "繁": "PO",
    "秘": "BI", "种": "CHONG", "重": "CHONG", "折": "SHE", "粘": "NIAN", "句": "GOU", "祭": "ZHAI", "尉": "WEI",
    "逢": "PANG", "洗": "XIAN", "郇": "HUAN", "藏": "ZANG", "佴": "NAI", "炅": "GUI", "六": "LU", "卜": "BU",
    "褚": "CHU", "沈": "SHEN", "任": "REN", "和": "HE", "莘": "SHEN", "贲": "BEN", "隗": "KUI", "车": "CHE",
    "盛": "SHENG", "蔚": "WEI", "晁": "CHAO", "冼": "XIAN", "眭": "SUI", "扎": "ZA", "乘": "CHENG", "隽": "JUAN",
    "哈": "HA", "居": "JU", "暴": "BAO", "谷": "GU", "石": "SHI", "宁": "NING", "于": "YU", "余": "YU",
    "万": "WAN", "莫": "MO", "贾": "JIA", "强": "QIANG", "陆": "LU", "叶": "YE", "夏": "XIA", "祝": "ZHU",
    "屈": "QU", "尚": "SHANG", "匡": "KUANG", "家": "JIA", "广": "GUANG", "庄": "ZHUANG", "柴": "CHAI",
    "瞿": "QU", "逯": "LU", "鞠": "JU", "游": "YOU", "竺": "ZHU", "殷": "YIN",
}  # fmt: skip
SURNAMES = COMPOUND | SINGLE
GIVEN = "子轩"  # zi xuan: one reading each, so the surname alone decides


def _former_key(name: str) -> str:
    """The key this app wrote before surname readings: pypinyin's own reading of the whole name."""
    return "".join(lazy_pinyin(name)).lower().replace("ü", "v")


def test_the_table_covers_at_least_100_polyphone_and_compound_surnames():
    assert len(SURNAMES) >= 100
    assert len(COMPOUND) >= 50


@pytest.mark.parametrize(("surname", "reading"), SURNAMES.items())
def test_the_family_name_reads_as_a_surname(surname, reading):
    name = surname + GIVEN
    assert pinyin_spelling(name) == f"{reading} ZI XUAN"
    assert surname_reading(name)[0] == surname
    full, initials = pinyin_keys(name)
    plain = reading.lower()
    assert preferred_key(full) == f"{plain}zixuan"
    syllables = surname_reading(name)[1]
    assert preferred_key(initials) == "".join(s[0] for s in syllables) + "zx"
    assert pinyin_choices(name)[0] == pinyin_spelling(name)


@pytest.mark.parametrize("surname", SINGLE)
def test_the_keys_still_hold_the_other_readings_of_a_single_surname(surname):
    """「czx」 finds 曾子轩 as 「zzx」 does: pypinyin's everyday reading of the character stays in the keys."""
    name = surname + GIVEN
    full, initials = pinyin_keys(name)
    assert _former_key(name) in full.split(KEY_SEPARATOR)
    assert _former_key(name)[0] + "zx" in initials.split(KEY_SEPARATOR)


def test_zeng_zi_xuan_as_the_issue_tells_it():
    assert pinyin_keys("曾子轩") == ("zengzixuan cengzixuan", "zzx czx")
    assert pinyin_spelling("曾子轩") == "ZENG ZI XUAN"
    assert pinyin_choices("曾子轩") == ["ZENG ZI XUAN", "CENG ZI XUAN"]


def test_the_clerk_may_choose_another_reading_of_a_surname_in_use():
    assert pinyin_choices("盖娅")[:2] == ["GE YA", "GAI YA"]  # both readings are surnames in use
    assert pinyin_choices("覃雨")[:2] == ["QIN YU", "TAN YU"]
    assert pinyin_choices("乐天")[:2] == ["YUE TIAN", "LE TIAN"]


def test_a_compound_surname_is_offered_only_in_its_readings_but_searched_in_all():
    assert pinyin_choices("尉迟敬德") == ["YUCHI JING DE"]
    assert "weichijingde" in pinyin_keys("尉迟敬德")[0].split(KEY_SEPARATOR)
    assert pinyin_choices("皇甫娟") == ["HUANGFU JUAN", "HUANGPU JUAN"]


def test_compound_before_single_and_only_when_a_given_name_follows():
    assert pinyin_spelling("单于飞") == "CHANYU FEI"
    assert pinyin_spelling("单于") == "SHAN YU"  # 单 the surname, 于 the given name
    assert pinyin_spelling("司马") == "SI MA"
    assert pinyin_spelling("长孙无忌") == "ZHANGSUN WU JI"


def test_names_without_a_family_name_first_and_other_characters():
    assert pinyin_spelling("阿依古丽·买买提") == "A YI GU LI · MAI MAI TI"
    assert pinyin_keys("张三") == ("zhangsan", "zs")
    assert pinyin_keys("张𠮷䶮")[0] == "zhang𠮷yan"  # a character pypinyin cannot read stays as it is
    assert pinyin_keys("Tom 张三") == (
        "tomzhangsan",
        "tzs",
    )  # no space inside a key: the space separates readings
    assert pinyin_keys("吕律") == ("lvlv", "ll")
    assert pinyin_spelling("") == ""
    assert pinyin_keys("") == ("", "")


def test_a_name_of_many_heteronyms_keeps_the_likeliest_spellings_only():
    full, initials = pinyin_keys("单乐行重")
    parts = full.split(KEY_SEPARATOR)
    assert parts[0] == "shanlexingzhong"
    assert 1 < len(parts) <= 12
    assert all(" " not in part and part for part in parts)
    assert (
        "danlexingzhong" in parts and "shanyuexingzhong" in parts
    )  # one other reading at a time comes first


def test_sorting_by_the_stored_key_sorts_by_the_surname_reading():
    names = ["曾子轩", "陈晨", "张三", "曾", "查理", "解放", "谢娜", "单雨", "沙丽", "覃宇", "秦岚", "张三丰"]
    by_key = sorted(names, key=lambda n: pinyin_keys(n)[0])
    by_spelling = sorted(
        names, key=lambda n: (pinyin_spelling(n).replace(" ", "").lower(), pinyin_keys(n)[0])
    )
    assert by_key == by_spelling
    assert by_key.index("陈晨") < by_key.index("曾子轩") < by_key.index("查理") < by_key.index("张三")


def test_stale_spelling_finds_what_the_app_filled_in_before_and_nothing_else():
    assert stale_spelling("曾子轩", "CENG ZI XUAN") == "ZENG ZI XUAN"
    assert stale_spelling("曾子轩", "ZENG ZI XUAN") is None
    assert stale_spelling("曾子轩", "ZENG ZIXUAN") is None  # typed by the clerk: left alone
    assert stale_spelling("张三", "ZHANG SAN") is None
    assert stale_spelling("曾子轩", None) is None


def test_heteronym_search_on_a_real_store_for_every_surname(school):
    """Each surname's student is found by the surname reading and by pypinyin's everyday one, by full 拼音 and by
    initials, through the roster's own search."""
    born = date(2019, 6, 1)
    ids = {}
    for seq, surname in enumerate(SURNAMES, start=1):
        name = surname + GIVEN
        ids[name] = add_student(
            school, name=name, birth=born, number=id_number(born, "1", seq), confirmed=True
        )
    missed = []
    for surname, reading in SURNAMES.items():
        name = surname + GIVEN
        full = reading.lower() + "zixuan"
        former = _former_key(name)
        initials = "".join(s[0] for s in surname_reading(name)[1]) + "zx"
        former_initials = "".join(s[0] for s in lazy_pinyin(name))
        for text in (full, full[:-3], initials, former, former_initials):
            if ids[name] not in {row.id for row in search_students(school, text, limit=1000)}:
                missed.append((name, text))
    assert missed == []
