"""批量修改: one field of many students' records (the chosen ones, or a class) set to one value — or to a value each
student's own record suggests (推断: 出生地/籍贯/户口所在地 from the 居民身份证 number's area code, 现住址/通信地址 from
家庭地址), shown as 推断 in the preview until the clerk commits it (committing is confirming).

A preview lists old → new per student; the commit is one transaction with one audit entry per student changed.
Values are checked as the detail dialog checks them (code tables, dates, 行政区划, lengths: rules.student_record).
The key fields of an established record change only through 信息变更 (第十四条, R14.1), and nothing of a graduate's
record changes at all (R14.2): rules.key_fields says which fields are key and when a record is established.

No postcode data is shipped (resources/ has no 邮政编码 table), so 邮政编码 is never suggested: it is set by value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from xueji_desktop.errors import InvalidInput, NotFound
from xueji_desktop.models import SchoolClass, Student
from xueji_desktop.reference.codes import code_table
from xueji_desktop.reference.regions import region_table
from xueji_desktop.reference.student_fields import FIELDS_BY_KEY, STUDENT_FIELDS, FieldKind, FieldSpec
from xueji_desktop.rules import Finding, RuleViolation, Severity
from xueji_desktop.rules.student_record import RESIDENT_ID_CARD, check_student
from xueji_desktop.services import audit
from xueji_desktop.store import Store

INFERRED = "推断"
# one value for many students makes no sense for what identifies each of them
PER_STUDENT = frozenset(
    {
        "name",
        "id_number",
        "national_student_id",
        "aux_student_id",
        "school_number",
        "seat_number",
        "name_pinyin",
    }
)
BULK_FIELDS: tuple[FieldSpec, ...] = tuple(spec for spec in STUDENT_FIELDS if spec.key not in PER_STUDENT)
_IDENTITY = frozenset({"birth_date", "gender", "id_type"})  # checked against each student's ID number
_ID_CHUNK = 900  # SQLite variables per IN (…)
_READ = ("id", "name", "status", "enrolment_step", "school_class_id", *(spec.key for spec in STUDENT_FIELDS))


# --- which fields may change (第十四条) ------------------------------------------------------------------------------


def _key_rules() -> tuple[Callable[[str], bool], Callable[[Mapping[str, Any]], bool], Callable[[str], bool]]:
    """(is_key_field, is_established, is_closed), as rules.key_fields decides them: a key field (第十四条, the list
    is data: resources/reference/key_fields.json); a record established (审核通过, no 建籍 step, or a 学籍号); a record
    closed by 毕业/结业/肄业 (R14.2)."""
    from xueji_desktop.rules import key_fields

    keys = frozenset(key_fields.key_fields())
    return (
        keys.__contains__,
        lambda student: key_fields.is_established(
            student.get("enrolment_step"), student.get("national_student_id")
        ),
        key_fields.is_final,
    )


def closed_refusal(student: Mapping[str, Any]) -> Finding | None:
    """R14.2: nothing of a record closed by 毕业/结业/肄业 changes (第十四条)."""
    _, _, closed = _key_rules()
    if closed(student["status"]):
        return Finding("R14.2", Severity.BLOCK, f"{student['name']}已{student['status']}，原学籍信息不得修改")
    return None


def refusal(student: Mapping[str, Any], key: str) -> Finding | None:
    """Why `key` of this student's record may not be changed here, or None: a graduate's record (R14.2), a key field
    of an established record (R14.1, through 信息变更)."""
    is_key, established, _ = _key_rules()
    closed = closed_refusal(student)
    if closed is not None:
        return closed
    if is_key(key) and established(student):
        label = FIELDS_BY_KEY[key].label
        return Finding(
            "R14.1",
            Severity.BLOCK,
            f"{student['name']}的学籍已建立，{label}是关键字段，只能通过“信息变更”办理（需监护人申请和证明材料，"
            "学籍管理部门核准）",
        )
    return None


# --- values ------------------------------------------------------------------------------------------------------


def field_of(given: str) -> FieldSpec:
    """The field a clerk or a script names, by its key (ethnicity) or its label (民族)."""
    text = given.strip()
    spec = FIELDS_BY_KEY.get(text) or next((s for s in STUDENT_FIELDS if s.label == text), None)
    if spec is None:
        raise InvalidInput(f"没有这个字段：{given}（请用学生信息表中的字段名，如 民族、户口性质、现住址）")
    if spec.key in PER_STUDENT:
        raise InvalidInput(f"{spec.label}每名学生各不相同，不能批量设为同一个值，请在学生信息中逐个填写")
    return spec


def parse_value(spec: FieldSpec, text: str | None) -> Any:
    """A value typed as text (the command line: 汉族 or 01, 是/否, 2026-09-01, 潞城区 or 140406) as the record stores
    it; empty text clears the field. InvalidInput names the field when the text is not a value of it."""
    from xueji_desktop.spreadsheets.normalise import normalise_cell
    from xueji_desktop.spreadsheets.template import ColumnSpec

    if text is None or not text.strip():
        return None
    form = {
        FieldKind.BOOL: "yes_no",
        FieldKind.DATE: "yyyymmdd",
        FieldKind.MONTH: "yyyymm",
        FieldKind.REGION: "region12",
        FieldKind.CODE: "name",
    }.get(spec.kind, "text")
    value, message, hint = normalise_cell(text.strip(), ColumnSpec(spec.label, spec.key, form, False))
    if message is not None:
        raise InvalidInput(f"{spec.label}“{text}”：{message}" + (f"（{hint}）" if hint else ""))
    return value


def shown(spec: FieldSpec, value: Any) -> str:
    """A stored value as the clerk reads it: a code's name, 是/否, a region's full name, a date."""
    if value is None or value == "":
        return ""
    if spec.kind is FieldKind.CODE and spec.table:
        return code_table(spec.table).name_of(str(value))
    if spec.kind is FieldKind.BOOL:
        return "是" if value else "否"
    if spec.kind is FieldKind.REGION:
        name = region_table().full_name(str(value))
        return str(value) if name == value else f"{value} {name}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def value_problem(spec: FieldSpec, value: Any, student: Mapping[str, Any] | None = None) -> str | None:
    """What the detail dialog would say about this value in this field (None: it is fine). With `student`, the
    value is checked with the student's other values (出生日期 and 性别 against the ID number)."""
    values = dict(student) if student is not None else {}
    values[spec.key] = value
    found = check_student(values, [], region_exists=region_table().exists)
    return next((p.message for p in found if p.field == spec.key), None)


# --- suggestions (推断) ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Suggestion:
    key: str
    title: str  # the dialog's button: 按身份证号推断
    fields: frozenset[str]
    infer: Callable[[Mapping[str, Any]], Any]  # a student's values → the suggested value, or None


def _from_area_code(student: Mapping[str, Any]) -> str | None:
    """The first six digits of a 居民身份证 number: where it was issued (GB 11643), usually where the child was born
    and registered; historical codes are kept (an old number carries its old county)."""
    number = student.get("id_number") or ""
    if student.get("id_type") != RESIDENT_ID_CARD or len(number) != 18 or not number[:6].isdigit():
        return None
    code = number[:6]
    return code if region_table().exists(code) else None


def _from_home_address(student: Mapping[str, Any]) -> str | None:
    return student.get("home_address") or None


SUGGESTIONS: tuple[Suggestion, ...] = (
    Suggestion(
        "id_area",
        "按身份证号推断",
        frozenset({"birthplace_region", "native_place", "hukou_region"}),
        _from_area_code,
    ),
    Suggestion(
        "home_address",
        "按家庭地址填写",
        frozenset({"current_address", "mailing_address"}),
        _from_home_address,
    ),
)


def suggestions_for(key: str) -> list[Suggestion]:
    """The suggestions that can fill `key` (邮政编码 has none: no postcode data is shipped)."""
    return [s for s in SUGGESTIONS if key in s.fields]


# --- preview and commit ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BulkRow:
    student_id: int
    name: str
    class_name: str
    old: str  # as the clerk reads it
    new: str
    note: str  # 推断, 不变, 没有可推断的值, or why it is refused


@dataclass(slots=True)
class BulkPlan:
    key: str
    label: str
    rows: list[BulkRow]
    values: dict[int, Any] = field(
        default_factory=dict
    )  # student id → new stored value, for those that change
    inferred: bool = False
    refused: list[Finding] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return len(self.values)


def preview(store: Store, key: str, value: Any, student_ids: Sequence[int]) -> BulkPlan:
    """Old → new of `key` for each student given `value`; RuleViolation when a student's record may not change
    (R14.1, R14.2), InvalidInput when the value is not one the field takes."""
    spec = field_of(key)
    common = None if spec.key in _IDENTITY else value_problem(spec, value)
    if common is not None:
        raise InvalidInput(f"{spec.label}：{common}")
    return _plan(store, spec, student_ids, lambda _student: value, inferred=False)


def suggest(store: Store, key: str, suggestion: str, student_ids: Sequence[int]) -> BulkPlan:
    """Old → the value `suggestion` infers for each student whose `key` is empty (a filled value is never replaced
    by a guess); marked 推断. Students it infers nothing for are listed, unchanged."""
    spec = field_of(key)
    chosen = next((s for s in suggestions_for(spec.key) if s.key == suggestion), None)
    if chosen is None:
        raise InvalidInput(f"{spec.label}没有这种推断方式")

    def infer(student: Mapping[str, Any]) -> Any:
        return None if student[spec.key] not in (None, "") else chosen.infer(student)

    return _plan(store, spec, student_ids, infer, inferred=True)


def class_student_ids(store: Store, class_name: str) -> list[int]:
    """The students of a class as the roster names it (一年级(1)班) who take a place in it (在读, 休学)."""
    from xueji_desktop.services.roster import class_by_name, students_in_class

    return students_in_class(store, class_by_name(store, class_name))


def _plan(
    store: Store,
    spec: FieldSpec,
    student_ids: Sequence[int],
    new_value: Callable[[Mapping[str, Any]], Any],
    *,
    inferred: bool,
) -> BulkPlan:
    if not student_ids:
        raise InvalidInput("没有选中学生：请先选中要修改的学生，或给出班级")
    with store.read() as session:
        students = _students(session, student_ids)
    plan = BulkPlan(spec.key, spec.label, [], inferred=inferred)
    checked: dict[Any, str | None] = {}
    for student in students:
        old, new = student[spec.key], new_value(student)
        if inferred and new is None:
            note = "已填写，不推断" if old not in (None, "") else "没有可推断的值"
            plan.rows.append(_row(spec, student, old, old, note))
            continue
        if _same(old, new):
            plan.rows.append(_row(spec, student, old, new, "不变"))
            continue
        finding = refusal(student, spec.key)
        if finding is not None:
            plan.refused.append(finding)
            plan.rows.append(_row(spec, student, old, new, finding.message))
            continue
        if spec.key in _IDENTITY:
            problem = value_problem(spec, new, student)
        else:
            if new not in checked:
                checked[new] = value_problem(spec, new)
            problem = checked[new]
        if problem is not None:
            raise InvalidInput(f"{student['name']}的{spec.label}不能改为“{shown(spec, new)}”：{problem}")
        plan.values[student["id"]] = new
        plan.rows.append(_row(spec, student, old, new, INFERRED if inferred else ""))
    if plan.refused:
        raise RuleViolation(plan.refused)
    return plan


def commit(store: Store, plan: BulkPlan) -> int:
    """Write the plan's new values: one transaction, one audit entry per student (「修改学生信息」, old → new). The
    refusals are checked again inside it (a record may have been established since the preview); returns how many
    students changed."""
    spec = FIELDS_BY_KEY[plan.key]
    if not plan.values:
        return 0
    table = cast(Table, Student.__table__)
    column = table.c[spec.key]
    with store.transaction() as session:
        students = {s["id"]: s for s in _students(session, list(plan.values))}
        findings = [f for sid in plan.values if (f := refusal(students[sid], spec.key)) is not None]
        if findings:
            raise RuleViolation(findings)
        rows = [
            {"b_id": sid, "b_value": value}
            for sid, value in plan.values.items()
            if not _same(students[sid][spec.key], value)
        ]
        if not rows:
            return 0
        now = datetime.now()
        statement = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values({column: bindparam("b_value"), table.c.updated_at: now})
        )
        session.execute(statement, rows)
        audit.record_many(
            session,
            [
                (
                    "student.update",
                    "student",
                    row["b_id"],
                    {spec.label: [students[row["b_id"]][spec.key], row["b_value"]]}
                    | ({"方式": [None, f"批量修改（{INFERRED}，已确认）"]} if plan.inferred else {}),
                )
                for row in rows
            ],
        )
        return len(rows)


def _students(session: Session, student_ids: Sequence[int]) -> list[dict[str, Any]]:
    """The students' fields, class names, status and 建籍 step, in the order given; NotFound for a missing one."""
    table = Student.__table__
    query = select(*(table.c[name] for name in _READ), SchoolClass.name.label("_class")).outerjoin(
        SchoolClass, SchoolClass.id == table.c.school_class_id
    )
    wanted = list(dict.fromkeys(student_ids))
    found: dict[int, dict[str, Any]] = {}
    for ids in _chunked(wanted):
        for row in session.execute(query.where(table.c.id.in_(ids))).mappings():
            found[row["id"]] = dict(row)
    missing = [sid for sid in wanted if sid not in found]
    if missing:
        raise NotFound(f"找不到这些学生（可能已被删除）：编号 {'、'.join(map(str, missing))}")
    return [found[sid] for sid in wanted]


def _row(spec: FieldSpec, student: Mapping[str, Any], old: Any, new: Any, note: str) -> BulkRow:
    return BulkRow(
        student["id"], student["name"], student["_class"] or "", shown(spec, old), shown(spec, new), note
    )


def _same(old: Any, new: Any) -> bool:
    return (old in (None, "") and new in (None, "")) or old == new


def _chunked(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _ID_CHUNK):
        yield ids[start : start + _ID_CHUNK]
