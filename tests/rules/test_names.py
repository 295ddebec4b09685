"""rules.names (R13.1): what a person's name may hold — control, direction-override and zero-width characters and
emoji refused, a leading = + - @ warned (Excel formula), 「·」 names and rare characters fine — and check_student
refusing the same, on the field to fix."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import id_number
from xueji_desktop.reference.regions import region_table
from xueji_desktop.reference.student_fields import new_student_defaults
from xueji_desktop.rules.names import (
    changed_name_findings,
    name_findings,
    normalise_dots,
    record_name_findings,
)
from xueji_desktop.rules.student_record import check_student

REFUSED = [
    ("张\n三", "控制字符"),
    ("张\t三", "控制字符"),
    ("张三\x07", "控制字符"),
    ("张\u2028三", "控制字符"),
    ("\u202e三张", "改变文字方向"),
    ("张\u202a三", "改变文字方向"),
    ("张\u2066三\u2069", "改变文字方向"),
    ("张\u200b三", "零宽字符"),
    ("张\u200d三", "零宽字符"),
    ("\ufeff张三", "零宽字符"),
    ("张三😀", "表情符号"),
    ("张三\u2764\ufe0f", "表情符号"),
    ("👨\u200d👩\u200d👧", "表情符号"),
]


@pytest.mark.parametrize(("name", "what"), REFUSED)
def test_r13_1_each_kind_of_bad_character_is_refused(name, what):
    found = name_findings(name)
    refusals = [f for f in found if f.blocks]
    assert refusals and all(f.rule_id == "R13.1" for f in refusals)
    assert any(what in f.message for f in refusals)
    assert "第十三条" in refusals[0].text


@pytest.mark.parametrize("name", ['=HYPERLINK("x")', "+86张三", "-张三", "@SUM(1)", "＝张三"])
def test_r13_1_a_leading_formula_character_is_warned_not_refused(name):
    [finding] = name_findings(name)
    assert finding.rule_id == "R13.1" and not finding.blocks
    assert "公式" in finding.message


@pytest.mark.parametrize("name", ["阿依古丽·买买提", "𠮷祥", "李䶮", "王𪚥", "张三", "欧阳娜娜", "Anna"])
def test_r13_1_dot_names_and_rare_characters_are_fine(name):
    assert name_findings(name) == []


@pytest.mark.parametrize("dot", ["•", "・", "‧", "∙", "⋅", "．", "."])
def test_the_look_alike_dots_become_one(dot):
    assert normalise_dots(f"阿依古丽{dot}买买提") == "阿依古丽·买买提"


def _record(**values):
    defaults, family = new_student_defaults(date(2026, 9, 1))
    born = date(2020, 3, 12)
    defaults.update(
        {"name": "张三", "gender": "1", "birth_date": born, "id_number": id_number(born, "1"), **values}
    )
    family[0].update(name="张建国")
    family[1].update(name="李秀英")
    return defaults, family


def test_r13_1_check_student_refuses_a_bad_name_on_its_field():
    values, family = _record(name="张\u202e三", former_name="小三😀")
    family[0]["name"] = "张\u200b建国"
    problems = check_student(values, family, region_exists=region_table().exists, today=date(2026, 9, 10))
    by_field = {p.field: p for p in problems}
    assert "改变文字方向" in by_field["name"].message and by_field["name"].label == "姓名"
    assert "表情符号" in by_field["former_name"].message
    assert "零宽字符" in by_field["family.1.name"].message
    # the term review lists names apart (one check of its own), so it can leave them out here
    quiet = check_student(
        values, family, region_exists=region_table().exists, today=date(2026, 9, 10), check_names=False
    )
    assert not {"name", "former_name", "family.1.name"} & {p.field for p in quiet}


def test_r13_1_check_student_passes_a_dot_name_and_does_not_refuse_a_warning():
    values, family = _record(name="阿依古丽·买买提")
    assert check_student(values, family, region_exists=region_table().exists, today=date(2026, 9, 10)) == []
    values, family = _record(name="=张三")
    assert check_student(values, family, region_exists=region_table().exists, today=date(2026, 9, 10)) == []
    assert [f.blocks for _, f in record_name_findings(values, family)] == [False]


def test_r13_1_the_information_change_sees_only_the_names_asked_for():
    assert changed_name_findings({"phone": "13800138000"}) == []
    [found] = changed_name_findings({"name": "张\u202e三"})
    assert found.blocks and found.rule_id == "R13.1"
