"""spreadsheets.rows: a spreadsheet row → a checked student record (R13.1), and a header row → template columns.

A full 71-column row of demo-like values passes with no problem; ID number against birth date and gender is flagged on
身份证件号 naming both values; required cells, empty family members, and headers matched twice or not at all.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import id_number
from xueji_desktop import demo
from xueji_desktop.spreadsheets.normalise import CellProblem
from xueji_desktop.spreadsheets.rows import check_header_mapping, read_row
from xueji_desktop.spreadsheets.template import load_template

SPEC = load_template("new_students")
HEADERS = [c.header for c in SPEC.columns]
BORN = date(2019, 3, 14)
CHILD_ID = id_number(BORN, "1", 21)
FATHER_ID = id_number(date(1988, 6, 2), "1", 31)
MOTHER_ID = id_number(date(1990, 11, 20), "2", 41)
ADDRESS = f"{demo.DISTRICT}潞华街道新华社区12号"
LUCHENG12 = f"{demo.REGION}000000"


def valid_row() -> dict[str, object]:
    """Header → cell, as the provincial template writes a pupil of the demo school (names for options, 12-digit
    regions, YYYYMMDD, YYYYMM, text IDs)."""
    return {
        "学校标识码": "2140406999",
        "姓名": "王子轩",
        "性别": "男",
        "出生日期": f"{BORN:%Y%m%d}",
        "出生地行政区划代码": LUCHENG12,
        "籍贯": demo.DISTRICT,
        "民族": "汉族",
        "国籍/地区": "中国",
        "身份证件类型": "居民身份证",
        "港澳台侨外": "否",
        "健康状况": "健康或良好",
        "政治面貌": "群众",
        "身份证件号": CHILD_ID,
        "户口性质": "农业户口",
        "户口所在地行政区划": LUCHENG12,
        "班号": "1",
        "入学年月": "202509",
        "入学方式": "就近入学",
        "就读方式": "走读",
        "现住址": ADDRESS,
        "通信地址": ADDRESS,
        "家庭地址": ADDRESS,
        "联系电话": "13935512345",
        "邮政编码": demo.POSTCODE,
        "是否独生子女": "否",
        "是否受过学前教育": "是",
        "是否留守儿童": "非留守儿童",
        "是否需要申请资助": "否",
        "是否享受一补": "否",
        "是否孤儿": "否",
        "是否烈士或优抚子女": "否",
        "上下学距离": "1.2",
        "上下学方式": "步行",
        "是否需要乘坐校车": "否",
        "曾用名": "",
        "身份证件有效期": "",
        "血型": "A血型",
        "特长": "书法",
        "学籍辅号": "",
        "班内学号": "1",
        "学生来源": "正常入学",
        "电子信箱": "",
        "主页地址": "",
        "残疾类型": "无残疾",
        "是否由政府购买学位": "否",
        "随班就读": "非随班就读",
        "成员1姓名": "王建军",
        "成员1关系": "父亲",
        "成员1关系说明": "",
        "成员1现住址": ADDRESS,
        "成员1户口所在地行政区划": LUCHENG12,
        "成员1联系电话": "13935512345",
        "成员1是否监护人": "是",
        "成员1身份证件类型": "居民身份证",
        "成员1身份证件号": FATHER_ID,
        "成员1民族": "汉族",
        "成员1工作单位": "山西潞宝集团",
        "成员1职务": "职工",
        "成员2姓名": "李丽娟",
        "成员2关系": "母亲",
        "成员2关系说明": "",
        "成员2现住址": ADDRESS,
        "成员2户口所在地行政区划": LUCHENG12,
        "成员2联系电话": "13835598765",
        "成员2是否监护人": "否",
        "成员2身份证件类型": "居民身份证",
        "成员2身份证件号": MOTHER_ID,
        "成员2民族": "汉族",
        "成员2工作单位": "潞城区教育系统",
        "成员2职务": "教师",
        "是否进城务工人员随迁子女": "否",
    }


def read(row: dict[str, object], headers: list[str] | None = None, row_number: int = 2):
    headers = headers or HEADERS
    mapping = check_header_mapping(headers, SPEC)
    return read_row(row_number, [row.get(h, "") for h in headers], mapping.columns)


def on(problems: list[CellProblem], header: str) -> list[CellProblem]:
    return [p for p in problems if p.header == header]


# --- a valid row ------------------------------------------------------------------------------------------------


def test_a_full_valid_71_column_row_has_no_problems():
    row = valid_row()
    assert list(row) == HEADERS and len(HEADERS) == 71
    record = read(row, row_number=5)
    assert not record.problems
    assert record.row_number == 5
    assert record.school_code == "2140406999" and record.class_label == "1"
    values = record.values
    assert values["name"] == "王子轩" and values["gender"] == "1" and values["birth_date"] == BORN
    assert values["id_number"] == CHILD_ID and values["birthplace_region"] == demo.REGION
    assert values["native_place"] == demo.REGION and values["entry_month"] == "2025-09"
    assert values["only_child"] is False and values["preschool"] is True and values["blood_type"] == "1"
    assert values["former_name"] is None and "school_code" not in values and "class_number" not in values
    assert len(values) == 71 - 2 - 24  # every student column of the file, no more
    father, mother = record.family
    assert father["name"] == "王建军" and father["relation"] == "1" and father["is_guardian"] is True
    assert father["hukou_region"] == demo.REGION and father["id_number"] == FATHER_ID
    assert mother["relation"] == "2" and mother["is_guardian"] is False and mother["id_number"] == MOTHER_ID


def test_the_same_row_typed_the_way_clerks_type_it_gives_the_same_record():
    """Full-width digits, 「2019年3月14日」, codes for names, a serial for 入学年月, numeric cells, lower-case x."""
    row = valid_row()
    row.update(
        {
            "出生日期": "２０１９年３月１４日",
            "身份证件号": " " + CHILD_ID[:6] + " " + CHILD_ID[6:].lower() + "\u3000",
            "民族": "汉",
            "性别": "1",
            "出生地行政区划代码": float(LUCHENG12),
            "籍贯": "山西潞城",
            "入学年月": 45901,
            "联系电话": 13935512345.0,
            "邮政编码": 47500,
            "是否独生子女": "×",
            "是否受过学前教育": "√",
            "学校标识码": 2140406999.0,
            "班号": 1.0,
            "成员1关系": "爸爸",
            "成员2关系": "妈妈",
            "成员1是否监护人": "Y",
            "成员2是否监护人": "N",
            "血型": "A型",
            "健康状况": "健康",
        }
    )
    assert read(row) == read(valid_row())


def test_a_file_with_only_the_essential_columns_is_completed_with_defaults():
    """A kindergarten's list: 姓名, 性别, 出生日期, 身份证件号 — the rest comes from the new-student defaults and the
    enrolment steps (R10.3), so nothing is reported."""
    headers = ["姓名", "性别", "出生年月", "身份证号"]
    record = read({"姓名": "王子轩", "性别": "男", "出生年月": BORN, "身份证号": CHILD_ID}, headers)
    assert not record.problems
    assert record.values == {"name": "王子轩", "gender": "1", "birth_date": BORN, "id_number": CHILD_ID}
    assert record.family == () and record.school_code is None and record.class_label is None


# --- the record as a whole (R13.1) ---------------------------------------------------------------------------------


def test_r13_1_id_number_and_gender_disagreeing_is_flagged_on_the_id_naming_both():
    row = valid_row()
    row["性别"] = "女"
    problems = read(row).problems
    assert [p.header for p in problems] == ["身份证件号"]
    problem = problems[0]
    assert problem.value == CHILD_ID
    assert "性别“女”" in problem.message and "第17位表示男" in problem.message
    assert problem.hint == "请以户口簿为准，核对身份证件号和性别"


def test_r13_1_id_number_and_birth_date_disagreeing_is_flagged_on_the_id_naming_both():
    row = valid_row()
    row["出生日期"] = "2019.3.15"
    (problem,) = read(row).problems
    assert problem.header == "身份证件号"
    assert problem.message == "出生日期 2019-03-15 与身份证件号中的 2019-03-14 不一致"
    assert problem.hint == "请以户口簿为准，核对身份证件号和出生日期"


def test_r13_1_a_wrong_check_digit_is_on_the_id_column():
    row = valid_row()
    row["身份证件号"] = CHILD_ID[:-1] + ("1" if CHILD_ID[-1] != "1" else "2")
    (problem,) = read(row).problems
    assert problem.header == "身份证件号" and "校验位不对" in problem.message
    assert problem.hint == "请对照户口簿逐位核对身份证件号"


def test_r13_1_a_family_members_wrong_id_is_on_that_members_column():
    row = valid_row()
    row["成员2身份证件号"] = MOTHER_ID[:-1] + ("1" if MOTHER_ID[-1] != "1" else "2")
    (problem,) = read(row).problems
    assert problem.header == "成员2身份证件号" and problem.message.startswith(
        "家庭成员2 身份证件号的校验位不对"
    )


def test_a_bad_cell_is_reported_once_not_again_by_the_record_check():
    row = valid_row()
    row["身份证件号"] = 1.40406201903121e17
    row["出生日期"] = "2019-02-30"
    problems = read(row).problems
    assert [(p.header, p.value, p.hint) for p in problems] == [
        ("出生日期", "2019-02-30", "请核对月份和日子（每月最多31天，2月最多29天）"),
        ("身份证件号", "1.40406201903121E+17", "请把该列设为文本格式后重新输入"),
    ]


def test_required_cells_left_empty_are_named():
    row = valid_row()
    row.update({"民族": "", "联系电话": " ", "成员1姓名": ""})
    problems = read(row).problems
    assert [(p.header, p.message, p.hint) for p in problems] == [
        ("民族", "必填", "请填写民族"),
        ("联系电话", "必填", "请填写联系电话"),
        ("成员1姓名", "必填", "请填写成员1姓名"),
    ]


def test_school_code_and_class_may_be_blank_on_import():
    """The app knows its school and can assign balanced classes (均衡编班)."""
    row = valid_row()
    row.update({"学校标识码": "", "班号": ""})
    record = read(row)
    assert not record.problems and record.school_code is None and record.class_label is None


def test_an_all_empty_family_member_is_left_out():
    row = valid_row()
    for header in HEADERS:
        if header.startswith("成员2"):
            row[header] = ""
    record = read(row)
    assert not record.problems
    assert [m["name"] for m in record.family] == ["王建军"]


def test_a_partly_filled_member_needs_its_required_cells():
    row = valid_row()
    for header in HEADERS:
        if header.startswith("成员2") and header != "成员2联系电话":
            row[header] = ""
    problems = read(row).problems
    assert {p.header for p in problems} == {
        "成员2姓名",
        "成员2关系",
        "成员2现住址",
        "成员2户口所在地行政区划",
        "成员2是否监护人",
    }
    assert {p.message for p in problems} == {"必填"}


def test_only_the_second_member_filled_keeps_its_own_number_in_messages():
    row = valid_row()
    for header in HEADERS:
        if header.startswith("成员1"):
            row[header] = ""
    row["成员2是否监护人"] = "是"
    row["成员2身份证件号"] = MOTHER_ID[:-1] + ("1" if MOTHER_ID[-1] != "1" else "2")
    record = read(row)
    assert [m["name"] for m in record.family] == ["李丽娟"]
    (problem,) = record.problems
    assert problem.header == "成员2身份证件号" and problem.message.startswith("家庭成员2 ")


def test_no_guardian_is_flagged_on_the_guardian_column():
    row = valid_row()
    row["成员1是否监护人"] = "否"
    (problem,) = read(row).problems
    assert problem.header == "成员1是否监护人" and problem.value == "否"
    assert problem.message == "至少要有一位家庭成员标明为监护人"


def test_a_row_with_family_columns_but_no_member_says_so():
    row = {h: v for h, v in valid_row().items() if not h.startswith("成员")}
    record = read(row)
    assert record.family == ()
    (problem,) = record.problems
    assert (problem.header, problem.value, problem.message) == ("成员1姓名", "", "没有填写家庭成员")


def test_a_non_resident_id_type_needs_a_number_but_no_checksum():
    row = valid_row()
    row.update({"身份证件类型": "香港特区护照/身份证明", "身份证件号": "h1234567(8)"})
    record = read(row)
    assert not record.problems and record.values["id_number"] == "H1234567(8)"
    row["身份证件号"] = ""
    (problem,) = read(row).problems
    assert (problem.header, problem.message, problem.hint) == (
        "身份证件号",
        "身份证件号不能为空",
        "请填写身份证件号",
    )


def test_a_missing_id_column_is_reported_on_the_id_type_column():
    headers = ["姓名", "性别", "出生日期", "证件类型"]
    record = read({"姓名": "王子轩", "性别": "男", "出生日期": BORN, "证件类型": "护照"}, headers)
    (problem,) = record.problems
    assert (problem.header, problem.value, problem.message) == ("身份证件类型", "护照", "身份证件号不能为空")
    assert problem.column == 3  # the file calls it 证件类型: the index finds the cell


def test_cells_shorter_than_the_headers_are_empty():
    mapping = check_header_mapping(HEADERS, SPEC)
    record = read_row(3, ["2140406999", "王子轩", "男"], mapping.columns)
    assert record.values["name"] == "王子轩" and record.values["birth_date"] is None
    assert [p.header for p in record.problems][:2] == ["出生日期", "出生地行政区划代码"]


@pytest.mark.parametrize(
    ("header", "typed"), [("出生日期", "2015-02-30"), ("民族", "火星族"), ("联系电话", "123")]
)
def test_a_cell_problem_carries_row_header_and_value(header, typed):
    row = valid_row()
    row[header] = typed
    (problem,) = read(row, row_number=9).problems
    assert (problem.row_number, problem.header, problem.value) == (9, header, typed)
    assert problem.column == HEADERS.index(header)
    assert problem.message and problem.hint


# --- the header row -----------------------------------------------------------------------------------------------


def test_the_templates_own_headers_map_to_every_column():
    mapping = check_header_mapping(HEADERS, SPEC)
    assert mapping.columns == list(SPEC.columns)
    assert (mapping.unknown, mapping.missing_required, mapping.missing_optional, mapping.duplicates) == (
        [],
    ) * 4
    assert mapping.usable


def test_aliases_unknown_blank_and_twice_matched_headers():
    headers = ["序号", "学生姓名", "性别（必填）", "出生年月", "证件号码", None, "姓名", "备注", "成员1 姓名"]
    mapping = check_header_mapping(headers, SPEC)
    fields = [c.field if c else None for c in mapping.columns]
    assert fields == [None, "name", "gender", "birth_date", "id_number", None, None, None, "family.1.name"]
    assert mapping.unknown == ["序号", "备注"]
    assert mapping.duplicates == ["姓名"]
    assert mapping.missing_required == [] and mapping.usable
    assert "民族" in mapping.missing_optional and "成员1关系" in mapping.missing_optional
    assert "身份证件类型" not in mapping.missing_optional and "班号" in mapping.missing_optional


def test_a_header_row_without_the_essentials_is_not_usable():
    mapping = check_header_mapping(["姓名", "民族", "家庭地址"], SPEC)
    assert mapping.missing_required == ["性别", "出生日期", "身份证件号"]
    assert not mapping.usable
    assert check_header_mapping(["姓名", "性别", "出生日期", "证件类型"], SPEC).missing_required == []
