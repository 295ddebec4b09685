"""名册: the grade → class tree with sizes against R12.1, a class's students, school-wide search, class moves, and
the lookups the CLI and the UI share: a student or a class by what a clerk types (`find_student`, `class_by_name`),
a class's students in school (`students_in_class`), and the search behind the student picker (`search_students`).

Search and sorting happen in SQL and the view's model is reset with the result: filtering 50,000 rows in a Qt proxy
costs seconds, a query tens of milliseconds (measured on the demo school's 50,000 students).

The tree and the list are read with plain SQL through store.query: they fill the first view while SQLAlchemy is still
unloaded (importing it and the models costs more than the rest of start-up). Writes (调班) go through the ORM.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from xueji_desktop.errors import NotFound
from xueji_desktop.reference.codes import code_table
from xueji_desktop.reference.pinyin import KEY_SEPARATOR
from xueji_desktop.rules.class_size import ClassSizeLimits, limits_for_grade
from xueji_desktop.rules.identity import mask_id_number, normalise_id_number
from xueji_desktop.store import Store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

IN_SCHOOL_STATUSES = ("在读", "休学")  # who takes a place in a class (R12.1)


@dataclass(frozen=True, slots=True)
class ClassNode:
    id: int
    name: str
    number: int
    size: int
    limits: ClassSizeLimits

    @property
    def label(self) -> str:
        return f"{self.name} {self.size}/{self.limits.standard}"

    @property
    def over_standard(self) -> bool:
        return self.size > self.limits.standard


@dataclass(frozen=True, slots=True)
class GradeNode:
    id: int
    level: int
    name: str
    classes: tuple[ClassNode, ...]

    @property
    def size(self) -> int:
        return sum(c.size for c in self.classes)


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One line of the roster table; the ID number is already masked (GB/T 35273: mask on screens)."""

    id: int
    school_number: str
    name: str
    gender: str
    birth_date: date
    id_number_masked: str
    national_student_id: str
    status: str
    class_name: str


SortKey = Literal[
    "school_number",
    "name",
    "gender",
    "birth_date",
    "id_number",
    "national_student_id",
    "status",
    "class_name",
]
_SORT_COLUMNS = {
    "school_number": "s.school_number",
    "name": "s.pinyin_key",
    "gender": "s.gender",
    "birth_date": "s.birth_date",
    "id_number": "s.id_number",
    "national_student_id": "s.national_student_id",
    "status": "s.status",
    "class_name": "c.name",
}


def class_size_now(session: Session, class_id: int) -> int:
    from sqlalchemy import func, select

    from xueji_desktop.models import Student

    return (
        session.scalar(
            select(func.count(Student.id)).where(
                Student.school_class_id == class_id, Student.status.in_(IN_SCHOOL_STATUSES)
            )
        )
        or 0
    )


def class_tree(store: Store) -> list[GradeNode]:
    sizes: dict[int | None, int] = {}
    for class_id, status, count in store.query(  # walks ix_student_class_status in order, no sorting
        "SELECT school_class_id, status, count(*) FROM student GROUP BY school_class_id, status"
    ):
        if status in IN_SCHOOL_STATUSES:
            sizes[class_id] = sizes.get(class_id, 0) + count
    classes: dict[int, list[tuple[int, str, int]]] = {}
    for class_id, grade_id, name, number in store.query(
        "SELECT id, grade_id, name, number FROM school_class ORDER BY number, id"
    ):
        classes.setdefault(grade_id, []).append((class_id, name, number))
    return [
        GradeNode(
            grade_id,
            level,
            name,
            tuple(
                ClassNode(class_id, class_name, number, sizes.get(class_id, 0), limits_for_grade(level))
                for class_id, class_name, number in classes.get(grade_id, [])
            ),
        )
        for grade_id, level, name in store.query("SELECT id, level, name FROM grade ORDER BY level")
    ]


def list_students(
    store: Store,
    *,
    class_id: int | None = None,
    grade_id: int | None = None,
    status: str | None = None,
    statuses: Sequence[str] = (),
    query: str = "",
    sort: SortKey = "school_number",
    descending: bool = False,
    limit: int | None = None,
    student_id: int | None = None,
) -> list[RosterRow]:
    """Students of a class (or grade, or the whole school), optionally of one status (or any of `statuses`),
    matching a search; or the one student `student_id`."""
    conditions: list[str] = []
    params: dict[str, Any] = {}
    if student_id is not None:
        conditions.append("s.id = :student_id")
        params["student_id"] = student_id
    if statuses:
        names = [f":status{n}" for n in range(len(statuses))]
        conditions.append(f"s.status IN ({', '.join(names)})")
        params.update({name[1:]: value for name, value in zip(names, statuses, strict=True)})
    if class_id is not None:
        conditions.append("s.school_class_id = :class_id")
        params["class_id"] = class_id
    if grade_id is not None:
        conditions.append("c.grade_id = :grade_id")
        params["grade_id"] = grade_id
    if status:
        conditions.append("s.status = :status")
        params["status"] = status
    matching = _matching(query, params)
    if matching:
        conditions.append(matching)
    sql = (
        "SELECT s.id, s.school_number, s.name, s.gender, s.birth_date, s.id_number, s.national_student_id, s.status,"
        " c.name FROM student AS s LEFT OUTER JOIN school_class AS c ON s.school_class_id = c.id"
    )
    if conditions:
        sql += " WHERE " + " AND ".join(conditions)
    sql += f" ORDER BY {_SORT_COLUMNS[sort]} {'DESC' if descending else 'ASC'}, s.id"
    if limit:
        sql += " LIMIT :limit"
        params["limit"] = limit
    genders = code_table("gender")
    return [
        RosterRow(
            sid,
            number or "",
            name,
            genders.name_of(gender),
            date.fromisoformat(born),
            mask_id_number(idn),
            nsid or "",
            state,
            class_name or "",
        )
        for sid, number, name, gender, born, idn, nsid, state, class_name in store.query(sql, params)
    ]


def _matching(query: str, params: dict[str, Any]) -> str:
    """Name (any part), 拼音 initials or full 拼音 (from the start, in any reading of a 多音字: 「zzx」 and 「czx」 both
    find 曾子轩), ID number or 学籍号 fragment: a WHERE condition.

    The keys hold the preferred spelling, then each other reading after a space (reference/pinyin.pinyin_keys): the
    letters match the start of the key or the start of a part after a space; the other parts are looked at only in
    the keys that have them (initials have other readings only when the full key has: instr on one column gates both),
    which keeps the search as fast as before at 50,000 students (benchmarks/roster_startup.py)."""
    text = query.strip()
    if not text:
        return ""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    contains = f"%{escaped}%"
    if text.isascii() and text.replace(" ", "").isalpha():
        letters = escaped.lower().replace(" ", "")
        params.update(
            prefix=f"{letters}%",
            separator=KEY_SEPARATOR,
            other=f"%{KEY_SEPARATOR}{letters}%",
            contains=contains,
        )
        return (
            "(s.initials_key LIKE :prefix ESCAPE '\\' OR s.pinyin_key LIKE :prefix ESCAPE '\\'"
            " OR (instr(s.pinyin_key, :separator) AND (s.initials_key LIKE :other ESCAPE '\\'"
            " OR s.pinyin_key LIKE :other ESCAPE '\\'))"
            " OR s.national_student_id LIKE :contains ESCAPE '\\')"
        )
    if text.isascii():  # digits (and X): ID number or 学籍号 fragments
        params["contains"] = contains.upper()
        return "(s.id_number LIKE :contains ESCAPE '\\' OR s.national_student_id LIKE :contains ESCAPE '\\')"
    params["contains"] = contains
    return "s.name LIKE :contains ESCAPE '\\'"


PICKER_ROWS = 200  # what the student picker lists at most: a search narrows it, nobody scrolls past that


def search_students(
    store: Store, text: str, *, statuses: Sequence[str] = (), limit: int = PICKER_ROWS
) -> list[RosterRow]:
    """The student picker's search: students whose name (any part), 拼音 initials or 拼音 (from the start), ID number
    or 学籍号 (any part) match `text`, optionally only those in one of `statuses` (the statuses a procedure may start
    from); each row with its class and status, the ID number masked. No text lists the school, by 学号."""
    return list_students(store, statuses=tuple(statuses), query=text, limit=limit)


def student_row(store: Store, student_id: int) -> RosterRow:
    """One student as the picker lists them (class, status, masked ID number)."""
    rows = list_students(store, student_id=student_id)
    if not rows:
        raise NotFound("找不到这名学生（可能已被另一操作删除）")
    return rows[0]


def find_student(store: Store, given: str) -> int:
    """The student a clerk (or a script) names by 身份证件号 (full-width digits and a lower-case x are taken), 学籍号,
    or the app's own student number; NotFound when nobody has it."""
    from sqlalchemy import or_, select

    from xueji_desktop.models import Student

    text = given.strip()
    with store.read() as session:
        found = session.scalar(
            select(Student.id)
            .where(or_(Student.id_number == normalise_id_number(text), Student.national_student_id == text))
            .limit(1)
        )
        if found is None and text.isdigit() and len(text) < 10:  # not an ID number's or a 学籍号's digits
            found = session.scalar(select(Student.id).where(Student.id == int(text)))
    if found is None:
        raise NotFound(f"找不到学生：{given}（可用身份证件号、学籍号或学生编号）")
    return found


def class_by_name(store: Store, given: str) -> int:
    """The class named `given` as the roster names it (一年级(1)班), or by its number in the app; NotFound else."""
    from sqlalchemy import select

    from xueji_desktop.models import SchoolClass

    text = given.strip()
    with store.read() as session:
        found = session.scalar(select(SchoolClass.id).where(SchoolClass.name == text)) if text else None
        if found is None and text.isdigit():
            found = session.scalar(select(SchoolClass.id).where(SchoolClass.id == int(text)))
    if found is None:
        raise NotFound(f"找不到班级：{given}（请给出名册中的班级名称，如 一年级(1)班）")
    return found


def students_in_class(store: Store, class_id: int) -> list[int]:
    """The class's students who take a place in it (在读, 休学: R12.1), by 学号 then name (拼音); those without a
    学号 first, as the roster lists them (said outright: databases differ on where NULL sorts)."""
    from sqlalchemy import select

    from xueji_desktop.models import Student

    with store.read() as session:
        return list(
            session.scalars(
                select(Student.id)
                .where(Student.school_class_id == class_id, Student.status.in_(IN_SCHOOL_STATUSES))
                .order_by(Student.school_number.asc().nulls_first(), Student.pinyin_key, Student.id)
            )
        )


def move_student(store: Store, student_id: int, class_id: int, *, confirmed: bool = False) -> None:
    """调班: into another class, refused above the R12.1 maximum, warned above the standard (第十二条)."""
    from xueji_desktop.models import SchoolClass, Student
    from xueji_desktop.rules import RuleViolation
    from xueji_desktop.rules.class_size import check_class_size
    from xueji_desktop.services import audit

    with store.transaction() as session:
        student = session.get(Student, student_id)
        target = session.get(SchoolClass, class_id)
        if student is None or target is None:
            raise NotFound("找不到这名学生或这个班级")
        if student.school_class_id == class_id:
            return
        findings = check_class_size(target.name, target.grade.level, class_size_now(session, class_id) + 1)
        if any(f.blocks for f in findings) or (findings and not confirmed):
            raise RuleViolation(findings)
        source = session.get(SchoolClass, student.school_class_id) if student.school_class_id else None
        audit.record(
            session,
            "student.move",
            "student",
            student_id,
            {"班级": [source.name if source else None, target.name]},
        )
        student.school_class_id = class_id


def student_listing(store: Store, *, class_name: str | None = None, status: str | None = None) -> list[dict]:
    """Students as plain dicts for scripts (`xueji students --json`): full ID numbers, grade and class names."""
    from sqlalchemy import or_, select

    from xueji_desktop.models import Grade, SchoolClass, Student

    statement = (
        select(Student, Grade.name, SchoolClass.name)
        .outerjoin(SchoolClass, Student.school_class_id == SchoolClass.id)
        .outerjoin(Grade, SchoolClass.grade_id == Grade.id)
        .order_by(Grade.level, SchoolClass.number, Student.school_number, Student.id)
    )
    if class_name:
        statement = statement.where(
            or_(SchoolClass.name == class_name, SchoolClass.name.like(f"%{class_name}%"))
        )
    if status:
        statement = statement.where(Student.status == status)
    genders = code_table("gender")
    with store.read() as session:
        return [
            {
                "id": student.id,
                "name": student.name,
                "gender": genders.name_of(student.gender),
                "birth_date": student.birth_date.isoformat(),
                "id_number": student.id_number or "",
                "national_student_id": student.national_student_id or "",
                "school_number": student.school_number or "",
                "grade": grade_name or "",
                "class_name": class_label or "",
                "status": student.status,
            }
            for student, grade_name, class_label in session.execute(statement)
        ]
