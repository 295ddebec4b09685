"""补录模板: a workbook for the class teachers to complete many students' records, and taking it back in.

The workbook lists the chosen students (a class, a selection, or those the new-student upload batch refuses) with
the identifying columns locked (sheet protection: 学生编号 hidden, 姓名, 身份证件号 masked, 学籍号, 班级) and, unlocked,
one column for each field the upload template requires (reference: resources/templates/new_students.json) that at
least one of them lacks — code fields as drop-down lists over a hidden sheet of the code names, 是/否 as a two-item
list. What is filled already stands in its cell, as the clerk reads it.

Taking it back fills only those columns, never the identifying ones, and never a key field of an established record
(第十四条, R14.1) nor anything of a graduate's (R14.2); a blank cell leaves the field as it is. Each cell is read as an
import reads it (spreadsheets.normalise) and each student's record checked as the detail dialog checks it
(rules.student_record); a bad cell is put on the error workbook (spreadsheets.error_workbook) and nothing is written
while any is left. The preview is each student's old → new; the commit one transaction, one audit entry per student.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from xueji_desktop.errors import InvalidInput, NotFound
from xueji_desktop.models import FamilyMember, SchoolClass, Student
from xueji_desktop.reference.codes import code_table
from xueji_desktop.reference.regions import region_table
from xueji_desktop.reference.student_fields import (
    FAMILY_FIELDS,
    FAMILY_FIELDS_BY_KEY,
    FIELDS_BY_KEY,
    STUDENT_FIELDS,
    FieldSpec,
    new_student_defaults,
)
from xueji_desktop.rules import RuleViolation
from xueji_desktop.rules.identity import mask_id_number
from xueji_desktop.rules.student_record import check_student
from xueji_desktop.services import audit
from xueji_desktop.services.bulk_edit import closed_refusal, refusal
from xueji_desktop.spreadsheets.normalise import CellProblem, shown
from xueji_desktop.spreadsheets.reader import SheetTable
from xueji_desktop.spreadsheets.template import ColumnSpec, load_template
from xueji_desktop.store import Store

SHEET = "补录"
CODES_SHEET = "代码"
TITLE = "学生信息补录表"
STUDENT_NUMBER = (
    "学生编号"  # the app's own number of the student: hidden, how the row finds its student again
)
IDENTIFYING = (STUDENT_NUMBER, "姓名", "身份证件号", "学籍号", "班级")
# the upload template's columns that are never filled from here: the school's, the class (调班), the identifying ones
_NOT_FILLED = frozenset({"school_code", "class_number", "name", "id_number", "national_student_id"})
_ID_CHUNK = 900
_IDENTITY = frozenset({"id_type", "id_number", "birth_date", "gender"})  # checked together (GB 11643)
_STUDENT_READ = (
    "id",
    "name",
    "status",
    "enrolment_step",
    "school_class_id",
    *(s.key for s in STUDENT_FIELDS),
)
_MEMBER_READ = ("id", "student_id", "position_in_list", *(s.key for s in FAMILY_FIELDS))


# --- which columns ------------------------------------------------------------------------------------------------


def fill_columns(students: Sequence[Mapping[str, Any]], *, every_required: bool = False) -> list[ColumnSpec]:
    """The upload template's required columns (in its order) that at least one of `students` lacks — or all of them
    with `every_required`."""
    columns = [c for c in load_template("new_students").columns if c.required and c.field not in _NOT_FILLED]
    if every_required:
        return columns
    return [c for c in columns if any(_blank(_value_of(s, c)) for s in students)]


def pending_student_ids(store: Store) -> list[int]:
    """The new students the upload batch refuses now (a required column empty, or a value that fails the record's
    checks), in the batch's order: what `--pending` completes."""
    from xueji_desktop.services import upload_batches
    from xueji_desktop.services.upload_batches import _load, _problems, _RowFormatter

    spec = load_template(upload_batches.KIND_NEW_STUDENTS)
    formatter = _RowFormatter(spec)
    blocked = []
    for candidate in _load(store, None):
        row, unknown = formatter.row(candidate)
        if unknown or _problems(spec, candidate, row):
            blocked.append(candidate.id)
    return blocked


# --- writing the workbook -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TemplateResult:
    path: Path
    students: int
    columns: list[str]  # the fill columns' headers


def write_template(
    store: Store, out: Path, student_ids: Sequence[int], *, every_required: bool = False
) -> TemplateResult:
    """The 补录模板 for these students as `out`: InvalidInput when none is given or none lacks anything."""
    if not student_ids:
        raise InvalidInput("没有要补录的学生：请给出班级、选中学生，或选择上报批次未通过检查的学生")
    with store.read() as session:
        students = _students(session, student_ids)
    columns = fill_columns(students, every_required=every_required)
    if not columns:
        raise InvalidInput(f"这 {len(students)} 名学生的上报必填信息都已填写，不需要补录")
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        out = out.with_name(out.name + ".xlsx")
    out.parent.mkdir(parents=True, exist_ok=True)
    _write(out, students, columns)
    return TemplateResult(out, len(students), [c.header for c in columns])


def _write(out: Path, students: list[dict[str, Any]], columns: list[ColumnSpec]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    from xueji_desktop.spreadsheets.saving import save_workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    workbook.properties.title = TITLE
    workbook.properties.creator = "学籍桌面"
    codes = workbook.create_sheet(CODES_SHEET)
    codes.sheet_state = "hidden"
    codes.protection.sheet = True

    headers = [*IDENTIFYING, *(c.header for c in columns)]
    sheet.append(headers)
    locked_fill = PatternFill("solid", start_color="FFE8E8E8", end_color="FFE8E8E8")
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    formatters = [_cell_text(c) for c in columns]
    for student in students:
        identifying = [
            student["id"],
            student["name"],
            mask_id_number(student["id_number"]),
            student["national_student_id"] or "",
            student["_class"] or "",
        ]
        sheet.append(
            identifying + [text(_value_of(student, c)) for c, text in zip(columns, formatters, strict=True)]
        )
    last = len(students) + 1
    unlocked = Protection(locked=False)
    first_fill = len(IDENTIFYING) + 1
    for row in sheet.iter_rows(min_row=2, max_row=last):
        for cell in row[: len(IDENTIFYING)]:
            cell.fill = locked_fill
            cell.number_format = "@"
        for cell in row[len(IDENTIFYING) :]:
            cell.protection = unlocked
            cell.number_format = "@"  # 047500 and 13800138000 stay text
    for index, width in enumerate((8, 10, 20, 22, 14), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.column_dimensions["A"].hidden = True

    code_column = 0
    for offset, column in enumerate(columns):
        letter = get_column_letter(first_fill + offset)
        sheet.column_dimensions[letter].width = max(12, min(30, len(column.header) * 2 + 2))
        choices = _choices(column)
        if choices is None:
            continue
        if column.form == "yes_no":
            formula = '"是,否"'
        else:
            code_column += 1
            code_letter = get_column_letter(code_column)
            codes.cell(1, code_column, column.header)
            for number, name in enumerate(choices, start=2):
                codes.cell(number, code_column, name)
            formula = f"{quote_sheetname(CODES_SHEET)}!${code_letter}$2:${code_letter}${len(choices) + 1}"
        validation = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="请从列表中选择",
            error=f"{column.header}只能从下拉列表中选择",
        )
        validation.add(f"{letter}2:{letter}{max(last, 2)}")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = sheet.cell(2, first_fill)
    protection = sheet.protection
    protection.sheet = True
    protection.formatColumns = False  # the teacher may widen a column
    protection.formatRows = False
    protection.sort = True
    protection.autoFilter = True
    save_workbook(workbook, out)


def _choices(column: ColumnSpec) -> list[str] | None:
    """The names a code column's drop-down offers (the template's wording), 是/否, or None for free text."""
    if column.form == "yes_no":
        return ["是", "否"]
    if column.form != "name":
        return None
    spec = _spec_of(column)
    if spec is None or not spec.table:
        return None
    return [code.label or code.name for code in code_table(spec.table).codes]


def _cell_text(column: ColumnSpec) -> Callable[[Any], str]:
    """A stored value as the teacher reads (and the import takes) it: a code's name, 是/否, a region's full name,
    2019-03-14, 2026-09."""
    spec = _spec_of(column)
    if column.form == "name" and spec is not None and spec.table:
        table = code_table(spec.table)
        names = {c.code: c.label or c.name for c in table.codes}
        return lambda value: "" if _blank(value) else names.get(str(value), str(value))
    if column.form == "yes_no":
        return lambda value: "" if value is None else ("是" if value else "否")
    if column.form in ("region12", "region_name"):
        regions = region_table()
        return lambda value: "" if _blank(value) else regions.full_name(str(value))
    return lambda value: (
        "" if _blank(value) else (value.isoformat() if isinstance(value, date) else str(value))
    )


# --- taking it back -----------------------------------------------------------------------------------------------


@dataclass(slots=True)
class StudentUpdate:
    """One student's changes from the workbook: the stored values to write and old → new for the preview."""

    student_id: int
    name: str
    class_name: str
    row_number: int
    values: dict[str, Any]  # student field → new value
    members: dict[int, dict[str, Any]]  # family position (1, 2) → field → new value
    changes: dict[str, list[Any]]  # label → [old, new], as the clerk reads them


@dataclass(slots=True)
class CompletionPlan:
    path: Path
    table: SheetTable
    headers: list[str]  # the fill columns found
    updates: list[StudentUpdate]
    problems: list[CellProblem]
    unchanged: int  # students whose row changes nothing

    @property
    def ok(self) -> bool:
        return not self.problems


def plan_completion(store: Store, path: Path) -> CompletionPlan:
    """Read a 补录模板 back: each student's changes and each bad cell; nothing is written."""
    from xueji_desktop.spreadsheets.reader import read_table

    spec = load_template("new_students")
    table = read_table(
        Path(path),
        SHEET,
        is_header=lambda text: text in IDENTIFYING or spec.column_for_header(text) is not None,
        expected_headers=IDENTIFYING,
    )
    headers = [str(h or "").strip() for h in table.headers]
    if STUDENT_NUMBER not in headers or "姓名" not in headers:
        raise InvalidInput(f"“{Path(path).name}”不是学籍桌面生成的补录模板（没有“{STUDENT_NUMBER}”“姓名”列）")
    at_number, at_name = headers.index(STUDENT_NUMBER), headers.index("姓名")
    columns: list[tuple[int, ColumnSpec]] = []
    for index, header in enumerate(headers):
        column = None if header in IDENTIFYING else spec.column_for_header(header)
        if column is not None and column.field not in _NOT_FILLED:
            columns.append((index, column))
    if not columns:
        raise InvalidInput(f"“{Path(path).name}”中没有要补录的列")

    prepared = [_Reading(index, column) for index, column in columns]
    rows = list(table.rows)
    wanted: list[int] = []
    for row in rows:
        number = _student_number(row.cells[at_number] if at_number < len(row.cells) else None)
        if number is not None:
            wanted.append(number)
    with store.read() as session:
        students = {s["id"]: s for s in _students(session, wanted, missing_ok=True)}
    problems: list[CellProblem] = []
    updates: list[StudentUpdate] = []
    unchanged = 0
    regions = region_table().exists
    default_members = new_student_defaults()[1]
    seen: set[int] = set()
    for row in rows:
        cells = row.cells
        number = _student_number(cells[at_number] if at_number < len(cells) else None)
        student = students.get(number) if number is not None else None
        if student is None or number in seen:
            problems.append(
                CellProblem(
                    row.row_number,
                    "姓名",
                    shown(cells[at_name] if at_name < len(cells) else None),
                    "找不到这名学生" if number not in seen else "同一名学生出现了两次",
                    "请不要改动姓名等锁定的列，也不要增删行；请用学籍桌面重新生成补录模板",
                    at_name,
                )
            )
            continue
        seen.add(student["id"])
        given_name = str(cells[at_name] or "").strip() if at_name < len(cells) else ""
        if given_name and given_name != student["name"]:
            problems.append(
                CellProblem(
                    row.row_number,
                    "姓名",
                    given_name,
                    f"与记录中的姓名“{student['name']}”不符",
                    "姓名不能在补录表中修改（第十四条：通过信息变更办理）",
                    at_name,
                )
            )
            continue
        update_, found = _read_row(row.row_number, cells, prepared, student, default_members, regions)
        problems += found
        if found:
            continue
        if update_.changes:
            updates.append(update_)
        else:
            unchanged += 1
    return CompletionPlan(Path(path), table, [c.header for _, c in columns], updates, problems, unchanged)


class _Reading:
    """One fill column, worked out once per file: where it is, whose field, its normaliser, and the text its cell
    held when the workbook was written (a cell still holding it changed nothing: no need to read it again)."""

    __slots__ = ("column", "index", "key", "normalise", "position", "written")

    def __init__(self, index: int, column: ColumnSpec) -> None:
        from xueji_desktop.spreadsheets.normalise import normaliser_for

        self.index = index
        self.column = column
        self.position = column.family_index
        self.key = column.field_key if self.position is not None else column.field
        self.normalise = normaliser_for(column)
        self.written = _cell_text(column)

    def old(self, student: Mapping[str, Any]) -> Any:
        if self.position is None:
            return student.get(self.key)
        family = student["_family"]
        return family[self.position - 1].get(self.key) if self.position <= len(family) else None


def _read_row(
    row_number: int,
    cells: Sequence[object],
    columns: list[_Reading],
    student: dict[str, Any],
    default_members: list[dict[str, Any]],
    region_exists: Callable[[str], bool],
) -> tuple[StudentUpdate, list[CellProblem]]:
    problems: list[CellProblem] = []
    values: dict[str, Any] = {}
    members: dict[int, dict[str, Any]] = {}
    placed: dict[str, tuple[int, ColumnSpec, object]] = {}
    count = len(cells)
    for reading in columns:
        index, column = reading.index, reading.column
        raw = cells[index] if index < count else None
        if raw is None or raw == "":
            continue  # a blank leaves the field as it is
        old = reading.old(student)
        if type(raw) is str and raw == reading.written(old):
            continue  # as it was written: unchanged
        value, message, hint = reading.normalise(raw)
        if message is not None:
            problems.append(CellProblem(row_number, column.header, shown(raw), message, hint or "", index))
            continue
        if _same(old, value):
            continue
        position = reading.position
        if position is None:
            finding = refusal(student, column.field)
            if finding is not None:
                problems.append(
                    CellProblem(row_number, column.header, shown(raw), finding.text, "请恢复原值", index)
                )
                continue
            values[column.field] = value
        else:
            closed = closed_refusal(student)
            if closed is not None:
                problems.append(CellProblem(row_number, column.header, shown(raw), closed.text, "", index))
                continue
            members.setdefault(position, {})[reading.key] = value
        placed[column.field] = (index, column, raw)
    if problems or not (values or members):
        return StudentUpdate(
            student["id"], student["name"], student["_class"] or "", row_number, {}, {}, {}
        ), problems
    # Only what this row changes is checked (with the ID number when a value it decides changes): a field already
    # stored was checked when it was, and a problem elsewhere in the record is not this file's to fix.
    merged = dict(values)
    if _IDENTITY.intersection(values):
        merged |= {key: values.get(key, student[key]) for key in _IDENTITY}
    family: list[Mapping[str, Any]] = []
    if members:
        family = [dict(m) for m in student["_family"]]
        for position in sorted(members):
            while len(family) < position:
                defaults = default_members[len(family)] if len(family) < len(default_members) else {}
                family.append({spec.key: defaults.get(spec.key) for spec in FAMILY_FIELDS})
            family[position - 1] = {**family[position - 1], **members[position]}
    for problem in check_student(merged, family, region_exists=region_exists):
        where = placed.get(problem.field)
        if where is not None:
            index, column, raw = where
            problems.append(CellProblem(row_number, column.header, shown(raw), problem.message, "", index))
    changes: dict[str, list[Any]] = {}
    for key, value in values.items():
        spec = FIELDS_BY_KEY[key]
        changes[spec.label] = [student[key], value]
    for position, given in members.items():
        old_member = student["_family"][position - 1] if position <= len(student["_family"]) else {}
        for key, value in given.items():
            changes[f"家庭成员{position} {FAMILY_FIELDS_BY_KEY[key].label}"] = [old_member.get(key), value]
    return (
        StudentUpdate(
            student["id"], student["name"], student["_class"] or "", row_number, values, members, changes
        ),
        problems,
    )


def write_errors(plan: CompletionPlan, out: Path) -> Path:
    """The rows with bad cells, each cell marked red with its message (spreadsheets.error_workbook)."""
    from xueji_desktop.spreadsheets.error_workbook import write_error_workbook

    return write_error_workbook(Path(out), plan.table, plan.problems)


def commit_completion(store: Store, plan: CompletionPlan) -> int:
    """Write the plan: one transaction, one audit entry per student changed (「修改学生信息」 with old → new and the
    workbook named). Refused while the plan has bad cells; the refusals of 第十四条 are checked again inside it."""
    if plan.problems:
        raise InvalidInput(f"补录表中有 {len(plan.problems)} 处错误，没有写入任何信息：请改正后重新导入")
    if not plan.updates:
        return 0
    students = cast(Table, Student.__table__)
    members = cast(Table, FamilyMember.__table__)
    now = datetime.now()
    with store.transaction() as session:
        current = {s["id"]: s for s in _students(session, [u.student_id for u in plan.updates])}
        findings = []
        for u in plan.updates:
            student = current[u.student_id]
            findings += [f for key in u.values if (f := refusal(student, key)) is not None]
            if u.members and (closed := closed_refusal(student)) is not None:
                findings.append(closed)
        if findings:
            raise RuleViolation(findings)
        by_keys: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for u in plan.updates:
            if u.values:
                keys = tuple(sorted(u.values))
                by_keys.setdefault(keys, []).append(
                    {"b_id": u.student_id, **{f"b_{k}": u.values[k] for k in keys}}
                )
        for keys, rows in by_keys.items():
            statement = (
                update(students)
                .where(students.c.id == bindparam("b_id"))
                .values({students.c[k]: bindparam(f"b_{k}") for k in keys} | {students.c.updated_at: now})
            )
            session.execute(statement, rows)
        member_updates: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        member_inserts: list[dict[str, Any]] = []
        defaults = new_student_defaults()[1]
        for u in plan.updates:
            stored = current[u.student_id]["_family"]
            for position in sorted(u.members):
                given = u.members[position]
                if position <= len(stored):
                    keys = tuple(sorted(given))
                    member_updates.setdefault(keys, []).append(
                        {"b_id": stored[position - 1]["id"], **{f"b_{k}": given[k] for k in keys}}
                    )
                else:
                    base = defaults[position - 1] if position <= len(defaults) else {}
                    row = {spec.key: base.get(spec.key) for spec in FAMILY_FIELDS} | given
                    row["is_guardian"] = bool(row.get("is_guardian"))
                    member_inserts.append(row | {"student_id": u.student_id, "position_in_list": position})
        for keys, rows in member_updates.items():
            statement = (
                update(members)
                .where(members.c.id == bindparam("b_id"))
                .values({members.c[k]: bindparam(f"b_{k}") for k in keys})
            )
            session.execute(statement, rows)
        if member_inserts:
            for shape in {tuple(sorted(r)) for r in member_inserts}:
                session.execute(insert(members), [r for r in member_inserts if tuple(sorted(r)) == shape])
        source = {"来源": [None, f"补录表 {plan.path.name}"]}
        audit.record_many(
            session,
            [("student.update", "student", u.student_id, u.changes | source) for u in plan.updates],
        )
    return len(plan.updates)


def preview_lines(plan: CompletionPlan) -> Iterator[str]:
    """Each student's changes as the clerk reads them: 「张三（一年级(1)班）：民族 汉族 → 回族；…」."""
    for u in plan.updates:
        parts = [
            f"{label} {readable(label, old) or '（空）'} → {readable(label, new)}"
            for label, (old, new) in u.changes.items()
        ]
        yield f"{u.name}（{u.class_name or '未分班'}）：{'；'.join(parts)}"


# --- reading students ---------------------------------------------------------------------------------------------


def _students(
    session: Session, student_ids: Sequence[int], *, missing_ok: bool = False
) -> list[dict[str, Any]]:
    """The students' fields, class name, status, 建籍 step and family members (by position), in the order given."""
    table = cast(Table, Student.__table__)
    members = cast(Table, FamilyMember.__table__)
    query = select(*(table.c[name] for name in _STUDENT_READ), SchoolClass.name.label("_class")).outerjoin(
        SchoolClass, SchoolClass.id == table.c.school_class_id
    )
    member_query = select(*(members.c[name] for name in _MEMBER_READ)).order_by(
        members.c.student_id, members.c.position_in_list
    )
    wanted = list(dict.fromkeys(student_ids))
    found: dict[int, dict[str, Any]] = {}
    for ids in _chunked(wanted):
        for row in session.execute(query.where(table.c.id.in_(ids))).mappings():
            found[row["id"]] = dict(row) | {"_family": []}
        for member in session.execute(member_query.where(members.c.student_id.in_(ids))).mappings():
            found[member["student_id"]]["_family"].append(dict(member))
    missing = [sid for sid in wanted if sid not in found]
    if missing and not missing_ok:
        raise NotFound(f"找不到这些学生（可能已被删除）：编号 {'、'.join(map(str, missing))}")
    return [found[sid] for sid in wanted if sid in found]


def _value_of(student: Mapping[str, Any], column: ColumnSpec) -> Any:
    position = column.family_index
    if position is None:
        return student.get(column.field)
    family = student["_family"]
    return family[position - 1].get(column.field_key) if position <= len(family) else None


def _spec_of(column: ColumnSpec) -> FieldSpec | None:
    return (FAMILY_FIELDS_BY_KEY if column.family_index is not None else FIELDS_BY_KEY).get(column.field_key)


def _student_number(raw: object) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float) and float(raw).is_integer():
        return int(raw)
    text = str(raw or "").strip()
    return int(text) if text.isdigit() else None


def _blank(value: Any) -> bool:
    return value is None or value == ""


def _same(old: Any, new: Any) -> bool:
    return (_blank(old) and _blank(new)) or old == new


def readable(label: str, value: Any) -> str:
    """A stored value of the field a change's label names, as the clerk reads it (a code's name, 是/否 …)."""
    from xueji_desktop.services.bulk_edit import shown as shown_value

    spec = next((s for s in STUDENT_FIELDS if s.label == label), None)
    if spec is None and label.startswith("家庭成员"):
        spec = next((s for s in FAMILY_FIELDS if label.endswith(" " + s.label)), None)
    if spec is None:
        return "" if value is None else str(value)
    return shown_value(spec, value)


def _chunked(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _ID_CHUNK):
        yield ids[start : start + _ID_CHUNK]
