"""rules/year_end.py: which grades graduate or move up for each kind of school (R15.1, R29.1), the starting grades,
who may graduate (R29.1), no 留级 (R21.1), when a year end may run (R15.1), the next year's terms."""

from __future__ import annotations

from datetime import date

import pytest

from xueji_desktop.rules.year_end import (
    GradeOutcome,
    TermDates,
    YearFacts,
    check_graduate,
    check_no_repeat,
    check_terms,
    check_year_end_date,
    grade_outcome,
    propose_terms,
    starting_levels,
)

G, C, M = GradeOutcome.GRADUATE, GradeOutcome.GRADUATE_AND_CONTINUE, GradeOutcome.MOVE_UP


@pytest.mark.parametrize(
    ("stage", "levels", "expected"),
    [
        ("primary", range(1, 7), [M, M, M, M, M, G]),
        ("junior", range(7, 10), [M, M, G]),
        ("senior", range(10, 13), [M, M, G]),
        ("nine_year", range(1, 10), [M, M, M, M, M, C, M, M, G]),
        ("twelve_year", range(1, 13), [M, M, M, M, M, C, M, M, G, M, M, G]),
    ],
)
def test_each_kind_of_school_graduates_its_last_grades_R29_1_and_moves_the_others_up_R15_1(
    stage, levels, expected
):
    present = frozenset(levels)
    assert [grade_outcome(level, stage, present) for level in levels] == expected


def test_starting_grades_get_no_one_from_below():
    assert starting_levels("primary", frozenset(range(1, 7))) == [1]
    assert starting_levels("nine_year", frozenset(range(1, 10))) == [1]  # its 初一 come from its own 六年级
    assert starting_levels("twelve_year", frozenset(range(1, 13))) == [
        1,
        10,
    ]  # 初三 sit 中考: 高一 start afresh
    assert starting_levels("junior", frozenset(range(7, 10))) == [7]


def test_only_students_in_school_graduate_R29_1():
    assert check_graduate("在读", "张三") == []
    suspended = check_graduate("休学", "张三")
    assert suspended[0].rule_id == "R29.1" and not suspended[0].blocks
    left = check_graduate("退学", "张三")
    assert left[0].blocks and "第二十九条" in left[0].text and "只有在读学生才能毕业" in left[0].text


def test_no_one_is_held_back_R21_1():
    assert check_no_repeat(0) == []
    found = check_no_repeat(3)
    assert found[0].rule_id == "R21.1" and found[0].blocks and "不允许留级" in found[0].text


FACTS = YearFacts(2026, date(2026, 9, 1), date(2027, 7, 9), begun_by_year_end=False)


def test_a_year_end_after_the_last_term_runs_R15_1():
    assert check_year_end_date(FACTS, date(2027, 7, 10), date_confirmed=False) == []


def test_before_the_last_term_ends_the_clerk_confirms_the_date_R15_1():
    found = check_year_end_date(FACTS, date(2027, 7, 1), date_confirmed=False)
    assert [(f.rule_id, f.blocks) for f in found] == [("R15.1", False)] and "第十五条" in found[0].text
    assert check_year_end_date(FACTS, date(2027, 7, 1), date_confirmed=True) == []


def test_a_year_a_year_end_began_cannot_be_ended_before_it_starts_R15_1():
    begun = YearFacts(2027, date(2027, 8, 30), date(2028, 7, 7), begun_by_year_end=True)
    found = check_year_end_date(begun, date(2027, 7, 21), date_confirmed=True)
    assert found[0].blocks and "不能办理两次" in found[0].text
    assert check_year_end_date(begun, date(2028, 7, 10), date_confirmed=False) == []


def test_next_years_terms_keep_their_weekdays():
    last = TermDates(date(2026, 9, 1), date(2027, 1, 22), date(2027, 2, 24), date(2027, 7, 9))
    proposed = propose_terms(last)
    for old, new in zip(
        (last.term1_start, last.term1_end, last.term2_start, last.term2_end),
        (proposed.term1_start, proposed.term1_end, proposed.term2_start, proposed.term2_end),
        strict=True,
    ):
        assert new.weekday() == old.weekday() and abs((new - old).days - 365) <= 4
    assert check_terms(proposed, 2027) == []
    assert check_terms(proposed, 2028) == ["第一学期应在2028年开始"]
