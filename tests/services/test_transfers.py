"""转入、转出、信息变更、恢复学籍 end to end on a real data file: R17.1's states in order, R20.1's deadlines, the
record made only after the sending side approved (R13.2), refusals that write nothing, reversals."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.factories import (
    abroad_proofs,
    add_sanction,
    add_student,
    advance_to,
    class_id_of,
    id_number,
    open_transfer_in,
    open_transfer_out,
    open_withdrawal,
    transfer_proofs,
    workplace_move,
)
from xueji_desktop.errors import StoreError
from xueji_desktop.models import Procedure, StatusChange, Student
from xueji_desktop.rules import proofs
from xueji_desktop.rules.findings import RuleViolation
from xueji_desktop.services import procedures
from xueji_desktop.services.holidays import working_calendar
from xueji_desktop.services.procedures import Decision, information_changes, transfers, withdrawals
from xueji_desktop.services.procedures.transfers import TransferReason

TODAY = date(2026, 9, 8)  # the first days of 第一学期 (R17.1)
PDF = b"%PDF-1.4\n%%EOF\n"


def _student(store, student_id: int) -> Student:
    with store.read() as session:
        student = session.get(Student, student_id)
        session.expunge(student)
        return student


def _state(store, procedure_id: int) -> str:
    with store.read() as session:
        return procedures.current_state(session, procedure_id, "steps")


def _open_information_change(store, student_id: int, new_values: dict, proofs=()) -> int:
    """procedures.open of an information change of `new_values` today, with these proofs."""
    request = information_changes.InformationChangeRequest(student_id=student_id, new_values=new_values)
    return procedures.open(store, request, proofs, today=TODAY)


def _same_person(student: Student) -> dict:
    """open_transfer_in's fields for the person `student` is: name, gender, birth date and ID number."""
    return {
        "name": student.name,
        "gender": student.gender,
        "birth_date": student.birth_date,
        "id_number": student.id_number,
    }


def test_r17_1_a_transfer_out_through_its_states_then_the_archive(school, scan):
    student = add_student(school, class_id_of(school, 3))
    procedure_id = open_transfer_out(school, student, transfer_proofs(scan), today=TODAY)
    procedures.advance(school, procedure_id, "转入方已审核", on=TODAY)
    procedures.advance(school, procedure_id, "转出方已审核", on=date(2026, 9, 10))
    [row] = procedures.procedure_rows(school, today=date(2026, 9, 30))
    # R20.1: 10 working days after 10 September; Sunday 20 September is a 调休 working day (国庆), so the 23rd
    assert row.due.day == date(2026, 9, 23) and row.overdue
    with pytest.raises(RuleViolation, match="学籍已转出"):
        procedures.advance(school, procedure_id, "档案已寄出", on=TODAY)
    procedures.advance(school, procedure_id, "学籍已转出", on=date(2026, 9, 15))
    assert _student(school, student).status == "转出"
    [row] = procedures.procedure_rows(school, today=date(2026, 9, 30))
    assert row.next_state == "档案已寄出" and row.due.day == date(
        2026, 10, 15
    )  # R20.1: the archive within a month
    with pytest.raises(RuleViolation, match="冲正"):  # the record has moved: not cancelled, reversed
        procedures.cancel(school, procedure_id, reason="家长改变主意", on=TODAY)
    procedures.advance(school, procedure_id, "档案已寄出", on=date(2026, 9, 20))
    assert not procedures.procedure_rows(school, today=date(2026, 9, 30))[0].open
    # R17.2: the record is kept here
    assert _student(school, student).school_class_id == class_id_of(school, 3)


def test_r18_3_r18_4_a_transfer_out_refused_writes_nothing(school, scan):
    student = add_student(school, class_id_of(school, 1))
    # R18.4 from the records: a 警告 in force (no checkbox of the request)
    add_sanction(school, student, reason="打架", decided_on=date(2026, 9, 1))
    with pytest.raises(RuleViolation) as caught:
        open_transfer_out(school, student, transfer_proofs(scan), today=TODAY)
    assert {f.rule_id for f in caught.value.findings} == {"R18.3", "R18.4"}
    with school.read() as session:
        assert session.scalar(select(func.count(Procedure.id))) == 0


def test_r16_1_a_transfer_for_another_reason_only_with_an_approved_exception(school, scan):
    student = add_student(school, class_id_of(school, 3))
    values = {"reason": TransferReason.OTHER, "crosses_county": False, "hukou_moved": False, "today": TODAY}
    with pytest.raises(RuleViolation, match="第十六条"):
        open_transfer_out(school, student, transfer_proofs(scan), **values)
    open_transfer_out(
        school,
        student,
        transfer_proofs(scan),
        decision=Decision(approval_number="潞教〔2026〕9号", reason="特殊困难，区教育局同意"),
        **values,
    )


def test_r13_2_a_transfer_in_makes_the_record_only_when_it_completes(school, scan):
    person = workplace_move()  # 王小丫, her 居住证 for the 户籍证明
    number = person["id_number"]
    procedure_id = open_transfer_in(
        school, transfer_proofs(scan, proofs.RESIDENCE_PERMIT), today=TODAY, **person
    )
    with school.read() as session:
        assert session.scalar(select(func.count(Student.id)).where(Student.id_number == number)) == 0
    with pytest.raises(RuleViolation, match="转出方已审核"):  # 籍随人走: not before the sending side approved
        procedures.advance(school, procedure_id, "学籍已转接", on=TODAY)
    for state in ("转入方已审核", "转出方已审核", "学籍已转接"):
        procedures.advance(school, procedure_id, state, on=TODAY)
    class_two = class_id_of(school, 2)
    with school.read() as session:
        student = session.scalar(select(Student).where(Student.id_number == number))
        assert (student.name, student.status, student.school_class_id) == ("王小丫", "在读", class_two)
        change = session.scalar(select(StatusChange).where(StatusChange.kind == "transfer_in"))
        assert (change.status_before, change.status_after, change.student_id) == (None, "在读", student.id)
        change_id = change.id
    with pytest.raises(RuleViolation, match="建立了该学生的学籍"):
        procedures.reverse(school, change_id, reason="录错", on=TODAY)


def test_r18_2_r13_1_a_transfer_in_into_another_grade_or_with_a_false_id_is_refused(school, scan):
    with pytest.raises(RuleViolation) as caught:
        open_transfer_in(
            school,
            transfer_proofs(scan),
            today=TODAY,
            name="李雷",
            id_number="140406201805060000",
            grade_level=2,
            to_class_id=class_id_of(school, 3),
        )
    assert {f.rule_id for f in caught.value.findings} == {"R18.2", "R13.1"}


def test_r13_1_a_former_student_transferring_back_gets_the_old_record(school, scan):
    student = add_student(school, class_id_of(school, 3))
    advance_to(school, open_transfer_out(school, student, transfer_proofs(scan), today=TODAY), on=TODAY)
    old = _student(school, student)
    back = open_transfer_in(
        school,
        transfer_proofs(scan),
        today=date(2027, 2, 26),
        **_same_person(old),
        from_school="长治市实验小学",
        grade_level=3,
    )
    advance_to(school, back, "学籍已转接", on=date(2027, 2, 28))
    assert _student(school, student).status == "在读"
    with school.read() as session:
        assert session.scalar(select(func.count(Student.id))) == 1  # one person, one record


def test_r13_1_no_second_record_for_a_student_in_school(school, scan):
    student = _student(school, add_student(school, class_id_of(school, 2)))
    with pytest.raises(RuleViolation, match="不得重复建立学籍"):
        open_transfer_in(school, transfer_proofs(scan), today=TODAY, **_same_person(student))


def test_r20_1_deadline_estimated_where_no_year_list_exists(school):
    due = transfers.transfer_due(
        "transfer_in", {"转出方已审核": date(2026, 12, 28)}, working_calendar(school)
    )
    assert due.estimated and "2027" in due.note


def test_r14_1_an_information_change_is_applied_after_approval_and_reversible(school, scan):
    student = add_student(school, class_id_of(school, 3), name="张三")
    with pytest.raises(RuleViolation, match="户口簿"):
        _open_information_change(school, student, {"name": "张珊"})
    new_values = {"name": "张珊", "current_address": "潞城区潞华街道1号"}
    procedure_id = _open_information_change(
        school, student, new_values, [scan(proofs.HOUSEHOLD_REGISTER_COPY)]
    )
    assert _student(school, student).name == "张三"  # not before the authority approved
    procedures.advance(
        school, procedure_id, "学籍管理部门已核准", on=TODAY, approval_number="潞教变〔2026〕3号"
    )
    procedures.advance(school, procedure_id, "已维护", on=TODAY)
    changed = _student(school, student)
    assert (changed.name, changed.current_address, changed.pinyin_key) == (
        "张珊",
        "潞城区潞华街道1号",
        "zhangshan",
    )
    with school.read() as session:
        change_id = session.scalar(select(StatusChange.id).where(StatusChange.kind == "information_change"))
        assert session.get(StatusChange, change_id).status_after == "在读"
    procedures.reverse(school, change_id, reason="改错了", on=TODAY)
    assert _student(school, student).name == "张三"


def test_r14_2_r10_4_no_change_after_graduation_nor_of_the_national_id(school, scan):
    student = add_student(school, class_id_of(school, 3))
    register = [scan(proofs.HOUSEHOLD_REGISTER_COPY)]
    with pytest.raises(RuleViolation) as caught:
        _open_information_change(school, student, {"national_student_id": "G140406201803140011"}, register)
    assert [f.rule_id for f in caught.value.findings] == ["R10.4"]
    with school.transaction() as session:
        session.get(Student, student).status = "毕业"
    with pytest.raises(RuleViolation) as caught:
        _open_information_change(school, student, {"name": "改名"}, register)
    assert [f.rule_id for f in caught.value.findings] == ["R14.2"]


def test_r14_1_a_wrong_new_value_is_refused(school, scan):
    student = add_student(school, class_id_of(school, 3))
    with pytest.raises(RuleViolation) as caught:
        _open_information_change(
            school, student, {"id_number": "12345"}, [scan(proofs.HOUSEHOLD_REGISTER_COPY)]
        )
    assert caught.value.findings[0].rule_id == "R14.1" and "身份证件号" in caught.value.findings[0].text


def test_r25_2_a_student_back_from_abroad_gets_the_record_restored(school, scan):
    student = add_student(school, class_id_of(school, 2))
    advance_to(school, open_withdrawal(school, student, abroad_proofs(scan), today=TODAY), on=TODAY)
    back = procedures.open(
        school,
        withdrawals.RestorationRequest(student_id=student, to_class_id=class_id_of(school, 3)),
        proofs=[scan(proofs.PASSPORT_COPY), scan(proofs.HOUSEHOLD_REGISTER_COPY)],
        today=date(2027, 9, 1),
    )
    for state in ("学籍管理部门已批准", "已恢复"):
        procedures.advance(school, back, state, on=date(2027, 9, 1))
    restored = _student(school, student)
    assert (restored.status, restored.school_class_id) == ("在读", class_id_of(school, 3))
    other = add_student(school, class_id_of(school, 2))
    with pytest.raises(RuleViolation, match="第二十五条"):
        procedures.open(
            school,
            withdrawals.RestorationRequest(student_id=other, to_class_id=class_id_of(school, 3)),
            proofs=[scan(proofs.PASSPORT_COPY), scan(proofs.HOUSEHOLD_REGISTER_COPY)],
            today=TODAY,
        )


def test_a_transfer_in_failing_half_way_makes_no_record(school, scan, monkeypatch):
    """One transaction: the student record made at 学籍已转接 goes with the status change, or neither exists."""
    number = id_number(date(2018, 5, 6), "1", seq=91)
    procedure_id = open_transfer_in(school, transfer_proofs(scan), today=TODAY, id_number=number)  # 钱多多
    advance_to(school, procedure_id, "转出方已审核", on=TODAY)

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("xueji_desktop.services.procedures.base.audit.record", full_disk)
    with pytest.raises((OSError, StoreError)):  # the store says 磁盘空间已满 (a StoreError)
        procedures.advance(school, procedure_id, "学籍已转接", on=TODAY)
    monkeypatch.undo()
    with school.read() as session:
        assert session.scalar(select(func.count(Student.id)).where(Student.id_number == number)) == 0
        assert session.scalar(select(func.count(StatusChange.id))) == 0
    assert _state(school, procedure_id) == "转出方已审核"
    procedures.advance(
        school, procedure_id, "学籍已转接", on=TODAY
    )  # and it can be done again once the disk is fixed
    with school.read() as session:
        assert session.scalar(select(func.count(Student.id)).where(Student.id_number == number)) == 1
