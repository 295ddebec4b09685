"""退学 (第二十三条至第二十五条), 自动退学 (第二十六条), 死亡 (第二十七条) and 辍学 (第二十八条) as procedures.

Each is opened with its rules checked and proofs attached and completes with the student's new status; the record
itself is kept (a dropout's for the whole compulsory period, R28.1).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from xueji_desktop.models import Procedure
from xueji_desktop.reference.working_days import DueDate, WorkingCalendar
from xueji_desktop.rules import proofs as proof_kinds
from xueji_desktop.rules import withdrawals as rules
from xueji_desktop.rules.findings import RuleViolation, block
from xueji_desktop.rules.withdrawals import ApprovingBody, AttendanceFacts, WithdrawalCase, WithdrawalReason
from xueji_desktop.services.attachments import ProofFile
from xueji_desktop.services.procedure_base import (
    NO_DECISION,
    Completion,
    Decision,
    ProcedureKind,
    grade_of,
    open_procedure,
    student_of,
)
from xueji_desktop.store import Store

WITHDRAWAL_STEPS = ("已申请", "学校已审核", "已批准", "学籍管理部门已办理")  # R25.1 / R23.1
AUTOMATIC_STEPS = ("已申请", "学籍管理部门已批准", "已办理")  # R26.1
DEATH_STEPS = ("已登记", "学籍管理部门已办理")  # R27.1
DROPOUT_STEPS = ("已书面报告", "学籍管理部门已登记")  # R28.1
DEATH_PROOFS = [(proof_kinds.DEATH_PROOF,)]  # R27.1
DROPOUT_PROOFS = [(proof_kinds.DROPOUT_REPORT,)]  # R28.1
RESTORATION_PROOFS = [(proof_kinds.PASSPORT_COPY,), (proof_kinds.HOUSEHOLD_REGISTER_COPY,)]  # R25.2: 回到境内
DROPOUT_RECIPIENTS = rules.DROPOUT_RECIPIENTS
required_proofs = rules.required_proofs  # the wizard asks for them as the clerk picks the reason


def open_withdrawal(
    store: Store,
    student_id: int,
    *,
    reason: WithdrawalReason,
    approved_by: ApprovingBody | None,
    proofs: Sequence[ProofFile] = (),
    decision: Decision = NO_DECISION,
    today: date | None = None,
) -> int:
    today = today or date.today()
    with store.transaction() as session:
        student = student_of(session, student_id)
        grade = grade_of(session, student)
        from xueji_desktop.services.suspensions import days_suspended

        case = WithdrawalCase(grade, reason, approved_by, student.status, days_suspended(session, student.id))
        facts = {
            "reason": reason.value,
            "approved_by": approved_by.value if approved_by else None,
            "grade": grade.level,
        }
        rule = "R23.1" if grade.compulsory else "R24.1"
        procedure = open_procedure(
            session,
            store,
            WITHDRAWAL,
            student_id=student.id,
            student_name=student.name,
            facts=facts,
            findings=rules.check_withdrawal(case),
            decision=decision,
            proofs=proofs,
            required=rules.required_proofs(reason),
            proof_rule=rule,
            on=today,
        )
        return procedure.id


def open_automatic_withdrawal(
    store: Store,
    student_id: int,
    *,
    attendance: AttendanceFacts,
    decision: Decision = NO_DECISION,
    today: date | None = None,
) -> int:
    """自动退学 (R26.1): only for a senior student the app lists as a candidate; the authority's approval follows."""
    from xueji_desktop.services.suspensions import current_period

    today = today or date.today()
    with store.transaction() as session:
        student = student_of(session, student_id)
        grade = grade_of(session, student)
        period = current_period(session, student.id) if student.status == "休学" else None
        grounds = rules.automatic_withdrawal_grounds(
            grade, student.status, attendance, period and period.end, today
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
        procedure = open_procedure(
            session,
            store,
            AUTOMATIC,
            student_id=student.id,
            student_name=student.name,
            facts=facts,
            findings=grounds,
            decision=decision,
            proofs=(),
            required=(),
            proof_rule="R26.1",
            on=today,
        )
        return procedure.id


def open_death(
    store: Store,
    student_id: int,
    *,
    died_on: date,
    proofs: Sequence[ProofFile] = (),
    decision: Decision = NO_DECISION,
    today: date | None = None,
) -> int:
    """死亡 (R27.1): with proof; the deadline is 10 working days from the death (death_due)."""
    today = today or date.today()
    with store.transaction() as session:
        student = student_of(session, student_id)
        procedure = open_procedure(
            session,
            store,
            DEATH,
            student_id=student.id,
            student_name=student.name,
            facts={"died_on": died_on},
            findings=rules.check_death(student.status, died_on, today),
            decision=decision,
            proofs=proofs,
            required=DEATH_PROOFS,
            proof_rule="R27.1",
            on=today,
        )
        return procedure.id


def open_dropout(
    store: Store,
    student_id: int,
    *,
    since: date,
    reported_to: Sequence[ApprovingBody],
    proofs: Sequence[ProofFile] = (),
    decision: Decision = NO_DECISION,
    today: date | None = None,
) -> int:
    """辍学 (R28.1): a compulsory-stage student, reported in writing to all three bodies; the record is kept."""
    today = today or date.today()
    with store.transaction() as session:
        student = student_of(session, student_id)
        findings = rules.check_dropout(grade_of(session, student), student.status)
        missing = [body.value for body in DROPOUT_RECIPIENTS if body not in reported_to]
        if missing:
            findings.append(
                block(
                    "R28.1",
                    f"辍学情况须书面上报{'、'.join(b.value for b in DROPOUT_RECIPIENTS)}；"
                    f"尚未上报：{'、'.join(missing)}",
                )
            )
        facts = {"since": since, "reported_to": [body.value for body in reported_to]}
        procedure = open_procedure(
            session,
            store,
            DROPOUT,
            student_id=student.id,
            student_name=student.name,
            facts=facts,
            findings=findings,
            decision=decision,
            proofs=proofs,
            required=DROPOUT_PROOFS,
            proof_rule="R28.1",
            on=today,
        )
        return procedure.id


def open_restoration(
    store: Store,
    student_id: int,
    *,
    to_class_id: int,
    proofs: Sequence[ProofFile] = (),
    decision: Decision = NO_DECISION,
    today: date | None = None,
) -> int:
    """恢复学籍 (R25.2): a student who withdrew to settle abroad and has come back gets the old record reopened,
    in a class with a free place (R12.1)."""
    from sqlalchemy import select

    from xueji_desktop.models import SchoolClass, StatusChange
    from xueji_desktop.rules.class_size import check_class_size
    from xueji_desktop.services.roster import class_size_now

    today = today or date.today()
    with store.transaction() as session:
        student = student_of(session, student_id)
        last = session.scalar(
            select(StatusChange)
            .where(StatusChange.student_id == student.id, StatusChange.kind == "withdrawal")
            .order_by(StatusChange.id.desc())
            .limit(1)
        )
        findings = rules.check_restoration(student.status, last.reason if last else None)
        target = session.get(SchoolClass, to_class_id)
        if target is None:
            raise LookupError(f"没有编号为 {to_class_id} 的班级")
        findings += check_class_size(target.name, target.grade.level, class_size_now(session, target.id) + 1)
        facts = {"to_class_id": target.id, "to_class": target.name}
        procedure = open_procedure(
            session,
            store,
            RESTORATION,
            student_id=student.id,
            student_name=student.name,
            facts=facts,
            findings=findings,
            decision=decision,
            proofs=proofs,
            required=RESTORATION_PROOFS,
            proof_rule="R25.2",
            on=today,
        )
        return procedure.id


def _complete_restoration(
    session: Session, procedure: Procedure, facts: dict[str, Any], on: date
) -> Completion:
    assert procedure.student_id is not None
    student = student_of(session, procedure.student_id)
    if student.status != "退学":
        raise RuleViolation([block("R25.2", f"该学生当前状态为“{student.status}”，不能恢复学籍")])
    details = {"class_before": student.school_class_id, "class_after": facts["to_class_id"]}
    student.school_class_id = facts["to_class_id"]
    return Completion(student, "在读", on, details, f"回国（境）就读，恢复学籍，编入{facts['to_class']}")


def death_due(died_on: date, calendar: WorkingCalendar) -> DueDate:
    """R27.1: the status change within 10 working days (调休 counted; estimated where no year list exists)."""
    return calendar.add_working_days(died_on, rules.DEATH_WORKING_DAYS)


def _complete(status: str, when: str | None = None, why: str | None = None):
    def complete(session: Session, procedure: Procedure, facts: dict[str, Any], on: date) -> Completion:
        assert procedure.student_id is not None
        student = student_of(session, procedure.student_id)
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


WITHDRAWAL = ProcedureKind("withdrawal", "退学", WITHDRAWAL_STEPS, _complete("退学", why="reason"))
AUTOMATIC = ProcedureKind("automatic_withdrawal", "自动退学", AUTOMATIC_STEPS, _complete("退学"))
DEATH = ProcedureKind("death", "死亡", DEATH_STEPS, _complete("死亡", when="died_on"))
DROPOUT = ProcedureKind("dropout", "辍学", DROPOUT_STEPS, _complete("辍学", when="since"))
RESTORATION = ProcedureKind(
    "restoration", "恢复学籍", ("已申请", "学籍管理部门已批准", "已恢复"), _complete_restoration
)
KINDS = (WITHDRAWAL, AUTOMATIC, DEATH, DROPOUT, RESTORATION)
