"""建立学籍 follow-up: new students by R10.3 step with their R10.1 deadline — and 初一/高一新生 whose 学籍转接 runs to
R15.1's deadline (services/continuation.py: told apart by their 新生学籍转接 status change) — marking steps for many
students at once, and 学籍号 brought back from the provincial system's student export (R10.4: set once, never
overwritten)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from xueji_desktop.errors import NotFound
from xueji_desktop.models import EnrolmentStep, Grade, SchoolClass, StatusChange, Student
from xueji_desktop.reference.school_year_calendar import summer_calendar
from xueji_desktop.rules import Finding, RuleViolation
from xueji_desktop.rules.enrolment import (
    NationalIdError,
    check_continuation_step,
    check_national_student_id,
    check_step_change,
    continuation_deadline,
    continuation_findings,
    continuation_overdue,
    enrolment_deadline,
    enrolment_findings,
    is_overdue,
)
from xueji_desktop.rules.identity import normalise_id_number
from xueji_desktop.services import audit
from xueji_desktop.services.roster import IN_SCHOOL_STATUSES
from xueji_desktop.store import Store

_CHUNK = 500  # ids per IN (...) list, well under SQLite's variable limit
CONTINUATION = "continuation"  # the status change of a 新生学籍转接 (services/continuation.py)


@dataclass(frozen=True, slots=True)
class EnrolmentRow:
    """One new student in the follow-up view. days_left is negative once the deadline has passed."""

    id: int
    name: str
    class_name: str
    step: str
    enrolment_date: date | None
    deadline: date | None
    days_left: int | None
    overdue: bool
    grade_level: int | None = None  # 7 and 10 count under R15.1 (学籍转接) rather than R10.1
    continuation: bool = False  # 新生学籍转接 (R15.1): came with a 学籍号, awaiting 审核通过 (转接完成)


def continuing_students():
    """The students a 新生学籍转接 status change took in (a select of their ids, for an IN or a column)."""
    return select(StatusChange.student_id).where(StatusChange.kind == CONTINUATION)


def deadline_of(enrolment_date: date, continuation: bool) -> date:
    """R15.1's deadline (continuation_days of school_year.json) for a 转接, else R10.1's."""
    if continuation:
        return continuation_deadline(enrolment_date, summer_calendar().continuation_days)
    return enrolment_deadline(enrolment_date)


def overdue(step: str | None, enrolment_date: date | None, today: date, continuation: bool) -> bool:
    if continuation:
        return continuation_overdue(step, enrolment_date, today, summer_calendar().continuation_days)
    return is_overdue(step, enrolment_date, today)


def findings_of(row: EnrolmentRow, today: date) -> list[Finding]:
    """The overdue finding of a row: R15.1 for a 转接, else R10.1 (R15.1 for other grade 7/10 newcomers)."""
    if row.continuation:
        return continuation_findings(
            row.step, row.enrolment_date, today, days=summer_calendar().continuation_days
        )
    return enrolment_findings(row.step, row.enrolment_date, today, row.grade_level)


def new_students(
    store: Store, *, step: str | None = None, overdue_only: bool = False, today: date | None = None
) -> list[EnrolmentRow]:
    """Students in school who have an R10.3 step (审核通过 ones included unless a step is chosen), most urgent first;
    初一/高一新生 in 学籍转接 among them (continuation), with R15.1's deadline."""
    today = today or date.today()
    statement = (
        select(
            Student.id,
            Student.name,
            SchoolClass.name,
            Grade.level,
            Student.enrolment_step,
            Student.enrolment_date,
            Student.id.in_(continuing_students()),
        )
        .outerjoin(SchoolClass, Student.school_class_id == SchoolClass.id)
        .outerjoin(Grade, SchoolClass.grade_id == Grade.id)
        .where(Student.enrolment_step.is_not(None), Student.status.in_(IN_SCHOOL_STATUSES))
        .order_by(Student.enrolment_date, Grade.level, SchoolClass.number, Student.school_number, Student.id)
    )
    if step:
        statement = statement.where(Student.enrolment_step == step)
    if overdue_only:
        statement = statement.where(Student.enrolment_step != EnrolmentStep.APPROVED.value)
    with store.read() as session:
        rows = session.execute(statement).all()
    result = []
    for sid, name, class_name, level, current, started, continuing in rows:
        continuing = bool(continuing)
        deadline = deadline_of(started, continuing) if started else None
        late = overdue(current, started, today, continuing)
        if overdue_only and not late:
            continue
        result.append(
            EnrolmentRow(
                sid,
                name,
                class_name or "",
                current,
                started,
                deadline,
                (deadline - today).days if deadline else None,
                late,
                level,
                continuing,
            )
        )
    return result


def mark_step(
    store: Store,
    student_ids: Iterable[int],
    new_step: str,
    *,
    reason: str | None = None,
    today: date | None = None,
) -> int:
    """Move every listed student to new_step in one transaction; returns how many changed (those already there are
    left alone). Each move is checked against R10.3's order; one refused student refuses the whole batch, and the
    RuleViolation names every refused student. A reason (needed to go back a step) is kept in the audit event, and
    an approval after the R10.1 deadline records how late it was."""
    today = today or date.today()
    wanted = list(dict.fromkeys(student_ids))
    reason = (reason or "").strip() or None
    with store.transaction() as session:
        students = _students_by_id(session, wanted)
        missing = [sid for sid in wanted if sid not in students]
        if missing:
            raise NotFound(f"找不到以下学生（可能已被删除）：{', '.join(map(str, missing))}")
        continuing = _continuing(session, wanted)
        refused: list[Finding] = []
        for sid in wanted:
            student = students[sid]
            check = check_continuation_step if sid in continuing else check_step_change  # R15.1 / R10.3
            for finding in check(student.enrolment_step, new_step, reason):
                refused.append(
                    Finding(finding.rule_id, finding.severity, f"{student.name}：{finding.message}")
                )
        if refused:
            raise RuleViolation(refused)
        events: list[tuple[str, str, int | None, dict[str, object]]] = []
        now = datetime.now()
        for sid in wanted:
            student = students[sid]
            old = student.enrolment_step
            if old == new_step:
                continue
            transfer = sid in continuing
            changes: dict[str, object] = {"学籍转接" if transfer else "建籍步骤": [old, new_step]}
            if reason:
                changes["原因"] = reason
            if new_step == EnrolmentStep.APPROVED and overdue(old, student.enrolment_date, today, transfer):
                assert student.enrolment_date is not None
                changes["逾期天数"] = (today - deadline_of(student.enrolment_date, transfer)).days
            events.append(("enrolment.step", "student", sid, changes))
            student.enrolment_step = new_step
            student.updated_at = now
        audit.record_many(session, events)
        return len(events)


def _continuing(session, ids: list[int]) -> set[int]:
    found: set[int] = set()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        found.update(session.scalars(continuing_students().where(StatusChange.student_id.in_(chunk))))
    return found


def _students_by_id(session, ids: list[int]) -> dict[int, Student]:
    found: dict[int, Student] = {}
    for start in range(0, len(ids), _CHUNK):
        for student in session.scalars(select(Student).where(Student.id.in_(ids[start : start + _CHUNK]))):
            found[student.id] = student
    return found


# --- 学籍号 from the provincial export (R10.4) -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NationalIdLine:
    """One (ID number, 学籍号) pair and what became of it; index is its position in the list given (from 0)."""

    index: int
    id_number: str
    national_student_id: str
    student_id: int | None = None
    student_name: str | None = None
    message: str = ""


@dataclass(slots=True)
class NationalIdImportResult:
    set: list[NationalIdLine] = field(default_factory=list)  # written now
    already_same: list[NationalIdLine] = field(default_factory=list)  # the student had this 学籍号 already
    # R10.4: a different 学籍号 is already held (or another student holds this one): kept, nothing written
    conflicts: list[NationalIdLine] = field(default_factory=list)
    unknown: list[NationalIdLine] = field(default_factory=list)  # no student has this ID number
    invalid: list[NationalIdLine] = field(default_factory=list)  # not a 学籍号 (or no ID number)

    @property
    def problems(self) -> list[NationalIdLine]:
        return sorted(self.conflicts + self.unknown + self.invalid, key=lambda line: line.index)


def import_national_ids(store: Store, pairs: list[tuple[str, str]]) -> NationalIdImportResult:
    """Set each student's 学籍号 from (ID number, 学籍号) pairs, matched by normalised ID number, in one transaction.

    Only an empty 学籍号 is written (R10.4: issued once for life, never edited): a different one already held is a
    conflict, as is a 学籍号 that another student holds. Malformed 学籍号 (not G/L/J + 18) are refused, unknown ID
    numbers reported. A G number whose 18 characters differ from the ID number is set with a note: the national
    system does not re-derive it when an ID number changes.
    """
    result = NationalIdImportResult()
    checked: list[tuple[int, str, str]] = []
    for index, (raw_id, raw_nsid) in enumerate(pairs):
        number = normalise_id_number(raw_id or "")
        if not number:
            result.invalid.append(NationalIdLine(index, "", str(raw_nsid or ""), message="身份证件号为空"))
            continue
        try:
            nsid = check_national_student_id(raw_nsid)
        except NationalIdError as error:
            result.invalid.append(NationalIdLine(index, number, str(raw_nsid or ""), message=str(error)))
            continue
        checked.append((index, number, nsid))
    if not checked:
        return result
    with store.transaction() as session:
        by_number = _students_by_id_number(session, sorted({number for _, number, _ in checked}))
        holders = _holders_of(session, sorted({nsid for _, _, nsid in checked}))
        events: list[tuple[str, str, int | None, dict[str, object]]] = []
        now = datetime.now()
        for index, number, nsid in checked:
            matches = by_number.get(number, [])
            if not matches:
                result.unknown.append(
                    NationalIdLine(index, number, nsid, message="没有使用这个身份证件号的学生")
                )
                continue
            if len(matches) > 1:
                names = "、".join(s.name for s in matches)
                result.conflicts.append(
                    NationalIdLine(
                        index, number, nsid, message=f"多名学生（{names}）使用这个身份证件号，请先核实"
                    )
                )
                continue
            student = matches[0]
            line = NationalIdLine(index, number, nsid, student.id, student.name)
            if student.national_student_id == nsid:
                result.already_same.append(line)
                continue
            if student.national_student_id:
                result.conflicts.append(
                    _with(
                        line,
                        f"该学生已有学籍号 {student.national_student_id}，学籍号终身不变，"
                        f"不会改为 {nsid}；如确有错误，请向学籍管理部门核实",
                    )
                )
                continue
            holder = holders.get(nsid)
            if holder is not None and holder.id != student.id:
                result.conflicts.append(
                    _with(line, f"学籍号 {nsid} 已属于学生“{holder.name}”，一人一号，不能重复")
                )
                continue
            note = ""
            if nsid[0] == "G" and nsid[1:] != number:
                note = "G字头学籍号后18位与身份证件号不一致（身份证件号变更后学籍号不随之改变），请核实"
            events.append(("enrolment.national_id", "student", student.id, {"学籍号": [None, nsid]}))
            student.national_student_id = nsid
            student.updated_at = now
            holders[nsid] = student
            result.set.append(_with(line, note))
        audit.record_many(session, events)
    return result


def _with(line: NationalIdLine, message: str) -> NationalIdLine:
    return NationalIdLine(
        line.index, line.id_number, line.national_student_id, line.student_id, line.student_name, message
    )


def _students_by_id_number(session, numbers: list[str]) -> dict[str, list[Student]]:
    found: dict[str, list[Student]] = defaultdict(list)
    for start in range(0, len(numbers), _CHUNK):
        chunk = numbers[start : start + _CHUNK]
        for student in session.scalars(
            select(Student).where(Student.id_number.in_(chunk)).order_by(Student.id)
        ):
            found[student.id_number].append(student)
    return found


def _holders_of(session, nsids: list[str]) -> dict[str, Student]:
    found: dict[str, Student] = {}
    for start in range(0, len(nsids), _CHUNK):
        chunk = nsids[start : start + _CHUNK]
        for student in session.scalars(select(Student).where(Student.national_student_id.in_(chunk))):
            found.setdefault(student.national_student_id, student)
    return found


def import_national_ids_file(store: Store, path: Path, *, sheet: str | None = None) -> NationalIdImportResult:
    """The provincial system's student export (any sheet with 身份证件号 and 学籍号 columns), through the same
    pre-flight check and reader as the new-student import; then import_national_ids."""
    from xueji_desktop.spreadsheets.errors import ImportFileError
    from xueji_desktop.spreadsheets.preflight import check_file
    from xueji_desktop.spreadsheets.reader import read_table
    from xueji_desktop.spreadsheets.template import load_template

    spec = load_template("national_ids")
    check_file(path)
    table = read_table(path, sheet, is_header=lambda header: spec.column_for_header(header) is not None)
    where = {
        column.field: i
        for i, h in enumerate(table.headers)
        if (column := spec.column_for_header(h)) is not None
    }
    if "id_number" not in where or "national_student_id" not in where:
        raise ImportFileError("这个文件里没有“身份证件号”和“学籍号”两列，请导出包含这两列的学生信息表。")
    pairs = [
        (_cell_text(row.cells[where["id_number"]]), _cell_text(row.cells[where["national_student_id"]]))
        for row in table.rows
    ]
    return import_national_ids(store, pairs)


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()
