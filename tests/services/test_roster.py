"""services.roster (名册): the grade → class tree with sizes, search across the school, filters, sorting, and 调班
under R12.1 (第十二条)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import add_student, id_number
from xueji_desktop.models import AuditEvent, Student
from xueji_desktop.rules import RuleViolation
from xueji_desktop.services.roster import class_tree, list_students, move_student
from xueji_desktop.services.students import load_form, update_student


def _classes(store):
    """{"一年级(1)班": id, …}"""
    return {c.name: c.id for g in class_tree(store) for c in g.classes}


def _set_status(store, student_id, status):
    with store.transaction() as session:
        session.get(Student, student_id).status = status


def _set_nsid(store, student_id, nsid):
    form = load_form(store, student_id)
    form.values["national_student_id"] = nsid
    update_student(store, student_id, form)


@pytest.fixture
def roster(school):
    """张三, 张伟 and 李四 in 一年级(1)班, 王五 (休学) in 一年级(2)班, 赵六 (转出) in 二年级(1)班."""
    classes = _classes(school)
    ids = {}
    people = [
        ("张三", "一年级(1)班", date(2020, 3, 14), "1", "001", None),
        ("张伟", "一年级(1)班", date(2020, 1, 5), "1", "002", None),
        ("李四", "一年级(1)班", date(2019, 11, 30), "2", "003", None),
        ("王五", "一年级(2)班", date(2020, 5, 1), "2", "004", "休学"),
        ("赵六", "二年级(1)班", date(2019, 2, 2), "1", "005", "转出"),
    ]
    for seq, (name, class_name, born, gender, number, status) in enumerate(people, start=100):
        ids[name] = add_student(
            school,
            classes[class_name],
            name=name,
            birth=born,
            gender=gender,
            number=id_number(born, gender, seq),
            school_number=number,
        )
        if status:
            _set_status(school, ids[name], status)
    _set_nsid(school, ids["张三"], "G140406202003140011")
    _set_nsid(school, ids["李四"], "G140406201911300022")
    return school, ids, classes


def _names(rows):
    return [row.name for row in rows]


@pytest.mark.parametrize("query", ["zs", "ZS", "zhangsan", "zhang san", "张三", "三"])
def test_search_finds_zhang_san_by_pinyin_and_name(roster, query):
    store, _, _ = roster
    assert _names(list_students(store, query=query)) == ["张三"]


def test_pinyin_prefix_finds_every_matching_name(roster):
    store, _, _ = roster
    assert sorted(_names(list_students(store, query="zhang"))) == ["张三", "张伟"]
    assert sorted(_names(list_students(store, query="z"))) == ["张三", "张伟", "赵六"]


def test_search_by_id_number_fragment(roster):
    store, ids, _ = roster
    with store.read() as session:
        number = session.get(Student, ids["李四"]).id_number
    assert _names(list_students(store, query=number[-6:])) == ["李四"]
    assert _names(list_students(store, query="20191130")) == ["李四"]


def test_search_by_national_student_id_fragment(roster):
    store, _, _ = roster
    assert _names(list_students(store, query="G1404062020")) == ["张三"]
    assert _names(list_students(store, query="g140406201911")) == ["李四"]


def test_search_wildcards_are_taken_literally(roster):
    store, _, _ = roster
    assert list_students(store, query="%") == []
    assert list_students(store, query="_") == []


def test_search_spans_the_whole_school_and_all_statuses(roster):
    store, _, _ = roster
    assert _names(list_students(store, query="zl")) == ["赵六"]


def test_status_and_class_filters(roster):
    store, _, classes = roster
    assert _names(list_students(store, status="休学")) == ["王五"]
    assert sorted(_names(list_students(store, class_id=classes["一年级(1)班"]))) == ["张三", "张伟", "李四"]
    assert _names(list_students(store, class_id=classes["一年级(1)班"], status="在读", query="li")) == [
        "李四"
    ]
    assert list_students(store, class_id=classes["一年级(2)班"], status="在读") == []


def test_grade_filter(roster):
    store, _, _ = roster
    grades = {g.name: g.id for g in class_tree(store)}
    assert sorted(_names(list_students(store, grade_id=grades["一年级"]))) == ["张三", "张伟", "李四", "王五"]
    assert _names(list_students(store, grade_id=grades["二年级"])) == ["赵六"]


def test_sorting(roster):
    store, _, _ = roster
    assert _names(list_students(store)) == ["张三", "张伟", "李四", "王五", "赵六"]  # by 学号
    assert _names(list_students(store, sort="name")) == ["李四", "王五", "张三", "张伟", "赵六"]  # by 拼音
    assert _names(list_students(store, sort="birth_date", descending=True)) == [
        "王五",
        "张三",
        "张伟",
        "李四",
        "赵六",
    ]
    assert _names(list_students(store, sort="school_number", limit=2)) == ["张三", "张伟"]


def test_rows_show_masked_id_numbers_and_names_of_codes(roster):
    """GB/T 35273: the roster shows 1404**********123X, never the whole number."""
    store, _, _ = roster
    [row] = list_students(store, query="zs")
    assert row.id_number_masked.startswith("1404") and row.id_number_masked[4:14] == "*" * 10
    assert len(row.id_number_masked) == 18
    assert (row.gender, row.status, row.class_name, row.school_number) == ("男", "在读", "一年级(1)班", "001")
    assert row.national_student_id == "G140406202003140011"


def test_class_tree_counts_students_in_school_only(roster):
    """R12.1 sizes: 在读 and 休学 take a place, 转出 does not."""
    store, _, _ = roster
    tree = class_tree(store)
    assert [g.name for g in tree] == ["一年级", "二年级", "三年级", "四年级", "五年级", "六年级"]
    sizes = {c.name: c.size for g in tree for c in g.classes}
    assert sizes == {"一年级(1)班": 3, "一年级(2)班": 1, "二年级(1)班": 0, "二年级(2)班": 0, "三年级(1)班": 0}
    first = tree[0]
    assert first.size == 4
    assert first.classes[0].label == "一年级(1)班 3/45"
    assert not first.classes[0].over_standard
    assert tree[3].classes == ()


def test_move_student_changes_class_and_leaves_an_audit_entry(roster):
    store, ids, classes = roster
    move_student(store, ids["张三"], classes["一年级(2)班"])
    assert _names(list_students(store, class_id=classes["一年级(2)班"])) == ["张三", "王五"]
    with store.read() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "student.move")).one()
        assert event.entity_id == ids["张三"]
        assert json.loads(event.changes) == {"班级": ["一年级(1)班", "一年级(2)班"]}


def test_move_into_the_same_class_changes_nothing(roster):
    store, ids, classes = roster
    move_student(store, ids["张三"], classes["一年级(1)班"])
    with store.read() as session:
        assert session.scalar(select(AuditEvent.id).where(AuditEvent.action == "student.move")) is None


def test_move_to_a_missing_class_is_a_lookup_error(roster):
    store, ids, _ = roster
    with pytest.raises(LookupError):
        move_student(store, ids["张三"], 9999)


def test_r12_1_move_warns_above_standard_and_refuses_above_maximum(roster):
    """R12.1: moving the 46th pupil into a primary class needs confirmation; the 51st is refused (第十二条)."""
    store, ids, classes = roster
    target = classes["二年级(2)班"]
    for _ in range(45):
        add_student(store, target, birth=date(2019, 5, 5), confirmed=True)
    with pytest.raises(RuleViolation) as warned:
        move_student(store, ids["张三"], target)
    assert not warned.value.blocking
    [finding] = warned.value.findings
    assert finding.rule_id == "R12.1" and "第十二条" in finding.text and "46人" in finding.text
    assert _names(list_students(store, class_id=classes["一年级(1)班"], query="zs")) == ["张三"]  # not moved

    move_student(store, ids["张三"], target, confirmed=True)
    tree_node = next(c for g in class_tree(store) for c in g.classes if c.id == target)
    assert tree_node.size == 46 and tree_node.over_standard
    for _ in range(4):
        add_student(store, target, birth=date(2019, 5, 6), confirmed=True)
    with pytest.raises(RuleViolation) as refused:
        move_student(store, ids["张伟"], target, confirmed=True)
    assert refused.value.blocking
    assert "超过班额上限50人" in refused.value.findings[0].text
    assert _names(list_students(store, query="zw")) == ["张伟"]
    assert list_students(store, query="zw")[0].class_name == "一年级(1)班"
