"""rules.enrolment's 初一/高一新生学籍转接 (第十五条, R15.1): the deadline counted from the entry date with the days given
(data, not a constant), the overdue warning, the two states of a 转接, and the schools that take newcomers by 转接."""

from __future__ import annotations

from datetime import date

import pytest

from xueji_desktop.rules.enrolment import (
    STEPS,
    check_continuation_school,
    check_continuation_step,
    continuation_deadline,
    continuation_findings,
    continuation_grades,
    continuation_overdue,
)
from xueji_desktop.rules.findings import Severity

HANDED_OUT, SIGNED, ENTERED, APPROVED = STEPS
ENTRY = date(2026, 9, 1)


def test_r15_1_the_deadline_is_the_days_given_after_entry():
    assert continuation_deadline(ENTRY, 30) == date(2026, 10, 1)
    assert continuation_deadline(ENTRY, 20) == date(2026, 9, 21)


def test_r15_1_in_time_up_to_the_deadline_day_then_warns():
    """R15.1: the 30th day is still in time; the day after, a warning naming 第十五条 and how late."""
    assert continuation_findings(ENTERED, ENTRY, date(2026, 10, 1), days=30) == []
    assert not continuation_overdue(ENTERED, ENTRY, date(2026, 10, 1), 30)
    [finding] = continuation_findings(ENTERED, ENTRY, date(2026, 10, 4), days=30)
    assert (finding.rule_id, finding.severity) == ("R15.1", Severity.WARN)
    assert finding.text.startswith("依据《细则》第十五条：初一、高一新生应自入学之日（2026-09-01）起30天内")
    assert "新生学籍转接" in finding.message and "2026-10-01已过3天" in finding.message


def test_r15_1_the_days_are_those_given():
    [finding] = continuation_findings(ENTERED, ENTRY, date(2026, 9, 22), days=20)
    assert "起20天内" in finding.message and "已过1天" in finding.message


def test_r15_1_a_transfer_completed_or_undated_is_not_overdue():
    late = date(2027, 6, 1)
    assert continuation_findings(APPROVED, ENTRY, late, days=30) == []
    assert continuation_findings(None, ENTRY, late, days=30) == []
    assert continuation_findings(ENTERED, None, late, days=30) == []


def test_r15_1_a_transfer_goes_from_awaiting_review_to_complete_only():
    assert check_continuation_step(ENTERED, APPROVED) == []
    assert check_continuation_step(ENTERED, ENTERED) == []
    [refused] = check_continuation_step(ENTERED, HANDED_OUT)
    assert refused.rule_id == "R15.1" and refused.blocks and "不走“信息表已下发”" in refused.message
    [back] = check_continuation_step(APPROVED, ENTERED)
    assert back.blocks and "须写明原因" in back.message
    assert check_continuation_step(APPROVED, ENTERED, "省级系统审核被撤回") == []
    [formal] = check_continuation_step(None, APPROVED)
    assert formal.blocks and "正式学籍" in formal.message


@pytest.mark.parametrize(
    ("stage", "grades"),
    [("junior", (7,)), ("senior", (10,)), ("nine_year", (7,)), ("twelve_year", (7, 10)), ("primary", ())],
)
def test_r15_1_the_schools_that_take_newcomers_by_transfer(stage, grades):
    assert continuation_grades(stage) == grades


def test_r15_1_a_school_without_grade_7_or_10_is_refused():
    assert check_continuation_school("初中", (7,)) == []
    [refused] = check_continuation_school("小学", ())
    assert (
        refused.rule_id == "R15.1" and refused.blocks and "本校（小学）没有初一、高一年级" in refused.message
    )
