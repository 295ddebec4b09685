"""One student's record: read it for the detail dialog, add a student by hand, save edits with an audit entry."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xueji_desktop.errors import InvalidInput, NotFound
from xueji_desktop.models import FamilyMember, SchoolClass, Student
from xueji_desktop.reference.pinyin import pinyin_keys, pinyin_spelling
from xueji_desktop.reference.regions import region_table
from xueji_desktop.reference.student_fields import (
    FAMILY_FIELDS,
    FIELDS_BY_KEY,
    STUDENT_FIELDS,
    new_student_defaults,
)
from xueji_desktop.rules import Finding, RuleViolation, Severity
from xueji_desktop.rules.class_size import check_class_size
from xueji_desktop.rules.identity import normalise_id_number
from xueji_desktop.rules.key_fields import check_edit, is_established
from xueji_desktop.rules.student_record import FieldProblem, check_student
from xueji_desktop.services import audit
from xueji_desktop.store import Store


class InvalidRecord(InvalidInput):
    """The record has values that cannot be saved; each problem names its field."""

    def __init__(self, problems: list[FieldProblem]):
        self.problems = problems
        super().__init__("\n".join(p.message for p in problems))


@dataclass(slots=True)
class StudentForm:
    """Everything the detail dialog shows and edits: field values by key, family members, the class."""

    values: dict[str, Any] = field(default_factory=dict)
    family: list[dict[str, Any]] = field(default_factory=list)
    school_class_id: int | None = None
    status: str = "在读"
    # R10.3's step, None for a formal record (rules.key_fields reads it); a fact about the record, not an edit, so
    # two forms with the same values are equal whether or not the reader filled it in
    enrolment_step: str | None = field(default=None, compare=False)


def blank_form(school_class_id: int | None = None, today: date | None = None) -> StudentForm:
    """A new student's form with the values nearly every student has (中国, 汉族, 居民身份证, 走读 …)."""
    values, family = new_student_defaults(today)
    return StudentForm(values, family, school_class_id)


def load_form(store: Store, student_id: int) -> StudentForm:
    with store.read() as session:
        student = _get(session, student_id)
        values = {spec.key: getattr(student, spec.key) for spec in STUDENT_FIELDS}
        family = [{spec.key: getattr(m, spec.key) for spec in FAMILY_FIELDS} for m in student.family_members]
        return StudentForm(values, family, student.school_class_id, student.status, student.enrolment_step)


def check_form(form: StudentForm) -> list[FieldProblem]:
    regions = region_table()
    return check_student(
        _cleaned(form.values), [_cleaned(m) for m in form.family], region_exists=regions.exists
    )


def create_student(store: Store, form: StudentForm, *, confirmed: bool = False) -> int:
    """Add a student by hand. Refuses a duplicate ID number (R13.1) and an over-full class (R12.1); warnings
    (likely duplicate, class above the standard size) need `confirmed=True`."""
    values = _checked(form)
    with store.transaction() as session:
        findings = _duplicate_findings(session, values, None) + _name_warnings(values, form)
        if form.school_class_id is not None:
            findings += _class_findings(session, form.school_class_id, extra=1)
        _raise_unless_confirmed(findings, confirmed)
        student = add_student(
            session,
            values,
            {FIELDS_BY_KEY[k].label: [None, v] for k, v in values.items() if v not in (None, "")},
            school_class_id=form.school_class_id,
            family=[_cleaned(m) for m in form.family],
        )
        return student.id


def add_student(
    session: Session,
    values: dict[str, Any],
    details: dict[str, list],
    *,
    school_class_id: int | None = None,
    family: list[dict[str, Any]] | None = None,
) -> Student:
    """A new 在读 student from checked field values (and family members), added and flushed, with its
    student.create audit entry carrying `details` ({label: [None, value]}): by hand or transferred in (R17.1)."""
    now = datetime.now()
    student = Student(created_at=now, updated_at=now, school_class_id=school_class_id, status="在读")
    apply_values(student, values)
    _apply_family(session, student, family or [])
    session.add(student)
    session.flush()
    audit.record(session, "student.create", "student", student.id, details)
    return student


def update_student(
    store: Store, student_id: int, form: StudentForm, *, confirmed: bool = False
) -> dict[str, list]:
    """Save edits; returns (and audits) the changed fields as {label: [old, new]}. Whoever calls it, it refuses
    (rules/key_fields.py, nothing written): any change after 毕业/结业/肄业 (R14.2), a key field of an established
    record — that is 信息变更's (R14.1) —, and a 学籍号 once set (R10.4)."""
    values = _checked(form)
    with store.transaction() as session:
        student = _get(session, student_id)
        changed = [key for key, value in values.items() if getattr(student, key) != value]
        old_family = [{s.key: getattr(m, s.key) for s in FAMILY_FIELDS} for m in student.family_members]
        new_family = [_cleaned(m) for m in form.family]
        refused = check_edit(
            student.status,
            student.enrolment_step,
            student.national_student_id,
            changed,
            family_changed=old_family != new_family,
        )
        if refused:
            raise RuleViolation(refused)
        _raise_unless_confirmed(
            _duplicate_findings(session, values, student_id) + _name_warnings(values, form), confirmed
        )
        changes = {FIELDS_BY_KEY[key].label: [getattr(student, key), values[key]] for key in changed}
        if old_family != new_family:
            changes["家庭成员"] = [old_family, new_family]
            for member in list(student.family_members):
                student.family_members.remove(member)
            session.flush()
            _apply_family(session, student, new_family)
        if not changes:
            return {}
        apply_values(student, values)
        student.updated_at = datetime.now()
        audit.record(session, "student.update", "student", student_id, changes)
        return changes


def not_established(store: Store, student_ids: Collection[int]) -> dict[int, str]:
    """Of these students, those whose record is not established yet (R10.3 still under way, no 学籍号), with the
    step they have reached: what the student picker marks."""
    if not student_ids:
        return {}
    with store.read() as session:
        rows = session.execute(
            select(Student.id, Student.enrolment_step, Student.national_student_id).where(
                Student.id.in_(list(student_ids)), Student.enrolment_step.is_not(None)
            )
        ).all()
    return {
        row.id: row.enrolment_step
        for row in rows
        if not is_established(row.enrolment_step, row.national_student_id)
    }


def _checked(form: StudentForm) -> dict[str, Any]:
    problems = check_form(form)
    if problems:
        raise InvalidRecord(problems)
    return _cleaned(form.values)


def _cleaned(values: dict[str, Any]) -> dict[str, Any]:
    """Strip text, blank → None, ID numbers normalised (full-width digits, lower-case x)."""
    cleaned = {}
    for key, value in values.items():
        if isinstance(value, str):
            value = value.strip() or None
        if key == "id_number" and value:
            value = normalise_id_number(value)
        cleaned[key] = value
    return cleaned


def apply_values(student: Student, values: dict[str, Any]) -> None:
    """Set the student's fields from `values` (keys of STUDENT_FIELDS) and the 拼音 keys the search uses."""
    for spec in STUDENT_FIELDS:
        if spec.key in values:
            setattr(student, spec.key, values[spec.key])
    if not student.name_pinyin:
        student.name_pinyin = pinyin_spelling(student.name)
    student.pinyin_key, student.initials_key = pinyin_keys(student.name)


def _apply_family(session: Session, student: Student, family: list[dict[str, Any]]) -> None:
    for position, values in enumerate(family, start=1):
        member = FamilyMember(position_in_list=position, **{s.key: values.get(s.key) for s in FAMILY_FIELDS})
        member.is_guardian = bool(values.get("is_guardian"))
        student.family_members.append(member)


def _get(session: Session, student_id: int) -> Student:
    student = session.get(Student, student_id)
    if student is None:
        raise NotFound("找不到这名学生（可能已被另一操作删除）")
    return student


def _duplicate_findings(session: Session, values: dict[str, Any], own_id: int | None) -> list[Finding]:
    """R13.1: same ID number is the same person (block); same name + birth date + gender is likely (warn).
    Students who have left count too."""
    findings = []
    number = values.get("id_number")
    if number:
        other = session.scalar(
            select(Student).where(Student.id_number == number, Student.id != (own_id or -1))
        )
        if other is not None:
            findings.append(
                Finding(
                    "R13.1",
                    Severity.BLOCK,
                    f"身份证件号 {number} 已属于学生“{other.name}”（{other.status}），不能重复建立学籍",
                )
            )
    twin = session.scalar(
        select(Student).where(
            Student.name == values.get("name"),
            Student.birth_date == values.get("birth_date"),
            Student.gender == values.get("gender"),
            Student.id != (own_id or -1),
        )
    )
    if twin is not None and twin.id_number != number:
        findings.append(
            Finding(
                "R13.1",
                Severity.WARN,
                f"已有同名、同出生日期、同性别的学生“{twin.name}”（{twin.status}），可能是重复学籍，请核实",
            )
        )
    return findings


def _class_findings(session: Session, class_id: int, extra: int) -> list[Finding]:
    from xueji_desktop.services.roster import class_size_now  # same layer; avoids a cycle at import time

    school_class = session.get(SchoolClass, class_id)
    if school_class is None:
        raise NotFound("没有这个班级")
    return check_class_size(
        school_class.name, school_class.grade.level, class_size_now(session, class_id) + extra
    )


def _name_warnings(values: dict[str, Any], form: StudentForm) -> list[Finding]:
    """R13.1's warnings on names (a leading = + - @ that Excel would read as a formula): the clerk confirms them;
    the refusals come from check_student with the field to fix."""
    from xueji_desktop.rules.names import record_name_findings

    return [f for _, f in record_name_findings(values, [_cleaned(m) for m in form.family]) if not f.blocks]


def _raise_unless_confirmed(findings: list[Finding], confirmed: bool) -> None:
    if any(f.blocks for f in findings) or (findings and not confirmed):
        raise RuleViolation(findings)
