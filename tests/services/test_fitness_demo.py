"""The demo school's 体质健康 (第二十九条, R29.1): last 学年's results for grades 2-9, this 学年's for the graduating
grades once the spring tests are done, a few 不及格, one 体育免修 who may receive the 毕业证书 and one who may not."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from xueji_desktop.demo import create_demo_school
from xueji_desktop.models import FitnessResult, Grade, PeExemption, SchoolClass, Student
from xueji_desktop.services import fitness


def test_the_demo_school_has_results_a_few_failing_one_exemption_R29_1(store):
    create_demo_school(store, students=200, seed=2026, today=date(2027, 6, 10))
    with store.read() as session:
        grades = dict(
            session.execute(select(FitnessResult.grade, func.count()).group_by(FitnessResult.grade))
            .tuples()
            .all()
        )
        exempt = session.scalars(select(PeExemption.student_id)).all()
        ninth = session.scalars(
            select(Student.id).join(SchoolClass).join(Grade).where(Grade.level == 9)
        ).all()
    assert (
        set(grades) <= {"优秀", "良好", "及格", "不及格"} and 0 < grades["不及格"] < sum(grades.values()) / 10
    )
    assert len(set(exempt)) == 1
    listed = {e.student_id: e for e in fitness.diploma_eligibility(store, ninth)}
    assert listed[exempt[0]].may_receive and listed[exempt[0]].reason == "体育免修"
    refused = [e for e in listed.values() if not e.may_receive]
    assert refused and all(e.findings[0].rule_id == "R29.1" for e in refused)
    assert fitness.results_of(store, exempt[0]).exemptions[0].reason.startswith("先天性心脏病")
