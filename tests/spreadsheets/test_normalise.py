"""spreadsheets.normalise: every way clerks type a cell becomes one stored value, or a plain-Chinese message and hint.

Property tests: any date in any textual form round-trips; Excel serials read as openpyxl reads them; ID numbers with
full-width digits, lower-case x and spaces normalise (T12); every name and code of every code table the new-student
template uses is accepted. Then a table of concrete bad cells with their exact message and hint.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.utils.datetime import from_excel

from tests.factories import check_digit
from xueji_desktop.reference.codes import code_table
from xueji_desktop.spreadsheets.normalise import field_spec, normalise_cell
from xueji_desktop.spreadsheets.template import load_template

PROPERTY = settings(max_examples=200, deadline=None)
SPEC = load_template("new_students")
COLUMN = {c.field: c for c in SPEC.columns}
FULL_WIDTH = str.maketrans(
    {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)} | {" ": "\u3000"}
)  # what a Chinese IME types
SERIAL_2100 = 73415  # 2100-12-31


def cell(field: str, raw: object) -> tuple[object, str | None, str | None]:
    return normalise_cell(raw, COLUMN[field])


def value(field: str, raw: object) -> object:
    result, message, hint = cell(field, raw)
    assert message is None and hint is None, (raw, message)
    return result


def date_texts(day: date) -> list[str]:
    y, m, d = day.year, day.month, day.day
    return [
        f"{y}.{m}.{d}",
        f"{y}-{m:02d}-{d:02d}",
        f"{y}/{m}/{d}",
        f"{y}年{m}月{d}日",
        f"{y}{m:02d}{d:02d}",
        f"{y}.{m:02d}.{d:02d}",
        f"{y}-{m:02d}-{d:02d} 00:00:00",
    ]


# --- dates ---------------------------------------------------------------------------------------------------------


@PROPERTY
@given(
    st.dates(date(1900, 1, 1), date(2100, 12, 31)),
    st.integers(0, 6),
    st.booleans(),
    st.sampled_from(["", " ", "\u3000", "\t"]),
)
def test_any_valid_date_in_any_textual_form_round_trips(day, form, full_width, padding):
    text = date_texts(day)[form]
    if full_width:
        text = text.translate(FULL_WIDTH)
    assert value("birth_date", padding + text + padding) == day


@PROPERTY
@given(st.dates(date(1900, 1, 1), date(2100, 12, 31)))
def test_a_date_typed_into_a_numeric_cell_and_the_readers_dates(day):
    digits = int(f"{day:%Y%m%d}")
    assert value("birth_date", digits) == day
    assert value("birth_date", float(digits)) == day  # 20150304.0 from a numeric cell
    assert value("birth_date", day) == day
    assert value("birth_date", datetime(day.year, day.month, day.day, 13, 5)) == day


@PROPERTY
@given(
    st.one_of(
        st.integers(1, 1899), st.integers(2101, SERIAL_2100), st.floats(1, SERIAL_2100, allow_nan=False)
    ).filter(lambda n: not (float(n).is_integer() and 1900 <= n <= 2100))  # those are years, see below
)
def test_excel_serials_read_as_openpyxl_reads_them(serial):
    assert value("birth_date", serial) == from_excel(serial).date()


def test_serials_around_excels_fictitious_leap_day():
    for serial in (1, 59, 60, 61, 42067, 42067.9999, 42067.99999999):
        assert value("birth_date", serial) == from_excel(serial).date()
    assert value("birth_date", 42067) == date(2015, 3, 4)


@PROPERTY
@given(st.integers(1900, 2100), st.integers(1, 12), st.integers(29, 31))
def test_impossible_dates_are_refused_by_name(year, month, day):
    try:
        date(year, month, day)
    except ValueError:
        for text in (
            f"{year}-{month:02d}-{day:02d}",
            f"{year}年{month}月{day}日",
            f"{year}{month:02d}{day:02d}",
        ):
            assert cell("birth_date", text)[:2] == (None, f"{year:04d}-{month:02d}-{day:02d} 不存在")


@PROPERTY
@given(st.integers(1900, 2100), st.integers(1, 12), st.booleans())
def test_any_month_in_any_form_round_trips(year, month, full_width):
    expected = f"{year:04d}-{month:02d}"
    forms = [
        f"{year}{month:02d}",
        f"{year}-{month:02d}",
        f"{year}.{month}",
        f"{year}年{month}月",
        f"{year}/{month}",
        f"{year}-{month:02d}-01",
        f"{year}年{month}月1日",
    ]
    for text in forms:
        assert value("entry_month", text.translate(FULL_WIDTH) if full_width else text) == expected
    assert value("entry_month", int(f"{year}{month:02d}")) == expected
    assert value("entry_month", float(f"{year}{month:02d}")) == expected
    assert value("entry_month", date(year, month, 17)) == expected
    assert value("entry_month", datetime(year, month, 1)) == expected


def test_a_month_typed_as_a_decimal_number():
    assert value("entry_month", 2015.9) == "2015-09"
    assert value("entry_month", 2015.09) == "2015-09"
    assert value("entry_month", 2015.12) == "2015-12"
    assert value("entry_month", 42248) == "2015-09"  # a serial
    assert value("entry_month", 20150901) == "2015-09"


# --- ID numbers (T12) -------------------------------------------------------------------------------------------

id_bodies = st.text(alphabet="0123456789", min_size=17, max_size=17)


@PROPERTY
@given(
    id_bodies,
    st.booleans(),
    st.booleans(),
    st.lists(st.integers(0, 18), max_size=4),
    st.sampled_from(["id_number", "family.1.id_number", "family.2.id_number"]),
)
def test_id_numbers_normalise_full_width_lower_x_and_spaces(body, full_width, lower, gaps, field):
    number = body + check_digit(body)
    typed = number.lower() if lower else number
    for gap in sorted(set(gaps), reverse=True):
        typed = typed[:gap] + " " + typed[gap:]
    if full_width:
        typed = typed.translate(FULL_WIDTH)
    assert value(field, f" {typed}\u3000") == number


def test_an_id_number_excel_turned_into_a_float_is_refused_with_the_fix():
    assert cell("id_number", 1.40406201903121e17) == (
        None,
        "证件号被 Excel 存成了数字（显示为 1.40406201903121E+17），后几位已经丢失",
        "请把该列设为文本格式后重新输入",
    )
    assert cell("family.2.id_number", 1.40406201903121e17)[2] == "请把该列设为文本格式后重新输入"
    assert value("id_number", 140406201903121234) == "140406201903121234"  # an exact integer is kept


# --- code tables --------------------------------------------------------------------------------------------------

CODE_COLUMNS = [c for c in SPEC.columns if c.form == "name"]
TABLE_ROWS = [
    (column.field, code.code, code.name)
    for column in CODE_COLUMNS
    for code in code_table(field_spec(column).table).codes  # type: ignore[union-attr]
]


def test_every_name_column_has_a_code_table():
    assert {field_spec(c).table for c in CODE_COLUMNS} >= {"gender", "ethnicity", "relation", "left_behind"}


@pytest.mark.parametrize(("field", "code", "name"), TABLE_ROWS)
def test_every_name_and_code_of_every_code_table_is_accepted(field, code, name):
    table = code_table(field_spec(COLUMN[field]).table)  # type: ignore[union-attr]
    assert value(field, code) == code
    assert value(field, f"{code} ") == code
    named = value(field, f"\u3000{name} ")
    assert named == table.code_of(name) and table.name_of(named) == name  # 其他 twice in 入学方式: the first
    assert value(field, name.translate(FULL_WIDTH)) == named


@pytest.mark.parametrize(
    ("field", "typed", "code"),
    [
        ("ethnicity", "汉", "01"),
        ("ethnicity", "1", "01"),
        ("ethnicity", 1, "01"),
        ("ethnicity", 3.0, "03"),
        ("ethnicity", "蒙古", "02"),
        ("family.1.ethnicity", "汉族\u3000", "01"),
        ("student_source", "其它", "9"),
        ("inclusive_education", "其它残疾随班就读", "4"),
        ("overseas_status", 0, "00"),
        ("gender", "男性", "1"),
        ("blood_type", "A型", "1"),
        ("blood_type", "ab", "3"),
        ("blood_type", "O", "4"),
        ("health", "健康", "10"),
        ("hukou_type", "农业", "1"),
        ("hukou_type", "非农业", "2"),
        ("id_type", "身份证", "1"),
        ("id_type", "户口薄", "B"),
        ("id_type", "a", "A"),
        ("nationality", "CHN", "CHN"),
        ("family.1.relation", "爸爸", "1"),
        ("family.2.relation", "外婆", "3"),
        ("family.2.relation", "其它", "9"),
        ("political_status", "团员", "03"),
        ("commute_mode", "自行车", "2"),
        ("commute_mode", "公共交通", "3"),
        ("left_behind", "否", "0"),
        ("attendance_mode", "住宿", "2"),
        ("admission_method", "其他", "12"),
        ("admission_method", "高中阶段其他", "99"),  # the template's wording for 99 (SPEC: rxfs.csv)
    ],
)
def test_common_variants_that_mean_one_value(field, typed, code):
    if code is None:
        assert cell(field, typed)[0] is None
    else:
        assert value(field, typed) == code


# --- other forms --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("n", False),
        ("1", True),
        ("0", False),
        (1, True),
        (0.0, False),
        ("√", True),
        ("×", False),
        ("TRUE", True),
        ("false", False),
        (True, True),
        ("ｙｅｓ", True),
        (" 否 ", False),
    ],
)
def test_yes_no(typed, expected):
    assert value("only_child", typed) is expected
    assert value("family.1.is_guardian", typed) is expected


@pytest.mark.parametrize(
    ("field", "typed", "code"),
    [
        ("birthplace_region", "140406000000", "140406"),
        ("birthplace_region", 140406000000, "140406"),
        ("birthplace_region", 140406100000.0, "140406"),
        ("birthplace_region", "１４０４０６", "140406"),
        ("hukou_region", "140481", "140481"),  # 潞城市, abolished 2018: still on old records
        ("native_place", "山西省长治市潞城区", "140406"),
        ("native_place", "潞城区", "140406"),
        ("native_place", "长治市潞城区", "140406"),
        ("native_place", "山西潞城", "140406"),
        ("native_place", "山西省长治市", "140400"),
        ("native_place", "北京市东城区", "110101"),
        ("native_place", "山西省长治市潞城区店上镇", "140406"),
        ("family.1.hukou_region", "黎城县", "140426"),
    ],
)
def test_regions_by_code_or_by_a_name_that_means_one_region(field, typed, code):
    assert value(field, typed) == code


@pytest.mark.parametrize(
    ("field", "typed", "expected"),
    [
        ("phone", "13935512345", "13935512345"),
        ("phone", "139 3551 2345", "13935512345"),
        ("phone", "139-3551-2345", "13935512345"),
        ("phone", 13935512345.0, "13935512345"),
        ("phone", "１３９３５５１２３４５", "13935512345"),
        ("phone", "+86 139 3551 2345", "13935512345"),
        ("phone", "0355-5123456", "0355-5123456"),
        ("phone", "0355 5123456", "0355-5123456"),
        ("phone", "03555123456", "0355-5123456"),
        ("phone", "010-62345678", "010-62345678"),
        ("family.2.phone", "（0355）5123456", "0355-5123456"),
        ("postcode", "047500", "047500"),
        ("postcode", 47500, "047500"),
        ("postcode", "０４７５００", "047500"),
        ("school_code", 2140406999, "2140406999"),
        ("school_code", "2140406999.", None),
        ("class_number", 1.0, "1"),
        ("class_number", " 一年级（1）班 ", "一年级(1)班"),
        ("name", "张　三", "张三"),
        ("name", " 买买提•艾力 ", "买买提·艾力"),
        ("name", "Ｌｉｎｄａ　Ｗａｎｇ", "Linda Wang"),
        ("current_address", "潞华街道\n新华社区  12号", "潞华街道 新华社区 12号"),
        ("commute_distance", "2.5公里", "2.5"),
        ("commute_distance", 1.2, "1.2"),
        ("id_valid_until", datetime(2030, 1, 1), "2030-01-01"),
        ("seat_number", 7.0, "7"),
    ],
)
def test_text_phone_postcode_and_codes_kept_as_text(field, typed, expected):
    if expected is None:
        assert cell(field, typed)[0] is None
    else:
        assert value(field, typed) == expected


@pytest.mark.parametrize("typed", [None, "", " ", "\u3000", "\u200b"])
def test_empty_cells_are_none_without_a_message(typed):
    for column in SPEC.columns:
        assert normalise_cell(typed, column) == (None, None, None)


# --- bad cells: exact message and hint -------------------------------------------------------------------------

BAD_CELLS = [
    ("birth_date", "2015-02-30", "2015-02-30 不存在", "请核对月份和日子（每月最多31天，2月最多29天）"),
    ("birth_date", "2015年13月1日", "2015-13-01 不存在", "请核对月份和日子（每月最多31天，2月最多29天）"),
    ("birth_date", "三月四日", "“三月四日”不是日期", "请写成 20150304、2015-03-04 或 2015年3月4日 的形式"),
    ("birth_date", "1850-01-01", "年份 1850 不对", "请核对年份（四位数字）"),
    ("birth_date", 5_000_000, "“5000000”不是日期", "请写成 20150304、2015-03-04 或 2015年3月4日 的形式"),
    ("birth_date", 2015, "“2015”只有年份", "请写成 20150304、2015-03-04 或 2015年3月4日 的形式"),
    ("birth_date", "2015年", "“2015年”只有年份", "请写成 20150304、2015-03-04 或 2015年3月4日 的形式"),
    ("entry_month", 2015.0, "“2015”只有年份，缺少月份", "请写成 201509、2015-09 或 2015年9月 的形式"),
    ("entry_month", "2015", "“2015”只有年份，缺少月份", "请写成 201509、2015-09 或 2015年9月 的形式"),
    ("entry_month", "2015-13", "2015年13月 不存在", "请写成 201509、2015-09 或 2015年9月 的形式"),
    ("entry_month", "九月", "“九月”不是年月", "请写成 201509、2015-09 或 2015年9月 的形式"),
    (
        "entry_month",
        2015.1,
        "“2015.1”可能是2015年1月也可能是10月（Excel 把 .10 存成了 .1）",
        "请把该列设为文本格式，写成 201510 或 2015-10",
    ),
    (
        "id_number",
        1.40406201903121e17,
        "证件号被 Excel 存成了数字（显示为 1.40406201903121E+17），后几位已经丢失",
        "请把该列设为文本格式后重新输入",
    ),
    (
        "id_number",
        "14040620190314号",
        "证件号“14040620190314号”中有汉字或符号",
        "证件号只能是数字和字母，居民身份证号最后一位可以是X",
    ),
    ("gender", "男孩", "“男孩”不是可选的性别", "请填写：男、女（也可填代码）"),
    (
        "ethnicity",
        "火星族",
        "“火星族”不是可选的民族",
        "请填写：汉族、蒙古族、回族、藏族、维吾尔族、苗族、彝族、壮族等（也可填代码）",
    ),
    (
        "left_behind",
        "是",
        "“是”不明确，可能是单亲留守儿童或双亲留守儿童",
        "请填写完整名称：单亲留守儿童、双亲留守儿童",
    ),
    ("only_child", "不知道", "“不知道”应填“是”或“否”", "请填写“是”或“否”（也可填 Y/N、1/0、√/×）"),
    (
        "birthplace_region",
        "140499",
        "行政区划代码 140499 不存在",
        "请填写12位或6位行政区划代码（如 140406000000），或写出省市县名称（如 山西省长治市潞城区）",
    ),
    (
        "hukou_region",
        "1404060",
        "行政区划代码应为12位或6位，“1404060”是7位",
        "请填写12位或6位行政区划代码（如 140406000000），或写出省市县名称（如 山西省长治市潞城区）",
    ),
    (
        "native_place",
        "火星",
        "找不到行政区划“火星”",
        "请填写12位或6位行政区划代码（如 140406000000），或写出省市县名称（如 山西省长治市潞城区）",
    ),
    ("phone", "5123456", "固定电话“5123456”缺少区号", "请写成“区号-号码”，如 0355-5123456；手机号为11位"),
    ("phone", "1393551234", "手机号应为11位，“1393551234”是10位", "请核对手机号"),
    (
        "phone",
        "13935512345/13800138000",
        "“13935512345/13800138000”像是多个号码",
        "只填一个号码（手机号或带区号的固定电话）",
    ),
    ("family.1.phone", "无", "“无”中有数字以外的字符", "电话只能是数字，可以用空格或短横线分隔"),
    ("postcode", "04750", "邮政编码应为6位数字，“04750”不是", "请核对邮政编码，如 047500"),
    ("school_code", "214040699", "学校标识码应为10位数字，“214040699”不是", "请填写本校的10位学校标识码"),
    ("name", "张三1", "姓名中有数字：“张三1”", "请只填写姓名，编号等写在其他列"),
    ("name", "张" * 51, "太长了：51个字，最多50个字", "请删减到50个字以内"),
    ("postcode", "0475001", "邮政编码应为6位数字，“0475001”不是", "请核对邮政编码，如 047500"),
    ("commute_distance", "很远", "“很远”不是距离", "请填写以公里为单位的数字，如 2.5"),
]


@pytest.mark.parametrize(("field", "typed", "message", "hint"), BAD_CELLS)
def test_bad_cells_say_what_is_wrong_and_how_to_fix_it(field, typed, message, hint):
    assert cell(field, typed) == (None, message, hint)


def test_ambiguous_region_names_list_the_candidates():
    stored, message, hint = cell("native_place", "城区")
    assert stored is None
    assert message.startswith("“城区”有重名：") and "山西省阳泉市城区" in message
    assert hint == "请写上省、市名称，如“山西省长治市潞城区”，或填写行政区划代码"
