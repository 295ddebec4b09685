"""「本学期复核」 driven with qtbot on a real data folder (R34.1, R37.1): the tree shows every check with its count and
each problem with student, class and article; 导出复核报告 through the file dialog (and a Chinese message when the
folder cannot be written); 重新复核 after a fix; double-clicking a problem asks to open its student."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from sqlalchemy import select, update

from tests.factories import add_student
from xueji_desktop.models import SchoolClass, Student
from xueji_desktop.rules.review import Check
from xueji_desktop.ui.archive.review_dialog import ReviewDialog

TODAY = date(2026, 11, 20)


def _class(store, level: int) -> int:
    with store.read() as session:
        return next(c.id for c in session.scalars(select(SchoolClass)) if c.grade.level == level)


@pytest.fixture
def planted(school):
    """周芷若 with 民族 left empty (R34.1), 张无忌 received but not yet 审核通过 (R37.1), 宋青书 fine: their ids."""
    missing = add_student(school, _class(school, 2), name="周芷若")
    new = add_student(school, _class(school, 1), name="张无忌")
    add_student(school, _class(school, 3), name="宋青书")
    with school.transaction() as session:
        session.execute(update(Student).where(Student.id == missing).values(ethnicity=""))
        session.execute(
            update(Student)
            .where(Student.id == new)
            .values(enrolment_step="已签字回收", enrolment_date=date(2026, 9, 1))
        )
    return school, missing, new


def _dialog(qtbot, store) -> ReviewDialog:
    dialog = ReviewDialog(store, today=TODAY)
    qtbot.addWidget(dialog)
    return dialog


def test_r34_1_r37_1_the_tree_shows_each_check_with_its_count(qtbot, planted):
    store, missing, new = planted
    dialog = _dialog(qtbot, store)
    assert dialog.tree.topLevelItemCount() == len(Check)
    record = dialog.group_item("基本信息不准确")
    assert record.text(0) == "基本信息不准确（1）" and record.isExpanded() and record.childCount() == 1
    child = record.child(0)
    assert (child.text(0), child.text(1)) == ("周芷若", "二年级(1)班") and "民族不能为空" in child.text(2)
    assert (
        child.text(4) == "《细则》第三十四条、第三十七条第二项"
        and child.data(0, Qt.ItemDataRole.UserRole) == missing
    )
    assert child.toolTip(2).startswith("依据《细则》第三十四条：周芷若：")  # R34.1
    enrolment = dialog.group_item("已接收学生未建立学籍").child(0)
    # R37.1 (一)
    assert enrolment.text(0) == "张无忌" and enrolment.text(4) == "《细则》第三十七条第一项、第十条"
    passed = dialog.group_item("手续逾期未办结")
    assert passed.text(0) == "手续逾期未办结（0）　未发现问题" and passed.childCount() == 0
    assert "学期：2026-2027学年第一学期" in dialog.summary.text() and "发现 2 项问题" in dialog.summary.text()
    assert "复核在校学生 3 名" in dialog.summary.text()


def test_a_clean_school_says_no_problem_found(qtbot, school):
    add_student(school, _class(school, 2))
    dialog = _dialog(qtbot, school)
    assert "没有发现问题" in dialog.summary.text()
    assert all(dialog.tree.topLevelItem(i).childCount() == 0 for i in range(dialog.tree.topLevelItemCount()))


def test_rereview_after_the_record_is_fixed(qtbot, planted):
    store, missing, _new = planted
    dialog = _dialog(qtbot, store)
    with store.transaction() as session:
        session.execute(update(Student).where(Student.id == missing).values(ethnicity="01"))
    qtbot.mouseClick(dialog.rerun_button, Qt.MouseButton.LeftButton)
    assert dialog.group_item("基本信息不准确").text(0).startswith("基本信息不准确（0）")
    assert "发现 1 项问题" in dialog.summary.text()


def test_export_through_the_file_dialog(qtbot, planted, out_dir, monkeypatch):
    store, _missing, _new = planted
    dialog = _dialog(qtbot, store)
    asked = []

    def choose(parent, title, start, filters):
        asked.append((title, start))
        return str(out_dir / "本学期复核.xlsx"), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert asked[0][0] == "导出复核报告" and asked[0][1].endswith(".xlsx") and "学籍复核报告" in asked[0][1]
    rows = list(openpyxl.load_workbook(out_dir / "本学期复核.xlsx").active.values)
    assert rows[0] == ("序号", "类别", "学生", "班级", "问题", "依据", "建议")
    assert sorted(row[2] for row in rows[1:]) == ["周芷若", "张无忌"]
    assert "复核报告已导出" in dialog.outcome.text()


def test_export_to_a_folder_that_cannot_be_written_says_so_in_chinese(qtbot, planted, out_dir, monkeypatch):
    store, _missing, _new = planted
    dialog = _dialog(qtbot, store)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: (str(out_dir / "没有" / "r.xlsx"), ""))
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: warned.append((title, text)))
    assert dialog.export() is None
    assert warned and warned[0][0] == "导出复核报告" and "文件夹不存在" in warned[0][1]
    assert list(out_dir.iterdir()) == []


def test_cancelling_the_file_dialog_writes_nothing(qtbot, planted, out_dir, monkeypatch):
    dialog = _dialog(qtbot, planted[0])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: ("", ""))
    assert dialog.export() is None and list(out_dir.iterdir()) == []


def test_double_clicking_a_problem_asks_to_open_the_student(qtbot, planted):
    store, _missing, new = planted
    dialog = _dialog(qtbot, store)
    dialog.show()
    qtbot.waitExposed(dialog)
    group = dialog.group_item("已接收学生未建立学籍")
    child = group.child(0)
    position = dialog.tree.visualItemRect(child).center()
    # a double-click follows a click
    qtbot.mouseClick(dialog.tree.viewport(), Qt.MouseButton.LeftButton, pos=position)
    with qtbot.waitSignal(dialog.open_student, timeout=2000) as opened:
        qtbot.mouseDClick(dialog.tree.viewport(), Qt.MouseButton.LeftButton, pos=position)
    assert opened.args == [new]
    with qtbot.assertNotEmitted(dialog.open_student):
        dialog.tree.itemDoubleClicked.emit(group, 0)  # a category row names no student
