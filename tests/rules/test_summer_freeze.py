"""R7.1 in the summer (rules/summer_freeze.py): the provincial system's pause for graduating grades and its pause for
transfers, each a window given as data, warn only inside it, only for the procedures it concerns, and name its dates."""

from __future__ import annotations

from datetime import date

import pytest

from xueji_desktop.reference.school_year_calendar import Window
from xueji_desktop.rules.findings import Severity
from xueji_desktop.rules.summer_freeze import check_summer_freeze

GRADUATING = Window((7, 1), (8, 14), "毕业年级学生暂停受理新的学籍业务")
TRANSFERS = Window((7, 15), (8, 14), "暂停受理新的转学业务")


def _check(day: date, *, graduating: bool = False, transfer: bool = False, procedure: str = "休学"):
    return check_summer_freeze(
        day,
        procedure,
        graduating=graduating,
        transfer=transfer,
        graduating_freeze=GRADUATING,
        transfer_freeze=TRANSFERS,
    )


@pytest.mark.parametrize(
    ("day", "warns"),
    [
        (date(2027, 6, 30), False),
        (date(2027, 7, 1), True),
        (date(2027, 8, 14), True),
        (date(2027, 8, 15), False),
    ],
)
def test_r7_1_graduating_grade_warned_only_inside_its_window(day, warns):
    found = _check(day, graduating=True)
    assert [(f.rule_id, f.severity) for f in found] == ([("R7.1", Severity.WARN)] if warns else [])


def test_r7_1_graduating_warning_names_the_dates_and_the_day_after():
    (finding,) = _check(date(2027, 7, 5), graduating=True)
    assert finding.text.startswith(
        "依据《细则》第七条：省级学籍系统7月1日至8月14日毕业年级学生暂停受理新的学籍业务"
    )
    assert "本休学手续" in finding.text and "8月15日起" in finding.text and "再上报" in finding.text


@pytest.mark.parametrize(
    ("day", "warns"),
    [
        (date(2027, 7, 14), False),
        (date(2027, 7, 15), True),
        (date(2027, 8, 14), True),
        (date(2027, 8, 15), False),
    ],
)
def test_r7_1_transfer_warned_only_inside_its_window(day, warns):
    found = _check(day, transfer=True, procedure="转出")
    assert [f.rule_id for f in found] == (["R7.1"] if warns else [])
    if warns:
        assert "7月15日至8月14日暂停受理新的转学业务" in found[0].message and "本转出手续" in found[0].message


def test_r7_1_other_grades_and_procedures_are_not_paused():
    assert _check(date(2027, 7, 20)) == []  # a 休学 in 三年级: neither pause concerns it


def test_r7_1_a_graduating_transfer_in_both_windows_is_told_both():
    found = _check(date(2027, 7, 20), graduating=True, transfer=True, procedure="转出")
    assert ["毕业年级" in f.message for f in found] == [True, False]
    assert all(f.rule_id == "R7.1" and not f.blocks for f in found)


def test_r7_1_a_window_without_a_note_still_says_what_is_paused():
    bare = Window((6, 20), (6, 30), "")
    (finding,) = check_summer_freeze(
        date(2027, 6, 25),
        "退学",
        graduating=True,
        transfer=False,
        graduating_freeze=bare,
        transfer_freeze=TRANSFERS,
    )
    assert "6月20日至6月30日暂停受理毕业年级学生的新业务" in finding.message and "7月1日起" in finding.message
