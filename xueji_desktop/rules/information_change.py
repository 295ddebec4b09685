"""信息变更 (第十四条; 第十条 for the 学籍号): changing a formal record's basic information.

The guardian asks with the 居民户口簿 or another proof; the school sends the request to the authority and changes the
record only after its approval, keeping old and new values. A graduate's record is never changed again, and the
学籍号 never.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from xueji_desktop.reference.codes import code_table
from xueji_desktop.reference.student_fields import FIELDS_BY_KEY, FieldKind
from xueji_desktop.rules import proofs
from xueji_desktop.rules.findings import Finding, block

LEFT_AT_THE_END = ("毕业", "结业", "肄业")  # R14.2
NEVER_CHANGED = ("national_student_id",)  # R10.4


def check_information_change(status: str, fields: Collection[str]) -> list[Finding]:
    found = []
    if status in LEFT_AT_THE_END:
        found.append(block("R14.2", f"学生{status}后，其原学籍信息不得修改"))
    if any(field in NEVER_CHANGED for field in fields):
        found.append(block("R10.4", "学籍号由学籍系统生成，一人一号，终身不变，不能变更"))
    if not fields:
        found.append(block("R14.1", "没有要变更的信息"))
    return found


def check_codes(new_values: Mapping[str, Any]) -> list[Finding]:
    """R14.1: a code-valued field (性别, 民族, 国籍/地区, 身份证件类型, 港澳台侨外 …) changes only to a code of its
    table — the value the national record keeps."""
    found = []
    for key, value in new_values.items():
        spec = FIELDS_BY_KEY.get(key)
        if spec is None or spec.kind is not FieldKind.CODE or value is None or value == "":
            continue
        table = code_table(spec.table or key)
        if all(code.code != value for code in table.codes):
            found.append(block("R14.1", f"{spec.label}：“{value}”不在{table.title}代码表中"))
    return found


def check_apply(approved: bool) -> list[Finding]:
    """R14.1: the change is applied only after the authority has approved it."""
    if approved:
        return []
    return [block("R14.1", "信息变更须经学籍管理部门核准后才能维护到学籍中")]


def required_proofs() -> list[proofs.Requirement]:
    """R14.1: the 居民户口簿 or other proof, as a copy."""
    return [(proofs.HOUSEHOLD_REGISTER, proofs.HOUSEHOLD_REGISTER_COPY)]
