"""信息变更 (第十四条) as a procedure kind: the guardian's request with the 居民户口簿 or another proof, the authority's
approval, and only then the new values in the record — old and new kept in the status change, so a 冲正 puts the old
ones back. Never after graduation (R14.2); never the 学籍号 (R10.4).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from xueji_desktop.errors import InvalidInput
from xueji_desktop.models import Procedure
from xueji_desktop.reference.codes import code_table
from xueji_desktop.reference.student_fields import FAMILY_FIELDS, FIELDS_BY_KEY, STUDENT_FIELDS, FieldKind
from xueji_desktop.rules import information_change as rules
from xueji_desktop.rules.findings import RuleViolation, block
from xueji_desktop.rules.names import changed_name_findings
from xueji_desktop.services.procedures.base import procedure_student, student_of
from xueji_desktop.services.procedures.kinds import (
    BatchColumns,
    Completion,
    Opening,
    ProcedureKind,
    Proofs,
    ask,
)

STEPS = ("已申请", "学籍管理部门已核准", "已维护")  # R14.1: 报学籍管理部门审批，核准后维护
required_proofs = rules.required_proofs


@dataclass(frozen=True, slots=True, kw_only=True)
class InformationChangeRequest:
    """信息变更 (第十四条): some student fields (keys of reference/student_fields.py) and their new values; a
    code-valued field's (性别, 民族 …) by its code or its name, kept as the code."""

    student_id: int
    new_values: Mapping[str, Any] = ask("变更项目", default_factory=dict)


def _stored(key: str, value: Any) -> Any:
    """A code-valued field's new value as the record keeps it: the code, also when given by its name (汉族 → 01);
    an unknown one is left as it is, for rules.information_change.check_codes to refuse (R14.1)."""
    spec = FIELDS_BY_KEY.get(key)
    if spec is not None and spec.kind is FieldKind.CODE and isinstance(value, str):
        text = value.strip()
        return (code_table(spec.table or key).code_of(text) or text) if text else None
    return value


def words(key: str, value: Any) -> str:
    """A value as the clerk reads it: a code's name (民族 01 → 汉族), a date as 2019-03-14, （空） for nothing."""
    if value is None or value == "":
        return "（空）"
    spec = FIELDS_BY_KEY.get(key)
    if spec is not None and spec.kind is FieldKind.CODE:
        return code_table(spec.table or key).name_of(str(value))
    return value.isoformat() if isinstance(value, date) else str(value)


def _prepare(session: Session, request: InformationChangeRequest, today: date) -> Opening:
    """The fields asked for, checked as the detail dialog checks them; never the 学籍号 (R10.4), never after
    graduation (R14.2)."""
    from xueji_desktop.services.students import StudentForm, check_form

    student = student_of(session, request.student_id)
    values = {spec.key: getattr(student, spec.key) for spec in STUDENT_FIELDS}
    family = [{spec.key: getattr(m, spec.key) for spec in FAMILY_FIELDS} for m in student.family_members]
    form = StudentForm(values, family, student.school_class_id, student.status)
    new_values = {key: _stored(key, value) for key, value in request.new_values.items()}
    changes = {
        key: [form.values.get(key), value]
        for key, value in new_values.items()
        if form.values.get(key) != value
    }
    unknown = [key for key in changes if key not in FIELDS_BY_KEY]
    if unknown:
        raise InvalidInput(f"未知的字段：{'、'.join(unknown)}")
    form.values.update({key: new for key, (_, new) in changes.items()})
    names = changed_name_findings({key: new for key, (_, new) in changes.items()})  # R13.1 (rules.names)
    said = {f.message for f in names}
    problems = [p for p in check_form(form) if p.field in changes and p.message not in said]
    findings = rules.check_information_change(student.status, list(changes)) + names
    findings += rules.check_codes({key: new for key, (_, new) in changes.items()})
    findings += [block("R14.1", f"{p.label}：{p.message}") for p in problems]
    facts = {
        "fields": changes,  # as stored: codes, dates (a 冲正 puts the old ones back)
        "labels": {key: FIELDS_BY_KEY[key].label for key in changes},
        "shown": {key: [words(key, old), words(key, new)] for key, (old, new) in changes.items()},
    }
    return Opening(student.id, student.name, facts, findings)


def _complete(session: Session, procedure: Procedure, facts: dict[str, Any], on: date) -> Completion:
    from xueji_desktop.services.procedures.base import field_value
    from xueji_desktop.services.students import apply_values

    student = procedure_student(session, procedure)
    if student.status in rules.LEFT_AT_THE_END:
        raise RuleViolation([block("R14.2", f"学生{student.status}后，其原学籍信息不得修改")])
    changes = facts["fields"]
    apply_values(student, {key: field_value(key, new) for key, (_, new) in changes.items()})
    shown = "、".join(
        f"{facts['labels'][key]}：{words(key, field_value(key, old))} → {words(key, field_value(key, new))}"
        for key, (old, new) in changes.items()
    )
    return Completion(student, student.status, on, {"fields": changes}, shown)


INFORMATION_CHANGE = ProcedureKind(
    code="information_change",
    label="信息变更",
    request=InformationChangeRequest,
    statuses=("在读", "休学"),
    explanation=(
        "依据《细则》第十四条：监护人凭《居民户口簿》或其他证明文件申请修改学生基础信息，报学籍管理部门审批，核准后维护；"
        "学生毕业后原学籍信息不得修改；学籍号终身不变。"
    ),
    steps=STEPS,
    prepare=_prepare,
    complete=_complete,
    proofs=Proofs("R14.1", lambda r: rules.required_proofs()),
    # a 关键数据变更申请 in the national system, no 异动类别 of JY/T 1001: 99 其他, 说明 names it
    batch=BatchColumns("99", "其他"),
)
