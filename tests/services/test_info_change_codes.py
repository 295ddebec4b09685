"""信息变更 of a code-valued key field (第十四条, R14.1): the request carries the code (or the name, made the code),
the procedure's facts and the timeline show the names, the record gets the code only once the authority approved,
and old and new stay in the status change; a 性别 against the 居民身份证 number, or a code the table lacks, is
refused."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import add_student, class_id_of, id_number
from xueji_desktop.models import Procedure, StatusChange, Student
from xueji_desktop.rules import proofs
from xueji_desktop.rules.findings import RuleViolation
from xueji_desktop.services import history, procedures
from xueji_desktop.services.procedures import information_changes

TODAY = date(2026, 11, 2)


def _open(store, student_id: int, new_values: dict, scan) -> int:
    request = information_changes.InformationChangeRequest(student_id=student_id, new_values=new_values)
    return procedures.open(store, request, [scan(proofs.HOUSEHOLD_REGISTER_COPY)], today=TODAY)


def _complete(store, procedure_id: int) -> None:
    procedures.advance(
        store, procedure_id, "学籍管理部门已核准", on=TODAY, approval_number="潞教变〔2026〕7号"
    )
    procedures.advance(store, procedure_id, "已维护", on=TODAY)


def _student(store, student_id: int) -> Student:
    with store.read() as session:
        student = session.get(Student, student_id)
        session.expunge(student)
        return student


def test_r14_1_an_ethnicity_change_from_01_to_03_is_applied_and_kept_in_history(school, scan):
    student = add_student(school, class_id_of(school, 3), name="马小军")
    assert _student(school, student).ethnicity == "01"
    procedure_id = _open(school, student, {"ethnicity": "03"}, scan)
    with school.read() as session:
        facts = json.loads(session.get(Procedure, procedure_id).facts)
    assert facts["fields"] == {"ethnicity": ["01", "03"]}  # codes, as stored
    assert facts["shown"] == {"ethnicity": ["汉族", "回族"]} and facts["labels"] == {"ethnicity": "民族"}
    assert _student(school, student).ethnicity == "01"  # not before the authority approved (R14.1)

    _complete(school, procedure_id)
    assert _student(school, student).ethnicity == "03"
    with school.read() as session:
        change = session.scalar(select(StatusChange).where(StatusChange.kind == "information_change"))
        assert json.loads(change.details)["fields"] == {"ethnicity": ["01", "03"]}
        assert change.reason == "民族：汉族 → 回族"
        change_id = change.id
    _, entries = history.timeline(school, student)
    assert any("民族：汉族 → 回族" in entry.detail for entry in entries)

    procedures.reverse(school, change_id, reason="审批文号有误", on=TODAY)  # the old code back
    assert _student(school, student).ethnicity == "01"


def test_r14_1_a_code_value_may_be_given_by_its_name(school, scan):
    student = add_student(school, class_id_of(school, 3))
    procedure_id = _open(school, student, {"ethnicity": "蒙古族"}, scan)
    _complete(school, procedure_id)
    assert _student(school, student).ethnicity == "02"


def test_r14_1_a_code_the_table_lacks_is_refused(school, scan):
    student = add_student(school, class_id_of(school, 3))
    with pytest.raises(RuleViolation) as caught:
        _open(school, student, {"ethnicity": "99民族"}, scan)
    assert [f.rule_id for f in caught.value.findings] == ["R14.1"]
    assert "民族" in caught.value.findings[0].text and "第十四条" in caught.value.findings[0].text
    with school.read() as session:
        assert session.scalar(select(Procedure.id)) is None


def test_r14_1_a_gender_change_against_the_id_number_is_refused(school, scan):
    student = add_student(school, class_id_of(school, 3), gender="1")
    with pytest.raises(RuleViolation) as caught:
        _open(school, student, {"gender": "2"}, scan)  # the 居民身份证 number still says 男
    [finding] = caught.value.findings
    assert finding.rule_id == "R14.1" and "性别" in finding.text
    assert _student(school, student).gender == "1"


def test_r14_1_a_gender_change_with_its_id_number_is_applied(school, scan):
    student = add_student(school, class_id_of(school, 3), gender="1")
    number = id_number(date(2019, 3, 14), "2", 17)
    procedure_id = _open(school, student, {"gender": "女", "id_number": number}, scan)
    with school.read() as session:
        facts = json.loads(session.get(Procedure, procedure_id).facts)
    assert facts["shown"]["gender"] == ["男", "女"]
    _complete(school, procedure_id)
    changed = _student(school, student)
    assert (changed.gender, changed.id_number) == ("2", number)


def test_r14_1_the_id_number_keeps_its_check(school, scan):
    student = add_student(school, class_id_of(school, 3))
    with pytest.raises(RuleViolation) as caught:
        _open(school, student, {"id_number": "12345"}, scan)
    assert [f.rule_id for f in caught.value.findings] == ["R14.1"]
    assert "身份证件号" in caught.value.findings[0].text
