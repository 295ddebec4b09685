"""异动手续: the machinery every procedure of chapters 3–6 shares — opening one with its findings and proofs, moving
it through its steps, tracking it in the provincial system, completing it with a status change, cancelling it, and
reversing a status change that was a mistake.

Each kind of procedure (services/suspensions.py, withdrawals.py …) checks its own rules and says what completing it
does to the student; this module keeps the rest the same for all of them. Everything here is history: procedures,
their events and proofs are only ever added (a cancellation or a reversal is a new entry), and each call is one
transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xueji_desktop.models import Procedure, ProcedureEvent, ProcedureProof, StatusChange, Student
from xueji_desktop.reference.working_days import DueDate, WorkingCalendar
from xueji_desktop.rules.findings import Finding, RuleViolation, Severity, block
from xueji_desktop.rules.stages import GradeFacts
from xueji_desktop.services import audit
from xueji_desktop.services.attachments import ProofFile, keep_proof
from xueji_desktop.store import Store

STEPS, PROVINCE = "steps", "province"
CANCELLED = "已撤销"
PROVINCE_STATES = ("待上报", "已上报", "已通过", "已退回")
_PROVINCE_NEXT = {"待上报": ("已上报",), "已上报": ("已通过", "已退回"), "已退回": ("已上报",), "已通过": ()}


@dataclass(frozen=True, slots=True)
class Decision:
    """What the clerk decided about the findings shown: the warnings read and confirmed; for a block the regulation
    states only 「原则上」, the exception the authority approved (its number) and the written reason."""

    confirmed: bool = False
    approval_number: str = ""
    reason: str = ""
    preview: bool = False  # only check: raise FindingsPreview with every finding, write nothing


class FindingsPreview(Exception):  # noqa: N818 - not an error: the answer to a preview
    """What the rules say about a procedure not yet opened (Decision(preview=True)): the wizard shows these."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("\n".join(f.text for f in findings))


NO_DECISION = Decision()  # nothing confirmed, no exception: the first time a wizard asks


@dataclass(frozen=True, slots=True)
class Completion:
    """What completing a procedure does to its student (a kind's complete() returns it)."""

    student: Student
    status_after: str
    effective_date: date
    details: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None
    new_record: bool = False  # the procedure made the student's record (a transfer in): no status before it


@dataclass(frozen=True, slots=True)
class ProcedureKind:
    key: str  # transfer_in, suspension … (GLOSSARY.md)
    label: str  # 转入, 休学 …
    steps: tuple[str, ...]  # its states in order; the last ends it
    complete: Callable[[Session, Procedure, dict[str, Any], date], Completion]
    effective_step: str | None = None  # the step that writes the status change (None: the last); later steps follow up

    @property
    def effective(self) -> str:
        return self.effective_step or self.steps[-1]


def decide(findings: Sequence[Finding], decision: Decision) -> list[dict[str, Any]]:
    """The findings as kept with the procedure; RuleViolation when the clerk may not go on.

    A block stops the procedure unless it is overridable and the decision carries the approval number and a reason;
    warnings need the clerk's confirmation."""
    stopping = [f for f in findings if f.blocks and not (f.overridable and decision.approval_number.strip()
                                                          and decision.reason.strip())]  # fmt: skip
    if stopping:
        raise RuleViolation(stopping)
    if any(f.severity is Severity.WARN for f in findings) and not decision.confirmed:
        raise RuleViolation([f for f in findings if f.severity is Severity.WARN])
    kept = []
    for finding in findings:
        entry = {"rule_id": finding.rule_id, "severity": finding.severity.value, "text": finding.text}
        if finding.blocks:
            entry["exception"] = {"approval_number": decision.approval_number.strip(), "reason": decision.reason.strip()}
        kept.append(entry)
    return kept


def open_procedure(
    session: Session,
    store: Store,
    kind: ProcedureKind,
    *,
    student_id: int | None,
    student_name: str,
    facts: dict[str, Any],
    findings: Sequence[Finding],
    decision: Decision,
    proofs: Sequence[ProofFile],
    required: Sequence[tuple[str, ...]],
    proof_rule: str,
    on: date,
) -> Procedure:
    """Open a procedure in the caller's transaction: findings decided, proofs required by `proof_rule` present and
    kept, its first step and 待上报 recorded, an audit event."""
    from xueji_desktop.rules.proofs import check_proofs

    missing = check_proofs(proof_rule, required, {proof.kind for proof in proofs})
    if decision.preview:
        raise FindingsPreview([*findings, *missing])
    kept_findings = decide([*findings, *missing], decision)
    now = datetime.now()
    actor = session.info.get("actor", "学籍管理员")
    procedure = Procedure(student_id=student_id, student_name=student_name, kind=kind.key, opened_on=on,
                          facts=_dumps(facts), findings=_dumps(kept_findings), actor=actor, created_at=now)  # fmt: skip
    session.add(procedure)
    session.flush()
    for proof in proofs:
        attachment = keep_proof(session, store.folder, proof, student_id=student_id)
        session.add(ProcedureProof(procedure_id=procedure.id, attachment_id=attachment.id))
    session.add_all([
        ProcedureEvent(procedure_id=procedure.id, track=STEPS, state=kind.steps[0], on=on, actor=actor, created_at=now),
        ProcedureEvent(procedure_id=procedure.id, track=PROVINCE, state=PROVINCE_STATES[0], on=on, actor=actor,
                       created_at=now),
    ])  # fmt: skip
    audit.record(session, "procedure.open", "procedure", procedure.id,
                 {"手续": [None, kind.label], "学生": [None, student_name]})  # fmt: skip
    session.flush()
    if kind.effective == kind.steps[0]:
        _complete(session, kind, procedure, on, None, None, kind.steps[0])
    return procedure


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
            raise RuleViolation([block("R7.1", f"该{kind.label}手续已{'撤销' if current == CANCELLED else '完成'}，不能再办理")])
        expected = kind.steps[kind.steps.index(current) + 1]
        if state != expected:
            raise RuleViolation([block("R7.1", f"{kind.label}手续须依次经过：{' → '.join(kind.steps)}；当前为“{current}”，"
                                       f"下一步应为“{expected}”")])  # fmt: skip
        if state == kind.effective:
            return _complete(session, kind, procedure, on, approval_number, note, state)
        event = _event(session, procedure, STEPS, state, on, approval_number, note)
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
            raise RuleViolation([block("R7.1", f"该{kind.label}手续已{'撤销' if current == CANCELLED else '完成'}"
                                       "；已完成的异动须用冲正的方式更正")])  # fmt: skip
        audit.record(session, "procedure.cancel", "procedure", procedure.id, {"步骤": [current, CANCELLED], "原因": [None, reason]})
        return _event(session, procedure, STEPS, CANCELLED, on, None, reason.strip())


def set_province_state(store: Store, procedure_id: int, state: str, *, on: date, note: str | None = None) -> None:
    """Where the procedure stands in the provincial system: 待上报 → 已上报 → 已通过 / 已退回 (with the reason given),
    and 已退回 → 已上报 again once fixed."""
    with store.transaction() as session:
        procedure = _procedure(session, procedure_id)
        current = current_state(session, procedure.id, PROVINCE)
        if state not in _PROVINCE_NEXT.get(current, ()):
            raise RuleViolation([block("R7.1", f"省级学籍系统中的状态不能从“{current}”改为“{state}”")])
        if state == "已退回" and not (note or "").strip():
            raise RuleViolation([block("R7.1", "请填写学籍管理部门退回的原因")])
        _event(session, procedure, PROVINCE, state, on, None, note)
        audit.record(session, "procedure.province", "procedure", procedure.id, {"省级系统": [current, state]})


def reverse(store: Store, status_change_id: int, *, reason: str, on: date) -> int:
    """冲正: a status change entered by mistake is undone by a new one that names it and restores the student's
    status and class; history itself is never edited. Returns the new change's id."""
    if not reason.strip():
        raise RuleViolation([block("R7.1", "冲正须写明原因")])
    with store.transaction() as session:
        change = session.get(StatusChange, status_change_id)
        if change is None:
            raise LookupError(f"没有编号为 {status_change_id} 的异动记录")
        if session.scalar(select(StatusChange.id).where(StatusChange.reverses_id == change.id)) is not None:
            raise RuleViolation([block("R7.1", "这条异动已经冲正过")])
        student = session.get(Student, change.student_id)
        assert student is not None
        if student.status != change.status_after:
            raise RuleViolation([block("R7.1", f"该学生此后又有异动（当前状态“{student.status}”），请先冲正较晚的异动")])
        if change.status_before is None:
            raise RuleViolation([block("R7.1", "这条异动建立了该学生的学籍，不能冲正；信息有误请办理信息变更")])
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
        reversal = StatusChange(student_id=student.id, kind=f"reversal:{change.kind}", effective_date=on,
                                status_before=student.status, status_after=status_before, reason=reason.strip(),
                                details=_dumps(back), reverses_id=change.id, actor=session.info.get("actor", "学籍管理员"),
                                created_at=datetime.now())  # fmt: skip
        student.status = status_before
        student.updated_at = datetime.now()
        session.add(reversal)
        session.flush()
        audit.record(session, "status_change.reverse", "student", student.id,
                     {"状态": [change.status_after, status_before], "冲正": [None, change.id], "原因": [None, reason]})  # fmt: skip
        return reversal.id


def current_state(session: Session, procedure_id: int, track: str) -> str:
    return session.scalar(
        select(ProcedureEvent.state).where(ProcedureEvent.procedure_id == procedure_id, ProcedureEvent.track == track)
        .order_by(ProcedureEvent.id.desc()).limit(1)
    )  # fmt: skip


def facts_of(procedure: Procedure) -> dict[str, Any]:
    return json.loads(procedure.facts or "{}")


def kind_of(key: str) -> ProcedureKind:
    kinds = all_kinds()
    if key not in kinds:
        raise LookupError(f"未知的异动手续：{key}")
    return kinds[key]


def all_kinds() -> dict[str, ProcedureKind]:
    """Every kind of procedure, from the modules that define them (imported here, when first asked)."""
    from xueji_desktop.services import information_changes, suspensions, transfers, withdrawals

    modules = (transfers, suspensions, withdrawals, information_changes)
    return {kind.key: kind for module in modules for kind in module.KINDS}


def _complete(session: Session, kind: ProcedureKind, procedure: Procedure, on: date, approval_number: str | None,
              note: str | None, state: str) -> ProcedureEvent:  # fmt: skip
    completion = kind.complete(session, procedure, facts_of(procedure), on)
    student = completion.student
    before = None if completion.new_record else student.status
    change = StatusChange(student_id=student.id, kind=kind.key, effective_date=completion.effective_date,
                          status_before=before, status_after=completion.status_after, reason=completion.reason,
                          details=_dumps({"procedure_id": procedure.id, **completion.details}),
                          actor=session.info.get("actor", "学籍管理员"), created_at=datetime.now())  # fmt: skip
    session.add(change)
    student.status = completion.status_after
    student.updated_at = datetime.now()
    session.flush()
    event = _event(session, procedure, STEPS, state, on, approval_number, note, change.id)
    audit.record(session, f"status_change.{kind.key}", "student", student.id,
                 {"状态": [before, completion.status_after], "手续": [None, procedure.id]})  # fmt: skip
    return event


def _event(session: Session, procedure: Procedure, track: str, state: str, on: date, approval_number: str | None,
           note: str | None, status_change_id: int | None = None) -> ProcedureEvent:  # fmt: skip
    event = ProcedureEvent(procedure_id=procedure.id, track=track, state=state, on=on,
                           approval_number=(approval_number or "").strip() or None, note=(note or "").strip() or None,
                           status_change_id=status_change_id, actor=session.info.get("actor", "学籍管理员"),
                           created_at=datetime.now())  # fmt: skip
    session.add(event)
    session.flush()
    return event


def _procedure(session: Session, procedure_id: int) -> Procedure:
    procedure = session.get(Procedure, procedure_id)
    if procedure is None:
        raise LookupError(f"没有编号为 {procedure_id} 的异动手续")
    return procedure


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def field_value(key: str, value: object) -> object:
    from xueji_desktop.reference.student_fields import FIELDS_BY_KEY, FieldKind

    spec = FIELDS_BY_KEY.get(key)
    if spec is not None and spec.kind is FieldKind.DATE and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def grade_of(session: Session, student: Student) -> GradeFacts:
    """The student's grade (from the class) and the kind of school; RuleViolation for a student in no class."""
    from xueji_desktop.models import School, SchoolClass

    school_class = session.get(SchoolClass, student.school_class_id) if student.school_class_id else None
    if school_class is None:
        raise RuleViolation([block("R7.1", f"{student.name}还没有编入班级，请先在名册中分班")])
    stage = session.scalar(select(School.stage).limit(1)) or "primary"
    return GradeFacts(school_class.grade.level, stage)


def term_of(session: Session, day: date) -> tuple[int, date]:
    """(1 or 2, the term's first day) for a day of the current school year (a holiday counts for the next term)."""
    from xueji_desktop.models import SchoolYear
    from xueji_desktop.models.terms import term_on

    year = session.scalar(select(SchoolYear).where(SchoolYear.start_year <= day.year).order_by(SchoolYear.start_year.desc())
                          .where(SchoolYear.term1_start <= day).limit(1))  # fmt: skip
    if year is None:
        year = session.scalar(select(SchoolYear).where(SchoolYear.is_current))
    if year is None:
        raise RuleViolation([block("R7.1", "还没有设置学年和学期，请先在学校设置中填写")])
    number = term_on(year.term1_end, day)
    return number, (year.term1_start if number == 1 else year.term2_start)


def student_of(session: Session, student_id: int) -> Student:
    student = session.get(Student, student_id)
    if student is None:
        raise LookupError(f"没有编号为 {student_id} 的学生")
    return student


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


def procedure_rows(store: Store, *, today: date, calendar: WorkingCalendar | None = None) -> list[ProcedureRow]:
    """Every procedure, newest first, with where it stands and its due date (R27.1's 10 working days …)."""
    from xueji_desktop.reference.working_days import working_calendar

    calendar = calendar or working_calendar(store.folder.root)
    kinds = all_kinds()
    with store.read() as session:
        latest: dict[tuple[int, str], ProcedureEvent] = {}
        changes: dict[int, int] = {}
        step_days: dict[tuple[int, str], date] = {}
        for event in session.scalars(select(ProcedureEvent).order_by(ProcedureEvent.id)):
            latest[(event.procedure_id, event.track)] = event
            if event.status_change_id is not None:
                changes[event.procedure_id] = event.status_change_id
            if event.track == STEPS:
                step_days[(event.procedure_id, event.state)] = event.on
        rows = []
        for procedure in session.scalars(select(Procedure).order_by(Procedure.id.desc())):
            kind = kinds.get(procedure.kind)
            steps = latest.get((procedure.id, STEPS))
            province = latest.get((procedure.id, PROVINCE))
            state = steps.state if steps else ""
            done = kind is None or state in (CANCELLED, kind.steps[-1])
            next_state = None if done else kind.steps[kind.steps.index(state) + 1]
            days = {state: day for (pid, state), day in step_days.items() if pid == procedure.id}
            due = None if done or kind is None else kind_due(kind.key, facts_of(procedure), days, calendar)
            rows.append(ProcedureRow(
                procedure.id, procedure.kind, kind.label if kind else procedure.kind, procedure.student_id,
                procedure.student_name, procedure.opened_on, state, next_state, province.state if province else "",
                province.note if province else None, due, bool(due and today > due.day), changes.get(procedure.id),
            ))  # fmt: skip
        return rows


def kind_due(kind: str, facts: dict[str, Any], days: dict[str, date], calendar: WorkingCalendar) -> DueDate | None:
    """The regulation's deadline for an open procedure of this kind, where it sets one (`days`: each step's date)."""
    if kind == "death":
        from xueji_desktop.services.withdrawals import death_due

        return death_due(date.fromisoformat(facts["died_on"]), calendar)
    if kind in ("transfer_in", "transfer_out"):
        from xueji_desktop.services.transfers import transfer_due

        return transfer_due(kind, days, calendar)
    return None
