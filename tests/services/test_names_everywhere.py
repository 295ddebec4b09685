"""R13.1 (rules/names.py) in every path a name is written or kept: the student dialog's save (check_student through
services.students), 信息变更's new name, and the term review, which lists stored names that break the rule."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import add_student, class_id_of
from xueji_desktop.models import Student
from xueji_desktop.rules import proofs
from xueji_desktop.rules.findings import RuleViolation
from xueji_desktop.rules.review import Check
from xueji_desktop.services import procedures
from xueji_desktop.services.procedures import information_changes
from xueji_desktop.services.students import InvalidRecord, load_form, update_student
from xueji_desktop.services.term_review import review

TODAY = date(2026, 11, 20)


def _set(store, student_id: int, **values) -> None:
    with store.transaction() as session:
        student = session.get(Student, student_id)
        for key, value in values.items():
            setattr(student, key, value)


def test_r13_1_the_dialogs_save_refuses_a_direction_override(school):
    student = add_student(school, class_id_of(school, 2))
    # not yet established (R14.1), so its 姓名 may still be edited in the dialog
    _set(school, student, enrolment_step="信息表已下发", national_student_id=None)
    form = load_form(school, student)
    form.values["name"] = "张\u202e三"
    with pytest.raises(InvalidRecord, match="改变文字方向"):
        update_student(school, student, form)
    form.values["name"] = "阿依古丽·买买提"
    assert update_student(school, student, form)


def test_r13_1_an_information_change_to_a_name_with_an_emoji_is_refused(school, scan):
    student = add_student(school, class_id_of(school, 2))
    _set(school, student, enrolment_step="审核通过")
    request = information_changes.InformationChangeRequest(student_id=student, new_values={"name": "张三😀"})
    with pytest.raises(RuleViolation) as caught:
        procedures.open(school, request, [scan(proofs.HOUSEHOLD_REGISTER_COPY)], today=TODAY)
    refusals = [f for f in caught.value.findings if f.blocks]
    assert [f.rule_id for f in refusals] == ["R13.1"] and "表情符号" in refusals[0].message


def test_r34_1_the_term_review_lists_a_stored_name_that_breaks_r13_1(school):
    clean = add_student(school, class_id_of(school, 2), name="周芷若")
    hidden = add_student(school, class_id_of(school, 2), name="赵敏")
    _set(school, hidden, name="赵\u200b敏")  # written behind the app's back, or before the rule
    result = review(school, today=TODAY)
    [found] = [f for f in result.findings if f.check is Check.NAME]
    assert found.student.id == hidden and found.rule_id == "R34.1" and "零宽字符" in found.problem
    assert "第十三条" in found.basis
    assert result.counts[Check.RECORD] == 0  # listed once, under its own check
    assert all(f.student.id != clean for f in result.findings)


def test_a_name_excel_would_read_as_a_formula_is_saved_only_when_confirmed_R13_1(school):
    """R13.1: 「=张三」 by hand is warned (the clerk confirms), never refused."""
    from tests.factories import class_id_of, student_form
    from xueji_desktop.rules.findings import RuleViolation
    from xueji_desktop.services.students import create_student

    form = student_form(class_id_of(school, 1), name="=张三")
    with pytest.raises(RuleViolation) as warned:
        create_student(school, form)
    assert not warned.value.blocking and warned.value.findings[0].rule_id == "R13.1"
    assert create_student(school, form, confirmed=True) > 0
