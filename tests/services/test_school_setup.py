"""services.school_setup: first-run validation messages, the school with its year and grades, classes created and
renamed (a duplicate name in a grade refused)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import luchang_setup
from xueji_desktop.models import AuditEvent, Grade, School, SchoolClass, SchoolYear
from xueji_desktop.services.roster import class_tree
from xueji_desktop.services.school_setup import (
    SetupError,
    check_setup,
    create_class,
    create_school,
    is_set_up,
    rename_class,
    school_context,
)


def test_a_good_setup_has_no_problems():
    assert check_setup(luchang_setup()) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "  "}, "学校名称不能为空"),
        ({"code": "214001234"}, "学校标识码应为10位数字"),
        ({"code": "21400123456"}, "学校标识码应为10位数字"),
        ({"code": "214001234A"}, "学校标识码应为10位数字"),
        ({"code": "２１４００１２３４５"}, "学校标识码应为10位数字"),
        ({"stage": "kindergarten"}, "请选择学段"),
        ({"region_code": ""}, "请选择所在地行政区划（省、市、县）"),
        ({"authority": ""}, "学籍管理部门不能为空"),
        ({"principal": " "}, "校长不能为空"),
        ({"registrar": ""}, "学籍管理员不能为空"),
        ({"term1_end": date(2027, 3, 1)}, "学期日期应依次为"),
        ({"term2_end": date(2027, 2, 1)}, "学期日期应依次为"),
        ({"start_year": 2025}, "第一学期应在2025年开始"),
    ],
)
def test_each_bad_value_is_named(changes, message):
    problems = check_setup(luchang_setup(**changes))
    assert len(problems) == 1
    assert problems[0].startswith(message)


def test_create_school_refuses_bad_values_and_writes_nothing(store):
    with pytest.raises(SetupError) as caught:
        create_school(store, luchang_setup(code="123", principal=""))
    assert str(caught.value) == "学校标识码应为10位数字；校长不能为空"
    assert not is_set_up(store)


def test_create_school_makes_the_year_grades_and_classes(store):
    assert not is_set_up(store)
    create_school(store, luchang_setup())
    assert is_set_up(store)
    with store.read() as session:
        school = session.scalars(select(School)).one()
        assert (school.name, school.code, school.stage, school.region_code) == (
            "潞城区实验小学",
            "2140012345",
            "primary",
            "140406",
        )
        year = session.scalars(select(SchoolYear)).one()
        assert year.is_current and year.name == "2026-2027学年"
        assert session.scalars(select(Grade.name).order_by(Grade.level)).all() == [
            "一年级",
            "二年级",
            "三年级",
            "四年级",
            "五年级",
            "六年级",
        ]
        assert session.scalars(select(SchoolClass.name).order_by(SchoolClass.id)).all() == [
            "一年级(1)班",
            "一年级(2)班",
            "二年级(1)班",
            "二年级(2)班",
            "三年级(1)班",
        ]
        assert session.scalar(select(AuditEvent.action)) == "school.create"


@pytest.mark.parametrize(
    ("stage", "grades"),
    [("junior", ["七年级", "八年级", "九年级"]), ("senior", ["高一", "高二", "高三"]), ("nine_year", None)],
)
def test_each_stage_gets_its_grades(store, stage, grades):
    create_school(store, luchang_setup(stage=stage, classes_per_grade={}))
    names = [g.name for g in class_tree(store)]
    assert names == (
        grades or ["一年级", "二年级", "三年级", "四年级", "五年级", "六年级", "七年级", "八年级", "九年级"]
    )


def test_a_school_is_set_up_only_once(school):
    with pytest.raises(SetupError, match="已经设置过学校"):
        create_school(school, luchang_setup(name="另一所学校"))


def test_school_context_gives_title_and_term(school):
    autumn = school_context(school, date(2026, 10, 8))
    assert (autumn.school_name, autumn.term, autumn.is_demo) == ("潞城区实验小学", 1, False)
    assert autumn.term_label == "2026-2027学年第一学期"
    assert school_context(school, date(2027, 3, 1)).term_label == "2026-2027学年第二学期"
    assert school_context(school, date(2027, 2, 1)).term == 2  # winter holiday counts for the spring term


def test_school_context_is_none_before_setup(store):
    assert school_context(store) is None


def _grade_id(store, level):
    return next(g.id for g in class_tree(store) if g.level == level)


def test_create_class_numbers_after_the_last_and_names_it_by_default(school):
    class_id = create_class(school, _grade_id(school, 1))
    named = create_class(school, _grade_id(school, 4), name=" 四年级实验班 ", head_teacher="刘老师")
    tree = {c.id: c for g in class_tree(school) for c in g.classes}
    assert (tree[class_id].name, tree[class_id].number) == ("一年级(3)班", 3)
    assert (tree[named].name, tree[named].number) == ("四年级实验班", 1)
    with school.read() as session:
        assert session.get(SchoolClass, named).head_teacher == "刘老师"
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions.count("class.create") == 2


def test_create_class_refuses_a_duplicate_name_in_the_grade(school):
    with pytest.raises(SetupError, match="本年级已有名为“一年级\\(1\\)班”的班级"):
        create_class(school, _grade_id(school, 1), name="一年级(1)班")
    with pytest.raises(SetupError, match="没有这个年级"):
        create_class(school, 999)


def test_rename_class(school):
    classes = class_tree(school)[0].classes
    rename_class(school, classes[0].id, "  一年级火箭班 ")
    assert class_tree(school)[0].classes[0].name == "一年级火箭班"
    with school.read() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "class.rename")).one()
        assert "一年级火箭班" in event.changes and "一年级(1)班" in event.changes


def test_rename_class_refuses_duplicates_and_blanks(school):
    first, second = class_tree(school)[0].classes
    with pytest.raises(SetupError, match="本年级已有名为“一年级\\(2\\)班”的班级"):
        rename_class(school, first.id, "一年级(2)班")
    with pytest.raises(SetupError, match="班级名称不能为空"):
        rename_class(school, first.id, "   ")
    with pytest.raises(SetupError, match="没有这个班级"):
        rename_class(school, 999, "x")
    rename_class(school, first.id, "一年级(1)班")  # its own name: nothing to do
    other_grade = class_tree(school)[1].classes[0]
    rename_class(school, other_grade.id, "实验班")
    rename_class(school, first.id, "实验班")  # the same name in another grade is fine
    with school.read() as session:
        assert session.scalar(select(func.count()).where(AuditEvent.action == "class.rename")) == 2
