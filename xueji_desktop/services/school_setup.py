"""First-run setup: the school, its current school year and terms, its grades; classes created and renamed.

is_set_up, school_context and sign_in_registrar run at every start, before SQLAlchemy has loaded: plain SQL through
store.query. The writes import SQLAlchemy and the models when they run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from xueji_desktop.errors import InvalidInput
from xueji_desktop.models import terms
from xueji_desktop.store import Store

STAGES: dict[str, tuple[str, range]] = {
    "primary": ("小学", range(1, 7)),
    "junior": ("初中", range(7, 10)),
    "senior": ("普通高中", range(10, 13)),
    "nine_year": ("九年一贯制", range(1, 10)),
    "twelve_year": ("十二年一贯制", range(1, 13)),
    "special": ("特殊教育", range(1, 10)),
}

GRADE_NAMES = {
    1: "一年级",
    2: "二年级",
    3: "三年级",
    4: "四年级",
    5: "五年级",
    6: "六年级",
    7: "七年级",
    8: "八年级",
    9: "九年级",
    10: "高一",
    11: "高二",
    12: "高三",
}


class SetupError(InvalidInput):
    """A setup value that cannot be used; the message names the field in Chinese."""


@dataclass(slots=True)
class SchoolSetup:
    name: str
    code: str
    stage: str
    region_code: str
    authority: str
    principal: str
    registrar: str
    start_year: int
    term1_start: date
    term1_end: date
    term2_start: date
    term2_end: date
    classes_per_grade: dict[int, int] = field(default_factory=dict)
    is_demo: bool = False


@dataclass(frozen=True, slots=True)
class SchoolContext:
    """What the main window's title needs: the school and the term it is in today."""

    school_name: str
    stage: str
    year_name: str
    term: int
    is_demo: bool
    registrar: str

    @property
    def term_label(self) -> str:
        return f"{self.year_name}第{'一' if self.term == 1 else '二'}学期"


def check_setup(setup: SchoolSetup) -> list[str]:
    """Every problem with the setup values, in Chinese, each naming its field."""
    problems = []
    if not setup.name.strip():
        problems.append("学校名称不能为空")
    if not re.fullmatch(r"[0-9]{10}", setup.code or ""):
        problems.append("学校标识码应为10位数字")
    if setup.stage not in STAGES:
        problems.append("请选择学段")
    if not re.fullmatch(r"[0-9]{6}", setup.region_code or ""):
        problems.append("请选择所在地行政区划（省、市、县）")
    for value, label in (
        (setup.authority, "学籍管理部门"),
        (setup.principal, "校长"),
        (setup.registrar, "学籍管理员"),
    ):
        if not value.strip():
            problems.append(f"{label}不能为空")
    if not setup.term1_start < setup.term1_end < setup.term2_start < setup.term2_end:
        problems.append("学期日期应依次为：第一学期开始 < 第一学期结束 < 第二学期开始 < 第二学期结束")
    if setup.term1_start.year != setup.start_year:
        problems.append(f"第一学期应在{setup.start_year}年开始")
    return problems


def is_set_up(store: Store) -> bool:
    return bool(store.query("SELECT count(*) FROM school")[0][0])


def create_school(store: Store, setup: SchoolSetup) -> None:
    """Create the school, its current school year, all grades of its stage and the classes asked for."""
    from sqlalchemy import func, select

    from xueji_desktop.models import Grade, School, SchoolClass, SchoolYear
    from xueji_desktop.services import audit

    problems = check_setup(setup)
    if problems:
        raise SetupError("；".join(problems))
    with store.transaction() as session:
        if session.scalar(select(func.count(School.id))):
            raise SetupError("这个数据文件夹已经设置过学校")
        session.add(
            School(
                name=setup.name.strip(),
                code=setup.code,
                stage=setup.stage,
                region_code=setup.region_code,
                authority=setup.authority.strip(),
                principal=setup.principal.strip(),
                registrar=setup.registrar.strip(),
                is_demo=setup.is_demo,
                created_at=datetime.now(),
            )
        )
        session.add(
            SchoolYear(
                start_year=setup.start_year,
                term1_start=setup.term1_start,
                term1_end=setup.term1_end,
                term2_start=setup.term2_start,
                term2_end=setup.term2_end,
                is_current=True,
            )
        )
        for level in STAGES[setup.stage][1]:
            grade = Grade(level=level, name=GRADE_NAMES[level])
            session.add(grade)
            for number in range(1, setup.classes_per_grade.get(level, 0) + 1):
                session.add(
                    SchoolClass(grade=grade, number=number, name=default_class_name(grade.name, number))
                )
        session.flush()
        session.info["actor"] = setup.registrar.strip()  # the clerk who set the school up is its 学籍管理员
        audit.record(session, "school.create", "school", None, {"学校名称": [None, setup.name]})
    store.actor = setup.registrar.strip()


def sign_in_registrar(store: Store) -> None:
    """Until user accounts exist, what the clerk does is recorded under the school's 学籍管理员."""
    rows = store.query("SELECT registrar FROM school LIMIT 1")
    registrar = rows[0][0] if rows else None
    if registrar:
        store.actor = registrar


def default_class_name(grade_name: str, number: int) -> str:
    return f"{grade_name}({number})班"


def school_context(store: Store, today: date | None = None) -> SchoolContext | None:
    today = today or date.today()
    schools = store.query("SELECT name, stage, is_demo, registrar FROM school LIMIT 1")
    if not schools:
        return None
    name, stage, is_demo, registrar = schools[0]
    years = store.query(  # the current year, else the latest
        "SELECT start_year, term1_end FROM school_year ORDER BY is_current DESC, start_year DESC LIMIT 1"
    )
    assert years
    start_year, term1_end = years[0]
    return SchoolContext(
        name,
        stage,
        terms.school_year_name(start_year),
        terms.term_on(date.fromisoformat(term1_end), today),
        bool(is_demo),
        registrar,
    )


def create_class(
    store: Store, grade_id: int, name: str | None = None, head_teacher: str | None = None
) -> int:
    """A new class numbered after the grade's last one; named 一年级(3)班 unless a name is given."""
    from sqlalchemy import func, select

    from xueji_desktop.models import Grade, SchoolClass
    from xueji_desktop.services import audit

    with store.transaction() as session:
        grade = session.get(Grade, grade_id)
        if grade is None:
            raise SetupError("没有这个年级")
        number = (
            session.scalar(select(func.max(SchoolClass.number)).where(SchoolClass.grade_id == grade_id)) or 0
        ) + 1
        label = (name or "").strip() or default_class_name(grade.name, number)
        _check_name_free(session, grade_id, label, None)
        school_class = SchoolClass(grade_id=grade_id, number=number, name=label, head_teacher=head_teacher)
        session.add(school_class)
        session.flush()
        audit.record(session, "class.create", "school_class", school_class.id, {"班级名称": [None, label]})
        return school_class.id


def rename_class(store: Store, class_id: int, name: str) -> None:
    from xueji_desktop.models import SchoolClass
    from xueji_desktop.services import audit

    label = name.strip()
    if not label:
        raise SetupError("班级名称不能为空")
    with store.transaction() as session:
        school_class = session.get(SchoolClass, class_id)
        if school_class is None:
            raise SetupError("没有这个班级")
        if school_class.name == label:
            return
        _check_name_free(session, school_class.grade_id, label, class_id)
        audit.record(
            session, "class.rename", "school_class", class_id, {"班级名称": [school_class.name, label]}
        )
        school_class.name = label


def _check_name_free(session, grade_id: int, label: str, own_id: int | None) -> None:
    from sqlalchemy import select

    from xueji_desktop.models import SchoolClass

    clash = session.scalar(
        select(SchoolClass.id).where(SchoolClass.grade_id == grade_id, SchoolClass.name == label)
    )
    if clash is not None and clash != own_id:
        raise SetupError(f"本年级已有名为“{label}”的班级")


@dataclass(frozen=True, slots=True)
class Term:
    """One term of a school year, as the filters name it (2026-2027学年第一学期)."""

    label: str
    start: date
    end: date


def school_terms(store: Store) -> list[Term]:
    """Every term of every school year set up, newest first."""
    from sqlalchemy import select

    from xueji_desktop.models import SchoolYear
    from xueji_desktop.models.terms import school_year_name

    with store.read() as session:
        years = session.scalars(select(SchoolYear).order_by(SchoolYear.start_year.desc())).all()
        found = []
        for year in years:
            name = school_year_name(year.start_year)
            found.append(Term(f"{name}第二学期", year.term2_start, year.term2_end))
            found.append(Term(f"{name}第一学期", year.term1_start, year.term1_end))
        return found
