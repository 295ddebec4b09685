"""初一/高一新生学籍转接 (第十五条, R15.1): a junior or senior school — or a nine- or twelve-year school taking students
from outside into 初一/高一 — imports the list of its incoming students, each with the 学籍号 the primary (or junior)
school's record carries, and tracks each 转接 to its deadline.

The file is the 71-column new-student template plus 学籍号 and 班级 (resources/templates/continuation_students.json; 年级
and 原学校 may be added), or the provincial system's list of the students assigned to the school. It goes through the
new-student import's machinery (read_mapped_table, RowReader, insert_students) and the existing-students import's
checks of a 学籍号 and of classes (R10.4, R12.1, R13.1): a row without a 学籍号, with a 学籍号 already in the school, or
with a class outside 初一/高一 is refused with its reason; a school without a grade 7 or 10 is refused as a whole.

Each student written: 在读, the 学籍号 kept as given (R10.4: never generated, never edited), 入学年月 from the entry
date, a status change of kind "continuation" (新生学籍转接: entered the starting grade of a new stage with an existing
学籍号; 待审核, the previous school in its details), and the enrolment step 已录入系统 dated with the entry date — so the
新生建籍 tab and the term review follow it to 审核通过 (转接完成), due continuation_days (school_year.json) after entry.

plan_continuation reads and checks without writing; commit_continuation writes the classes, the students and their
status changes in one transaction with one audit entry.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, insert, select

from xueji_desktop.models import Grade, School, SchoolYear, StatusChange, StudentStatus
from xueji_desktop.reference.school_year_calendar import summer_calendar
from xueji_desktop.rules import RuleViolation
from xueji_desktop.rules.enrolment import (
    CONTINUATION_START,
    check_continuation_school,
    continuation_deadline,
    continuation_grades,
)
from xueji_desktop.rules.stages import GRADE_NAMES
from xueji_desktop.services import audit
from xueji_desktop.services.enrolment import CONTINUATION
from xueji_desktop.services.existing_import import (
    CLASS,
    GRADE,
    NATIONAL_ID,
    ExistingPlan,
    Placement,
    blank,
    check_national_id,
    create_classes,
    parse_class,
    parse_grade,
    plan_duplicates,
    planned_classes,
    school_facts,
)
from xueji_desktop.services.school_setup import STAGES
from xueji_desktop.services.student_import import (
    ImportRefused,
    ImportResult,
    _remember_mapping,
    insert_students,
    read_mapped_table,
)
from xueji_desktop.spreadsheets.normalise import CellProblem, shown
from xueji_desktop.spreadsheets.rows import RowReader, RowRecord
from xueji_desktop.spreadsheets.template import ColumnSpec, load_template
from xueji_desktop.store import Store

TEMPLATE = "continuation_students"
PREVIOUS_SCHOOL = "previous_school"
EXTRA_FIELDS = (NATIONAL_ID, GRADE, CLASS, PREVIOUS_SCHOOL)
ACTIVE = StudentStatus.ACTIVE.value
# the grade a class label names before its number: 初一(2)班, 七年级3班, 高中一年级(1)班
_GRADE_OF_CLASS = re.compile(r"^(.*?年级|初中?[一二三123]|高中?[一二三123])")


@dataclass(slots=True)
class ContinuationPlan(ExistingPlan):
    """An ExistingPlan (so the import wizard's pages show it) of 初一/高一新生: the grades the school takes them into,
    and each row's previous school when the file names it."""

    grades: tuple[int, ...] = ()
    previous_school: dict[int, str] = field(default_factory=dict)

    @property
    def unplaced(self) -> int:
        """Valid rows without a class: written with none, placed later in 名册 (调班)."""
        bad = self.error_rows
        return sum(1 for row, p in self.placements.items() if row not in bad and p.class_number is None)


def school_grades(store: Store) -> tuple[int, ...]:
    """The grades this school receives 初一/高一新生 into by 学籍转接 (its stage's grade 7 and/or 10, set up); refused
    (RuleViolation, R15.1) for a school with neither, such as a primary school."""
    with store.read() as session:
        stage = session.scalar(select(School.stage).limit(1))
        grades = set(session.scalars(select(Grade.level)))
    targets = tuple(level for level in continuation_grades(stage) if level in grades)
    stage_name = STAGES[stage][0] if stage in STAGES else "尚未设置学段"
    findings = check_continuation_school(stage_name, targets)
    if findings:
        raise RuleViolation(findings)
    return targets


def continuation_days() -> int:
    """第十五条's 30 days, as resources/reference/school_year.json says this year."""
    return summer_calendar().continuation_days


def default_entry_date(store: Store, today: date | None = None) -> date:
    """The entry date proposed: the first day of the current school year's first term while it runs (the list comes
    in at the start of the year, as for new students), else today."""
    today = today or date.today()
    with store.read() as session:
        year = session.scalar(select(SchoolYear).where(SchoolYear.is_current))
        if year is not None and year.term1_start <= today <= year.term1_end:
            return year.term1_start
    return today


def plan_continuation(
    store: Store,
    path: Path,
    *,
    sheet: str | None = None,
    columns: list[ColumnSpec | None] | None = None,
) -> ContinuationPlan:
    """Read and check a list of 初一/高一新生; write nothing. `columns` as for plan_import. A school without grade 7 or
    10 is refused before the file is read (R15.1)."""
    targets = school_grades(store)
    spec = load_template(TEMPLATE)
    sheet_names, table, mapping, remembered = read_mapped_table(store, spec, path, sheet, columns)
    index_of = {c.field: i for i, c in enumerate(mapping.columns) if c is not None}
    by_field = {c.field: c for c in spec.columns}
    if NATIONAL_ID not in index_of:  # R10.4: a 转接 carries the 学籍号 over; without it no row can be taken
        mapping.missing_required.append(by_field[NATIONAL_ID].header)
    # 入学年月 comes from the entry date; 班号 is read as the class when there is no 班级 column
    mapping.missing_optional = [
        h
        for h in mapping.missing_optional
        if h not in (by_field["class_number"].header, by_field["entry_month"].header)
    ]
    if "class_number" in index_of and CLASS in mapping.missing_optional:
        mapping.missing_optional.remove(by_field[CLASS].header)
    read_row = RowReader([None if c is not None and c.field in EXTRA_FIELDS else c for c in mapping.columns])
    records = [read_row(row.row_number, row.cells) for row in table.rows]
    plan = ContinuationPlan(
        path, spec, sheet_names, table, mapping, records, remembered_mapping=remembered, grades=targets
    )
    if not mapping.usable:
        return plan
    with store.read() as session:
        grades, stored_classes, size_of, stored = school_facts(session)
    held = {s.national_student_id: s.name for s in stored if s.national_student_id}
    first_row_of: dict[str, int] = {}
    class_field = CLASS if CLASS in index_of else "class_number" if "class_number" in index_of else None
    for row in table.rows:
        cells = _RowCells(row.row_number, row.cells, index_of, mapping.columns, by_field)
        national_id, wrong = check_national_id(cells.value(NATIONAL_ID), held, first_row_of, row.row_number)
        if wrong is not None:
            cells.problem(NATIONAL_ID, *wrong)
        level, number = _place(
            cells.value(GRADE), cells.value(class_field), class_field, targets, cells.problem
        )
        previous = cells.value(PREVIOUS_SCHOOL)
        if not blank(previous):
            plan.previous_school[row.row_number] = unicodedata.normalize("NFKC", str(previous)).strip()
        plan.extra_problems.extend(cells.problems)
        if not cells.problems and national_id is not None and level is not None:
            plan.placements[row.row_number] = Placement(national_id, level, number, ACTIVE)
    plan_duplicates(plan, stored)
    plan.classes = planned_classes(plan, grades, stored_classes, size_of)
    return plan


@dataclass(slots=True)
class _RowCells:
    """One row's cells by field, and the problems found in them, each put on its column."""

    row_number: int
    cells: Any
    index_of: dict[str, int]
    columns: list[ColumnSpec | None]
    by_field: dict[str, ColumnSpec]
    problems: list[CellProblem] = field(default_factory=list)

    def value(self, name: str | None) -> object:
        index = self.index_of.get(name or "")
        return self.cells[index] if index is not None and index < len(self.cells) else None

    def problem(self, name: str, message: str, hint: str) -> None:
        index = self.index_of.get(name)  # 年级 may have no column: the problem names it, on no cell
        column = self.columns[index] if index is not None else None
        header = column.header if column is not None else self.by_field[name].header
        value = shown(self.value(name)) if index is not None else ""
        self.problems.append(CellProblem(self.row_number, header, value, message, hint, index))


def _grade_names(levels: tuple[int, ...]) -> str:
    return "、".join(GRADE_NAMES[level] for level in levels)


def _place(
    grade_cell: object,
    class_cell: object,
    class_field: str | None,
    targets: tuple[int, ...],
    problem: Callable[[str, str, str], None],
) -> tuple[int | None, int | None]:
    """The row's grade (初一 or 高一, one of `targets`) and class number (None: no class given), each problem put on its
    column: a grade or a class outside the starting grades is refused (R15.1)."""
    allowed = _grade_names(targets)
    elsewhere = "其他年级的学生请用“导入本校现有学生”或转学手续办理"
    level: int | None = None
    if not blank(grade_cell):
        level = parse_grade(grade_cell)
        if level is None:
            problem(GRADE, "看不懂这个年级", f"请写成 {allowed} 的形式")
            return None, None
        if level not in targets:
            problem(
                GRADE, f"新生学籍转接只办理{allowed}新生，这一行是{GRADE_NAMES.get(level, level)}", elsewhere
            )
            return None, None
    number: int | None = None
    if class_field is not None and not blank(class_cell):
        number = parse_class(class_cell)
        if number is None:
            problem(class_field, "看不懂这个班级", "请写成 2、2班、(2)班 或 初一(2)班 的形式")
            return None, None
        named = _grade_of_class(class_cell)
        if named is not None and named not in targets:
            problem(class_field, f"班级不在{allowed}：新生学籍转接编入{allowed}的班级", elsewhere)
            return None, None
        if named is not None and level is not None and named != level:
            problem(class_field, f"班级与年级不符（年级为{GRADE_NAMES[level]}）", "请核对年级和班级")
            return None, None
        level = level or named
    if level is None:
        if len(targets) == 1:
            return targets[0], number
        problem(
            GRADE,
            f"本校{allowed}都接收新生，请写明年级",
            f"请填写年级（{allowed}），或把班级写成 初一(2)班 的形式",
        )
        return None, None
    return level, number


def _grade_of_class(raw: object) -> int | None:
    """The grade a class label names before its number (初一(2)班 → 7), None when it names none."""
    if isinstance(raw, int | float):
        return None
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(raw)))
    found = _GRADE_OF_CLASS.match(text)
    return parse_grade(found.group(1)) if found else None


def commit_continuation(
    store: Store,
    plan: ContinuationPlan,
    *,
    entry_date: date,
    valid_only: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Write the plan in one transaction: the new classes (R12.1), each student 在读 with the 学籍号 given, 入学年月 from
    `entry_date`, at 已录入系统 from `entry_date` (R15.1's days count from it), and a 新生学籍转接 status change (待审核,
    the previous school in its details); one audit entry. A file with errors and not valid_only writes nothing."""
    problems = plan.problems
    if problems and not valid_only:
        raise ImportRefused(problems)
    records = [r for r in plan.valid_records if r.row_number in plan.placements]
    days = continuation_days()
    with store.transaction() as session:
        class_ids, made = create_classes(session, plan)
        actor, now = audit.actor(session), datetime.now()

        def columns_of(record: RowRecord) -> dict[str, Any]:
            placement = plan.placements[record.row_number]
            return {
                "national_student_id": placement.national_id,  # R10.4: kept as given
                "status": ACTIVE,
                "entry_month": f"{entry_date:%Y-%m}",
                "enrolment_step": CONTINUATION_START,
                "enrolment_date": entry_date,
                "school_class_id": class_ids.get((placement.grade_level, placement.class_number)),
            }

        def status_changes(ids: list[int], chunk: list[RowRecord]) -> None:
            session.execute(
                insert(cast(Table, StatusChange.__table__)),
                [
                    {
                        "student_id": student_id,
                        "kind": CONTINUATION,
                        "effective_date": entry_date,
                        "status_before": None,  # the record begins here: a 转接 is not reversed, it is corrected
                        "status_after": ACTIVE,
                        "reason": None,
                        "details": _details(plan, record),
                        "authority_state": "待审核",
                        "reverses_id": None,
                        "actor": actor,
                        "created_at": now,
                    }
                    for student_id, record in zip(ids, chunk, strict=True)
                ],
            )

        created = insert_students(
            session, plan.mapping, records, columns_of, progress=progress, after_chunk=status_changes
        )
        audit.record(
            session,
            "student.import_continuation",
            "student",
            None,
            {
                "来源": [None, plan.path.name],
                "学生": [None, created],
                "入学日期": [None, f"{entry_date:%Y-%m-%d}"],
                "转接期限": [None, f"{continuation_deadline(entry_date, days):%Y-%m-%d}"],
                "新建班级": [None, made],
            },
        )
        _remember_mapping(session, plan)
    return ImportResult(created, 0, sorted({p.row_number for p in problems}))


def _details(plan: ContinuationPlan, record: RowRecord) -> str:
    details: dict[str, object] = {"source": f"{plan.path.name} 第{record.row_number}行"}
    if record.row_number in plan.previous_school:
        details["from_school"] = plan.previous_school[record.row_number]  # as a 转入 names it
    return json.dumps(details, ensure_ascii=False)
