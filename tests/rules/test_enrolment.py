"""rules.enrolment: R10.1's 30-day deadline (R15.1 for grade 7/10 newcomers), R10.3's order of steps, and the form of
a 学籍号 (R10.4)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xueji_desktop.models import EnrolmentStep
from xueji_desktop.rules import Severity
from xueji_desktop.rules.enrolment import (
    STEPS,
    NationalIdError,
    check_national_student_id,
    check_step_change,
    enrolment_deadline,
    enrolment_findings,
    is_overdue,
    next_step,
)

HANDED_OUT, SIGNED, ENTERED, APPROVED = STEPS
START = date(2026, 9, 1)


def test_r10_3_steps_in_the_regulations_order():
    """R10.3: 信息表已下发 → 已签字回收 → 已录入系统 → 审核通过, the same as the model's enum."""
    assert STEPS == ("信息表已下发", "已签字回收", "已录入系统", "审核通过")
    assert STEPS == tuple(s.value for s in EnrolmentStep)


def test_r10_1_deadline_is_30_calendar_days():
    """R10.1: 30 calendar days (the regulation says 30天, not 工作日): over 国庆 and across a month end alike."""
    assert enrolment_deadline(date(2026, 9, 1)) == date(2026, 10, 1)
    assert enrolment_deadline(date(2026, 9, 20)) == date(2026, 10, 20)
    assert enrolment_deadline(date(2027, 2, 10)) == date(2027, 3, 12)


@pytest.mark.parametrize("step", [HANDED_OUT, SIGNED, ENTERED])
def test_r10_1_overdue_only_after_the_deadline_day(step):
    """R10.1: the 30th day itself is still in time; the day after it is overdue."""
    assert enrolment_findings(step, START, date(2026, 10, 1)) == []
    assert not is_overdue(step, START, date(2026, 10, 1))
    [finding] = enrolment_findings(step, START, date(2026, 10, 2))
    assert is_overdue(step, START, date(2026, 10, 2))
    assert (finding.rule_id, finding.severity) == ("R10.1", Severity.WARN)
    assert "第十条" in finding.text
    assert "2026-10-01" in finding.message and "已过1天" in finding.message and step in finding.message


def test_r10_1_approved_and_formal_records_are_never_overdue():
    """R10.1: 审核通过 is done; a record without a step was formal before the app knew it."""
    late = date(2027, 6, 1)
    assert enrolment_findings(APPROVED, START, late) == []
    assert enrolment_findings(None, START, late) == []
    assert enrolment_findings(HANDED_OUT, None, late) == []
    assert not is_overdue(APPROVED, START, late)


@pytest.mark.parametrize("level", [7, 10])
def test_r15_1_grade_7_and_10_newcomers_cite_the_transfer_of_their_record(level):
    """R15.1: 初一、高一新生 — 学籍转接 within 30 days of entry (第十五条), not R10.1's first registration."""
    [finding] = enrolment_findings(SIGNED, START, date(2026, 10, 11), grade_level=level)
    assert (finding.rule_id, finding.severity) == ("R15.1", Severity.WARN)
    assert "第十五条" in finding.text and "学籍转接" in finding.message and "已过10天" in finding.message


@pytest.mark.parametrize("level", [1, 2, 8, 11, None])
def test_r10_1_other_grades_cite_article_10(level):
    [finding] = enrolment_findings(SIGNED, START, date(2026, 10, 11), grade_level=level)
    assert finding.rule_id == "R10.1"


def test_r10_3_next_step():
    assert [next_step(s) for s in STEPS] == [SIGNED, ENTERED, APPROVED, None]
    assert next_step(None) is None
    with pytest.raises(ValueError, match="没有“已毕业”这个建籍步骤"):
        next_step("已毕业")


@pytest.mark.parametrize(("current", "new"), [(HANDED_OUT, SIGNED), (SIGNED, ENTERED), (ENTERED, APPROVED)])
def test_r10_3_one_step_forward_is_allowed(current, new):
    assert check_step_change(current, new) == []


@pytest.mark.parametrize("step", STEPS)
def test_r10_3_the_same_step_again_is_no_change(step):
    assert check_step_change(step, step) == []


@pytest.mark.parametrize(
    ("current", "new"), [(HANDED_OUT, ENTERED), (HANDED_OUT, APPROVED), (SIGNED, APPROVED)]
)
def test_r10_3_skipping_a_step_is_blocked(current, new):
    """R10.3: the steps are done in order; jumping ahead is refused, a reason does not help."""
    for reason in (None, "家长已签字并录入"):
        [finding] = check_step_change(current, new, reason)
        assert (finding.rule_id, finding.severity) == ("R10.3", Severity.BLOCK)
        assert "第十条" in finding.text and "跳过步骤" in finding.message
        assert f"不能从“{current}”直接改为“{new}”" in finding.message


@pytest.mark.parametrize(("current", "new"), [(SIGNED, HANDED_OUT), (ENTERED, SIGNED), (APPROVED, ENTERED)])
def test_r10_3_going_back_one_step_needs_a_written_reason(current, new):
    """R10.3: a mistaken step is corrected by going back to the previous step, with a reason (kept in the audit)."""
    for blank in (None, "", "   "):
        [finding] = check_step_change(current, new, blank)
        assert (finding.rule_id, finding.severity) == ("R10.3", Severity.BLOCK)
        assert "须写明原因" in finding.message
    assert check_step_change(current, new, "误点了下一步") == []


@pytest.mark.parametrize(
    ("current", "new"), [(ENTERED, HANDED_OUT), (APPROVED, SIGNED), (APPROVED, HANDED_OUT)]
)
def test_r10_3_going_back_more_than_one_step_is_blocked_even_with_a_reason(current, new):
    [finding] = check_step_change(current, new, "录错了")
    assert (finding.rule_id, finding.severity) == ("R10.3", Severity.BLOCK)
    assert "只能退回上一步" in finding.message


def test_r10_3_a_formal_record_has_no_steps_to_mark():
    [finding] = check_step_change(None, SIGNED)
    assert (finding.rule_id, finding.severity) == ("R10.3", Severity.BLOCK)
    assert "正式学籍" in finding.message


def test_r10_3_an_unknown_step_is_a_programming_error():
    with pytest.raises(ValueError):
        check_step_change(HANDED_OUT, "已审核")


# --- 学籍号 (R10.4) ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("G140406201909010011", "G140406201909010011"),
        ("g14040620190901001x", "G14040620190901001X"),
        ("Ｇ１４０４０６ ２０１９０９０１００１１", "G140406201909010011"),  # full-width, with a space
        ("L140406201909011234", "L140406201909011234"),
        ("J140406201909010027", "J140406201909010027"),
    ],
)
def test_r10_4_national_student_id_forms_accepted(raw, expected):
    """R10.4: G (正式), L (临时) and J numbers: one letter + 18 characters, normalised."""
    assert check_national_student_id(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "学籍号为空"),
        ("140406201909010011", "应以字母G、L或J开头"),  # the bare ID number
        ("X140406201909010011", "应以字母G、L或J开头"),
        ("G14040620190901001", "应为19位（1位字母+18位），现在是18位"),
        ("G1404062019090100111", "现在是20位"),
        ("G1404062019090100X1", "字母后应为18位数字，最后一位可以是X"),
        ("GA40406201909010011", "字母后应为18位数字"),
    ],
)
def test_r10_4_malformed_national_student_ids_refused(raw, message):
    with pytest.raises(NationalIdError, match=re.escape(message)):
        check_national_student_id(raw)


@given(st.text(max_size=25))
def test_r10_4_anything_accepted_has_the_national_form(raw):
    """R10.4: whatever is accepted is exactly ^[GLJ][0-9]{17}[0-9X]$ (full-width or other Unicode digits never pass
    unconverted)."""
    try:
        number = check_national_student_id(raw)
    except NationalIdError:
        return
    assert len(number) == 19 and number[0] in "GLJ"
    assert all(c in "0123456789" for c in number[1:18]) and number[18] in "0123456789X"
