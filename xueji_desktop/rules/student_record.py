"""Checks of one student's basic-information record before it is written (R13.1: no record from false information).

Pure: values in, problems out. Each problem names the field the clerk must fix, so the dialog can point at it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from xueji_desktop.reference.student_fields import FAMILY_FIELDS, STUDENT_FIELDS, FieldKind, FieldSpec
from xueji_desktop.rules.identity import IdNumberError, check_id_number, mismatches, normalise_id_number
from xueji_desktop.rules.names import record_name_findings

RESIDENT_ID_CARD = "1"  # 身份证件类型 居民身份证
_PHONE = re.compile(r"(1[3-9][0-9]{9})|(0[0-9]{2,3}-?[0-9]{7,8})|([0-9]{7,8})")
_POSTCODE = re.compile(r"[0-9]{6}")
_MONTH = re.compile(r"(19|20)[0-9]{2}-(0[1-9]|1[0-2])")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str  # the key of the field (student field, or "family.N.key")
    label: str  # what the clerk sees: 身份证件号, 家庭成员1 身份证件号 …
    message: str


def check_student(
    values: Mapping[str, Any],
    family: list[Mapping[str, Any]],
    *,
    region_exists: Callable[[str], bool],
    today: date | None = None,
    check_names: bool = True,
) -> list[FieldProblem]:
    """Every problem of the record, each on its field; `check_names` False leaves out what rules.names refuses in
    a name (R13.1: control, direction, zero-width characters, emoji), for the term review, which lists those apart."""
    today = today or date.today()
    problems: list[FieldProblem] = []
    problems += _check_fields(values, STUDENT_FIELDS, "", "", region_exists)
    if check_names:
        problems += [
            FieldProblem(key, _name_label(key), finding.message)
            for key, finding in record_name_findings(values, family)
            if finding.blocks
        ]
    if values.get("id_type") == RESIDENT_ID_CARD:
        problems += _check_resident_id(values)
    elif values.get("id_type") and values.get("id_type") != "Z" and not values.get("id_number"):
        problems.append(FieldProblem("id_number", "身份证件号", "身份证件号不能为空"))
    born = values.get("birth_date")
    if isinstance(born, date) and not (date(today.year - 30, 1, 1) <= born <= today):
        problems.append(FieldProblem("birth_date", "出生日期", f"出生日期 {born:%Y-%m-%d} 不合常理，请核对"))
    for index, member in enumerate(family, start=1):
        prefix = f"家庭成员{index} "
        problems += _check_fields(member, FAMILY_FIELDS, f"family.{index}.", prefix, region_exists)
        number = member.get("id_number")
        if member.get("id_type") == RESIDENT_ID_CARD and number:
            try:
                check_id_number(number, f"{prefix}身份证件号")
            except IdNumberError as error:
                problems.append(FieldProblem(f"family.{index}.id_number", f"{prefix}身份证件号", str(error)))
    if not any(member.get("is_guardian") for member in family):
        problems.append(FieldProblem("family", "家庭成员", "至少要有一位家庭成员标明为监护人"))
    return problems


def _name_label(key: str) -> str:
    if key.startswith("family."):
        return f"家庭成员{key.split('.')[1]} 姓名"
    return "姓名" if key == "name" else "曾用名"


def _check_resident_id(values: Mapping[str, Any]) -> list[FieldProblem]:
    try:
        facts = check_id_number(values.get("id_number") or "")
    except IdNumberError as error:
        return [FieldProblem("id_number", "身份证件号", str(error))]
    born = values.get("birth_date") if isinstance(values.get("birth_date"), date) else None
    return [
        FieldProblem(
            "birth_date" if text.startswith("出生日期") else "gender",
            "出生日期" if text.startswith("出生日期") else "性别",
            text,
        )
        for text in mismatches(facts, born, values.get("gender"))
    ]


def _check_fields(
    values: Mapping[str, Any],
    specs: tuple[FieldSpec, ...],
    key_prefix: str,
    label_prefix: str,
    region_exists: Callable[[str], bool],
) -> list[FieldProblem]:
    problems = []
    for spec in specs:
        value = values.get(spec.key)
        label = label_prefix + spec.label
        key = key_prefix + spec.key
        if value is None or value == "":
            if spec.required:
                problems.append(FieldProblem(key, label, f"{label}不能为空"))
            continue
        if isinstance(value, str) and len(value) > spec.max_length:
            problems.append(FieldProblem(key, label, f"{label}太长（最多{spec.max_length}个字）"))
        elif spec.kind is FieldKind.REGION and not region_exists(str(value)):
            problems.append(FieldProblem(key, label, f"{label}“{value}”不是有效的行政区划代码"))
        elif spec.kind is FieldKind.MONTH and not _MONTH.fullmatch(str(value)):
            problems.append(FieldProblem(key, label, f"{label}应写成“2026-09”的形式"))
        elif spec.key == "phone" and not _PHONE.fullmatch(str(value).replace(" ", "")):
            problems.append(FieldProblem(key, label, f"{label}“{value}”不像手机号或固定电话"))
        elif spec.key == "postcode" and not _POSTCODE.fullmatch(str(value)):
            problems.append(FieldProblem(key, label, f"{label}应为6位数字"))
        elif spec.key == "email" and not _EMAIL.fullmatch(str(value)):
            problems.append(FieldProblem(key, label, f"{label}格式不对"))
    return problems


def normalised_id(values: Mapping[str, Any]) -> str | None:
    number = values.get("id_number")
    return normalise_id_number(number) if number else None
