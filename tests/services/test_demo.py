"""The demo school: counts, class sizes (R12.1), valid and unique ID numbers, records that pass check_student, the
same school for the same seed."""

from __future__ import annotations

from collections import Counter
from datetime import date
from random import Random

import pytest
from sqlalchemy import func, select

from tests.factories import luchang_setup
from xueji_desktop import demo
from xueji_desktop.demo import create_demo_school, plan_class_sizes, region_code_on
from xueji_desktop.models import (
    AuditEvent,
    FamilyMember,
    Grade,
    School,
    SchoolClass,
    SchoolYear,
    StatusChange,
    Student,
)
from xueji_desktop.reference.pinyin import pinyin_keys, pinyin_spelling
from xueji_desktop.reference.regions import region_table
from xueji_desktop.reference.student_fields import FAMILY_FIELDS, STUDENT_FIELDS
from xueji_desktop.rules.class_size import limits_for_grade
from xueji_desktop.rules.identity import check_id_number
from xueji_desktop.rules.student_record import check_student
from xueji_desktop.services import audit, roster
from xueji_desktop.store import Store

TODAY = date(2026, 10, 15)
STUDENTS = 200
LEVELS = list(range(1, 10))


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    store = Store.open(tmp_path_factory.mktemp("demo") / "data")
    create_demo_school(store, students=STUDENTS, seed=2026, today=TODAY)
    yield store
    store.close()


def _table(store: Store, model: type) -> list[tuple]:
    with store.read() as session:
        return [tuple(row) for row in session.execute(select(model.__table__).order_by(model.__table__.c.id))]


def test_school_year_grades_classes_and_counts(demo_store):
    with demo_store.read() as session:
        school = session.scalar(select(School))
        assert school.is_demo and school.stage == "nine_year" and school.region_code == "140406"
        assert school.name == "潞城区演示九年一贯制学校" and len(school.code) == 10 and school.code.isdigit()
        year = session.scalar(select(SchoolYear))
        assert (year.start_year, year.term1_start, year.term2_end) == (
            2026,
            date(2026, 9, 1),
            date(2027, 7, 10),
        )
        assert [g.level for g in session.scalars(select(Grade).order_by(Grade.level))] == LEVELS
        assert session.scalar(select(func.count(Student.id))) == STUDENTS
        assert session.scalar(select(func.count(FamilyMember.id))) == 2 * STUDENTS
        assert session.scalar(select(func.count(Student.id)).where(Student.school_class_id.is_(None))) == 0
        assert all(c.head_teacher for c in session.scalars(select(SchoolClass)))
        actions = Counter(session.scalars(select(AuditEvent.action)))
        assert actions["demo.create"] == 1 and "student.create" not in actions
        assert audit.verify_chain(session) == []


def test_class_sizes_stay_within_the_maximum_R12_1(demo_store):
    """R12.1 (第十二条): no class above the maximum — 50 in primary grades, 55 in junior grades."""
    for grade in roster.class_tree(demo_store):
        assert grade.classes, grade.name
        for node in grade.classes:
            assert node.size <= limits_for_grade(grade.level).maximum, node.label


@pytest.mark.parametrize("students", [1000, 50_000])
def test_planned_classes_hold_38_to_46_and_only_one_or_two_above_the_standard_R12_1(students):
    """R12.1 (第十二条): a real-sized demo school has classes of 38-46; one or two primary classes go one above the
    standard (45) so the roster's colouring shows; none comes near the maximum."""
    plan = plan_class_sizes(students, LEVELS, Random(2026))
    assert sum(map(sum, plan.values())) == students
    sizes = [(level, size) for level, class_sizes in plan.items() for size in class_sizes]
    assert all(38 <= size <= 46 for _, size in sizes)
    above = [(level, size) for level, size in sizes if size > limits_for_grade(level).standard]
    assert 1 <= len(above) <= 2 and all(size == 46 and level <= 6 for level, size in above)
    for class_sizes in plan.values():  # 均衡编班: classes of one grade differ by a few students at most
        assert max(class_sizes) - min(class_sizes) <= 8


def test_every_id_number_is_valid_unique_and_agrees_with_the_record(demo_store):
    with demo_store.read() as session:
        students = session.execute(
            select(
                Student.id_number,
                Student.birth_date,
                Student.gender,
                Student.national_student_id,
                Student.entry_month,
                Grade.level,
            )
            .join(SchoolClass, Student.school_class_id == SchoolClass.id)
            .join(Grade)
        ).all()
        parents = session.execute(select(FamilyMember.id_number, FamilyMember.relation)).all()
    numbers = [s.id_number for s in students] + [p.id_number for p in parents]
    assert len(set(numbers)) == len(numbers)
    for number, born, gender, national_id, entry_month, level in students:
        facts = check_id_number(number)
        assert (facts.birth_date, facts.gender) == (born, gender)
        assert national_id in (None, "G" + number)
        assert national_id is not None or level == 1  # only new pupils still wait for their 学籍号
        entry_year = 2026 - level + 1
        assert entry_month == f"{entry_year}-09"
        assert date(entry_year - 8, 9, 1) <= born <= date(entry_year - 6, 8, 31)  # 6 by 31 August (a few 7)
    for number, relation in parents:
        facts = check_id_number(number)
        assert (facts.gender == "1") == (relation == "1") or relation == "3"
    assert Counter(s.id_number[:6] for s in students).most_common(1)[0][0] in ("140406", "140481")


def test_every_generated_student_passes_check_student(demo_store):
    with demo_store.read() as session:
        students = session.scalars(select(Student).order_by(Student.id)).all()
        checked = 0
        for student in students:
            values = {spec.key: getattr(student, spec.key) for spec in STUDENT_FIELDS}
            family = [
                {spec.key: getattr(m, spec.key) for spec in FAMILY_FIELDS} for m in student.family_members
            ]
            assert len(family) == 2 and sum(bool(m["is_guardian"]) for m in family) == 1
            problems = check_student(values, family, region_exists=region_table().exists, today=TODAY)
            assert problems == [], (student.name, problems)
            assert student.name_pinyin == pinyin_spelling(student.name)
            assert (student.pinyin_key, student.initials_key) == pinyin_keys(student.name)
            assert student.phone in {m["phone"] for m in family if m["is_guardian"]}
            checked += 1
    assert checked == STUDENTS


def test_school_numbers_and_seats_are_unique(demo_store):
    with demo_store.read() as session:
        rows = session.execute(
            select(Student.school_number, Student.school_class_id, Student.seat_number)
        ).all()
    assert len({r.school_number for r in rows}) == len(rows)
    assert len({(r.school_class_id, r.seat_number) for r in rows}) == len(rows)


def test_a_few_suspended_students_with_their_status_change(demo_store):
    suspended = roster.list_students(demo_store, status="休学")
    assert 1 <= len(suspended) <= STUDENTS // 20
    with demo_store.read() as session:
        changes = session.execute(
            select(StatusChange.student_id, StatusChange.kind, StatusChange.effective_date)
        ).all()
    assert sorted(c.student_id for c in changes) == sorted(row.id for row in suspended)
    assert all(c.kind == "suspension" and date(2026, 9, 1) <= c.effective_date <= TODAY for c in changes)


def test_no_suspension_in_the_graduating_grade_second_term_R22_4():
    """R22.4: in the second term nobody of grade 9 (the graduating grade of a nine-year school) is suspended."""
    setup = luchang_setup(stage="nine_year")
    sizes = {level: [40] * 30 for level in LEVELS}  # 10,800 students: about 43 suspensions
    generator = demo._Generator(Random(1), 2026, date(2027, 3, 15), setup)
    chosen = generator.pick_suspended(sizes)
    grade_nine = range(8 * 1200, 9 * 1200)
    assert len(chosen) >= 40 and not any(index in grade_nine for index in chosen)


def test_same_seed_gives_the_same_school_and_another_seed_another(demo_store, tmp_path):
    with Store.open(tmp_path / "again") as again:
        create_demo_school(again, students=STUDENTS, seed=2026, today=TODAY)
        assert _table(again, Student) == _table(demo_store, Student)
        assert _table(again, FamilyMember) == _table(demo_store, FamilyMember)
    with Store.open(tmp_path / "other") as other:
        create_demo_school(other, students=STUDENTS, seed=7, today=TODAY)
        assert _table(other, Student) != _table(demo_store, Student)


def test_zero_students_gives_the_school_and_two_classes_per_grade(store):
    create_demo_school(store, students=0, seed=2026, today=date(2027, 3, 1))
    tree = roster.class_tree(store)
    assert [g.level for g in tree] == LEVELS and all(len(g.classes) == 2 for g in tree)
    with store.read() as session:
        assert session.scalar(select(func.count(Student.id))) == 0
        assert session.scalar(select(SchoolYear.start_year)) == 2026  # spring: the year began last autumn
        demo_events = select(func.count(AuditEvent.id)).where(AuditEvent.action == "demo.create")
        assert session.scalar(demo_events) == 1


@pytest.mark.parametrize("origin", sorted({code for code, _ in demo._ORIGINS + demo._MOTHER_ORIGINS}))
def test_region_codes_of_the_birth_year_make_valid_id_numbers(origin):
    """A grandparent born in 1945 and a child born in 2020 both get a code python-stdnum accepts for that year."""
    for year in range(1945, 2027):
        for born in (date(year, 1, 1), date(year, 6, 30), date(year, 7, 1), date(year, 12, 31)):
            body = f"{region_code_on(origin, born)}{born:%Y%m%d}123"
            check_id_number(body + demo.id_check_digit(body))
    assert region_code_on("140406", date(2015, 5, 1)) == "140481"
    assert region_code_on("140406", date(2019, 5, 1)) == "140406"


def test_what_the_demo_records_is_the_registrars_doing(demo_store):
    """The 经办人 of every change and audit entry is the school's 学籍管理员, never the computer's user name."""
    with demo_store.read() as session:
        registrar = session.scalar(select(School.registrar))
        actors = set(session.scalars(select(StatusChange.actor))) | set(
            session.scalars(select(AuditEvent.actor))
        )
    assert registrar and actors == {registrar}
