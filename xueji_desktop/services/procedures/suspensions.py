"""休学、延长休学、复学 (第二十一条、第二十二条) as procedures: opened with the rules checked and the proofs attached,
approved by the school, registered by the authority — which completes them and changes the student's status.

The student keeps the class during a suspension (第二十二条: 学校应为其保留学籍); a resumption puts the student into
the same grade or the next one, in a class with a free place.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xueji_desktop.models import Procedure, SchoolClass, StatusChange, Student
from xueji_desktop.rules import suspensions as rules
from xueji_desktop.rules.findings import RuleViolation, block
from xueji_desktop.rules.suspensions import SuspensionCase, SuspensionReason
from xueji_desktop.services.attachments import ProofFile
from xueji_desktop.services.procedure_base import (
    NO_DECISION,
    Completion,
    Decision,
    ProcedureKind,
    grade_of,
    open_procedure,
    student_of,
    term_of,
)
from xueji_desktop.services.roster import class_size_now
from xueji_desktop.store import Store

STEPS = ("已申请", "学校已审核", "学籍管理部门已登记")  # R22.1: 学校审核同意后报学籍管理部门登记
# what the wizard asks as the clerk fills it in
default_end, add_years = rules.default_end, rules.add_years
required_proofs, extension_proofs, resumption_proofs = (
    rules.required_proofs,
    rules.extension_proofs,
    rules.resumption_proofs,
)


@dataclass(frozen=True, slots=True)
class SuspensionPeriod:
    """The days one suspension or extension added (first … end) to the suspension that began on `origin`."""

    origin: date
    first: date
    end: date
    reversed: bool = False

    @property
    def days(self) -> int:
        return (self.end - self.first).days + 1


def open_suspension(
    store: Store,
    student_id: int,
    *,
    reason: SuspensionReason | None,
    start: date,
    end: date | None = None,
    illness_share_of_term: float | None = None,
    proofs: Sequence[ProofFile] = (),
    decision: Decision = NO_DECISION,
    today: date | None = None,
) -> int:
    """休学: R21.1 reason, R22.4 not in the forbidden terms, R22.3 one year (two at most in all), R22.1 proofs."""
    today = today or date.today()
    end = end or rules.default_end(start)
    with store.transaction() as session:
        student = student_of(session, student_id)
        term_number, _ = term_of(session, start)
        case = SuspensionCase(
            grade_of(session, student),
            term_number,
            reason,
            start,
            end,
            student.status,
            days_suspended(session, student.id),
            illness_share_of_term,
        )
        findings = rules.check_suspension(case)
        if student.status == "休学":
            findings.append(block("R22.3", "该学生正在休学；期满仍不能复学的，请办理延长休学"))
        facts = {
            "reason": reason.value if reason else None,
            "start": start,
            "end": end,
            "illness_share_of_term": illness_share_of_term,
            "grade": case.grade.level,
        }
        procedure = open_procedure(
            session,
            store,
            SUSPENSION,
            student_id=student.id,
            student_name=student.name,
            facts=facts,
            findings=findings,
            decision=decision,
            proofs=proofs,
            required=rules.required_proofs(reason),
            proof_rule="R22.1",
            on=today,
        )
        return procedure.id


def open_extension(
    store: Store,
    student_id: int,
    *,
    new_end: date,
    proofs: Sequence[ProofFile] = (),
    decision: Decision = NO_DECISION,
    today: date | None = None,
) -> int:
    """延长休学 (R22.3): only for a suspended student, with new proof, two years at most in all."""
    today = today or date.today()
    with store.transaction() as session:
        student = student_of(session, student_id)
        current = current_period(session, student.id)
        if student.status != "休学" or current is None:
            raise RuleViolation(
                [block("R22.3", f"该学生当前状态为“{student.status}”，不在休学中，不能延长休学")]
            )
        findings = rules.check_duration(
            current.end + timedelta(days=1), new_end, days_suspended(session, student.id)
        )
        facts = {"start": current.origin, "old_end": current.end, "end": new_end}
        procedure = open_procedure(
            session,
            store,
            EXTENSION,
            student_id=student.id,
            student_name=student.name,
            facts=facts,
            findings=findings,
            decision=decision,
            proofs=proofs,
            required=rules.extension_proofs(),
            proof_rule="R22.3",
            on=today,
        )
        return procedure.id


def open_resumption(
    store: Store,
    student_id: int,
    *,
    to_class_id: int,
    on: date,
    proofs: Sequence[ProofFile] = (),
    decision: Decision = NO_DECISION,
    today: date | None = None,
) -> int:
    """复学 (R22.2): into the same grade or the next one (never lower: R21.1), a class with a free place (R12.1)."""
    from xueji_desktop.rules.class_size import check_class_size

    today = today or date.today()
    with store.transaction() as session:
        student = student_of(session, student_id)
        target = session.get(SchoolClass, to_class_id)
        if target is None:
            raise LookupError(f"没有编号为 {to_class_id} 的班级")
        grade = grade_of(session, student)
        findings = rules.check_resumption(student.status, grade.level, target.grade.level)
        joining = 0 if target.id == student.school_class_id else 1
        findings += check_class_size(
            target.name, target.grade.level, class_size_now(session, target.id) + joining
        )
        facts = {"on": on, "from_grade": grade.level, "to_class_id": target.id, "to_class": target.name}
        procedure = open_procedure(
            session,
            store,
            RESUMPTION,
            student_id=student.id,
            student_name=student.name,
            facts=facts,
            findings=findings,
            decision=decision,
            proofs=proofs,
            required=rules.resumption_proofs(),
            proof_rule="R22.2",
            on=today,
        )
        return procedure.id


def days_suspended(session: Session, student_id: int) -> int:
    """Days of every suspension and extension of the student that was not reversed (R22.3's two years)."""
    return sum(p.days for p in periods(session, student_id) if not p.reversed)


def current_period(session: Session, student_id: int) -> SuspensionPeriod | None:
    """The suspension the student is in now, from its first day to the last day of its newest extension."""
    kept = [p for p in periods(session, student_id) if not p.reversed]
    if not kept:
        return None
    origin = kept[-1].origin
    return SuspensionPeriod(origin, origin, max(p.end for p in kept if p.origin == origin))


def periods(session: Session, student_id: int) -> list[SuspensionPeriod]:
    changes = session.scalars(
        select(StatusChange)
        .where(
            StatusChange.student_id == student_id,
            StatusChange.kind.in_(("suspension", "suspension_extension")),
        )
        .order_by(StatusChange.id)
    ).all()
    reversed_ids = set(
        session.scalars(select(StatusChange.reverses_id).where(StatusChange.reverses_id.is_not(None)))
    )
    result = []
    for change in changes:
        details = json.loads(change.details or "{}")
        # a suspension recorded without its dates (before procedures kept them): from its effective date, one year
        origin = date.fromisoformat(details["start"]) if "start" in details else change.effective_date
        first = date.fromisoformat(details["old_end"]) + timedelta(days=1) if "old_end" in details else origin
        end = date.fromisoformat(details["end"]) if "end" in details else rules.default_end(origin)
        result.append(SuspensionPeriod(origin, first, end, change.id in reversed_ids))
    return result


def _complete_suspension(
    session: Session, procedure: Procedure, facts: dict[str, Any], on: date
) -> Completion:
    student = _student(session, procedure)
    if student.status != "在读":
        raise RuleViolation([block("R22.1", f"该学生当前状态为“{student.status}”，不能完成休学")])
    return Completion(
        student,
        "休学",
        date.fromisoformat(facts["start"]),
        {"start": facts["start"], "end": facts["end"]},
        facts.get("reason"),
    )


def _complete_extension(
    session: Session, procedure: Procedure, facts: dict[str, Any], on: date
) -> Completion:
    student = _student(session, procedure)
    if student.status != "休学":
        raise RuleViolation([block("R22.3", f"该学生当前状态为“{student.status}”，不能延长休学")])
    details = {"start": facts["start"], "old_end": facts["old_end"], "end": facts["end"]}
    return Completion(student, "休学", date.fromisoformat(facts["old_end"]), details, "延长休学")


def _complete_resumption(
    session: Session, procedure: Procedure, facts: dict[str, Any], on: date
) -> Completion:
    student = _student(session, procedure)
    if student.status != "休学":
        raise RuleViolation([block("R22.2", f"该学生当前状态为“{student.status}”，不能复学")])
    details = {"class_before": student.school_class_id, "class_after": facts["to_class_id"]}
    student.school_class_id = facts["to_class_id"]
    return Completion(student, "在读", date.fromisoformat(facts["on"]), details, f"复学到{facts['to_class']}")


def _student(session: Session, procedure: Procedure) -> Student:
    assert procedure.student_id is not None
    return student_of(session, procedure.student_id)


SUSPENSION = ProcedureKind("suspension", "休学", STEPS, _complete_suspension)
EXTENSION = ProcedureKind("suspension_extension", "延长休学", STEPS, _complete_extension)
RESUMPTION = ProcedureKind("resumption", "复学", STEPS, _complete_resumption)
KINDS = (SUSPENSION, EXTENSION, RESUMPTION)


@dataclass(frozen=True, slots=True)
class Reminder:
    """A suspended student whose suspension ends soon or has ended (R22.3; R26.1 for a senior student)."""

    student_id: int
    student_name: str
    end: date
    expired: bool
    text: str


def reminders(store: Store, *, today: date, within_days: int = 30) -> list[Reminder]:
    """Suspensions ending within `within_days`, or ended without a resumption or an extension, soonest first."""
    from xueji_desktop.rules.withdrawals import AttendanceFacts, automatic_withdrawal_grounds

    found = []
    with store.read() as session:
        for student in session.scalars(select(Student).where(Student.status == "休学")):
            period = current_period(session, student.id)
            if period is None or (period.end - today).days > within_days:
                continue
            expired = rules.expired(period.end, today)
            if expired:
                grounds = automatic_withdrawal_grounds(
                    grade_of(session, student), student.status, AttendanceFacts(), period.end, today
                )
                text = (
                    grounds[0].text
                    if grounds
                    else (
                        f"休学已于{period.end:%Y-%m-%d}期满，请办理复学；仍不能复学的，凭证明申请延长休学（最多两年）"
                    )
                )
            else:
                text = f"休学将于{period.end:%Y-%m-%d}期满（还有{(period.end - today).days}天），请提醒监护人办理复学或延长休学"
            found.append(Reminder(student.id, student.name, period.end, expired, text))
    return sorted(found, key=lambda r: r.end)
