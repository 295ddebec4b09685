"""信息变更 (第十四条) as a procedure: the guardian's request with the 居民户口簿 or another proof, the authority's
approval, and only then the new values in the record — old and new kept in the status change, so a 冲正 puts the old
ones back. Never after graduation (R14.2); never the 学籍号 (R10.4).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from xueji_desktop.models import Procedure
from xueji_desktop.reference.student_fields import FIELDS_BY_KEY
from xueji_desktop.rules import information_change as rules
from xueji_desktop.rules.findings import RuleViolation, block
from xueji_desktop.services.attachments import ProofFile
from xueji_desktop.services.procedure_base import (
    NO_DECISION,
    Completion,
    Decision,
    ProcedureKind,
    open_procedure,
    student_of,
)
from xueji_desktop.store import Store

STEPS = ("已申请", "学籍管理部门已核准", "已维护")  # R14.1: 报学籍管理部门审批，核准后维护
required_proofs = rules.required_proofs


def open_information_change(
    store: Store,
    student_id: int,
    new_values: Mapping[str, Any],
    *,
    proofs: Sequence[ProofFile] = (),
    decision: Decision = NO_DECISION,
    today: date | None = None,
) -> int:
    """Ask to change some fields (keys of the student fields) to new values; checked as the detail dialog checks them."""
    from xueji_desktop.services.students import check_form, load_form

    today = today or date.today()
    form = load_form(store, student_id)  # before the transaction: the store has one connection
    changes = {
        key: [form.values.get(key), value]
        for key, value in new_values.items()
        if form.values.get(key) != value
    }
    form.values.update({key: new for key, (_, new) in changes.items()})
    problems = [p for p in check_form(form) if p.field in changes]
    with store.transaction() as session:
        student = student_of(session, student_id)
        findings = rules.check_information_change(student.status, list(changes))
        findings += [block("R14.1", f"{p.label}：{p.message}") for p in problems]
        unknown = [key for key in changes if key not in FIELDS_BY_KEY]
        if unknown:
            raise ValueError(f"未知的字段：{'、'.join(unknown)}")
        facts = {"fields": changes, "labels": {key: FIELDS_BY_KEY[key].label for key in changes}}
        procedure = open_procedure(
            session,
            store,
            INFORMATION_CHANGE,
            student_id=student.id,
            student_name=student.name,
            facts=facts,
            findings=findings,
            decision=decision,
            proofs=proofs,
            required=rules.required_proofs(),
            proof_rule="R14.1",
            on=today,
        )
        return procedure.id


def _complete(session: Session, procedure: Procedure, facts: dict[str, Any], on: date) -> Completion:
    from xueji_desktop.services.procedure_base import field_value
    from xueji_desktop.services.students import apply_values

    assert procedure.student_id is not None
    student = student_of(session, procedure.student_id)
    if student.status in rules.LEFT_AT_THE_END:
        raise RuleViolation([block("R14.2", f"学生{student.status}后，其原学籍信息不得修改")])
    changes = facts["fields"]
    apply_values(student, {key: field_value(key, new) for key, (_, new) in changes.items()})
    shown = "、".join(f"{facts['labels'][key]}：{old} → {new}" for key, (old, new) in changes.items())
    return Completion(student, student.status, on, {"fields": changes}, shown)


INFORMATION_CHANGE = ProcedureKind("information_change", "信息变更", STEPS, _complete)
KINDS = (INFORMATION_CHANGE,)
