"""退学 (第二十三条至第二十五条), 自动退学 (第二十六条), 死亡 (第二十七条), 辍学 (第二十八条) and 恢复学籍 (R25.2) as
procedure kinds.

Each is opened with its rules checked and proofs attached and completes with the student's new status; the record
itself is kept (a dropout's for the whole compulsory period, R28.1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xueji_desktop.models import AbsenceRecord, Procedure, StatusChange
from xueji_desktop.reference.working_days import DueDate, WorkingCalendar
from xueji_desktop.rules import proofs as proof_kinds
from xueji_desktop.rules import withdrawals as rules
from xueji_desktop.rules.findings import RuleViolation, block
from xueji_desktop.rules.withdrawals import ApprovingBody, AttendanceFacts, WithdrawalCase, WithdrawalReason
from xueji_desktop.services.procedures.base import (
    class_to_join,
    grade_of,
    procedure_student,
    student_in,
    student_of,
    term_of,
)
from xueji_desktop.services.procedures.kinds import (
    ANSWERS_ABSENCE,
    ANSWERS_SUSPENSION,
    DROPOUT_REPORT,
    WITHDRAWAL_FORM,
    BatchColumns,
    ClassId,
    Completion,
    Opening,
    Prefill,
    ProcedureKind,
    Proofs,
    Requirement,
    ReviewChecks,
    ask,
)

WITHDRAWAL_STEPS = ("已申请", "学校已审核", "已批准", "学籍管理部门已办理")  # R25.1 / R23.1
AUTOMATIC_STEPS = ("已申请", "学籍管理部门已批准", "已办理")  # R26.1
DEATH_STEPS = ("已登记", "学籍管理部门已办理")  # R27.1
DROPOUT_STEPS = ("已书面报告", "学籍管理部门已登记")  # R28.1
RESTORATION_STEPS = ("已申请", "学籍管理部门已批准", "已恢复")  # R25.2
DEATH_PROOFS: list[Requirement] = [(proof_kinds.DEATH_PROOF,)]  # R27.1
DROPOUT_PROOFS: list[Requirement] = [(proof_kinds.DROPOUT_REPORT,)]  # R28.1
# R25.2: 回到境内
RESTORATION_PROOFS: list[Requirement] = [(proof_kinds.PASSPORT_COPY,), (proof_kinds.HOUSEHOLD_REGISTER_COPY,)]
DROPOUT_RECIPIENTS = rules.DROPOUT_RECIPIENTS
required_proofs = rules.required_proofs


@dataclass(frozen=True, slots=True, kw_only=True)
class WithdrawalRequest:
    """退学 (第二十三条至第二十五条)."""

    student_id: int
    reason: WithdrawalReason = ask("退学原因")
    approved_by: ApprovingBody | None = ask("批准机关")


@dataclass(frozen=True, slots=True, kw_only=True)
class AutomaticWithdrawalRequest:
    """自动退学 (R26.1): the absence this term, as recorded (记录旷课 fills it in)."""

    student_id: int
    longest_continuous_weeks: float = ask("本学期连续无故旷课最长", 0.0, maximum=30, suffix=" 周")
    total_weeks: float = ask("本学期累计无故旷课", 0.0, maximum=30, suffix=" 周")
    contacted_family: bool = ask("已与监护人多次联系、帮助教育无效", False)

    @property
    def attendance(self) -> AttendanceFacts:
        return AttendanceFacts(self.longest_continuous_weeks, self.total_weeks, self.contacted_family)

    @classmethod
    def from_attendance(cls, student_id: int, attendance: AttendanceFacts) -> AutomaticWithdrawalRequest:
        return cls(
            student_id=student_id,
            longest_continuous_weeks=attendance.longest_continuous_weeks,
            total_weeks=attendance.total_weeks,
            contacted_family=attendance.contacted_family,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class DeathRequest:
    """死亡 (R27.1)."""

    student_id: int
    died_on: date = ask("死亡日期")


@dataclass(frozen=True, slots=True, kw_only=True)
class DropoutRequest:
    """辍学 (R28.1): reported in writing to all three bodies."""

    student_id: int
    since: date = ask("辍学日期")
    reported_to: tuple[ApprovingBody, ...] = ask("已书面上报", (), choices=DROPOUT_RECIPIENTS)


@dataclass(frozen=True, slots=True, kw_only=True)
class RestorationRequest:
    """恢复学籍 (R25.2)."""

    student_id: int
    to_class_id: ClassId = ask("编入班级")


def _prepare_withdrawal(session: Session, request: WithdrawalRequest, today: date) -> Opening:
    from xueji_desktop.services.procedures.suspensions import days_suspended

    student = student_of(session, request.student_id)
    grade = grade_of(session, student)
    case = WithdrawalCase(
        grade, request.reason, request.approved_by, student.status, days_suspended(session, student.id)
    )
    facts = {
        "reason": request.reason.value,
        "approved_by": request.approved_by.value if request.approved_by else None,
        "grade": grade.level,
    }
    rule = "R23.1" if grade.compulsory else "R24.1"
    return Opening(student.id, student.name, facts, rules.check_withdrawal(case), proof_rule=rule)


def _prepare_automatic(session: Session, request: AutomaticWithdrawalRequest, today: date) -> Opening:
    """自动退学 (R26.1): only for a senior student the app lists as a candidate; the authority's approval follows."""
    from xueji_desktop.services.procedures.suspensions import current_period

    student = student_of(session, request.student_id)
    grade = grade_of(session, student)
    period = current_period(session, student.id) if student.status == "休学" else None
    attendance = request.attendance
    grounds = rules.automatic_withdrawal_grounds(
        grade, student.status, attendance, period.end if period else None, today
    )
    if not grounds:
        raise RuleViolation(
            [
                block(
                    "R26.1",
                    "该学生不符合自动退学的条件（普通高中学生连续无故旷课超过8周或累计10周及以上，"
                    "或休学期满未复学、未办理延长休学）",
                )
            ]
        )
    facts = {
        "grounds": [g.message for g in grounds],
        "longest_weeks": attendance.longest_continuous_weeks,
        "total_weeks": attendance.total_weeks,
        "contacted_family": attendance.contacted_family,
    }
    return Opening(student.id, student.name, facts, grounds)


def _prefill_automatic(session: Session, student_id: int, today: date) -> Prefill:
    """The absence recorded this term (记录旷课), so the clerk does not type it twice."""
    recorded = absence_in_term(session, student_id, term_of(session, today)[1])
    return Prefill(
        {
            "longest_continuous_weeks": recorded.longest_continuous_weeks,
            "total_weeks": recorded.total_weeks,
            "contacted_family": recorded.contacted_family,
        }
    )


def absence_in_term(session: Session, student_id: int, term_start: date) -> AttendanceFacts:
    """The newest absence record of the student in the term that began on `term_start`."""
    record = session.scalar(
        select(AbsenceRecord)
        .where(AbsenceRecord.student_id == student_id, AbsenceRecord.term_start == term_start)
        .order_by(AbsenceRecord.id.desc())
        .limit(1)
    )
    if record is None:
        return AttendanceFacts()
    return AttendanceFacts(record.longest_continuous_weeks, record.total_weeks, record.contacted_family)


def _prepare_death(session: Session, request: DeathRequest, today: date) -> Opening:
    """死亡 (R27.1): with proof; the deadline is 10 working days from the death (death_due)."""
    student = student_of(session, request.student_id)
    findings = rules.check_death(student.status, request.died_on, today)
    return Opening(student.id, student.name, {"died_on": request.died_on}, findings)


def _prepare_dropout(session: Session, request: DropoutRequest, today: date) -> Opening:
    """辍学 (R28.1): a compulsory-stage student, reported in writing to all three bodies; the record is kept."""
    student = student_of(session, request.student_id)
    findings = rules.check_dropout(grade_of(session, student), student.status)
    missing = [body.value for body in DROPOUT_RECIPIENTS if body not in request.reported_to]
    if missing:
        findings.append(
            block(
                "R28.1",
                f"辍学情况须书面上报{'、'.join(b.value for b in DROPOUT_RECIPIENTS)}；尚未上报：{'、'.join(missing)}",
            )
        )
    facts = {"since": request.since, "reported_to": [body.value for body in request.reported_to]}
    return Opening(student.id, student.name, facts, findings)


def _prepare_restoration(session: Session, request: RestorationRequest, today: date) -> Opening:
    """恢复学籍 (R25.2): a student who withdrew to settle abroad and has come back gets the old record reopened,
    in a class with a free place (R12.1)."""
    student = student_of(session, request.student_id)
    last = session.scalar(
        select(StatusChange)
        .where(StatusChange.student_id == student.id, StatusChange.kind == "withdrawal")
        .order_by(StatusChange.id.desc())
        .limit(1)
    )
    target, size_findings = class_to_join(session, request.to_class_id)
    findings = rules.check_restoration(student.status, last.reason if last else None) + size_findings
    facts = {"to_class_id": target.id, "to_class": target.name}
    return Opening(student.id, student.name, facts, findings)


def _complete_restoration(
    session: Session, procedure: Procedure, facts: dict[str, Any], on: date
) -> Completion:
    student = student_in(session, procedure, "退学", "R25.2", "恢复学籍")
    details = {"class_before": student.school_class_id, "class_after": facts["to_class_id"]}
    student.school_class_id = facts["to_class_id"]
    return Completion(student, "在读", on, details, f"回国（境）就读，恢复学籍，编入{facts['to_class']}")


def death_due(died_on: date, calendar: WorkingCalendar) -> DueDate:
    """R27.1: the status change within 10 working days (调休 counted; estimated where no year list exists)."""
    return calendar.add_working_days(died_on, rules.DEATH_WORKING_DAYS)


def _complete(status: str, when: str | None = None, why: str | None = None):
    def complete(session: Session, procedure: Procedure, facts: dict[str, Any], on: date) -> Completion:
        student = procedure_student(session, procedure)
        allowed = ("在读",) if status in ("辍学",) else ("在读", "休学")
        if student.status not in allowed:
            raise RuleViolation([block("R7.1", f"该学生当前状态为“{student.status}”，不能办理为“{status}”")])
        effective = date.fromisoformat(facts[when]) if when else on
        return Completion(
            student,
            status,
            effective,
            {k: v for k, v in facts.items() if k != "grounds"},
            facts.get(why) if why else None,
        )

    return complete


_WITHDRAWAL_STATUSES = ("在读", "休学")

WITHDRAWAL = ProcedureKind(
    code="withdrawal",
    label="退学",
    request=WithdrawalRequest,
    statuses=_WITHDRAWAL_STATUSES,
    explanation=(
        "依据《细则》第二十三条：义务教育阶段除丧失学习能力或出境定居外，不允许学生退学，学校不得劝退、开除学生；"
        "第二十四条：普通高中学生可因所列四种情形申请退学。"
    ),
    steps=WITHDRAWAL_STEPS,
    prepare=_prepare_withdrawal,
    complete=_complete("退学", why="reason"),
    # R23.1 for a compulsory-stage student, R24.1 for a senior one (Opening.proof_rule)
    proofs=Proofs("R23.1", lambda r: rules.required_proofs(r.reason), depends_on=("reason",)),
    batch=BatchColumns("31", "退学"),
    forms=(WITHDRAWAL_FORM,),
    review=ReviewChecks(answers=frozenset({ANSWERS_ABSENCE, ANSWERS_SUSPENSION})),
)
AUTOMATIC = ProcedureKind(
    code="automatic_withdrawal",
    label="自动退学",
    request=AutomaticWithdrawalRequest,
    statuses=_WITHDRAWAL_STATUSES,
    explanation=(
        "依据《细则》第二十六条：普通高中学生一学期内连续无故旷课超过8周或累计旷课10周及以上，经多次联系帮助教育无效，"
        "或休学期满未复学、未办理延长休学的，经学校报请学籍管理部门批准，按自动退学处理。"
    ),
    steps=AUTOMATIC_STEPS,
    prepare=_prepare_automatic,
    complete=_complete("退学"),
    proofs=Proofs("R26.1", lambda r: []),
    batch=BatchColumns("31", "退学"),
    forms=(WITHDRAWAL_FORM,),
    review=ReviewChecks(answers=frozenset({ANSWERS_ABSENCE, ANSWERS_SUSPENSION})),
    prefill=_prefill_automatic,
)
DEATH = ProcedureKind(
    code="death",
    label="死亡",
    request=DeathRequest,
    statuses=_WITHDRAWAL_STATUSES,
    explanation=(
        "依据《细则》第二十七条：学生死亡的，学校应当凭相关证明在10个工作日内报学籍管理部门做死亡异动处理。"
    ),
    steps=DEATH_STEPS,
    prepare=_prepare_death,
    complete=_complete("死亡", when="died_on"),
    proofs=Proofs("R27.1", lambda r: DEATH_PROOFS),
    batch=BatchColumns("51", "死亡"),
    due=lambda facts, days, calendar: death_due(date.fromisoformat(facts["died_on"]), calendar),
    due_article="第二十七条",
)
DROPOUT = ProcedureKind(
    code="dropout",
    label="辍学",
    request=DropoutRequest,
    statuses=("在读",),
    explanation=(
        "依据《细则》第二十八条：义务教育阶段学生辍学，须书面上报当地乡镇人民政府、县级教育行政部门和学籍管理部门，"
        "在义务教育年限内为其保留学籍。"
    ),
    steps=DROPOUT_STEPS,
    prepare=_prepare_dropout,
    complete=_complete("辍学", when="since"),
    proofs=Proofs("R28.1", lambda r: DROPOUT_PROOFS),
    # JY/T 1001 has no 异动类别 for it (06 流失 is a 学生当前状态): 99 其他, 说明 names it
    batch=BatchColumns("99", "其他"),
    forms=(DROPOUT_REPORT,),
    review=ReviewChecks(answers=frozenset({ANSWERS_ABSENCE})),
)
RESTORATION = ProcedureKind(
    code="restoration",
    label="恢复学籍",
    request=RestorationRequest,
    statuses=("退学",),
    explanation="依据《细则》第二十五条：学生出境定居后又回到境内就读的，参照第三章恢复学籍。",
    steps=RESTORATION_STEPS,
    prepare=_prepare_restoration,
    complete=_complete_restoration,
    proofs=Proofs("R25.2", lambda r: RESTORATION_PROOFS),
    # 08 回国复学 is the higher-education code for 公派留学 returning
    batch=BatchColumns("17", "恢复学籍"),
)
