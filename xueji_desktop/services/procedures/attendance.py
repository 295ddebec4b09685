"""无故旷课 and the students who need the clerk's attention: suspensions ending or ended (R22.3) and senior students
who meet 第二十六条 for 自动退学 (absence weeks recorded here, or a suspension expired) — each with the procedure the
clerk would start for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from xueji_desktop.models import AbsenceRecord, Student
from xueji_desktop.rules.findings import RuleViolation, block
from xueji_desktop.rules.withdrawals import AttendanceFacts, automatic_withdrawal_grounds
from xueji_desktop.services import audit
from xueji_desktop.services.procedures import suspensions
from xueji_desktop.services.procedures.base import grade_of, student_of, term_of
from xueji_desktop.services.procedures.withdrawals import absence_in_term
from xueji_desktop.store import Store

MAX_TERM_WEEKS = 30


@dataclass(frozen=True, slots=True)
class Attention:
    """A student the 异动 tab lists first, with the procedure the clerk would start (a ProcedureKind code)."""

    student_id: int
    student_name: str
    text: str  # a finding's text (it names the article) or a reminder
    procedure: str  # resumption, automatic_withdrawal …
    urgent: bool


def record_absence(
    store: Store,
    student_id: int,
    *,
    longest_continuous_weeks: float,
    total_weeks: float,
    contacted_family: bool,
    note: str | None = None,
    today: date | None = None,
) -> int:
    """Record the student's unexcused absence this term as it stands now (a new record; the newest counts)."""
    today = today or date.today()
    if not 0 <= longest_continuous_weeks <= total_weeks <= MAX_TERM_WEEKS:
        raise RuleViolation([block("R26.1", "旷课周数不对：连续旷课周数不能大于累计周数，且不能超过一学期")])
    with store.transaction() as session:
        student = student_of(session, student_id)
        if student.status not in ("在读", "休学"):
            raise RuleViolation([block("R26.1", f"该学生当前状态为“{student.status}”，不需要记录旷课")])
        _, term_start = term_of(session, today)
        record = AbsenceRecord(
            student_id=student.id,
            term_start=term_start,
            longest_continuous_weeks=longest_continuous_weeks,
            total_weeks=total_weeks,
            contacted_family=contacted_family,
            note=(note or "").strip() or None,
        )
        audit.kept(session, record)
        audit.record(
            session,
            "student.absence",
            "student",
            student.id,
            {"连续旷课周数": [None, longest_continuous_weeks], "累计旷课周数": [None, total_weeks]},
        )
        return record.id


def absence_this_term(store: Store, student_id: int, *, today: date | None = None) -> AttendanceFacts:
    today = today or date.today()
    with store.read() as session:
        _, term_start = term_of(session, today)
        return _facts(session, student_id, term_start)


def needing_attention(store: Store, *, today: date | None = None, within_days: int = 30) -> list[Attention]:
    """Suspensions ending within `within_days` or ended, and senior students meeting R26.1 — urgent ones first."""
    today = today or date.today()
    found: list[Attention] = []
    listed: set[int] = set()
    for reminder in suspensions.reminders(store, today=today, within_days=within_days):
        procedure = "resumption"
        if reminder.expired and "第二十六条" in reminder.text:
            procedure = "automatic_withdrawal"
        found.append(
            Attention(reminder.student_id, reminder.student_name, reminder.text, procedure, reminder.expired)
        )
        listed.add(reminder.student_id)
    with store.read() as session:
        _, term_start = term_of(session, today)
        recorded = session.scalars(
            select(AbsenceRecord.student_id).where(AbsenceRecord.term_start == term_start)
        ).all()
        for student_id in sorted(set(recorded) - listed):
            student = session.get(Student, student_id)
            if student is None or student.status != "在读" or student.school_class_id is None:
                continue
            grounds = automatic_withdrawal_grounds(
                grade_of(session, student),
                student.status,
                _facts(session, student_id, term_start),
                None,
                today,
            )
            found.extend(
                Attention(student.id, student.name, g.text, "automatic_withdrawal", True) for g in grounds
            )
    return sorted(found, key=lambda a: not a.urgent)


def _facts(session, student_id: int, term_start: date) -> AttendanceFacts:
    return absence_in_term(session, student_id, term_start)
