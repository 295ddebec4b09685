"""异动手续: the operations every procedure of chapters 3–6 shares — opening one from its request with its findings and
proofs, moving it through its steps, tracking it in the provincial system, completing it with a status change,
cancelling it, reversing a status change that was a mistake, and listing them.

Each kind (kinds.py's registry; transfers.py, suspensions.py …) checks its own rules and says what completing it does
to the student; this module keeps the rest the same for all of them (their common parts are in base.py). Everything
here is history: procedures, their events and proofs are only ever added (a cancellation or a reversal is a new
entry), and each call is one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xueji_desktop.errors import NotFound
from xueji_desktop.models import Procedure, ProcedureEvent, School, SchoolClass, StatusChange, Student
from xueji_desktop.reference import school_year_calendar
from xueji_desktop.reference.working_days import DueDate, WorkingCalendar
from xueji_desktop.rules.findings import Finding, RuleViolation, block
from xueji_desktop.rules.key_fields import check_procedure_record
from xueji_desktop.rules.stages import GradeFacts
from xueji_desktop.rules.summer_freeze import check_summer_freeze
from xueji_desktop.services import audit
from xueji_desktop.services.attachments import ProofFile
from xueji_desktop.services.procedures import transfers as transfer_family
from xueji_desktop.services.procedures.base import (
    CANCELLED,
    NO_DECISION,
    PROVINCE,
    STEPS,
    Decision,
    add_event,
    as_json,
    complete_procedure,
    current_state,
    facts_of,
    field_value,
    open_procedure,
)
from xueji_desktop.services.procedures.kinds import ClassId, Opening, Prefill, ProcedureKind, request_fields
from xueji_desktop.services.procedures.registry import kind_for, kind_of
from xueji_desktop.services.procedures.state import procedure_states
from xueji_desktop.store import Store


def open(  # procedures.open(store, request): the one way to open a procedure of any kind
    store: Store,
    request: object,
    proofs: Sequence[ProofFile] = (),
    decision: Decision = NO_DECISION,
    today: date | None = None,
) -> int:
    """Open the procedure `request` asks for (a kind's request dataclass): the kind reads what its rules need and
    checks them, the proofs its article requires are checked and kept, the clerk's decision is applied to the
    findings; one transaction. Decision(preview=True) raises FindingsPreview with every finding and writes nothing.
    Returns the procedure's id."""
    kind = kind_for(request)
    today = today or date.today()
    with store.transaction() as session:
        opening = kind.prepare(session, request, today)
        opening = replace(
            opening,
            findings=[
                *opening.findings,
                *_summer_freeze(session, kind, request, opening, today),
                *_record_established(session, kind, opening),
            ],
        )
        procedure = open_procedure(
            session,
            store,
            kind,
            opening,
            decision=decision,
            proofs=proofs,
            required=kind.proofs.required(request),
            proof_rule=opening.proof_rule or kind.proofs.rule_id,
            on=today,
        )
        return procedure.id


def _summer_freeze(
    session: Session, kind: ProcedureKind, request: object, opening: Opening, today: date
) -> list[Finding]:
    """R7.1, for every kind: the provincial system's summer pauses (resources/reference/school_year.json) — no new
    business for a student in a graduating grade, no new 转入 or 转出 (the kinds the transfers family declares). The
    grade is the one a 转入 asks for, else the student's class's; a student in no class is in no graduating grade."""
    calendar = school_year_calendar.summer_calendar()
    transfer = any(kind is declared for declared in vars(transfer_family).values())
    grade = _grade(session, kind, request, opening.student_id)
    return check_summer_freeze(
        today,
        kind.label,
        graduating=grade is not None and grade.graduating,
        transfer=transfer,
        graduating_freeze=calendar.graduating_freeze,
        transfer_freeze=calendar.transfer_freeze,
    )


def _record_established(session: Session, kind: ProcedureKind, opening: Opening) -> list[Finding]:
    """R10.3, for every kind: a student whose record is not established yet (建立学籍 under way, no 学籍号) goes
    through no procedure but those rules/key_fields.py's WITHOUT_ESTABLISHED_RECORD names (转入 creates the
    student; 死亡 is reported whatever the record), with the reason why."""
    student = session.get(Student, opening.student_id) if opening.student_id is not None else None
    if student is None:
        return []
    return check_procedure_record(kind.code, kind.label, student.enrolment_step, student.national_student_id)


def _grade(
    session: Session, kind: ProcedureKind, request: object, student_id: int | None
) -> GradeFacts | None:
    """The grade a procedure concerns: the request's own 年级 where the kind asks for one (转入), else the class of
    the student; None for a student in no class."""
    asked = [spec.name for spec in request_fields(kind.request) if spec.name == "grade_level"]
    level: int | None = getattr(request, asked[0]) if asked else None
    if level is None and student_id is not None:
        student = session.get(Student, student_id)
        school_class = (
            session.get(SchoolClass, student.school_class_id) if student and student.school_class_id else None
        )
        level = school_class.grade.level if school_class is not None else None
    if level is None:
        return None
    return GradeFacts(level, session.scalar(select(School.stage).limit(1)) or "primary")


def prefill(store: Store, code: str, student_id: int | None, *, today: date | None = None) -> Prefill:
    """What the 办理信息 page of a kind starts from for a student: the student's own class for a class field, and
    what the kind takes from the records (the absence recorded this term, the suspension's current end …)."""
    kind = kind_of(code)
    today = today or date.today()
    if student_id is None:
        return Prefill()
    with store.read() as session:
        student = session.get(Student, student_id)
        if student is None:
            raise NotFound(f"没有编号为 {student_id} 的学生")
        values: dict[str, Any] = {
            spec.name: student.school_class_id
            for spec in request_fields(kind.request)
            if spec.type is ClassId and student.school_class_id is not None
        }
        if kind.prefill is None:
            return Prefill(values)
        found = kind.prefill(session, student_id, today)
        return Prefill(values | found.values, found.shown)


def latest_procedure_of_kinds(store: Store, student_id: int, kinds: Collection[str]) -> int | None:
    """The student's newest procedure of one of these kinds (the one a form prints by default), or None."""
    with store.read() as session:
        return session.scalar(
            select(Procedure.id)
            .where(Procedure.student_id == student_id, Procedure.kind.in_(list(kinds)))
            .order_by(Procedure.id.desc())
            .limit(1)
        )


def kind_of_procedure(store: Store, procedure_id: int) -> str:
    """The kind code of a procedure; NotFound when there is no such procedure."""
    with store.read() as session:
        code = session.scalar(select(Procedure.kind).where(Procedure.id == procedure_id))
    if code is None:
        raise NotFound(f"没有编号为 {procedure_id} 的手续")
    return code


_PROVINCE_NEXT = {"待上报": ("已上报",), "已上报": ("已通过", "已退回"), "已退回": ("已上报",), "已通过": ()}


def advance(
    store: Store,
    procedure_id: int,
    state: str,
    *,
    on: date,
    approval_number: str | None = None,
    note: str | None = None,
) -> ProcedureEvent:
    """Record the next step (R17.1's order and the like: one step at a time); the last step completes the
    procedure and writes its status change, in the same transaction."""
    with store.transaction() as session:
        procedure = _procedure(session, procedure_id)
        kind = kind_of(procedure.kind)
        current = current_state(session, procedure.id, STEPS)
        if current in (CANCELLED, kind.steps[-1]):
            raise RuleViolation(
                [
                    block(
                        "R7.1",
                        f"该{kind.label}手续已{'撤销' if current == CANCELLED else '完成'}，不能再办理",
                    )
                ]
            )
        expected = kind.steps[kind.steps.index(current) + 1]
        if state != expected:
            raise RuleViolation(
                [
                    block(
                        "R7.1",
                        f"{kind.label}手续须依次经过：{' → '.join(kind.steps)}；当前为“{current}”，"
                        f"下一步应为“{expected}”",
                    )
                ]
            )
        if state == kind.effective:
            return complete_procedure(session, kind, procedure, on, approval_number, note, state)
        event = add_event(session, procedure, STEPS, state, on, approval_number, note)
        audit.record(session, "procedure.step", "procedure", procedure.id, {"步骤": [current, state]})
        return event


def cancel(store: Store, procedure_id: int, *, reason: str, on: date) -> ProcedureEvent:
    """Withdraw an open procedure (the family changed its mind, the authority refused): a new event, with the
    reason; a completed one is undone by reverse() instead."""
    if not reason.strip():
        raise RuleViolation([block("R7.1", "撤销手续须写明原因")])
    with store.transaction() as session:
        procedure = _procedure(session, procedure_id)
        kind = kind_of(procedure.kind)
        current = current_state(session, procedure.id, STEPS)
        if current == CANCELLED or kind.steps.index(current) >= kind.steps.index(kind.effective):
            raise RuleViolation(
                [
                    block(
                        "R7.1",
                        f"该{kind.label}手续已{'撤销' if current == CANCELLED else '完成'}"
                        "；已完成的异动须用冲正的方式更正",
                    )
                ]
            )
        audit.record(
            session,
            "procedure.cancel",
            "procedure",
            procedure.id,
            {"步骤": [current, CANCELLED], "原因": [None, reason]},
        )
        return add_event(session, procedure, STEPS, CANCELLED, on, None, reason.strip())


def set_province_state(
    store: Store, procedure_id: int, state: str, *, on: date, note: str | None = None
) -> None:
    """Where the procedure stands in the provincial system: 待上报 → 已上报 → 已通过 / 已退回 (with the reason given),
    and 已退回 → 已上报 again once fixed."""
    with store.transaction() as session:
        procedure = _procedure(session, procedure_id)
        current = current_state(session, procedure.id, PROVINCE)
        if state not in _PROVINCE_NEXT.get(current or "", ()):  # no state yet: nothing may follow
            raise RuleViolation([block("R7.1", f"省级学籍系统中的状态不能从“{current}”改为“{state}”")])
        if state == "已退回" and not (note or "").strip():
            raise RuleViolation([block("R7.1", "请填写学籍管理部门退回的原因")])
        add_event(session, procedure, PROVINCE, state, on, None, note)
        audit.record(session, "procedure.province", "procedure", procedure.id, {"省级系统": [current, state]})


def reverse(store: Store, status_change_id: int, *, reason: str, on: date) -> int:
    """冲正: a status change entered by mistake is undone by a new one that names it and restores the student's
    status and class; history itself is never edited. Returns the new change's id."""
    if not reason.strip():
        raise RuleViolation([block("R7.1", "冲正须写明原因")])
    with store.transaction() as session:
        change = session.get(StatusChange, status_change_id)
        if change is None:
            raise NotFound(f"没有编号为 {status_change_id} 的异动记录")
        if session.scalar(select(StatusChange.id).where(StatusChange.reverses_id == change.id)) is not None:
            raise RuleViolation([block("R7.1", "这条异动已经冲正过")])
        student = session.get(Student, change.student_id)
        assert student is not None
        if student.status != change.status_after:
            raise RuleViolation(
                [block("R7.1", f"该学生此后又有异动（当前状态“{student.status}”），请先冲正较晚的异动")]
            )
        if change.status_before is None:
            raise RuleViolation(
                [block("R7.1", "这条异动建立了该学生的学籍，不能冲正；信息有误请办理信息变更")]
            )
        details = json.loads(change.details or "{}")
        back: dict[str, Any] = {}
        if "class_before" in details:
            back = {"class_before": student.school_class_id, "class_after": details["class_before"]}
            student.school_class_id = details["class_before"]
        fields = details.get("fields", {})
        if fields:  # an information change: the old values back, and kept in the reversal too
            from xueji_desktop.services.students import apply_values

            apply_values(student, {key: field_value(key, old) for key, (old, _new) in fields.items()})
            back["fields"] = {key: [new, old] for key, (old, new) in fields.items()}
        status_before = change.status_before
        reversal = StatusChange(
            student_id=student.id,
            kind=f"reversal:{change.kind}",
            effective_date=on,
            status_before=student.status,
            status_after=status_before,
            reason=reason.strip(),
            details=as_json(back),
            reverses_id=change.id,
        )
        student.status = status_before
        student.updated_at = datetime.now()
        audit.kept(session, reversal)
        audit.record(
            session,
            "status_change.reverse",
            "student",
            student.id,
            {"状态": [change.status_after, status_before], "冲正": [None, change.id], "原因": [None, reason]},
        )
        return reversal.id


def _procedure(session: Session, procedure_id: int) -> Procedure:
    procedure = session.get(Procedure, procedure_id)
    if procedure is None:
        raise NotFound(f"没有编号为 {procedure_id} 的异动手续")
    return procedure


@dataclass(frozen=True, slots=True)
class ProcedureRow:
    """One procedure as the 异动 tab lists it."""

    id: int
    kind: str
    label: str
    student_id: int | None
    student_name: str
    opened_on: date
    state: str
    next_state: str | None  # None: completed or cancelled
    province_state: str
    province_note: str | None
    due: DueDate | None
    overdue: bool
    status_change_id: int | None

    @property
    def open(self) -> bool:
        return self.next_state is not None


def procedure_rows(
    store: Store, *, today: date, calendar: WorkingCalendar | None = None
) -> list[ProcedureRow]:
    """Every procedure, newest first, with where it stands and its due date (R27.1's 10 working days …)."""
    from xueji_desktop.services.holidays import working_calendar

    calendar = calendar or working_calendar(store)
    with store.read() as session:
        states = procedure_states(session)
        rows = []
        for procedure in session.scalars(select(Procedure).order_by(Procedure.id.desc())):
            state = states.get(procedure.id)
            if state is None:
                continue
            due = state.due(facts_of(procedure), calendar) if state.open else None
            rows.append(
                ProcedureRow(
                    procedure.id,
                    procedure.kind,
                    state.label,
                    procedure.student_id,
                    procedure.student_name,
                    procedure.opened_on,
                    state.step,
                    state.next_step,
                    state.province,
                    state.province_note,
                    due,
                    bool(due and today > due.day),
                    state.status_change_id,
                )
            )
        return rows


def kind_due(
    code: str, facts: dict[str, Any], days: dict[str, date], calendar: WorkingCalendar
) -> DueDate | None:
    """The regulation's deadline for an open procedure of this kind, where it sets one (`days`: each step's date)."""
    kind = kind_of(code)
    return kind.due(facts, days, calendar) if kind.due else None
