"""What every 异动 procedure is made of, shared by the kinds (transfers.py, suspensions.py, withdrawals.py,
information_changes.py in this package): the clerk's decision on the findings, opening a procedure with its findings
and proofs, and completing it with its status change; the student facts the rules need (grade, term).

The operations on procedures of any kind — opening one from its request, the next step, the provincial state,
cancelling, 冲正, the listing — are in operations.py, which reads the registry (kinds.py); the kinds know only this
module and kinds.py, so imports run one way.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xueji_desktop.errors import NotFound
from xueji_desktop.models import Procedure, ProcedureEvent, ProcedureProof, SchoolClass, StatusChange, Student
from xueji_desktop.rules.findings import Finding, RuleViolation, Severity, block
from xueji_desktop.rules.stages import GradeFacts
from xueji_desktop.services import audit
from xueji_desktop.services.attachments import ProofFile, keep_proof
from xueji_desktop.services.procedures.kinds import Opening, ProcedureKind, Requirement
from xueji_desktop.store import Store

STEPS, PROVINCE = "steps", "province"
CANCELLED = "已撤销"
PROVINCE_STATES = ("待上报", "已上报", "已通过", "已退回")


@dataclass(frozen=True, slots=True)
class Decision:
    """What the clerk decided about the findings shown: the warnings read and confirmed; for a block the regulation
    states only 「原则上」, the exception the authority approved (its number) and the written reason."""

    confirmed: bool = False
    approval_number: str = ""
    reason: str = ""
    preview: bool = False  # only check: raise FindingsPreview with every finding, write nothing


class FindingsPreview(Exception):
    """What the rules say about a procedure not yet opened (Decision(preview=True)): the wizard shows these."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("\n".join(f.text for f in findings))


NO_DECISION = Decision()  # nothing confirmed, no exception: the first time a wizard asks


def decide(findings: Sequence[Finding], decision: Decision) -> list[dict[str, Any]]:
    """The findings as kept with the procedure; RuleViolation when the clerk may not go on.

    A block stops the procedure unless it is overridable and the decision carries the approval number and a reason;
    warnings need the clerk's confirmation."""
    stopping = [
        f
        for f in findings
        if f.blocks and not (f.overridable and decision.approval_number.strip() and decision.reason.strip())
    ]
    if stopping:
        raise RuleViolation(stopping)
    if any(f.severity is Severity.WARN for f in findings) and not decision.confirmed:
        raise RuleViolation([f for f in findings if f.severity is Severity.WARN])
    kept = []
    for finding in findings:
        entry: dict[str, Any] = {
            "rule_id": finding.rule_id,
            "severity": finding.severity.value,
            "text": finding.text,
        }
        if finding.blocks:
            entry["exception"] = {
                "approval_number": decision.approval_number.strip(),
                "reason": decision.reason.strip(),
            }
        kept.append(entry)
    return kept


def open_procedure(
    session: Session,
    store: Store,
    kind: ProcedureKind,
    opening: Opening,
    *,
    decision: Decision,
    proofs: Sequence[ProofFile],
    required: Sequence[Requirement],
    proof_rule: str,
    on: date,
) -> Procedure:
    """Open a procedure in the caller's transaction: findings decided, proofs required by `proof_rule` present and
    kept, its first step and 待上报 recorded, an audit event."""
    from xueji_desktop.rules.proofs import check_proofs, check_same_file

    missing = check_proofs(proof_rule, required, {proof.kind for proof in proofs})
    missing += check_same_file(proof_rule, _kinds_of_each_file(proofs))
    findings = opening.findings
    student_id, student_name = opening.student_id, opening.student_name
    if decision.preview:
        raise FindingsPreview([*findings, *missing])
    kept_findings = decide([*findings, *missing], decision)
    now = datetime.now()
    actor = audit.actor(session)
    procedure = Procedure(
        student_id=student_id,
        student_name=student_name,
        kind=kind.code,
        opened_on=on,
        facts=as_json(opening.facts),
        findings=as_json(kept_findings),
        actor=actor,
        created_at=now,
    )
    session.add(procedure)
    session.flush()
    for proof in proofs:
        attachment = keep_proof(session, store.folder, proof, student_id=student_id)
        session.add(ProcedureProof(procedure_id=procedure.id, attachment_id=attachment.id))
    session.add_all(
        [
            ProcedureEvent(
                procedure_id=procedure.id,
                track=STEPS,
                state=kind.steps[0],
                on=on,
                actor=actor,
                created_at=now,
            ),
            ProcedureEvent(
                procedure_id=procedure.id,
                track=PROVINCE,
                state=PROVINCE_STATES[0],
                on=on,
                actor=actor,
                created_at=now,
            ),
        ]
    )
    audit.record(
        session,
        "procedure.open",
        "procedure",
        procedure.id,
        {"手续": [None, kind.label], "学生": [None, student_name]},
    )
    session.flush()
    if kind.effective == kind.steps[0]:
        complete_procedure(session, kind, procedure, on, None, None, kind.steps[0])
    return procedure


def current_state(session: Session, procedure_id: int, track: str) -> str | None:  # None: no event yet
    return session.scalar(
        select(ProcedureEvent.state)
        .where(ProcedureEvent.procedure_id == procedure_id, ProcedureEvent.track == track)
        .order_by(ProcedureEvent.id.desc())
        .limit(1)
    )


def facts_of(procedure: Procedure) -> dict[str, Any]:
    return json.loads(procedure.facts or "{}")


def complete_procedure(
    session: Session,
    kind: ProcedureKind,
    procedure: Procedure,
    on: date,
    approval_number: str | None,
    note: str | None,
    state: str,
) -> ProcedureEvent:
    completion = kind.complete(session, procedure, facts_of(procedure), on)
    student = completion.student
    before = None if completion.new_record else student.status
    change = StatusChange(
        student_id=student.id,
        kind=kind.code,
        effective_date=completion.effective_date,
        status_before=before,
        status_after=completion.status_after,
        reason=completion.reason,
        details=as_json({"procedure_id": procedure.id, **completion.details}),
    )
    student.status = completion.status_after
    student.updated_at = datetime.now()
    audit.kept(session, change)
    event = add_event(session, procedure, STEPS, state, on, approval_number, note, change.id)
    audit.record(
        session,
        f"status_change.{kind.code}",
        "student",
        student.id,
        {"状态": [before, completion.status_after], "手续": [None, kind.label]},  # words, not its number
    )
    return event


def add_event(
    session: Session,
    procedure: Procedure,
    track: str,
    state: str,
    on: date,
    approval_number: str | None,
    note: str | None,
    status_change_id: int | None = None,
) -> ProcedureEvent:
    event = ProcedureEvent(
        procedure_id=procedure.id,
        track=track,
        state=state,
        on=on,
        approval_number=(approval_number or "").strip() or None,
        note=(note or "").strip() or None,
        status_change_id=status_change_id,
    )
    return audit.kept(session, event)


def as_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def field_value(key: str, value: object) -> object:
    from xueji_desktop.reference.student_fields import FIELDS_BY_KEY, FieldKind

    spec = FIELDS_BY_KEY.get(key)
    if spec is not None and spec.kind is FieldKind.DATE and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def grade_of(session: Session, student: Student) -> GradeFacts:
    """The student's grade (from the class) and the kind of school; RuleViolation for a student in no class."""
    from xueji_desktop.models import School

    school_class = session.get(SchoolClass, student.school_class_id) if student.school_class_id else None
    if school_class is None:
        raise RuleViolation([block("R7.1", f"{student.name}还没有编入班级，请先在名册中分班")])
    stage = session.scalar(select(School.stage).limit(1)) or "primary"
    return GradeFacts(school_class.grade.level, stage)


def term_of(session: Session, day: date) -> tuple[int, date]:
    """(1 or 2, the term's first day) for a day of the current school year (a holiday counts for the next term)."""
    from xueji_desktop.models import SchoolYear
    from xueji_desktop.models.terms import term_on

    year = session.scalar(
        select(SchoolYear)
        .where(SchoolYear.start_year <= day.year)
        .order_by(SchoolYear.start_year.desc())
        .where(SchoolYear.term1_start <= day)
        .limit(1)
    )
    if year is None:
        year = session.scalar(select(SchoolYear).where(SchoolYear.is_current))
    if year is None:
        raise RuleViolation([block("R7.1", "还没有设置学年和学期，请先在学校设置中填写")])
    number = term_on(year.term1_end, day)
    return number, (year.term1_start if number == 1 else year.term2_start)


def student_of(session: Session, student_id: int) -> Student:
    student = session.get(Student, student_id)
    if student is None:
        raise NotFound(f"没有编号为 {student_id} 的学生")
    return student


def procedure_student(session: Session, procedure: Procedure) -> Student:
    """The student a procedure of a kind that picks one (every kind but 转入) was opened for."""
    assert procedure.student_id is not None
    return student_of(session, procedure.student_id)


def student_in(session: Session, procedure: Procedure, status: str, rule_id: str, action: str) -> Student:
    """The procedure's student, who must still be `status` when it completes: RuleViolation (`rule_id`) otherwise,
    saying the student's status does not allow `action` (休学, 复学 …)."""
    student = procedure_student(session, procedure)
    if student.status != status:
        raise RuleViolation([block(rule_id, f"该学生当前状态为“{student.status}”，不能{action}")])
    return student


def class_of(session: Session, class_id: int) -> SchoolClass:
    school_class = session.get(SchoolClass, class_id)
    if school_class is None:
        raise NotFound(f"没有编号为 {class_id} 的班级")
    return school_class


def class_to_join(session: Session, class_id: int, joining: int = 1) -> tuple[SchoolClass, list[Finding]]:
    """The class a student is put into (复学, 恢复学籍) and R12.1's findings on its size with `joining` more students
    (0 when the student is in it already)."""
    from xueji_desktop.rules.class_size import check_class_size
    from xueji_desktop.services.roster import class_size_now

    target = class_of(session, class_id)
    size_after = class_size_now(session, target.id) + joining
    return target, check_class_size(target.name, target.grade.level, size_after)


def _kinds_of_each_file(proofs: Sequence[ProofFile]) -> dict[str, list[str]]:
    """The kinds each attached file (by its content) is given as; an unreadable file is left to keep_proof's refusal."""
    from xueji_desktop.services.attachments import file_digest

    found: dict[str, list[str]] = {}
    for proof in proofs:
        try:
            found.setdefault(file_digest(proof.path), []).append(proof.kind)
        except OSError:
            continue
    return found
