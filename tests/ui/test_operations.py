"""The one runner of service calls (ui/common/operations.py), with real widgets: a refusal shows its lines and nothing
else happens; a fault is logged with its traceback and told in one line naming the log; a success announces its
areas and a tab refreshes from that; long work runs off the UI thread."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget

from xueji_desktop import fault_log
from xueji_desktop.errors import DomainError
from xueji_desktop.rules.findings import RuleViolation, block, warn
from xueji_desktop.services import roster, school_setup
from xueji_desktop.store import DISK_FULL_MESSAGE
from xueji_desktop.ui.common import operations
from xueji_desktop.ui.common.operations import CLASSES, PROCEDURES, STUDENTS, announcer, refresh_on, run


@pytest.fixture
def told(monkeypatch):
    """What message boxes would have said (title, text): QMessageBox.warning, the one the runner uses."""
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *rest: said.append((title, text)))
    return said


@pytest.fixture
def announced(qtbot):
    seen: list[frozenset[str]] = []
    announcer().changed.connect(seen.append)
    yield seen
    announcer().changed.disconnect(seen.append)


def test_a_refusal_shows_its_lines_and_nothing_else_happens(qtbot, told, announced):
    parent = QWidget()
    qtbot.addWidget(parent)

    def refused():
        raise RuleViolation([block("R12.1", "一年级(1)班已满50人")])

    outcome = run(parent, "调班", refused, changes={STUDENTS})
    assert not outcome.ok and isinstance(outcome.refused, RuleViolation)
    assert told == [("调班", "依据《细则》第十二条：一年级(1)班已满50人")]
    assert announced == []


def test_a_refusal_s_hint_follows_its_message(qtbot, told):
    def refused():
        raise DomainError("没有选择学生", hint="请先在名册中选择学生")

    run(None, "打印", refused)
    assert told == [("打印", "没有选择学生\n请先在名册中选择学生")]


def test_warnings_are_put_to_the_clerk_who_may_go_on(qtbot, told, announced, monkeypatch):
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes
    )

    def warned():
        raise RuleViolation([warn("R12.1", "超过标准班额45人")])

    outcome = run(None, "调班", warned, confirmed=lambda: "done", changes={STUDENTS})
    assert outcome.ok and outcome.value == "done"
    assert "第十二条" in asked[0] and told == []
    assert announced == [frozenset({STUDENTS})]


def test_an_unexpected_error_is_logged_and_told_in_one_line_naming_the_log(qtbot, told, announced, tmp_path):
    log = fault_log.log_to(tmp_path / "data")

    def broken():
        raise KeyError("a bug nobody expected")

    outcome = run(None, "保存学生信息", broken, changes={STUDENTS})
    assert not outcome.ok and outcome.failed
    assert announced == []
    [(title, text)] = told
    assert title == "保存学生信息" and "\n" not in text
    assert text.startswith("出现了一个意外问题") and str(log) in text and "已保存的数据不受影响" in text
    logged = log.read_text(encoding="utf-8")
    assert "Traceback" in logged and "KeyError: 'a bug nobody expected'" in logged and "in broken" in logged


def test_a_full_disk_that_escaped_a_transaction_is_its_own_line_not_a_fault(qtbot, told):
    import sqlite3

    def full():
        raise sqlite3.OperationalError("database or disk is full")

    assert run(None, "导入学籍号", full).refused is not None
    assert told == [("导入学籍号", DISK_FULL_MESSAGE)]


def test_a_success_announces_its_areas_and_the_roster_tab_refreshes(qtbot, school, told, announced):
    from xueji_desktop.ui.roster.tab import RosterTab

    tab = RosterTab(school)
    qtbot.addWidget(tab)
    tab.refresh_tree()
    grade_one = roster.class_tree(school)[0]
    before = tab.tree.topLevelItem(0).child(0).childCount()
    outcome = run(
        tab, "新建班级", lambda: school_setup.create_class(school, grade_one.id, None), changes={CLASSES}
    )
    assert outcome.ok and told == []
    assert announced == [frozenset({CLASSES})]
    assert tab.tree.topLevelItem(0).child(0).childCount() == before + 1  # refreshed from the signal alone


def test_a_hidden_tab_refreshes_when_it_is_next_shown(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    tab = QWidget(window)
    refreshed = []
    refresh_on(tab, {PROCEDURES}, lambda: refreshed.append(1))
    window.show()
    tab.hide()
    announcer().announce({STUDENTS})
    announcer().announce({PROCEDURES})
    assert refreshed == []  # not on screen: marked stale only
    tab.show()
    assert refreshed == [1]
    announcer().announce({PROCEDURES})
    assert refreshed == [1, 1]


def test_long_work_runs_off_the_ui_thread_with_progress(qtbot, told, announced):
    seen = {}

    def work(progress):
        seen["thread"] = threading.current_thread()
        progress(1, 2)
        progress(2, 2)
        return 42

    outcome = run(None, "导出上报批次", work, long="正在导出……", changes={STUDENTS})
    assert outcome.ok and outcome.value == 42
    assert seen["thread"] is not threading.main_thread()
    assert announced == [frozenset({STUDENTS})]


def test_a_cancelled_long_work_is_neither_refused_nor_announced(qtbot, told, announced):
    from xueji_desktop.ui.common.worker import Cancelled

    def cancelled(progress):
        raise Cancelled

    outcome = run(None, "导入新生", cancelled, long=True, changes={STUDENTS})
    assert outcome.cancelled and not outcome.ok
    assert told == [] and announced == []


def test_an_unknown_area_is_a_programming_error():
    with pytest.raises(ValueError):
        operations.announcer().announce({"everything"})
