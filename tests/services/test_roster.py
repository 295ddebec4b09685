"""services.roster (名册): the grade → class tree with sizes, search across the school, filters, sorting, 调班
under R12.1 (第十二条), and the lookups the CLI and the pickers share (a student, a class, a class's students)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import add_student, id_number, id_number_ending_in_x
from xueji_desktop.errors import DomainError, NotFound
from xueji_desktop.models import AuditEvent, Student
from xueji_desktop.rules import RuleViolation
from xueji_desktop.services.roster import (
    class_by_name,
    class_tree,
    find_student,
    list_students,
    move_student,
    search_students,
    student_row,
    students_in_class,
)
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


# --- the lookups the CLI and the UI share ---------------------------------------------------------------------------


def test_find_student_by_id_number_as_typed(roster):
    """身份证件号 typed in full-width digits or with a lower-case x is the same number (GB 11643)."""
    store, ids, classes = roster
    with store.read() as session:
        number = session.get(Student, ids["李四"]).id_number
    assert find_student(store, number) == ids["李四"]
    assert find_student(store, f"  {number}  ") == ids["李四"]
    assert find_student(store, "".join(chr(ord(c) + 0xFEE0) for c in number)) == ids["李四"]
    ending_in_x = id_number_ending_in_x(date(2019, 8, 8))
    student = add_student(store, classes["一年级(2)班"], birth=date(2019, 8, 8), number=ending_in_x)
    assert find_student(store, ending_in_x.lower()) == student


def test_find_student_by_national_student_id_and_the_apps_number(roster):
    store, ids, _ = roster
    assert find_student(store, "G140406202003140011") == ids["张三"]
    assert find_student(store, str(ids["王五"])) == ids["王五"]
    assert find_student(store, str(ids["赵六"])) == ids["赵六"]  # a student who has left is still found


def test_find_student_refuses_what_nobody_has_in_chinese(roster):
    store, _, _ = roster
    for given in ("110101201001010000", "G000", "99999", "张三", ""):
        with pytest.raises(NotFound) as missing:
            find_student(store, given)
        assert isinstance(missing.value, DomainError)
        assert str(missing.value).startswith("找不到学生：") and "身份证件号、学籍号" in str(missing.value)


def test_class_by_name_or_number(roster):
    store, _, classes = roster
    assert class_by_name(store, "一年级(2)班") == classes["一年级(2)班"]
    assert class_by_name(store, " 二年级(1)班 ") == classes["二年级(1)班"]
    assert class_by_name(store, str(classes["三年级(1)班"])) == classes["三年级(1)班"]
    for given in ("九年级(9)班", "一年级", "9999", ""):
        with pytest.raises(NotFound) as missing:
            class_by_name(store, given)
        assert str(missing.value).startswith(f"找不到班级：{given}")


def test_students_in_class_are_those_in_school_by_school_number_then_name(roster):
    """R12.1: 在读 and 休学 take a place in the class, 转出 does not; 学号 order, then 拼音 for those without one."""
    store, ids, classes = roster
    first = classes["一年级(1)班"]
    assert students_in_class(store, first) == [ids["张三"], ids["张伟"], ids["李四"]]
    assert students_in_class(store, classes["一年级(2)班"]) == [ids["王五"]]  # 休学
    assert students_in_class(store, classes["二年级(1)班"]) == []  # 赵六 转出
    late = [add_student(store, first, name=name, birth=date(2019, 9, 9)) for name in ("王小", "安大")]
    assert students_in_class(store, first) == [*reversed(late), ids["张三"], ids["张伟"], ids["李四"]]
    _set_status(store, ids["张伟"], "休学")
    _set_status(store, ids["李四"], "死亡")
    assert students_in_class(store, first)[2:] == [ids["张三"], ids["张伟"]]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("张", ["张三", "张伟"]),
        ("zs", ["张三"]),
        ("zhang", ["张三", "张伟"]),
        ("20191130", ["李四"]),
        ("G140406201911", ["李四"]),
        ("", ["张三", "张伟", "李四", "王五", "赵六"]),
        ("没有这个人", []),
    ],
)
def test_search_students_by_name_pinyin_id_number_and_national_student_id(roster, text, names):
    store, _, _ = roster
    assert _names(search_students(store, text)) == names


def test_search_students_only_in_the_statuses_asked(roster):
    """A procedure's picker lists only students a kind may start from (复学 from 休学 …)."""
    store, _, _ = roster
    assert _names(search_students(store, "", statuses=("休学",))) == ["王五"]
    assert _names(search_students(store, "", statuses=("在读", "休学"))) == ["张三", "张伟", "李四", "王五"]
    assert _names(search_students(store, "zl", statuses=("在读", "休学"))) == []
    assert _names(search_students(store, "zl", statuses=("转出",))) == ["赵六"]
    assert _names(search_students(store, "", limit=2)) == ["张三", "张伟"]
    [row] = search_students(store, "王五")
    assert (row.class_name, row.status, row.id_number_masked[4:14]) == ("一年级(2)班", "休学", "*" * 10)


def test_student_row_is_one_student_as_the_picker_lists_them(roster):
    store, ids, _ = roster
    row = student_row(store, ids["赵六"])
    assert (row.id, row.name, row.class_name, row.status) == (ids["赵六"], "赵六", "二年级(1)班", "转出")
    with pytest.raises(NotFound):
        student_row(store, 9999)
