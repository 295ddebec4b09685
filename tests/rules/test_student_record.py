"""R13.1 (第十三条, no record from false information): rules.student_record checks a record field by field.

Each problem names the field the clerk must fix.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import id_number, student_form
from xueji_desktop.reference.regions import region_table
from xueji_desktop.rules.student_record import check_student, normalised_id

TODAY = date(2026, 11, 29)


def _problems(values=None, family=None, **changes):
    form = student_form()
    values = dict(form.values if values is None else values, **changes)
    family = form.family if family is None else family
    return check_student(values, family, region_exists=region_table().exists, today=TODAY)


def _fields(problems):
    return {p.field: p.message for p in problems}


def test_a_complete_record_has_no_problems():
    assert _problems() == []


def test_r13_1_required_fields_are_named():
    """R13.1: an empty 姓名, 性别 or 入学年月 is named by its label."""
    fields = _fields(_problems(name="", entry_month=None))
    assert fields["name"] == "姓名不能为空"
    assert fields["entry_month"] == "入学年月不能为空"


def test_r13_1_id_number_must_agree_with_birth_date_and_gender():
    """R13.1: the birth date and gender written must be those the 身份证件号 carries."""
    number = id_number(date(2019, 3, 14), "1", 21)
    fields = _fields(_problems(id_number=number, birth_date=date(2019, 3, 15), gender="2"))
    assert "与身份证件号中的 2019-03-14 不一致" in fields["birth_date"]
    assert "第17位表示男" in fields["gender"]


def test_r13_1_bad_id_number_is_refused_on_the_id_field():
    number = id_number(date(2019, 3, 14), "1", 22)
    wrong = number[:5] + str((int(number[5]) + 1) % 10) + number[6:]
    fields = _fields(_problems(id_number=wrong))
    assert "校验位不对" in fields["id_number"]


def test_r13_1_other_id_types_need_a_number_but_not_a_checksum():
    fields = _fields(_problems(id_type="6", id_number=None))
    assert fields["id_number"] == "身份证件号不能为空"
    assert _problems(id_type="6", id_number="H12345678") == []


@pytest.mark.parametrize("born", [date(1990, 1, 1), date(2027, 1, 1)])
def test_implausible_birth_dates_are_refused(born):
    fields = _fields(_problems(id_type="6", id_number="H1", birth_date=born))
    assert "不合常理" in fields["birth_date"]


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("phone", "12345", "不像手机号或固定电话"),
        ("postcode", "04630", "应为6位数字"),
        ("email", "no-at-sign", "电子信箱格式不对"),
        ("entry_month", "2026-9", "应写成“2026-09”的形式"),
        ("birthplace_region", "999999", "不是有效的行政区划代码"),
        ("former_name", "长" * 51, "曾用名太长（最多50个字）"),
    ],
)
def test_field_formats(key, value, message):
    fields = _fields(_problems(**{key: value}))
    assert message in fields[key]


@pytest.mark.parametrize("phone", ["13800138000", "0355-5021234", "03555021234", "5021234"])
def test_good_phone_numbers_pass(phone):
    assert _problems(phone=phone) == []


def test_family_needs_a_guardian_and_named_members():
    form = student_form()
    family = [dict(m, is_guardian=False) for m in form.family]
    family[1]["name"] = ""
    fields = _fields(_problems(family=family))
    assert fields["family"] == "至少要有一位家庭成员标明为监护人"
    assert fields["family.2.name"] == "家庭成员2 姓名不能为空"


def test_family_member_id_number_is_checked():
    form = student_form()
    family = [dict(form.family[0], id_number="140406198001010000"), form.family[1]]
    fields = _fields(_problems(family=family))
    assert fields["family.1.id_number"].startswith("家庭成员1 身份证件号")


def test_normalised_id():
    assert normalised_id({"id_number": "１４０４０６２０１９０３１４００１ｘ"}) == "14040620190314001X"
    assert normalised_id({"id_number": None}) is None
