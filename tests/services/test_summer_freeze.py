"""R7.1 in the summer, through procedures.open on a real data file: a procedure opened while the provincial system
accepts no new business for graduating grades, or no new transfers, warns (the clerk confirms, and the warning is
kept with the procedure); the windows are read from resources/reference/school_year.json, so changing the file moves
them."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tests.factories import (
    add_student,
    class_id_of,
    illness_proofs,
    open_suspension,
    open_transfer_in,
    open_transfer_out,
    school_store,
    transfer_proofs,
)
from xueji_desktop.models import Procedure
from xueji_desktop.reference import school_year_calendar
from xueji_desktop.reference.resources import resource_path
from xueji_desktop.rules.findings import RuleViolation, Severity
from xueji_desktop.services.procedures import Decision, FindingsPreview

PREVIEW = Decision(preview=True)
# R22.4: a 休学 in a graduating grade's second term needs the authority's exception, whatever the month
EXCEPTION = {"approval_number": "潞教〔2027〕21号", "reason": "重病住院，经区教育局同意"}


@pytest.fixture
def school(tmp_path):
    """A primary school with 三年级(1)班 and 六年级(1)班 (its graduating grade), 2026-2027."""
    with school_store(tmp_path / "summer", classes_per_grade={3: 1, 6: 1}) as store:
        yield store


def _previewed(open_it) -> list:
    """The findings procedures.open shows before anything is written."""
    with pytest.raises(FindingsPreview) as shown:
        open_it(decision=PREVIEW)
    return shown.value.findings


def _freeze(findings) -> list:
    return [f for f in findings if f.rule_id == "R7.1"]


def _suspend_graduate(store, scan, day: date):
    student = add_student(store, class_id_of(store, 6))
    return lambda decision: open_suspension(
        store, student, illness_proofs(scan), today=day, illness_share_of_term=0.5, decision=decision
    )


def test_r7_1_graduating_grade_suspension_in_july_warns_and_is_kept_once_confirmed(school, scan):
    open_it = _suspend_graduate(school, scan, date(2027, 7, 5))
    (warning,) = _freeze(_previewed(open_it))
    window = school_year_calendar.summer_calendar().graduating_freeze
    assert warning.severity is Severity.WARN
    assert f"省级学籍系统{window.label}" in warning.text and "本休学手续" in warning.text
    with pytest.raises(
        RuleViolation
    ) as refused:  # the exception alone is not enough: the warning is confirmed
        open_it(Decision(**EXCEPTION))
    assert [f.rule_id for f in refused.value.findings] == ["R7.1"]
    procedure_id = open_it(Decision(confirmed=True, **EXCEPTION))
    with school.read() as session:
        kept = json.loads(session.get(Procedure, procedure_id).findings)
    assert {"rule_id": "R7.1", "severity": "warn", "text": warning.text} in kept


def test_r7_1_graduating_grade_suspension_in_june_is_not_paused(school, scan):
    findings = _previewed(_suspend_graduate(school, scan, date(2027, 6, 28)))
    assert _freeze(findings) == [] and [f.rule_id for f in findings] == ["R22.4"]


def test_r7_1_transfer_out_of_another_grade_after_15_july_warns(school, scan):
    student = add_student(school, class_id_of(school, 3))

    def open_on(day: date):
        return _previewed(
            lambda decision: open_transfer_out(
                school, student, transfer_proofs(scan), today=day, decision=decision
            )
        )

    (warning,) = _freeze(open_on(date(2027, 7, 20)))
    window = school_year_calendar.summer_calendar().transfer_freeze
    assert f"{window.label}暂停受理新的转学业务" in warning.text and "本转出手续" in warning.text
    assert "毕业年级" not in warning.text  # 三年级: only the transfers' pause concerns it
    assert _freeze(open_on(date(2027, 7, 10))) == []  # before the transfers' pause; 三年级 is not graduating


def test_r7_1_transfer_in_is_paused_by_its_requested_grade(school, scan):
    def open_in(day: date, grade: int):
        return _previewed(
            lambda decision: open_transfer_in(
                school, transfer_proofs(scan), today=day, decision=decision, grade_level=grade
            )
        )

    (transfer,) = _freeze(open_in(date(2027, 7, 20), 3))
    assert "转学业务" in transfer.text and "本转入手续" in transfer.text
    (graduating,) = _freeze(open_in(date(2027, 7, 5), 6))  # no student here yet: the 年级 asked for says it
    assert "毕业年级" in graduating.text
    assert _freeze(open_in(date(2027, 7, 5), 3)) == []


@pytest.fixture
def moved_window(tmp_path, monkeypatch):
    """school_year.json as a province might publish it another year: the graduating grades' pause 6月20日–6月30日."""
    data = json.loads(resource_path("reference", "school_year.json").read_text(encoding="utf-8"))
    data["graduating_freeze"] = {"from": "06-20", "to": "06-30", "note": "毕业年级学生暂停受理新的学籍业务"}
    edited = tmp_path / "school_year.json"
    edited.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(school_year_calendar, "resource_path", lambda *parts: edited)
    school_year_calendar.summer_calendar.cache_clear()
    yield
    school_year_calendar.summer_calendar.cache_clear()


def test_r7_1_the_pause_is_read_from_the_resource_file(moved_window, school, scan):
    (warning,) = _freeze(_previewed(_suspend_graduate(school, scan, date(2027, 6, 28))))
    assert "6月20日至6月30日" in warning.text and "7月1日起" in warning.text
    assert _freeze(_previewed(_suspend_graduate(school, scan, date(2027, 7, 5)))) == []
