"""休学、延长休学、复学 (第二十一条、第二十二条) as procedure kinds: opened with the rules checked and the proofs attached,
approved by the school, registered by the authority — which completes them and changes the student's status.

The student keeps the class during a suspension (第二十二条: 学校应为其保留学籍); a resumption puts the student into
the same grade or the next one, in a class with a free place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xueji_desktop.models import Procedure, StatusChange, Student
from xueji_desktop.rules import suspensions as rules
from xueji_desktop.rules.findings import RuleViolation, block
from xueji_desktop.rules.suspensions import SuspensionCase, SuspensionReason
from xueji_desktop.services.procedures.base import class_to_join, grade_of, student_in, student_of, term_of
from xueji_desktop.services.procedures.kinds import (
    ANSWERS_SUSPENSION,
    SUSPENSION_FORM,
    BatchColumns,
    ClassId,
    Completion,
    Opening,
    Prefill,
    ProcedureKind,
    Proofs,
    ReviewChecks,
    ask,
)
from xueji_desktop.store import Store

STEPS = ("已申请", "学校已审核", "学籍管理部门已登记")  # R22.1: 学校审核同意后报学籍管理部门登记
default_end, add_years = rules.default_end, rules.add_years


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


@dataclass(frozen=True, slots=True, kw_only=True)
class SuspensionRequest:
    """休学 (第二十一条、第二十二条)."""

    student_id: int
    reason: SuspensionReason | None = ask("休学原因")
    illness_share_of_term: float | None = ask(
        "停课治疗占本学期总学时", None, percent=True, when=("reason", SuspensionReason.ILLNESS)
    )
    start: date = ask("休学开始日期")
    end: date | None = ask("休学截止日期（默认一年）", None, follows=("start", rules.default_end))


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtensionRequest:
    """延长休学 (R22.3)."""

    student_id: int
    new_end: date = ask("延长至")


@dataclass(frozen=True, slots=True, kw_only=True)
class ResumptionRequest:
    """复学 (R22.2)."""

    student_id: int
    to_class_id: ClassId = ask("复学到班级")
    on: date = ask("复学日期")


def _prepare_suspension(session: Session, request: SuspensionRequest, today: date) -> Opening:
    """R21.1 reason, R22.4 not in the forbidden terms, R22.3 one year (two at most in all)."""
    start = request.start
    end = request.end or rules.default_end(start)
    student = student_of(session, request.student_id)
    term_number, _ = term_of(session, start)
    case = SuspensionCase(
        grade_of(session, student),
        term_number,
        request.reason,
        start,
        end,
        student.status,
        days_suspended(session, student.id),
        request.illness_share_of_term,
    )
    findings = rules.check_suspension(case)
    if student.status == "休学":
        findings.append(block("R22.3", "该学生正在休学；期满仍不能复学的，请办理延长休学"))
    facts = {
        "reason": request.reason.value if request.reason else None,
        "start": start,
        "end": end,
        "illness_share_of_term": request.illness_share_of_term,
        "grade": case.grade.level,
    }
    return Opening(student.id, student.name, facts, findings)


def _prepare_extension(session: Session, request: ExtensionRequest, today: date) -> Opening:
    """延长休学 (R22.3): only for a suspended student, with new proof, two years at most in all."""
    student = student_of(session, request.student_id)
    current = current_period(session, student.id)
    if student.status != "休学" or current is None:
        raise RuleViolation([block("R22.3", f"该学生当前状态为“{student.status}”，不在休学中，不能延长休学")])
    findings = rules.check_duration(
        current.end + timedelta(days=1), request.new_end, days_suspended(session, student.id)
    )
    facts = {"start": current.origin, "old_end": current.end, "end": request.new_end}
    return Opening(student.id, student.name, facts, findings)


def _prefill_extension(session: Session, student_id: int, today: date) -> Prefill:
    """The suspension's current end shown, and one more year suggested."""
    period = current_period(session, student_id)
    current = period.end if period else today
    return Prefill({"new_end": rules.add_years(current, 1)}, (("目前休学截止日期", f"{current:%Y-%m-%d}"),))


def _prepare_resumption(session: Session, request: ResumptionRequest, today: date) -> Opening:
    """复学 (R22.2): into the same grade or the next one (never lower: R21.1), a class with a free place (R12.1)."""
    student = student_of(session, request.student_id)
    joining = 0 if request.to_class_id == student.school_class_id else 1
    target, size_findings = class_to_join(session, request.to_class_id, joining)
    grade = grade_of(session, student)
    findings = rules.check_resumption(student.status, grade.level, target.grade.level) + size_findings
    facts = {"on": request.on, "from_grade": grade.level, "to_class_id": target.id, "to_class": target.name}
    return Opening(student.id, student.name, facts, findings)


def current_end(store: Store, student_id: int) -> date | None:
    """The last day of the suspension the student is in now (its newest extension's), None when not suspended."""
    with store.read() as session:
        period = current_period(session, student_id)
        return period.end if period else None


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
    student = student_in(session, procedure, "在读", "R22.1", "完成休学")
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
    student = student_in(session, procedure, "休学", "R22.3", "延长休学")
    details = {"start": facts["start"], "old_end": facts["old_end"], "end": facts["end"]}
    return Completion(student, "休学", date.fromisoformat(facts["old_end"]), details, EXTENSION.label)


def _complete_resumption(
    session: Session, procedure: Procedure, facts: dict[str, Any], on: date
) -> Completion:
    student = student_in(session, procedure, "休学", "R22.2", "复学")
    details = {"class_before": student.school_class_id, "class_after": facts["to_class_id"]}
    student.school_class_id = facts["to_class_id"]
    return Completion(student, "在读", date.fromisoformat(facts["on"]), details, f"复学到{facts['to_class']}")


def _period_note(details: dict[str, Any]) -> str | None:
    """The 说明 of a suspension or an extension in the upload batch: its period."""
    return f"休学期限：{details['start']}至{details['end']}" if "end" in details else None


_EXPLANATION = "依据《细则》第二十二条："  # 延长休学 and 复学 rest on it alone
SUSPENSION = ProcedureKind(
    code="suspension",
    label="休学",
    request=SuspensionRequest,
    statuses=("在读",),
    explanation=(
        "依据《细则》第二十一条、第二十二条：因病需停课治疗休养占一学期总学时三分之一以上，或本人其他不可抗拒原因，"
        "可申请休学；休学期限原则上为一年。"
    ),
    steps=STEPS,
    prepare=_prepare_suspension,
    complete=_complete_suspension,
    proofs=Proofs("R22.1", lambda r: rules.required_proofs(r.reason), depends_on=("reason",)),
    batch=BatchColumns("11", "休学", _period_note),
    forms=(SUSPENSION_FORM,),
)
EXTENSION = ProcedureKind(
    code="suspension_extension",
    label="延长休学",
    request=ExtensionRequest,
    statuses=("休学",),
    explanation=(
        f"{_EXPLANATION}休学期满仍不能复学的，凭县级以上医疗单位病历或其他相关证明申请延长休学期，最多可休学两年。"
    ),
    steps=STEPS,
    prepare=_prepare_extension,
    complete=_complete_extension,
    proofs=Proofs("R22.3", lambda r: rules.extension_proofs()),
    # JY/T 1001 has no code for an extension (06 延长年限 is the length of study): entered as 休学, 说明 says so
    batch=BatchColumns("11", "休学", _period_note),
    forms=(SUSPENSION_FORM,),
    review=ReviewChecks(answers=frozenset({ANSWERS_SUSPENSION})),
    prefill=_prefill_extension,
)
RESUMPTION = ProcedureKind(
    code="resumption",
    label="复学",
    request=ResumptionRequest,
    statuses=("休学",),
    explanation=f"{_EXPLANATION}复学时可根据本人和监护人要求回原年级就读，也可以到下一年级就读。",
    steps=STEPS,
    prepare=_prepare_resumption,
    complete=_complete_resumption,
    proofs=Proofs("R22.2", lambda r: rules.resumption_proofs()),
    batch=BatchColumns("12", "复学"),
    forms=(SUSPENSION_FORM,),
    review=ReviewChecks(answers=frozenset({ANSWERS_SUSPENSION})),
)


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
