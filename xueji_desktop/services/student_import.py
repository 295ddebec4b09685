"""Importing new students from Excel: plan (read, map, check, find duplicates) without writing, then commit
all rows — or only the valid ones — in one transaction.

The clerk sees the plan first: every problem with its row, column, value and how to fix it; the students a corrected
file would update (old → new per field); the likely duplicates to decide; names to look at again (a leading = + - @,
R13.1 via rules.names). Nothing is written until commit_import, but for the column mapping, which remember_mapping
keeps as soon as the clerk confirms it.

The import carries the 入学日期 the clerk gives (default_enrolment_date otherwise), from which R10.1/R10.3's 30 days
count, and numbers the new students' 学号 by the school's scheme (「{入学年}{班号:02}{序号:02}」), kept as a setting.
"""

from __future__ import annotations

import hashlib
import json
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, insert, select

from xueji_desktop.errors import InvalidInput
from xueji_desktop.models import (
    DocumentSetting,
    EnrolmentStep,
    FamilyMember,
    ImportMapping,
    SchoolClass,
    SchoolYear,
    Student,
)
from xueji_desktop.reference.codes import code_table
from xueji_desktop.reference.pinyin import pinyin_keys, pinyin_spelling
from xueji_desktop.reference.student_fields import (
    FAMILY_FIELDS,
    FAMILY_FIELDS_BY_KEY,
    FIELDS_BY_KEY,
    FieldKind,
)
from xueji_desktop.rules import Finding
from xueji_desktop.rules.duplicates import DuplicateFinding, Person, find_duplicates
from xueji_desktop.rules.key_fields import is_established
from xueji_desktop.rules.names import record_name_findings
from xueji_desktop.services import audit
from xueji_desktop.services.class_assignment import ClassPreview
from xueji_desktop.spreadsheets.normalise import CellProblem
from xueji_desktop.spreadsheets.preflight import check_file
from xueji_desktop.spreadsheets.reader import SheetTable, list_sheets, read_table
from xueji_desktop.spreadsheets.rows import HeaderMapping, RowReader, RowRecord, check_header_mapping
from xueji_desktop.spreadsheets.template import ColumnSpec, TemplateSpec, load_template
from xueji_desktop.store import Store

TEMPLATE = "new_students"
COMMIT_CHUNK = 2000
APPROVED = EnrolmentStep.APPROVED.value


@dataclass(slots=True)
class PlannedUpdate:
    """A corrected row for a student still in the enrolment steps: what would change (label → [old, new])."""

    row_number: int
    student_id: int
    name: str
    changes: dict[str, list[Any]]


@dataclass(slots=True)
class ImportPlan:
    path: Path
    spec: TemplateSpec
    sheet_names: list[str]
    table: SheetTable
    mapping: HeaderMapping
    records: list[RowRecord]
    duplicates: list[DuplicateFinding] = field(default_factory=list)
    updates: list[PlannedUpdate] = field(default_factory=list)
    unchanged_rows: set[int] = field(default_factory=set)  # rows of students already imported, nothing new
    remembered_mapping: bool = False
    # names the clerk should look at again (a leading = + - @: R13.1 warns), as 提示 lines; they do not stop the import
    name_warnings: list[CellProblem] = field(default_factory=list)

    @property
    def new_records(self) -> list[RowRecord]:
        """Valid rows that would become new students (not corrections of students already being enrolled)."""
        known = self.unchanged_rows | {u.row_number for u in self.updates}
        return [r for r in self.valid_records if r.row_number not in known]

    @property
    def problems(self) -> list[CellProblem]:
        """Every error of the file (cells, cross-field checks, blocking duplicates), in row order."""
        found = [p for record in self.records for p in record.problems]
        id_header = _header_of(self.mapping, "id_number") or "身份证件号"
        for dup in self.duplicates:
            if dup.finding.blocks:
                found.append(
                    CellProblem(
                        dup.row_number, id_header, "", dup.finding.text, "删除重复的一行，或核对证件号"
                    )
                )
        return sorted(found, key=lambda p: p.row_number)

    @property
    def warnings(self) -> list[DuplicateFinding]:
        """Likely duplicates (R13.1): the clerk decides; they do not stop the import."""
        return [d for d in self.duplicates if not d.finding.blocks]

    @property
    def error_rows(self) -> set[int]:
        return {p.row_number for p in self.problems}

    @property
    def valid_records(self) -> list[RowRecord]:
        bad = self.error_rows
        return [r for r in self.records if r.row_number not in bad]


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: int
    updated: int
    skipped_rows: list[int]


def sheets_of(path: Path) -> list[str]:
    check_file(path)
    return list_sheets(path)


def plan_import(
    store: Store,
    path: Path,
    *,
    sheet: str | None = None,
    columns: list[ColumnSpec | None] | None = None,
) -> ImportPlan:
    """Read and check a file; write nothing. `columns` is the clerk's corrected mapping (aligned with the headers);
    without it a mapping confirmed before for the same headers is used, else the one found by name and alias."""
    spec = load_template(TEMPLATE)
    sheet_names, table, mapping, remembered = read_mapped_table(store, spec, path, sheet, columns)
    read_row = RowReader(mapping.columns)
    records = [read_row(row.row_number, row.cells) for row in table.rows]
    plan = ImportPlan(path, spec, sheet_names, table, mapping, records, remembered_mapping=remembered)
    plan.name_warnings = name_warnings(mapping, records)
    _plan_against_database(store, plan)
    return plan


def name_warnings(mapping: HeaderMapping, records: Sequence[RowRecord]) -> list[CellProblem]:
    """The warnings of rules.names (R13.1) for the names of each row — 姓名, 曾用名, the family members' — on their
    column (the refusals are already errors of their cells)."""
    headers = {c.field: (i, c.header) for i, c in enumerate(mapping.columns) if c is not None}
    found = []
    for record in records:
        for key, finding in record_name_findings(record.values, record.family):
            column = headers.get(key)
            if finding.blocks or column is None:
                continue
            value = key.startswith("family.") and record.family[int(key.split(".")[1]) - 1].get("name")
            value = value or record.values.get(key) or ""
            found.append(
                CellProblem(
                    record.row_number, column[1], str(value), finding.text, "核对无误可照常导入", column[0]
                )
            )
    return found


def remember_mapping(store: Store, plan: ImportPlan) -> None:
    """Keep the column mapping the clerk confirmed (the mapping page's 下一步), for the next file with the same
    headers — kept even when the import is then cancelled."""
    with store.transaction() as session:
        _remember_mapping(session, plan)


def read_mapped_table(
    store: Store,
    spec: TemplateSpec,
    path: Path,
    sheet: str | None,
    columns: list[ColumnSpec | None] | None,
) -> tuple[list[str], SheetTable, HeaderMapping, bool]:
    """The file's sheets, the chosen sheet's table and its mapping onto `spec`: the clerk's `columns`, else a mapping
    confirmed before for the same headers (remembered: True), else the one found by name and alias."""
    check_file(path)
    sheet_names = list_sheets(path)
    table = read_table(path, sheet, is_header=lambda header: spec.column_for_header(header) is not None)
    mapping = check_header_mapping(table.headers, spec)
    remembered = False
    if columns is None:
        saved = _remembered_columns(store, spec, table.headers)
        if saved is not None:
            mapping.columns, remembered = saved, True
    else:
        mapping.columns = list(columns)
    # what is missing follows the columns in use (the clerk's or remembered), not the headers' names
    if remembered or columns is not None:
        chosen = check_header_mapping([c.header if c else None for c in mapping.columns], spec)
        mapping.columns = chosen.columns  # a field chosen twice keeps its first column
        mapping.missing_required, mapping.missing_optional = chosen.missing_required, chosen.missing_optional
    return sheet_names, table, mapping, remembered


def _plan_against_database(store: Store, plan: ImportPlan) -> None:
    """Duplicates (R13.1) in the file and against every stored student; updates for students still being enrolled;
    refusals for students whose record is formal (R14.1: change only through the information-change procedure)."""
    with store.read() as session:
        stored = stored_people(session, Student.enrolment_step, Student.national_student_id)
        # only a record not yet established may be corrected by a new file (R14.1: after that, 信息变更; R10.4)
        updatable = {
            s.id_number: s
            for s in stored
            if s.id_number and not is_established(s.enrolment_step, s.national_student_id)
        }
        rows, matched = [], set()
        for record in plan.records:
            number = cast("str | None", record.values.get("id_number"))  # a checked cell
            # a row of a student still being enrolled is a correction of that student, not a twin
            if number in updatable and updatable[number].id not in matched:
                student = session.get(Student, updatable[number].id)
                assert student is not None
                matched.add(student.id)
                changes = _changes(student, record)
                if changes and not record.problems:
                    plan.updates.append(PlannedUpdate(record.row_number, student.id, student.name, changes))
                elif not changes:
                    plan.unchanged_rows.add(record.row_number)
                continue
            rows.append(row_person(record))
        # students being corrected stay in: another row with their ID, or their name and birthday, is still a twin
        existing = [stored_person(s) for s in stored]
    for duplicate in find_duplicates(rows, existing):
        if _approved_match(
            duplicate, stored
        ):  # the same ID as a formal record: R14.1's procedure, not an import
            duplicate = DuplicateFinding(
                duplicate.row_number,
                duplicate.other,
                duplicate.other_student_id,
                Finding(
                    "R14.1",
                    duplicate.finding.severity,
                    f"{duplicate.other}的学籍已审核通过，信息变更须由监护人申请并经学籍管理部门审批，不能通过导入修改",
                ),
            )
        plan.duplicates.append(duplicate)


def stored_people(session, *extra: Any) -> Sequence[Any]:
    """Every stored student with what R13.1's duplicate check reads of them (stored_person), and `extra`."""
    return session.execute(
        select(
            Student.id,
            Student.name,
            Student.birth_date,
            Student.gender,
            Student.id_number,
            Student.pinyin_key,
            Student.status,
            *extra,
        )
    ).all()


def stored_person(student: Any) -> Person:
    """A row of stored_people as R13.1's duplicate check sees it."""
    return Person(
        student.id,
        student.name,
        student.birth_date,
        student.gender,
        student.id_number,
        student.pinyin_key,
        student.status,
    )


def row_person(record: RowRecord) -> Person:
    """A file's row as R13.1's duplicate check sees it (its cells checked already)."""
    name = str(record.values.get("name") or "")
    return Person(
        record.row_number,
        name,
        cast("date | None", record.values.get("birth_date")),
        cast("str | None", record.values.get("gender")),
        cast("str | None", record.values.get("id_number")),
        pinyin_keys(name)[0] if name else "",
    )


def _approved_match(duplicate: DuplicateFinding, stored: Sequence[Any]) -> bool:
    if duplicate.other_student_id is None or not duplicate.finding.blocks:
        return False
    return any(
        s.id == duplicate.other_student_id and is_established(s.enrolment_step, s.national_student_id)
        for s in stored
    )


def _changes(student: Student, record: RowRecord) -> dict[str, list[Any]]:
    changes = {
        FIELDS_BY_KEY[key].label: [getattr(student, key), value]
        for key, value in record.values.items()
        if key in FIELDS_BY_KEY and value is not None and getattr(student, key) != value
    }
    old_family = [{s.key: getattr(m, s.key) for s in FAMILY_FIELDS} for m in student.family_members]
    new_family = [{s.key: member.get(s.key) for s in FAMILY_FIELDS} for member in record.family]
    if record.family and old_family != new_family:
        changes["家庭成员"] = [old_family, new_family]
    return changes


def commit_import(
    store: Store,
    plan: ImportPlan,
    *,
    valid_only: bool = False,
    class_of_row: dict[int, int] | None = None,
    today: date | None = None,
    enrolment_date: date | None = None,
    number_scheme: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Write the plan in one transaction: every row, or (valid_only) every valid row; a file with errors and not
    valid_only writes nothing. New students start R10.3's steps (信息表已下发) with R10.1's 30 days counted from
    `enrolment_date` (default_enrolment_date when not given). `number_scheme` (「」 for none) is kept as the school's
    学号 scheme; the scheme in force numbers the new students placed in a class."""
    problems = plan.problems
    if problems and not valid_only:
        raise ImportRefused(problems)
    if number_scheme:
        check_number_scheme(number_scheme)
    today = today or date.today()
    good = plan.valid_records
    new_records = plan.new_records
    class_of_row = class_of_row or {}
    with store.transaction() as session:
        start = enrolment_date or _enrolment_date(session, today)
        if number_scheme is not None:
            _keep_number_scheme(session, number_scheme)
        numbers = _school_numbers(session, _number_scheme(session), start, new_records, class_of_row)
        fixed = {
            "status": "在读",
            "enrolment_step": EnrolmentStep.FORM_HANDED_OUT.value,
            "enrolment_date": start,
        }

        def audit_chunk(ids: list[int], chunk: list[RowRecord]) -> None:
            audit.record_many(
                session,
                [
                    (
                        "student.import",
                        "student",
                        student_id,
                        {"来源": [None, f"{plan.path.name} 第{r.row_number}行"]},
                    )
                    for student_id, r in zip(ids, chunk, strict=True)
                ],
            )

        created = insert_students(
            session,
            plan.mapping,
            new_records,
            lambda record: {
                **fixed,
                "school_class_id": class_of_row.get(record.row_number),
                **numbers.get(record.row_number, {}),
            },
            progress=progress,
            after_chunk=audit_chunk,
        )
        records_by_row = {r.row_number: r for r in good}
        for update in plan.updates:
            _apply_update(session, update, records_by_row[update.row_number])
        audit.record_many(
            session, [("student.update", "student", u.student_id, u.changes) for u in plan.updates]
        )
        _remember_mapping(session, plan)
    skipped = sorted({p.row_number for p in problems})
    return ImportResult(created, len(plan.updates), skipped)


def insert_students(
    session,
    mapping: HeaderMapping,
    records: list[RowRecord],
    columns_of: Callable[[RowRecord], dict[str, Any]],
    *,
    progress: Callable[[int, int], None] | None = None,
    after_chunk: Callable[[list[int], list[RowRecord]], None] | None = None,
) -> int:
    """Insert the records as students with their family members, COMMIT_CHUNK at a time, so that a 100,000-row file
    never holds all its insert parameters at once; `columns_of` gives a record's own columns (status, class …),
    `after_chunk` sees each chunk's new ids (for its audit). Returns how many students were created."""
    now = datetime.now()
    spelled: dict[str, tuple[str, str, str]] = {}
    # every row carries every column (one executemany); the new-student defaults only for fields the file has no
    # column for, as read_row checked them: a blank cell stays blank (学生来源 exported empty comes back empty)
    mapped = {column.field for column in mapping.columns if column is not None}
    base = {key: None for key in FIELDS_BY_KEY} | {k: v for k, v in _defaults().items() if k not in mapped}
    created = 0
    for chunk_start in range(0, len(records), COMMIT_CHUNK):
        chunk = records[chunk_start : chunk_start + COMMIT_CHUNK]
        student_rows = []
        for record in chunk:
            values = {k: v for k, v in record.values.items() if k in FIELDS_BY_KEY and v is not None}
            name = str(values["name"])
            if name not in spelled:
                spelled[name] = (*pinyin_keys(name), pinyin_spelling(name))
            full, initials, spelling = spelled[name]
            values.setdefault("name_pinyin", spelling)
            student_rows.append(
                {
                    **base,
                    **values,
                    "created_at": now,
                    "updated_at": now,
                    **columns_of(record),
                    "pinyin_key": full,
                    "initials_key": initials,
                }
            )
        ids = [
            row[0]
            for row in session.execute(
                insert(cast(Table, Student.__table__)).returning(
                    Student.__table__.c.id, sort_by_parameter_order=True
                ),
                student_rows,
            )
        ]
        family_rows = [
            {
                **{s.key: member.get(s.key) for s in FAMILY_FIELDS},
                "student_id": student_id,
                "position_in_list": position,
                "is_guardian": bool(member.get("is_guardian")),
            }
            for student_id, record in zip(ids, chunk, strict=True)
            for position, member in enumerate(record.family, start=1)
        ]
        if family_rows:
            session.execute(insert(cast(Table, FamilyMember.__table__)), family_rows)
        if after_chunk:
            after_chunk(ids, chunk)
        created += len(ids)
        if progress:
            progress(created, len(records))
    return created


class ImportRefused(InvalidInput):
    """The file has errors and the clerk did not choose to import only the valid rows; nothing was written."""

    def __init__(self, problems: list[CellProblem]):
        self.problems = problems
        super().__init__(f"文件中有 {len(problems)} 处错误，没有导入任何学生。")


def _apply_update(session, update: PlannedUpdate, record: RowRecord) -> None:
    student = session.get(Student, update.student_id)
    for key, value in record.values.items():
        if key in FIELDS_BY_KEY and value is not None:
            setattr(student, key, value)
    student.pinyin_key, student.initials_key = pinyin_keys(student.name)
    if "家庭成员" in update.changes:
        student.family_members.clear()
        session.flush()
        for position, member in enumerate(record.family, start=1):
            fields = {s.key: member.get(s.key) for s in FAMILY_FIELDS}
            fields["is_guardian"] = bool(fields["is_guardian"])
            student.family_members.append(FamilyMember(position_in_list=position, **fields))
    student.updated_at = datetime.now()


def _defaults() -> dict[str, Any]:
    from xueji_desktop.services.students import blank_form

    return {k: v for k, v in blank_form().values.items() if k in FIELDS_BY_KEY}


def default_enrolment_date(store: Store, today: date | None = None) -> date:
    """The 入学日期 proposed to the clerk: the first day of the current school year's first term while it runs,
    else today."""
    with store.read() as session:
        return _enrolment_date(session, today or date.today())


def _enrolment_date(session, today: date) -> date:
    """R10.1's 30 days count from the term's start when the list comes in at the start of a school year."""
    year = session.scalar(select(SchoolYear).where(SchoolYear.is_current))
    if year is not None and year.term1_start <= today <= year.term1_end:
        return year.term1_start
    return today


# --- 学号 by the school's scheme ---------------------------------------------------------------------------------

NUMBER_SCHEME_KEY = (
    "import.school_number_scheme"  # a DocumentSetting row (append-only: the newest is in force)
)
NUMBER_FIELDS = ("入学年", "班号", "序号")
EXAMPLE_SCHEME = "{入学年}{班号:02}{序号:02}"


def check_number_scheme(scheme: str) -> None:
    """InvalidInput (one Chinese line) unless `scheme` names only {入学年}, {班号}, {序号} (with a width such as :02)
    and names {序号}, so no two students of a class get the same 学号."""
    try:
        parts = [
            (name, spec, conv) for _, name, spec, conv in string.Formatter().parse(scheme) if name is not None
        ]
    except ValueError:
        raise InvalidInput(f"学号编排“{scheme}”中的花括号不成对，请写成 {EXAMPLE_SCHEME} 的形式") from None
    for name, spec, conversion in parts:
        if name not in NUMBER_FIELDS:
            raise InvalidInput(
                f"学号编排中的“{{{name}}}”不是可用的项目；可用的有：{{入学年}}、{{班号}}、{{序号}}"
            )
        if conversion or (spec and not (spec.isdigit() and spec.isascii())):
            raise InvalidInput(f"学号编排中的“{{{name}:{spec}}}”写法不对：位数写成 {{{name}:02}} 的形式")
    if "序号" not in [name for name, _, _ in parts]:
        raise InvalidInput(f"学号编排须包含“{{序号}}”，否则同班学生的学号会相同，如 {EXAMPLE_SCHEME}")
    if len(preview_school_numbers(scheme, 2026, 99, 1)[0]) > FIELDS_BY_KEY["school_number"].max_length:
        raise InvalidInput(f"学号编排得出的学号太长（最多{FIELDS_BY_KEY['school_number'].max_length}位）")


def preview_school_numbers(
    scheme: str, year: int, class_number: int, count: int = 3, first: int = 1
) -> list[str]:
    """The first `count` 学号 the scheme gives a class (for the clerk to see before importing)."""
    return [_render(scheme, year, class_number, first + i) for i in range(count)]


def number_scheme(store: Store) -> str:
    """The school's 学号 scheme in force (「」: new students get no 学号 at import)."""
    with store.read() as session:
        return _number_scheme(session)


def _number_scheme(session) -> str:
    newest = session.scalar(
        select(DocumentSetting.value)
        .where(DocumentSetting.key == NUMBER_SCHEME_KEY)
        .order_by(DocumentSetting.id.desc())
        .limit(1)
    )
    return newest or ""


def _keep_number_scheme(session, scheme: str) -> None:
    before = _number_scheme(session)
    if scheme == before:
        return
    audit.kept(session, DocumentSetting(key=NUMBER_SCHEME_KEY, value=scheme or None))
    audit.record(
        session, "setting.change", "document_setting", None, {"学号编排": [before or None, scheme or None]}
    )


def _render(scheme: str, year: int, class_number: int, number: int) -> str:
    return scheme.format_map({"入学年": year, "班号": class_number, "序号": number})


def _school_numbers(
    session, scheme: str, start: date, records: list[RowRecord], class_of_row: dict[int, int]
) -> dict[int, dict[str, str]]:
    """Row → {"school_number": …} for the new students placed in a class, by `scheme`, in file order within each
    class, each class's 序号 continuing after the highest one already given with the same beginning and end."""
    if not scheme:
        return {}
    classes = {
        c.id: c.number
        for c in session.scalars(select(SchoolClass).where(SchoolClass.id.in_(set(class_of_row.values()))))
    }
    taken = set(session.scalars(select(Student.school_number).where(Student.school_number.is_not(None))))
    found: dict[int, dict[str, str]] = {}
    next_of: dict[int, int] = {}
    for record in records:
        class_id = class_of_row.get(record.row_number)
        if class_id is None or class_id not in classes:
            continue
        if class_id not in next_of:
            next_of[class_id] = _after_highest(scheme, start.year, classes[class_id], taken)
        number = _render(scheme, start.year, classes[class_id], next_of[class_id])
        while number in taken:
            next_of[class_id] += 1
            number = _render(scheme, start.year, classes[class_id], next_of[class_id])
        taken.add(number)
        next_of[class_id] += 1
        found[record.row_number] = {"school_number": number}
    return found


def _after_highest(scheme: str, year: int, class_number: int, taken: set[str]) -> int:
    marker = "\x00"
    head, _, tail = scheme.replace("{序号", marker + "{序号", 1).partition(marker)
    prefix = _render(head, year, class_number, 0)
    suffix = _render(tail.split("}", 1)[1], year, class_number, 0) if "}" in tail else ""
    highest = 0
    for number in taken:
        if number.startswith(prefix) and number.endswith(suffix):
            middle = number[len(prefix) : len(number) - len(suffix) if suffix else None]
            if middle.isdigit() and middle.isascii():
                highest = max(highest, int(middle))
    return highest + 1


def shown_value(label: str, value: object) -> str:
    """A stored value as the clerk reads it (the dry run's old → new): names, not codes; dates as 2020-03-12."""
    if value is None or value == "":
        return "（空）"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):  # 家庭成员
        return "、".join(_member(m) for m in value) or "（无）"
    spec = next((s for s in FIELDS_BY_KEY.values() if s.label == label), None)
    if spec is not None and spec.kind is FieldKind.CODE and spec.table:
        return code_table(spec.table).name_of(str(value))
    return str(value)


def _member(member: object) -> str:
    """A family member as a change shows him: 张建军（父亲）."""
    if not isinstance(member, dict):
        return str(member)
    relation = member.get("relation")
    shown = (
        code_table(FAMILY_FIELDS_BY_KEY["relation"].table or "relation").name_of(str(relation))
        if relation
        else ""
    )
    return f"{member.get('name') or '？'}" + (f"（{shown}）" if shown else "")


def _signature(headers: list[str]) -> str:
    return hashlib.sha256("\x1f".join(headers).encode("utf-8")).hexdigest()


def _remembered_columns(
    store: Store, spec: TemplateSpec, headers: list[str]
) -> list[ColumnSpec | None] | None:
    with store.read() as session:
        saved = session.scalar(
            select(ImportMapping.mapping).where(
                ImportMapping.template == spec.key, ImportMapping.signature == _signature(headers)
            )
        )
    if saved is None:
        return None
    by_field = {c.field: c for c in spec.columns}
    return [by_field.get(f) if f else None for f in json.loads(saved)]


def _remember_mapping(session, plan: ImportPlan) -> None:
    signature = _signature(plan.table.headers)
    fields = json.dumps([c.field if c else None for c in plan.mapping.columns], ensure_ascii=False)
    mapping = session.scalar(
        select(ImportMapping).where(
            ImportMapping.template == plan.spec.key, ImportMapping.signature == signature
        )
    )
    if mapping is None:
        session.add(
            ImportMapping(
                template=plan.spec.key, signature=signature, mapping=fields, confirmed_at=datetime.now()
            )
        )
    else:
        mapping.mapping, mapping.confirmed_at = fields, datetime.now()


def _header_of(mapping: HeaderMapping, field_name: str) -> str | None:
    for column in mapping.columns:
        if column is not None and column.field == field_name:
            return column.header
    return None


STARTING_GRADE = {"primary": 1, "nine_year": 1, "twelve_year": 1, "special": 1, "junior": 7, "senior": 10}
SCORE_HEADERS = ("成绩", "入学成绩", "总分", "分数", "中考成绩")


@dataclass(slots=True)
class ClassPlan:
    """Which class each new row goes to (R12.1): the file's class column kept, or 均衡编班 over the grade's classes."""

    mode: str  # "file", "balanced" or "none" (the grade has no classes yet)
    grade_level: int
    class_of_row: dict[int, int]
    preview: list[ClassPreview]
    findings: list[Finding]
    notes: list[str]

    @property
    def blocking(self) -> bool:
        return any(f.blocks for f in self.findings)


def plan_classes(
    store: Store, plan: ImportPlan, *, grade_level: int | None = None, mode: str | None = None
) -> ClassPlan:
    """Classes for the rows that would be created (updates keep theirs); a preview the clerk confirms."""
    from xueji_desktop.models import School
    from xueji_desktop.services.class_assignment import (
        ClassSlot,
        Newcomer,
        assign_balanced,
        keep_file_classes,
    )
    from xueji_desktop.services.roster import class_tree

    with store.read() as session:
        stage = session.scalar(select(School.stage).limit(1)) or "primary"
    level = grade_level or STARTING_GRADE.get(stage, 1)
    grade = next((g for g in class_tree(store) if g.level == level), None)
    records = plan.new_records
    if grade is None or not grade.classes:
        return ClassPlan(
            "none", level, {}, [], [], [f"本校{level}年级还没有班级：新生先不分班，建好班级后在名册中调班。"]
        )
    slots = [ClassSlot(c.id, c.name, c.size, level, c.number) for c in grade.classes]
    scores = _scores(plan)
    newcomers = [
        Newcomer(
            r.row_number,
            str(r.values.get("gender") or "1"),
            cast("date | None", r.values.get("birth_date")) or date(2000, 1, 1),
            scores.get(r.row_number),
        )
        for r in records
    ]
    chosen = mode or ("file" if any(r.class_label for r in records) else "balanced")
    if chosen == "file":
        assignment = keep_file_classes(newcomers, {r.row_number: r.class_label or "" for r in records}, slots)
        notes = [f"第{u.key}行：{u.message}" for u in assignment.unmatched]
    else:
        assignment = assign_balanced(newcomers, slots)
        notes = []
    class_of = cast("dict[int, int]", dict(assignment.class_of))  # the newcomers' keys are row numbers
    return ClassPlan(chosen, level, class_of, assignment.preview, assignment.findings, notes)


def _scores(plan: ImportPlan) -> dict[int, float]:
    """An optional score column (成绩, 入学成绩 …), used to spread abilities evenly across classes."""
    from xueji_desktop.spreadsheets.template import header_key

    keys = {header_key(h) for h in SCORE_HEADERS}
    index = next((i for i, h in enumerate(plan.table.headers) if header_key(h) in keys), None)
    if index is None:
        return {}
    scores = {}
    for row in plan.table.rows:
        try:
            scores[row.row_number] = float(str(row.cells[index]).strip())
        except (ValueError, IndexError):
            continue
    return scores
