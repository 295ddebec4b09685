"""退学、自动退学、死亡、辍学 end to end on a real data file, with their refusals (nothing written) and deadlines."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.factories import (
    abroad_proofs,
    add_student,
    advance_to,
    class_id_of,
    open_dropout,
    open_withdrawal,
    senior_school,
)
from xueji_desktop.models import Procedure, StatusChange, Student
from xueji_desktop.reference.working_days import build_calendar
from xueji_desktop.rules import proofs
from xueji_desktop.rules.findings import RuleViolation
from xueji_desktop.rules.withdrawals import ApprovingBody, AttendanceFacts, WithdrawalReason
from xueji_desktop.services import procedures
from xueji_desktop.services.procedures import withdrawals

TODAY = date(2026, 11, 2)
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def senior(tmp_path):
    with senior_school(tmp_path / "senior") as store:
        yield store


def _status(store, student_id: int) -> str:
    with store.read() as session:
        return session.get(Student, student_id).status


def _for_another_reason(store, student_id: int, scan, approved_by: ApprovingBody) -> int:
    """procedures.open of a 退学 the student and guardian ask for another reason, the form its only proof."""
    form = [scan(proofs.WITHDRAWAL_FORM)]
    return open_withdrawal(
        store, student_id, form, today=TODAY, reason=WithdrawalReason.OTHER, approved_by=approved_by
    )


def test_r23_1_compulsory_withdrawal_for_settling_abroad(school, scan):
    student = add_student(school, class_id_of(school, 2))
    advance_to(school, open_withdrawal(school, student, abroad_proofs(scan), today=TODAY), on=TODAY)
    assert _status(school, student) == "退学"
    with school.read() as session:
        change = session.scalar(select(StatusChange).where(StatusChange.kind == "withdrawal"))
        assert change.reason == WithdrawalReason.SETTLING_ABROAD.value


def test_r23_1_no_other_reason_in_the_compulsory_stage(school, scan):
    student = add_student(school, class_id_of(school, 2))
    with pytest.raises(RuleViolation) as caught:
        _for_another_reason(school, student, scan, ApprovingBody.TOWNSHIP)
    assert [f.rule_id for f in caught.value.findings] == ["R23.1"]
    assert "劝退" in caught.value.findings[0].text
    with school.read() as session:
        assert session.scalar(select(func.count(Procedure.id))) == 0


def test_r24_1_senior_withdrawal_for_other_reasons(senior, scan):
    student = add_student(senior, class_id_of(senior, 11))
    advance_to(senior, _for_another_reason(senior, student, scan, ApprovingBody.AUTHORITY), on=TODAY)
    assert _status(senior, student) == "退学"


def test_r26_1_automatic_withdrawal_only_for_a_candidate(senior, school):
    student = add_student(senior, class_id_of(senior, 11))
    with pytest.raises(RuleViolation, match="不符合自动退学"):
        procedures.open(
            senior,
            withdrawals.AutomaticWithdrawalRequest.from_attendance(student, AttendanceFacts(3, 4, True)),
            today=TODAY,
        )
    absent = AttendanceFacts(9, 9, True)
    with pytest.raises(RuleViolation) as caught:  # the grounds are warnings: the clerk confirms them
        procedures.open(
            senior, withdrawals.AutomaticWithdrawalRequest.from_attendance(student, absent), today=TODAY
        )
    assert [f.rule_id for f in caught.value.findings] == ["R26.1"]
    procedure_id = procedures.open(
        senior,
        withdrawals.AutomaticWithdrawalRequest.from_attendance(student, absent),
        today=TODAY,
        decision=procedures.Decision(confirmed=True),
    )
    advance_to(senior, procedure_id, on=TODAY)
    assert _status(senior, student) == "退学"
    primary = add_student(school, class_id_of(school, 3))
    with pytest.raises(RuleViolation, match="不符合自动退学"):  # R26.1 is for senior students only
        procedures.open(
            school,
            withdrawals.AutomaticWithdrawalRequest.from_attendance(primary, AttendanceFacts(12, 12, True)),
            today=TODAY,
        )


def test_r27_1_death_with_proof_and_its_working_day_deadline(school, scan):
    student = add_student(school, class_id_of(school, 1))
    with pytest.raises(RuleViolation, match="死亡证明"):
        procedures.open(
            school, withdrawals.DeathRequest(student_id=student, died_on=date(2026, 9, 28)), today=TODAY
        )
    procedure_id = procedures.open(
        school,
        withdrawals.DeathRequest(student_id=student, died_on=date(2026, 9, 28)),
        proofs=[scan(proofs.DEATH_PROOF)],
        today=TODAY,
    )
    advance_to(school, procedure_id, on=TODAY)
    assert _status(school, student) == "死亡"
    due = withdrawals.death_due(date(2026, 9, 28), build_calendar())
    # 29, 30 September; 国庆 1–7 October off; 8, 9, 10 (a make-up Saturday), 12–16 October: the tenth is the 16th
    assert due.day == date(2026, 10, 16) and not due.estimated


def test_r28_1_dropout_reported_to_all_three_bodies(school, scan, senior):
    student = add_student(school, class_id_of(school, 3))
    report = [scan(proofs.DROPOUT_REPORT)]
    with pytest.raises(RuleViolation) as caught:
        open_dropout(school, student, report, today=TODAY, reported_to=[ApprovingBody.TOWNSHIP])
    assert "县级教育行政部门" in caught.value.findings[0].text
    procedure_id = open_dropout(school, student, report, today=TODAY)  # to all three bodies
    advance_to(school, procedure_id, on=TODAY)
    assert _status(school, student) == "辍学"
    with school.read() as session:  # the record is kept
        assert session.get(Student, student) is not None
    older = add_student(senior, class_id_of(senior, 10))
    with pytest.raises(RuleViolation) as caught:
        open_dropout(senior, older, report, today=TODAY)
    assert [f.rule_id for f in caught.value.findings] == ["R28.1"]
