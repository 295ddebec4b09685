"""上报批次: the new students' records as the provincial system's upload template, the 学籍异动 the clerk still has
to enter in the provincial system, and the record of every export.

Only students whose data pass every check go out (the student-record checks of services.students.check_form, plus
each column the template requires); the others are refused with what blocks them, so no wrong value reaches the
upload. A new student without a 学籍号 is fine: the national system assigns it after this upload (R10.4).
A 学籍异动 goes out once its status change is written and while the provincial system still lacks it (待上报, or
已退回 to be entered again: R7.1); no public template for it exists, so resources/templates/status_changes.json
is a clean sheet of the same columns (UNCONFIRMED). Each kind's 异动类别 and 说明 come from its registry entry
(services/procedures/kinds.py, BatchColumns).
The file is written first, then recorded (models.UploadBatch, one per file, and an audit event "batch.export").
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import RowMapping, and_, select

from xueji_desktop.errors import DomainError
from xueji_desktop.models import (
    EnrolmentStep,
    FamilyMember,
    Grade,
    Procedure,
    ProcedureEvent,
    School,
    SchoolClass,
    StatusChange,
    Student,
    UploadBatch,
)
from xueji_desktop.reference.codes import code_table
from xueji_desktop.reference.regions import region_table
from xueji_desktop.reference.student_fields import (
    FAMILY_FIELDS,
    FAMILY_FIELDS_BY_KEY,
    FIELDS_BY_KEY,
    STUDENT_FIELDS,
)
from xueji_desktop.services import audit
from xueji_desktop.services.enrolment import continuing_students
from xueji_desktop.services.procedures.state import ProcedureState
from xueji_desktop.services.students import StudentForm, check_form
from xueji_desktop.spreadsheets.batch_writer import write_batch
from xueji_desktop.spreadsheets.template import ColumnSpec, TemplateSpec, load_template
from xueji_desktop.store import Store

KIND_NEW_STUDENTS = "new_students"
KIND_STATUS_CHANGES = "status_changes"
KIND_TITLES = {KIND_NEW_STUDENTS: "新生信息", KIND_STATUS_CHANGES: "学籍异动"}
UNREPORTED = ("待上报", "已退回")  # where a 异动 still has to be entered in the provincial system
_ID_CHUNK = 900  # SQLite variables per IN (…)
# what a StudentForm holds, and the class order; not the timestamps (parsing 10,000 of them costs more than the rest)
_STUDENT_COLUMNS = tuple(
    Student.__table__.c[key]
    for key in ("id", "school_class_id", "status", "pinyin_key", *(spec.key for spec in STUDENT_FIELDS))
)


class BatchError(DomainError):
    """Nothing was exported; the message says why, in Chinese."""


@dataclass(frozen=True, slots=True)
class BlockedStudent:
    id: int
    name: str
    problems: list[str]  # "字段：说明", one per problem

    def line(self) -> str:
        return f"{self.name}：{'；'.join(self.problems)}"


class BatchBlocked(BatchError):
    """Some students' data do not pass the checks; nothing was written. str() is the Chinese list."""

    def __init__(self, blocked: list[BlockedStudent]):
        self.blocked = blocked
        lines = [f"{len(blocked)} 名学生的信息未通过检查，不能上报（请先修改，或只导出通过检查的学生）："]
        super().__init__("\n".join(lines + [student.line() for student in blocked]))


@dataclass(frozen=True, slots=True)
class BatchResult:
    files: list[Path]
    exported: list[int]  # student ids, in the order of the rows
    blocked: list[BlockedStudent]  # left out (only with valid_only)
    procedures: list[int] = field(default_factory=list)  # a 学籍异动 batch: the procedure of each row


@dataclass(frozen=True, slots=True)
class BatchRecord:
    """One exported file, as listed in the history of exports."""

    id: int
    kind: str
    file_name: str
    student_ids: list[int]
    actor: str
    created_at: datetime

    @property
    def title(self) -> str:
        return KIND_TITLES.get(self.kind, self.kind)


def export_new_students(
    store: Store, out: Path, *, student_ids: list[int] | None = None, valid_only: bool = False
) -> BatchResult:
    """Write the new students (those in the R10.3 steps, not yet 审核通过; or exactly the given ones) as the
    new-student upload template. If any is blocked, raise BatchBlocked and write nothing — unless valid_only, which
    exports the others and returns the blocked ones in the result."""
    spec = load_template(KIND_NEW_STUDENTS)
    candidates = _load(store, student_ids)
    if not candidates:
        raise BatchError("没有需要上报的新生（所有新生都已审核通过，或还没有新生）。")
    formatter = _RowFormatter(spec)
    rows: list[list[str]] = []
    exported: list[int] = []
    blocked: list[BlockedStudent] = []
    for candidate in candidates:
        row, unknown_codes = formatter.row(candidate)
        problems = _problems(spec, candidate, row) + unknown_codes
        if problems:
            blocked.append(BlockedStudent(candidate.id, candidate.name, problems))
        else:
            rows.append(row)
            exported.append(candidate.id)
    return _write_and_record(store, KIND_NEW_STUDENTS, spec, out, rows, exported, blocked, valid_only)


def pending_status_changes(store: Store) -> int:
    """How many status changes the provincial system still lacks (待上报 or 已退回): what export_status_changes writes."""
    return len(_load_changes(store, None))


def export_status_changes(
    store: Store, out: Path, *, procedure_ids: list[int] | None = None, valid_only: bool = False
) -> BatchResult:
    """Write one row per 异动手续 whose status change is written and which the provincial system still lacks (待上报 or
    已退回), or exactly the given procedures, oldest change first. A row missing a column the template requires is
    blocked as in export_new_students; with nothing to export, BatchError and no file."""
    spec = load_template(KIND_STATUS_CHANGES)
    changes = _load_changes(store, procedure_ids)
    if not changes:
        raise BatchError(
            "没有需要上报的学籍异动（已生效、且在省级学籍系统中为“待上报”或“已退回”的异动手续）。"
        )
    categories = change_kinds()
    rows: list[list[str]] = []
    exported: list[int] = []
    procedures: list[int] = []
    blocked: list[BlockedStudent] = []
    for change in changes:
        if change.values["change_kind"] not in categories:
            raise BatchError(
                f"“{change.label}”没有上报的异动类别（JY/T 1001 学籍异动类别），请在该手续类别的定义中补上"
            )
        values = change.values | {"change_kind": categories[change.values["change_kind"]]}
        row = [_change_cell(column, values.get(column.field)) for column in spec.columns]
        problems = [
            f"{c.header}：上报模板要求填写，现在是空的"
            for c, v in zip(spec.columns, row, strict=True)
            if c.required and not v
        ]
        if problems:
            blocked.append(
                BlockedStudent(change.student_id, f"{change.values['name']}（{change.label}）", problems)
            )
        else:
            rows.append(row)
            exported.append(change.student_id)
            procedures.append(change.procedure_id)
    return _write_and_record(
        store, KIND_STATUS_CHANGES, spec, out, rows, exported, blocked, valid_only, procedures
    )


def change_kinds() -> dict[str, dict[str, str]]:
    """Each procedure kind's 异动类别 ({"code", "name"}), as its registry entry declares it (BatchColumns)."""
    from xueji_desktop.services.procedures.registry import all_kinds

    return {
        code: {"code": kind.batch.category_code, "name": kind.batch.category_name}
        for code, kind in all_kinds().items()
    }


def batches(store: Store, kind: str | None = None) -> list[BatchRecord]:
    """Past exports, newest first (one entry per file)."""
    query = select(UploadBatch).order_by(UploadBatch.id.desc())
    if kind is not None:
        query = query.where(UploadBatch.kind == kind)
    with store.read() as session:
        return [
            BatchRecord(b.id, b.kind, b.file_name, json.loads(b.student_ids), b.actor, b.created_at)
            for b in session.scalars(query)
        ]


# --- loading ------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Candidate:
    id: int
    name: str
    form: StudentForm  # as services.students.load_form gives it
    school_code: str
    class_number: str


def _load(store: Store, student_ids: list[int] | None) -> list[_Candidate]:
    """The students with their family members, read in two queries (not one session per student: 5,000 of them)."""
    with store.read() as session:
        school_code = session.scalar(select(School.code).limit(1))
        if school_code is None:
            raise BatchError("还没有设置学校，不能导出上报文件。")
        query = (
            select(*_STUDENT_COLUMNS, SchoolClass.number.label("_class_number"), Grade.level.label("_grade"))
            .outerjoin(SchoolClass, SchoolClass.id == Student.school_class_id)
            .outerjoin(Grade, Grade.id == SchoolClass.grade_id)
        )
        members = FamilyMember.__table__
        family_query = (
            select(members.c.student_id, *(members.c[spec.key] for spec in FAMILY_FIELDS))
            .join(Student, Student.id == members.c.student_id)
            .order_by(members.c.student_id, members.c.position_in_list)
        )
        if student_ids is None:
            conditions = [
                and_(
                    Student.enrolment_step.is_not(None),
                    Student.enrolment_step != EnrolmentStep.APPROVED.value,
                    Student.id.not_in(continuing_students()),  # 学籍转接 (R15.1): in the system already
                )
            ]
        else:
            wanted = list(dict.fromkeys(student_ids))
            conditions = [Student.id.in_(ids) for ids in _chunked(wanted)]
        students: list[RowMapping] = []
        family: dict[int, list[dict[str, Any]]] = {}
        for condition in conditions:
            students += session.execute(query.where(condition)).mappings().all()
            for member in session.execute(family_query.where(condition)).mappings().all():
                family.setdefault(member["student_id"], []).append(
                    {spec.key: member[spec.key] for spec in FAMILY_FIELDS}
                )
    if student_ids is not None:
        missing = set(wanted) - {row["id"] for row in students}
        if missing:
            raise BatchError(f"找不到这些学生（可能已被删除）：编号 {'、'.join(map(str, sorted(missing)))}")
    students.sort(key=_class_order)
    return [
        _Candidate(
            row["id"],
            row["name"],
            StudentForm(
                {spec.key: row[spec.key] for spec in STUDENT_FIELDS},
                family.get(row["id"], []),
                row["school_class_id"],
                row["status"],
            ),
            school_code,
            "" if row["_class_number"] is None else str(row["_class_number"]),
        )
        for row in students
    ]


def _class_order(row: RowMapping) -> tuple:
    """Grade, class, 拼音, as the roster lists them; students not yet in a class last."""
    return (
        row["_grade"] is None,
        row["_grade"] or 0,
        row["_class_number"] or 0,
        row["pinyin_key"],
        row["id"],
    )


@dataclass(slots=True)
class _Change:
    procedure_id: int
    student_id: int
    label: str  # 休学, 转入 … (the procedure kind's)
    values: dict[str, Any]  # by the template's field names; change_kind is the procedure kind's key


def _load_changes(store: Store, procedure_ids: list[int] | None) -> list[_Change]:
    """The procedures to report with their status change, student, approval number and provincial state, oldest
    change first. Given ids must all be procedures whose status change is written and not reversed."""
    from xueji_desktop.services.procedures.state import procedure_states

    with store.read() as session:
        school_code = session.scalar(select(School.code).limit(1))
        if school_code is None:
            raise BatchError("还没有设置学校，不能导出上报文件。")
        reversed_ids = set(
            session.scalars(select(StatusChange.reverses_id).where(StatusChange.reverses_id.is_not(None)))
        )
        if procedure_ids is None:
            states = procedure_states(session)
            wanted = [
                pid
                for pid, state in states.items()
                if state.status_change_id is not None
                and state.status_change_id not in reversed_ids
                and state.province in UNREPORTED
            ]
        else:
            wanted = list(dict.fromkeys(procedure_ids))
            states = procedure_states(session, wanted)
            known: set[int] = set()
            for ids in _chunked(wanted):
                known.update(session.scalars(select(Procedure.id).where(Procedure.id.in_(ids))))
            _refuse("找不到这些异动手续", [pid for pid in wanted if pid not in known])
            changed = {pid: states[pid].status_change_id for pid in wanted}
            _refuse(
                "这些异动手续还没有生效（异动尚未写入学籍），不能上报",
                [pid for pid in wanted if changed[pid] is None],
            )
            _refuse("这些异动已经冲正，不能上报", [pid for pid in wanted if changed[pid] in reversed_ids])
        query = (
            select(Procedure, StatusChange, Student)
            .join(ProcedureEvent, ProcedureEvent.procedure_id == Procedure.id)
            .join(StatusChange, StatusChange.id == ProcedureEvent.status_change_id)
            .join(Student, Student.id == StatusChange.student_id)
        )
        found = [
            row
            for ids in _chunked(wanted)
            for row in session.execute(query.where(Procedure.id.in_(ids))).tuples()
        ]
        found.sort(key=lambda row: (row[1].effective_date, row[0].id))
        return [
            _change(procedure, change, student, school_code, states[procedure.id])
            for procedure, change, student in found
        ]


def _refuse(message: str, ids: list[int]) -> None:
    if ids:
        raise BatchError(f"{message}：编号 {'、'.join(map(str, ids))}")


def _change(
    procedure: Procedure,
    change: StatusChange,
    student: Student,
    school_code: str,
    state: ProcedureState,
) -> _Change:
    """One row's values: what the clerk types into the 学籍异动申请 form (SPEC.md §7): the kind's 异动类别, and in
    the 说明 its label where the category does not say it (延长休学 is entered as 休学) and its own note."""
    kind = state.kind
    label = state.label
    details = json.loads(change.details or "{}")
    category = kind.batch.category_name if kind else ""
    said = [None if label in category else label, change.reason]
    if kind is not None and kind.batch.note is not None:
        said.append(kind.batch.note(details))
    shown = state.province
    if shown == "已退回" and state.province_note:
        shown = f"{shown}：{state.province_note}"
    values = {
        "school_code": school_code,
        "national_student_id": student.national_student_id,
        "name": student.name,
        "id_number": student.id_number,
        "change_kind": procedure.kind,
        "effective_date": change.effective_date,
        "reason": "；".join(dict.fromkeys(text for text in said if text)),
        "other_school": details.get("to_school") or details.get("from_school"),
        "approval_number": state.approval_number,
        "province_state": shown,
    }
    return _Change(procedure.id, student.id, label, values)


def _change_cell(column: ColumnSpec, value: Any) -> str:
    """A 学籍异动 cell in its column's form: 异动类别 as its name (or, form "code", its code), dates YYYYMMDD."""
    if isinstance(value, dict):
        return value["code" if column.form == "code" else "name"]
    if column.form == "yyyymmdd":
        return _yyyymmdd(value)
    return _text(value)


def _chunked(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _ID_CHUNK):
        yield ids[start : start + _ID_CHUNK]


# --- the template's value forms -----------------------------------------------------------------------------------


class _RowFormatter:
    """Each column's value in the template's form: option names, 是/否, 20190312, 201909, 12-digit region codes …"""

    def __init__(self, spec: TemplateSpec):
        self._cells = [(column, self._getter(column), self._converter(column)) for column in spec.columns]

    def row(self, candidate: _Candidate) -> tuple[list[str], list[str]]:
        """The row's cells, and a problem for each code its table does not know (it would reach the upload as a
        bare code the provincial system rejects)."""
        cells: list[str] = []
        unknown: list[str] = []
        for column, get, convert in self._cells:
            raw = get(candidate)
            value = convert(raw)
            if value is None:
                unknown.append(f"{column.header}：代码“{raw}”不在代码表中，请重新选择")
                value = str(raw)
            cells.append(value)
        return cells, unknown

    @staticmethod
    def _getter(column: ColumnSpec) -> Callable[[_Candidate], Any]:
        if column.field == "school_code":
            return lambda candidate: candidate.school_code
        if column.field == "class_number":
            return lambda candidate: candidate.class_number
        index, key = column.family_index, column.field_key
        if index is not None:
            return lambda candidate: (
                candidate.form.family[index - 1].get(key) if len(candidate.form.family) >= index else None
            )
        return lambda candidate: candidate.form.values.get(key)

    @staticmethod
    def _converter(column: ColumnSpec) -> Callable[[Any], str | None]:
        form = column.form
        if form == "name":
            fields = FAMILY_FIELDS_BY_KEY if column.family_index is not None else FIELDS_BY_KEY
            table = code_table(fields[column.field_key].table or column.field_key)
            # the template's wording where the table has one: two 入学方式 are both named 其他 (12 and 99)
            names: dict[Any, str] = {None: "", "": ""} | {c.code: c.label or c.name for c in table.codes}
            return names.get  # None for a code the table does not know
        if form == "yes_no":
            return {None: "", True: "是", False: "否"}.get
        if form == "yyyymmdd":
            return _yyyymmdd
        if form == "yyyymm":
            return lambda value: _text(value).replace("-", "")
        if form == "region12":
            return lambda value: _text(value) + "000000" if value and len(str(value)) == 6 else _text(value)
        if form == "region_name":
            regions = region_table()
            return lambda value: regions.full_name(value) if value else ""
        return _text


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _yyyymmdd(value: Any) -> str:
    return value.isoformat().replace("-", "") if isinstance(value, date) else _text(value)


# --- checks ---------------------------------------------------------------------------------------------------------


def _problems(spec: TemplateSpec, candidate: _Candidate, row: list[str]) -> list[str]:
    """What keeps this student out of the upload: the record's own checks, then the template's required columns."""
    found = check_form(candidate.form)
    problems = [f"{problem.label}：{problem.message}" for problem in found]
    reported = {problem.field for problem in found}
    members = len(candidate.form.family)
    missing_members: set[int] = set()
    for column, value in zip(spec.columns, row, strict=True):
        if not column.required or value or column.field in reported:
            continue
        index = column.family_index
        if index is not None and index > members:
            if index not in missing_members:
                missing_members.add(index)
                problems.append(f"家庭成员{index}：上报模板要求填写家庭成员{index}（现在只有{members}位）")
            continue
        if column.field == "class_number":
            problems.append(f"{column.header}：还没有分班，上报模板要求填写班号")
        else:
            problems.append(f"{column.header}：上报模板要求填写，现在是空的")
    return problems


# --- recording ------------------------------------------------------------------------------------------------------


def _write_and_record(
    store: Store,
    kind: str,
    spec: TemplateSpec,
    out: Path,
    rows: list[list[str]],
    exported: list[int],
    blocked: list[BlockedStudent],
    valid_only: bool,
    procedures: list[int] | None = None,
) -> BatchResult:
    """Refuse a batch with blocked rows (unless valid_only leaves some), write it, record it."""
    if blocked and (not valid_only or not exported):
        raise BatchBlocked(blocked)
    files = write_batch(Path(out), spec, rows)
    try:
        _record(store, kind, spec, files, exported, procedures)
    except BaseException:
        # an export nobody recorded must not exist (who received which children's data): take the files back
        for file in files:
            file.unlink(missing_ok=True)
        raise
    return BatchResult(files, exported, blocked, procedures or [])


def _record(
    store: Store,
    kind: str,
    spec: TemplateSpec,
    files: list[Path],
    student_ids: list[int],
    procedures: list[int] | None = None,
) -> None:
    """One UploadBatch per file (which students went in which file) and one audit event, in one transaction."""
    per_file = spec.max_rows_per_sheet * spec.max_sheets_per_file
    with store.transaction() as session:
        actor = audit.actor(session)
        now = datetime.now()
        records = []
        for index, file in enumerate(files):
            ids = student_ids[index * per_file : (index + 1) * per_file]
            record = UploadBatch(
                kind=kind,
                file_name=str(file.resolve()),
                student_ids=json.dumps(ids),
                student_count=len(ids),
                actor=actor,
                created_at=now,
            )
            session.add(record)
            records.append(record)
        session.flush()
        changes = {
            "上报批次": [None, KIND_TITLES[kind]],
            "文件": [None, [str(f.resolve()) for f in files]],
            "学生人数": [None, len(student_ids)],
            "学生": [None, student_ids],
        }
        if procedures:
            changes["异动手续"] = [None, procedures]
        audit.record(session, "batch.export", "upload_batch", records[0].id, changes)
