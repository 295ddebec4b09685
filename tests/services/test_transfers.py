"""转入、转出、信息变更、恢复学籍 end to end on a real data file: R17.1's states in order, R20.1's deadlines, the
record made only after the sending side approved (R13.2), refusals that write nothing, reversals."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.factories import add_student, id_number
from xueji_desktop.errors import StoreError
from xueji_desktop.models import Procedure, SchoolClass, StatusChange, Student
from xueji_desktop.rules import proofs
from xueji_desktop.rules.findings import RuleViolation
from xueji_desktop.rules.withdrawals import ApprovingBody, WithdrawalReason
from xueji_desktop.services import procedures
from xueji_desktop.services.attachments import ProofFile
from xueji_desktop.services.holidays import working_calendar
from xueji_desktop.services.procedures import (
    NO_DECISION,
    Decision,
    information_changes,
    transfers,
    withdrawals,
)
from xueji_desktop.services.procedures.transfers import TransferReason

TODAY = date(2026, 9, 8)  # the first days of 第一学期 (R17.1)
PDF = b"%PDF-1.4\n%%EOF\n"


def _open_transfer_out(store, student_id, *, proofs=(), decision=NO_DECISION, today=None, **fields) -> int:
    """procedures.open with a TransferOutRequest of these fields (the tests build their values as one dict)."""
    return procedures.open(
        store, transfers.TransferOutRequest(student_id=student_id, **fields), proofs, decision, today
    )


def _class(store, level: int, number: int = 1) -> int:
    with store.read() as session:
        return next(
            c.id
            for c in session.scalars(select(SchoolClass))
            if c.grade.level == level and c.number == number
        )


def _student(store, student_id: int) -> Student:
    with store.read() as session:
        student = session.get(Student, student_id)
        session.expunge(student)
        return student


def _transfer_proofs(scan) -> list[ProofFile]:
    return [scan(proofs.TRANSFER_APPLICATION), scan(proofs.HUKOU_PROOF)]


def _state(store, procedure_id: int) -> str:
    with store.read() as session:
        return procedures.current_state(session, procedure_id, "steps")


def test_r17_1_a_transfer_out_through_its_states_then_the_archive(school, scan):
    student = add_student(school, _class(school, 3))
    procedure_id = procedures.open(
        school,
        transfers.TransferOutRequest(
            student_id=student,
            to_school="长治市实验小学",
            reason=TransferReason.FAMILY_MOVED,
            crosses_county=True,
            hukou_moved=True,
        ),
        proofs=_transfer_proofs(scan),
        today=TODAY,
    )
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
    assert _student(school, student).school_class_id == _class(school, 3)  # R17.2: the record is kept here


def test_r18_3_r18_4_a_transfer_out_refused_writes_nothing(school, scan):
    student = add_student(school, _class(school, 1))
    with pytest.raises(RuleViolation) as caught:
        procedures.open(
            school,
            transfers.TransferOutRequest(
                student_id=student,
                to_school="长治市实验小学",
                reason=TransferReason.FAMILY_MOVED,
                crosses_county=True,
                hukou_moved=True,
                under_sanction=True,
            ),
            proofs=_transfer_proofs(scan),
            today=TODAY,
        )
    assert {f.rule_id for f in caught.value.findings} == {"R18.3", "R18.4"}
    with school.read() as session:
        assert session.scalar(select(func.count(Procedure.id))) == 0


def test_r16_1_a_transfer_for_another_reason_only_with_an_approved_exception(school, scan):
    student = add_student(school, _class(school, 3))
    values = {
        "to_school": "长治市实验小学",
        "reason": TransferReason.OTHER,
        "crosses_county": False,
        "hukou_moved": False,
        "proofs": _transfer_proofs(scan),
        "today": TODAY,
    }
    with pytest.raises(RuleViolation, match="第十六条"):
        _open_transfer_out(school, student, **values)
    _open_transfer_out(
        school,
        student,
        decision=Decision(approval_number="潞教〔2026〕9号", reason="特殊困难，区教育局同意"),
        **values,
    )


def test_r13_2_a_transfer_in_makes_the_record_only_when_it_completes(school, scan):
    number = id_number(date(2018, 5, 6), "2", seq=77)
    procedure_id = procedures.open(
        school,
        transfers.TransferInRequest(
            name="王小丫",
            gender="2",
            birth_date=date(2018, 5, 6),
            id_number=number,
            from_school="平顺县实验小学",
            grade_level=2,
            to_class_id=_class(school, 2),
            reason=TransferReason.WORKPLACE_MOVED,
            crosses_county=True,
            hukou_moved=False,
        ),
        proofs=[scan(proofs.TRANSFER_APPLICATION), scan(proofs.RESIDENCE_PERMIT)],
        today=TODAY,
    )
    with school.read() as session:
        assert session.scalar(select(func.count(Student.id)).where(Student.id_number == number)) == 0
    with pytest.raises(RuleViolation, match="转出方已审核"):  # 籍随人走: not before the sending side approved
        procedures.advance(school, procedure_id, "学籍已转接", on=TODAY)
    for state in ("转入方已审核", "转出方已审核", "学籍已转接"):
        procedures.advance(school, procedure_id, state, on=TODAY)
    class_two = _class(school, 2)
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
        procedures.open(
            school,
            transfers.TransferInRequest(
                name="李雷",
                gender="1",
                birth_date=date(2018, 5, 6),
                id_number="140406201805060000",
                from_school="平顺县实验小学",
                grade_level=2,
                to_class_id=_class(school, 3),
                reason=TransferReason.FAMILY_MOVED,
                crosses_county=True,
                hukou_moved=True,
            ),
            proofs=_transfer_proofs(scan),
            today=TODAY,
        )
    assert {f.rule_id for f in caught.value.findings} == {"R18.2", "R13.1"}


def test_r13_1_a_former_student_transferring_back_gets_the_old_record(school, scan):
    student = add_student(school, _class(school, 3))
    out = procedures.open(
        school,
        transfers.TransferOutRequest(
            student_id=student,
            to_school="长治市实验小学",
            reason=TransferReason.FAMILY_MOVED,
            crosses_county=True,
            hukou_moved=True,
        ),
        proofs=_transfer_proofs(scan),
        today=TODAY,
    )
    for state in ("转入方已审核", "转出方已审核", "学籍已转出"):
        procedures.advance(school, out, state, on=TODAY)
    old = _student(school, student)
    back = procedures.open(
        school,
        transfers.TransferInRequest(
            name=old.name,
            gender=old.gender,
            birth_date=old.birth_date,
            id_number=old.id_number,
            from_school="长治市实验小学",
            grade_level=3,
            to_class_id=_class(school, 3),
            reason=TransferReason.FAMILY_MOVED,
            crosses_county=True,
            hukou_moved=True,
        ),
        proofs=_transfer_proofs(scan),
        today=date(2027, 2, 26),
    )
    for state in ("转入方已审核", "转出方已审核", "学籍已转接"):
        procedures.advance(school, back, state, on=date(2027, 2, 28))
    assert _student(school, student).status == "在读"
    with school.read() as session:
        assert session.scalar(select(func.count(Student.id))) == 1  # one person, one record


def test_r13_1_no_second_record_for_a_student_in_school(school, scan):
    student = _student(school, add_student(school, _class(school, 2)))
    with pytest.raises(RuleViolation, match="不得重复建立学籍"):
        procedures.open(
            school,
            transfers.TransferInRequest(
                name=student.name,
                gender=student.gender,
                birth_date=student.birth_date,
                id_number=student.id_number,
                from_school="平顺县实验小学",
                grade_level=2,
                to_class_id=_class(school, 2),
                reason=TransferReason.FAMILY_MOVED,
                crosses_county=True,
                hukou_moved=True,
            ),
            proofs=_transfer_proofs(scan),
            today=TODAY,
        )


def test_r20_1_deadline_estimated_where_no_year_list_exists(school):
    due = transfers.transfer_due(
        "transfer_in", {"转出方已审核": date(2026, 12, 28)}, working_calendar(school)
    )
    assert due.estimated and "2027" in due.note


def test_r14_1_an_information_change_is_applied_after_approval_and_reversible(school, scan):
    student = add_student(school, _class(school, 3), name="张三")
    with pytest.raises(RuleViolation, match="户口簿"):
        procedures.open(
            school,
            information_changes.InformationChangeRequest(student_id=student, new_values={"name": "张珊"}),
            today=TODAY,
        )
    procedure_id = procedures.open(
        school,
        information_changes.InformationChangeRequest(
            student_id=student, new_values={"name": "张珊", "current_address": "潞城区潞华街道1号"}
        ),
        proofs=[scan(proofs.HOUSEHOLD_REGISTER_COPY)],
        today=TODAY,
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
    student = add_student(school, _class(school, 3))
    with pytest.raises(RuleViolation) as caught:
        procedures.open(
            school,
            information_changes.InformationChangeRequest(
                student_id=student, new_values={"national_student_id": "G140406201803140011"}
            ),
            proofs=[scan(proofs.HOUSEHOLD_REGISTER_COPY)],
            today=TODAY,
        )
    assert [f.rule_id for f in caught.value.findings] == ["R10.4"]
    with school.transaction() as session:
        session.get(Student, student).status = "毕业"
    with pytest.raises(RuleViolation) as caught:
        procedures.open(
            school,
            information_changes.InformationChangeRequest(student_id=student, new_values={"name": "改名"}),
            proofs=[scan(proofs.HOUSEHOLD_REGISTER_COPY)],
            today=TODAY,
        )
    assert [f.rule_id for f in caught.value.findings] == ["R14.2"]


def test_r14_1_a_wrong_new_value_is_refused(school, scan):
    student = add_student(school, _class(school, 3))
    with pytest.raises(RuleViolation) as caught:
        procedures.open(
            school,
            information_changes.InformationChangeRequest(
                student_id=student, new_values={"id_number": "12345"}
            ),
            proofs=[scan(proofs.HOUSEHOLD_REGISTER_COPY)],
            today=TODAY,
        )
    assert caught.value.findings[0].rule_id == "R14.1" and "身份证件号" in caught.value.findings[0].text


def test_r25_2_a_student_back_from_abroad_gets_the_record_restored(school, scan):
    student = add_student(school, _class(school, 2))
    left = procedures.open(
        school,
        withdrawals.WithdrawalRequest(
            student_id=student,
            reason=WithdrawalReason.SETTLING_ABROAD,
            approved_by=ApprovingBody.COUNTY_BUREAU,
        ),
        proofs=[
            scan(proofs.WITHDRAWAL_FORM),
            scan(proofs.PASSPORT_COPY),
            scan(proofs.HOUSEHOLD_REGISTER_COPY),
        ],
        today=TODAY,
    )
    for state in ("学校已审核", "已批准", "学籍管理部门已办理"):
        procedures.advance(school, left, state, on=TODAY)
    back = procedures.open(
        school,
        withdrawals.RestorationRequest(student_id=student, to_class_id=_class(school, 3)),
        proofs=[scan(proofs.PASSPORT_COPY), scan(proofs.HOUSEHOLD_REGISTER_COPY)],
        today=date(2027, 9, 1),
    )
    for state in ("学籍管理部门已批准", "已恢复"):
        procedures.advance(school, back, state, on=date(2027, 9, 1))
    restored = _student(school, student)
    assert (restored.status, restored.school_class_id) == ("在读", _class(school, 3))
    other = add_student(school, _class(school, 2))
    with pytest.raises(RuleViolation, match="第二十五条"):
        procedures.open(
            school,
            withdrawals.RestorationRequest(student_id=other, to_class_id=_class(school, 3)),
            proofs=[scan(proofs.PASSPORT_COPY), scan(proofs.HOUSEHOLD_REGISTER_COPY)],
            today=TODAY,
        )


def test_a_transfer_in_failing_half_way_makes_no_record(school, scan, monkeypatch):
    """One transaction: the student record made at 学籍已转接 goes with the status change, or neither exists."""
    number = id_number(date(2018, 5, 6), "1", seq=91)
    procedure_id = procedures.open(
        school,
        transfers.TransferInRequest(
            name="钱多多",
            gender="1",
            birth_date=date(2018, 5, 6),
            id_number=number,
            from_school="平顺县实验小学",
            grade_level=2,
            to_class_id=_class(school, 2),
            reason=TransferReason.FAMILY_MOVED,
            crosses_county=True,
            hukou_moved=True,
        ),
        proofs=_transfer_proofs(scan),
        today=TODAY,
    )
    for state in ("转入方已审核", "转出方已审核"):
        procedures.advance(school, procedure_id, state, on=TODAY)

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
