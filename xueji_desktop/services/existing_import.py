"""Importing the school's existing students (its first day with the app): the provincial system's export of the
school's students, or the 71-column template plus 学籍号, 年级, 班级 and 学籍状态 (resources/templates/
existing_students.json). Every grade at once; each student keeps the 学籍号 (R10.4: set once) and the status the file
gives, and goes into the class the file names — classes the school has not set up yet are created, planned first so
that the preview shows them (R12.1). These records are formal already: no R10.3 enrolment steps, no R10.1 deadline.

R13.1 as for new students: the same ID number twice in the file, or the ID number of a student already stored, is an
error (an existing student is never updated by this import: R14.1's procedure changes a formal record); so is a
学籍号 given twice or already held by a stored student. The name, birthday and gender of another only warn.

plan_existing reads and checks without writing; commit_existing writes the classes and the students in one
transaction with one audit entry.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from xueji_desktop.models import Grade, SchoolClass, Student, StudentStatus
from xueji_desktop.rules.duplicates import find_duplicates
from xueji_desktop.rules.enrolment import NationalIdError, check_national_student_id
from xueji_desktop.services import audit
from xueji_desktop.services.school_setup import GRADE_NAMES, default_class_name
from xueji_desktop.services.student_import import (
    ImportPlan,
    ImportRefused,
    ImportResult,
    _remember_mapping,
    insert_students,
    read_mapped_table,
    row_person,
    stored_people,
    stored_person,
)
from xueji_desktop.spreadsheets.normalise import CellProblem, shown
from xueji_desktop.spreadsheets.rows import RowReader, RowRecord
from xueji_desktop.spreadsheets.template import ColumnSpec, load_template
from xueji_desktop.store import Store

TEMPLATE = "existing_students"
# the template's own columns for a formal record, read here (the row reader knows the new-student columns only)
NATIONAL_ID, GRADE, CLASS, STATUS = "national_student_id", "grade", "class_name", "status"
EXTRA_FIELDS = (NATIONAL_ID, GRADE, CLASS, STATUS)
KNOWN_STATUSES = tuple(s.value for s in StudentStatus)

_CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
# 年级 as schools and the provincial export write it: 一年级 … 九年级, 初一 … 初三, 高一 … 高三, 1 … 12
_GRADE_WORDS: dict[str, int] = {
    **{name: level for level, name in GRADE_NAMES.items()},
    **{f"{n}年级": n for n in range(1, 13)},
    **{f"初{c}": 6 + n for c, n in (("一", 1), ("二", 2), ("三", 3))},
    **{f"初中{c}年级": 6 + n for c, n in (("一", 1), ("二", 2), ("三", 3))},
    **{f"高中{c}年级": 9 + n for c, n in (("一", 1), ("二", 2), ("三", 3))},
    **{f"高{n}": 9 + n for n in (1, 2, 3)},
    **{f"初{n}": 6 + n for n in (1, 2, 3)},
    "十年级": 10,
    "十一年级": 11,
    "十二年级": 12,
}
_CLASS_IN_PARENTHESES = re.compile(r"\((\d+)\)")
_CLASS_NUMBER = re.compile(
    r"^(?:.*?年级|初[一二三123]|高[一二三123])?\(?(\d+|[一二三四五六七八九十]+)\)?班?$"
)


@dataclass(frozen=True, slots=True)
class Placement:
    """Where one row's student goes and what the file says of their record."""

    national_id: str
    grade_level: int
    class_number: int | None  # None: not placed in a class yet (a 转接 list without classes)
    status: str


@dataclass(frozen=True, slots=True)
class PlannedClass:
    """A class of the file: one the school has (class_id) or one the commit creates (class_id None)."""

    grade_level: int
    number: int
    name: str
    class_id: int | None
    students: int
    size_before: int = 0


@dataclass(slots=True)
class ExistingPlan(ImportPlan):
    """An ImportPlan (so the wizard's pages show it) with each row's 学籍号, class and status, the problems of those
    columns and of 学籍号 duplicates, and the classes the file names."""

    placements: dict[int, Placement] = field(default_factory=dict)
    extra_problems: list[CellProblem] = field(default_factory=list)
    classes: list[PlannedClass] = field(default_factory=list)

    @property
    def problems(self) -> list[CellProblem]:
        found = ImportPlan.problems.fget(self) + self.extra_problems  # type: ignore[attr-defined]
        return sorted(found, key=lambda p: p.row_number)

    @property
    def new_classes(self) -> list[PlannedClass]:
        return [c for c in self.classes if c.class_id is None]

    @property
    def status_counts(self) -> dict[str, int]:
        bad = self.error_rows
        counts = Counter(p.status for row, p in self.placements.items() if row not in bad)
        return {s: counts[s] for s in KNOWN_STATUSES if counts[s]}


def plan_existing(
    store: Store,
    path: Path,
    *,
    sheet: str | None = None,
    columns: list[ColumnSpec | None] | None = None,
) -> ExistingPlan:
    """Read and check a roster of existing students; write nothing. `columns` as for plan_import."""
    spec = load_template(TEMPLATE)
    sheet_names, table, mapping, remembered = read_mapped_table(store, spec, path, sheet, columns)
    index_of = {c.field: i for i, c in enumerate(mapping.columns) if c is not None}
    by_field = {c.field: c for c in spec.columns}
    # 学籍号, 年级 and 班级 (or the template's 班号) say who the student is and where they go: without them no row
    for needed in (NATIONAL_ID, GRADE):
        if needed not in index_of:
            mapping.missing_required.append(by_field[needed].header)
    if CLASS not in index_of and "class_number" not in index_of:
        mapping.missing_required.append(by_field[CLASS].header)
    mapping.missing_optional = [h for h in mapping.missing_optional if h != by_field["class_number"].header]
    read_row = RowReader([None if c is not None and c.field in EXTRA_FIELDS else c for c in mapping.columns])
    records = [read_row(row.row_number, row.cells) for row in table.rows]
    plan = ExistingPlan(path, spec, sheet_names, table, mapping, records, remembered_mapping=remembered)
    if not mapping.usable:
        return plan
    with store.read() as session:
        grades, stored_classes, size_of, stored = school_facts(session)
    cells = {row.row_number: row.cells for row in table.rows}
    columns_of = {f: (index_of[f], mapping.columns[index_of[f]]) for f in EXTRA_FIELDS if f in index_of}
    class_column = columns_of.get(CLASS) or (
        (index_of["class_number"], mapping.columns[index_of["class_number"]])
        if "class_number" in index_of
        else None
    )
    held = {s.national_student_id: s.name for s in stored if s.national_student_id}
    first_row_of: dict[str, int] = {}
    for record in records:
        row_cells = cells[record.row_number]
        placement = _place(
            record.row_number, row_cells, columns_of, class_column, grades, held, first_row_of, plan
        )
        if placement is not None:
            plan.placements[record.row_number] = placement
    plan_duplicates(plan, stored)
    plan.classes = planned_classes(plan, grades, stored_classes, size_of)
    return plan


def school_facts(session) -> tuple[dict[int, str], dict[tuple[int, int], tuple[int, str]], Counter, Any]:
    """What a plan checks rows against: the school's grades (level → name), its classes ((level, number) → (id,
    name)), each class's size, and every stored student with their 学籍号 (R10.4, R13.1)."""
    grades = {level: name for level, name in session.execute(select(Grade.level, Grade.name))}
    stored_classes = {
        (level, number): (class_id, name)
        for class_id, name, number, level in session.execute(
            select(SchoolClass.id, SchoolClass.name, SchoolClass.number, Grade.level).join(Grade)
        )
    }
    size_of = Counter(
        row[0]
        for row in session.execute(
            select(Student.school_class_id).where(Student.school_class_id.is_not(None))
        )
    )
    return grades, stored_classes, size_of, stored_people(session, Student.national_student_id)


def planned_classes(
    plan: ExistingPlan,
    grades: dict[int, str],
    stored_classes: dict[tuple[int, int], tuple[int, str]],
    size_of: Counter,
) -> list[PlannedClass]:
    """The classes the valid rows go into (R12.1): the school's own, or new ones the commit creates."""
    bad = plan.error_rows
    counts = Counter(
        (p.grade_level, p.class_number)
        for row, p in plan.placements.items()
        if row not in bad and p.class_number is not None
    )
    classes = []
    for (level, number), students in sorted(counts.items()):
        assert number is not None
        existing = stored_classes.get((level, number))
        if existing is not None:
            class_id, name = existing
            classes.append(PlannedClass(level, number, name, class_id, students, size_of.get(class_id, 0)))
        else:
            classes.append(
                PlannedClass(level, number, default_class_name(grades[level], number), None, students)
            )
    return classes


def check_national_id(
    raw: object, held: dict[str, str], first_row_of: dict[str, int], row_number: int
) -> tuple[str | None, tuple[str, str] | None]:
    """A row's 学籍号 cell: (the 学籍号, None), or (None, (problem, hint)) — blank, not a 学籍号 (R10.4), or already
    held by a stored student or an earlier row (R10.4, R13.1: one 学籍号, one person, one record)."""
    if blank(raw):
        return None, ("必填", "请填写学籍号（已有学籍的学生的学籍号见省级学籍系统）")
    try:
        national_id = check_national_student_id(str(raw))
    except NationalIdError as error:
        return None, (str(error), "请对照省级学籍系统核对学籍号（R10.4：学籍号终身不变）")
    if national_id in held:
        return None, (
            f"学籍号与已有学生{held[national_id]}相同，同一人不能重复建立学籍",
            "删去这一行；已有学生的信息变更须走信息变更手续",
        )
    if national_id in first_row_of:
        return None, (
            f"学籍号与第{first_row_of[national_id]}行相同，同一人不能重复建立学籍",
            "删除重复的一行，或核对学籍号",
        )
    first_row_of[national_id] = row_number
    return national_id, None


def _cell(cells: Any, index: int) -> object:
    return cells[index] if index < len(cells) else None


def _place(
    row_number: int,
    cells: Any,
    columns_of: dict[str, tuple[int, ColumnSpec | None]],
    class_column: tuple[int, ColumnSpec | None] | None,
    grades: dict[int, str],
    held: dict[str, str],
    first_row_of: dict[str, int],
    plan: ExistingPlan,
) -> Placement | None:
    """The row's 学籍号, grade, class and status, each problem put on its column (None when any is wrong)."""
    problems: list[CellProblem] = []

    def problem(index: int, column: ColumnSpec | None, message: str, hint: str) -> None:
        header = column.header if column is not None else ""
        problems.append(CellProblem(row_number, header, shown(_cell(cells, index)), message, hint, index))

    national_id = level = number = status = None
    index, column = columns_of[NATIONAL_ID]
    national_id, wrong = check_national_id(_cell(cells, index), held, first_row_of, row_number)
    if wrong is not None:
        problem(index, column, *wrong)
    index, column = columns_of[GRADE]
    raw = _cell(cells, index)
    if blank(raw):
        problem(index, column, "必填", "请填写年级，如 三年级、初二、高一")
    else:
        level = parse_grade(raw)
        if level is None:
            problem(index, column, "看不懂这个年级", "请写成 三年级、七年级、初二、高一 或 3 的形式")
        elif level not in grades:
            names = "、".join(grades[g] for g in sorted(grades))
            problem(index, column, f"本校没有{GRADE_NAMES.get(level, level)}", f"本校的年级为：{names}")
            level = None
    if class_column is not None:
        index, column = class_column
        raw = _cell(cells, index)
        if blank(raw):
            problem(index, column, "必填", "请填写班级，如 2 或 (2)班")
        else:
            number = parse_class(raw)
            if number is None:
                problem(index, column, "看不懂这个班级", "请写成 2、2班、(2)班 或 三年级(2)班 的形式")
    if STATUS in columns_of:
        index, column = columns_of[STATUS]
        raw = _cell(cells, index)
        if blank(raw):
            problem(index, column, "必填", f"请填写学籍状态：{'、'.join(KNOWN_STATUSES)}")
        else:
            text = unicodedata.normalize("NFKC", str(raw)).strip()
            if text in KNOWN_STATUSES:
                status = text
            else:
                problem(index, column, "不是本程序认得的学籍状态", f"只能是：{'、'.join(KNOWN_STATUSES)}")
    else:
        status = StudentStatus.ACTIVE.value  # no status column: the export lists the students 在读
    plan.extra_problems.extend(problems)
    if problems or national_id is None or level is None or number is None or status is None:
        return None
    return Placement(national_id, level, number, status)


def blank(raw: object) -> bool:
    return raw is None or not str(raw).strip()


def parse_grade(raw: object) -> int | None:
    """一年级 … 高三, 初一, 七年级, 3 or 3.0 → the grade level 1-12; None when it names no grade."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return int(raw) if float(raw).is_integer() and 1 <= raw <= 12 else None
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(raw)))
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    return _GRADE_WORDS.get(text)


def parse_class(raw: object) -> int | None:
    """2, 2班, (2)班, （2）班, 二班, 三年级(2)班, 初二(2)班 → the class number; None when it names none."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return int(raw) if float(raw).is_integer() and 1 <= raw <= 99 else None
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(raw)))
    if found := _CLASS_IN_PARENTHESES.search(text):
        number = int(found.group(1))
    elif found := _CLASS_NUMBER.match(text):
        digits = found.group(1)
        number = int(digits) if digits.isdigit() else _chinese_number(digits) or 0
    else:
        return None
    return number if 1 <= number <= 99 else None


def _chinese_number(text: str) -> int | None:
    if text in _CHINESE_DIGITS:
        return _CHINESE_DIGITS[text]
    if len(text) == 2 and text[0] == "十" and text[1] in _CHINESE_DIGITS:
        return 10 + _CHINESE_DIGITS[text[1]]
    if len(text) in (2, 3) and text[1] == "十" and text[0] in _CHINESE_DIGITS:
        tail = _CHINESE_DIGITS.get(text[2], 0) if len(text) == 3 else 0
        return _CHINESE_DIGITS[text[0]] * 10 + tail
    return None


def plan_duplicates(plan: ExistingPlan, stored: Any) -> None:
    """R13.1 as for new students: the same ID number as a stored student or an earlier row is an error (a stored
    student is never updated here); the same name, birthday and gender warns."""
    rows = [row_person(record) for record in plan.records]
    plan.duplicates.extend(find_duplicates(rows, [stored_person(s) for s in stored]))


def commit_existing(
    store: Store,
    plan: ExistingPlan,
    *,
    valid_only: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Create the file's new classes and its students (formal records, statuses kept) in one transaction with one
    audit entry; a file with errors and not valid_only writes nothing (ImportRefused)."""
    problems = plan.problems
    if problems and not valid_only:
        raise ImportRefused(problems)
    records = [r for r in plan.valid_records if r.row_number in plan.placements]
    with store.transaction() as session:
        class_ids, made = create_classes(session, plan)

        def columns_of(record: RowRecord) -> dict[str, Any]:
            placement = plan.placements[record.row_number]
            return {
                "national_student_id": placement.national_id,
                "status": placement.status,
                "enrolment_step": None,  # a formal record: no R10.3 steps
                "enrolment_date": None,
                "school_class_id": class_ids.get((placement.grade_level, placement.class_number)),
            }

        created = insert_students(session, plan.mapping, records, columns_of, progress=progress)
        statuses = Counter(plan.placements[r.row_number].status for r in records)
        audit.record(
            session,
            "student.import_existing",
            "student",
            None,
            {
                "来源": [None, plan.path.name],
                "学生": [None, created],
                "学籍状态": [None, dict(statuses)],
                "新建班级": [None, made],
            },
        )
        _remember_mapping(session, plan)
    return ImportResult(created, 0, sorted({p.row_number for p in problems}))


def create_classes(session, plan: ExistingPlan) -> tuple[dict[tuple[int, int | None], int], list[str]]:
    """Create the plan's new classes in the caller's transaction (R12.1); returns every class by (grade, number) and
    the names of those made. A class created meanwhile (another window) is used, not made twice."""
    grades = {g.level: g for g in session.scalars(select(Grade))}
    class_ids: dict[tuple[int, int | None], int] = {
        (c.grade.level, c.number): c.id for c in session.scalars(select(SchoolClass))
    }
    made = []
    for planned in plan.new_classes:
        key = (planned.grade_level, planned.number)
        if key in class_ids:
            continue
        school_class = SchoolClass(
            grade_id=grades[planned.grade_level].id, number=planned.number, name=planned.name
        )
        session.add(school_class)
        session.flush()
        class_ids[key] = school_class.id
        made.append(planned.name)
    return class_ids, made
