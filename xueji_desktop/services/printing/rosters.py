"""Printable documents that are not certificates: the rosters the archive keeps (R6.1) — 在校生分班名册, 毕业生花名册,
录取花名册. Each writes its PDF to a temporary name and moves it into place, so a failure never leaves half a file."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from xueji_desktop.documents.files import placed
from xueji_desktop.errors import NotFound
from xueji_desktop.models import SchoolClass, Student
from xueji_desktop.rules.identity import mask_id_number, mask_national_student_id
from xueji_desktop.services.roster import IN_SCHOOL_STATUSES
from xueji_desktop.services.school_setup import school_context
from xueji_desktop.store import Store


def class_roster(store: Store, class_id: int, out: Path, *, full_id_numbers: bool = False) -> int:
    """The class's students in school (在读, 休学), by 学号 then name; ID numbers masked unless `full_id_numbers` (the
    copy for the school archive). Returns the number of pages."""
    from xueji_desktop.documents import rosters

    [(title, subtitle, lines)] = _class_sections(store, [class_id], full_id_numbers)
    with placed(out) as temporary:
        return rosters.write(temporary, title, subtitle, lines)


def school_rosters(store: Store, out: Path, *, full_id_numbers: bool = True) -> int:
    """Every class's 在校生名册 in one PDF, grade by grade — the term's copy for the school archive (R6.1), with full
    ID numbers unless told otherwise. Returns the number of pages."""
    from xueji_desktop.documents import rosters
    from xueji_desktop.models import Grade

    with store.read() as session:
        class_ids = list(
            session.scalars(select(SchoolClass.id).join(Grade).order_by(Grade.level, SchoolClass.number))
        )
    sections = [section for section in _class_sections(store, class_ids, full_id_numbers) if section[2]]
    if not sections:
        raise NotFound("全校没有在校学生，无需打印名册")
    with placed(out) as temporary:
        return rosters.write_classes(temporary, "在校生分班名册", sections)


def _class_sections(store: Store, class_ids: list[int], full_id_numbers: bool) -> list[tuple[str, str, list]]:
    from xueji_desktop.documents import rosters

    context = school_context(store)
    school = context.school_name if context else ""
    term = context.term_label if context else ""
    sections = []
    with store.read() as session:
        for class_id in class_ids:
            school_class = session.get(SchoolClass, class_id)
            if school_class is None:
                raise NotFound(f"没有编号为 {class_id} 的班级")
            students = session.scalars(
                select(Student)
                .where(Student.school_class_id == class_id, Student.status.in_(IN_SCHOOL_STATUSES))
                .order_by(Student.school_number, Student.pinyin_key)
            ).all()
            lines = [
                rosters.RosterLine(
                    s.school_number or "",
                    s.name,
                    _gender(s),
                    f"{s.birth_date:%Y-%m-%d}",
                    _id(s, full_id_numbers),
                    _nsid(s, full_id_numbers),
                )
                for s in students
            ]
            subtitle = f"{school}　{term}　共{len(lines)}人" + (
                "　（存档用，含完整身份证件号）" if full_id_numbers else ""
            )
            sections.append((f"{school_class.name}在校生名册", subtitle, lines))
    return sections


def graduate_roster(store: Store, year: int, out: Path, *, full_id_numbers: bool = False) -> int:
    """毕业生花名册 of `year`: every student whose graduation (毕业, not reversed) took effect that year, by class then
    name. Returns the number of pages."""
    from xueji_desktop.documents import rosters
    from xueji_desktop.models import StatusChange

    with store.read() as session:
        reversed_ids = set(
            session.scalars(select(StatusChange.reverses_id).where(StatusChange.reverses_id.is_not(None)))
        )
        graduated = {
            change.student_id: change
            for change in session.scalars(
                select(StatusChange)
                .where(StatusChange.kind == "graduation", StatusChange.status_after == "毕业")
                .order_by(StatusChange.id)
            )
            if change.id not in reversed_ids
        }
        classes: dict[int | None, str] = {c.id: c.name for c in session.scalars(select(SchoolClass))}
        students = session.scalars(
            select(Student).where(Student.status == "毕业", Student.id.in_(list(graduated)))
        ).all()

        def class_of(student: Student) -> str:  # as he graduated from it (the year end notes it), else as now
            noted = json.loads(graduated[student.id].details or "{}").get("班级")
            return noted or classes.get(student.school_class_id, "")

        chosen = sorted(
            (s for s in students if graduated[s.id].effective_date.year == year),
            key=lambda s: (class_of(s), s.pinyin_key),
        )
        rows = [
            [
                s.name,
                _gender(s),
                f"{s.birth_date:%Y-%m-%d}",
                _id(s, full_id_numbers),
                _nsid(s, full_id_numbers),
                class_of(s),
                s.entry_month,
            ]
            for s in chosen
        ]
    return _roster(store, out, f"{year}年毕业生花名册", rosters.GRADUATE_COLUMNS, rows, full_id_numbers)


def admission_roster(store: Store, year: int, out: Path, *, full_id_numbers: bool = False) -> int:
    """录取花名册 of the school year starting in `year`: every student who entered the school that year (入学年月 from
    August to July) as a new student — not by transfer — whatever the status now, by class then name, with the way of
    admission. Returns the number of pages."""
    from xueji_desktop.documents import rosters
    from xueji_desktop.models import StatusChange
    from xueji_desktop.reference.codes import code_table

    with store.read() as session:
        transferred = set(
            session.scalars(select(StatusChange.student_id).where(StatusChange.kind == "transfer_in"))
        )
        admitted = (
            set(
                session.scalars(
                    select(Student.id).where(
                        Student.entry_month >= f"{year}-08", Student.entry_month < f"{year + 1}-08"
                    )
                )
            )
            - transferred
        )
        classes: dict[int | None, str] = {c.id: c.name for c in session.scalars(select(SchoolClass))}
        students = session.scalars(select(Student).where(Student.id.in_(list(admitted)))).all()
        methods = code_table("admission_method")
        chosen = sorted(students, key=lambda s: (classes.get(s.school_class_id, ""), s.pinyin_key))
        rows = [
            [
                s.name,
                _gender(s),
                f"{s.birth_date:%Y-%m-%d}",
                _id(s, full_id_numbers),
                classes.get(s.school_class_id, ""),
                methods.name_of(s.admission_method),
                s.entry_month,
            ]
            for s in chosen
        ]
    return _roster(store, out, f"{year}年录取花名册", rosters.ADMISSION_COLUMNS, rows, full_id_numbers)


def _roster(
    store: Store, out: Path, title: str, columns, rows: list[list[str]], full_id_numbers: bool
) -> int:
    from xueji_desktop.documents import rosters

    if not rows:
        raise NotFound(f"没有可列入{title}的学生")
    context = school_context(store)
    school = context.school_name if context else ""
    subtitle = f"{school}　共{len(rows)}人" + ("　（存档用，含完整身份证件号）" if full_id_numbers else "")
    with placed(out) as temporary:
        return rosters.write_table(temporary, title, subtitle, columns, rows)


def _gender(student: Student) -> str:
    return "男" if student.gender == "1" else "女"


def _id(student: Student, full: bool) -> str:
    return (student.id_number or "") if full else mask_id_number(student.id_number or "")


def _nsid(student: Student, full: bool) -> str:
    """The 学籍号; one made of G and the ID number is masked as the ID number is."""
    number = student.national_student_id or ""
    return number if full else mask_national_student_id(number, student.id_number)
