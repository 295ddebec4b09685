"""The 档案 tab's operation log reads as a registrar's log: the student's name (never 「学生 #343」), the action in
Chinese, each change old → new in words (code tables' names, masked ID numbers); a double-click opens the whole
entry; like every table it exports its visible columns."""

from __future__ import annotations

from datetime import date

import openpyxl
from PySide6.QtCore import Qt

from tests.factories import add_student, class_id_of
from xueji_desktop.services import history, roster
from xueji_desktop.ui.archive.tab import ArchiveTab
from xueji_desktop.ui.common.tables import table_actions


def log_tab(qtbot, store) -> ArchiveTab:
    tab = ArchiveTab(store)
    qtbot.addWidget(tab)
    tab.refresh()
    return tab


def cells(tab: ArchiveTab) -> list[list[str]]:
    model = tab.audit_model
    return [
        [model.data(model.index(r, c)) for c in range(model.columnCount())] for r in range(model.rowCount())
    ]


def test_the_log_names_the_student_and_says_what_changed_in_words(qtbot, school, scan):
    from tests.factories import illness_proofs, open_suspension

    zhang = add_student(school, class_id_of(school, 1), name="张三", gender="2")
    roster.move_student(school, zhang, class_id_of(school, 1, 2))
    open_suspension(school, zhang, illness_proofs(scan), today=date(2026, 10, 12))
    tab = log_tab(qtbot, school)
    rows = cells(tab)
    assert [row[2] for row in rows[:3]] == ["办理异动手续", "调班", "新增学生"]
    move = rows[1]
    assert move[3] == "张三" and move[4] == "班级：一年级(1)班 → 一年级(2)班"
    assert rows[0][3] == "张三的休学" and "手续：休学" in rows[0][4]
    created = next(row for row in history.audit_events(school) if row.action == "新增学生")
    assert created.subject == "张三"
    words = {change.field: change.new for change in created.changes}
    assert words["性别"] == "女" and words["民族"] == "汉族"  # codes in words, not 2 / 01
    assert "*" in words["身份证件号"]  # masked as on every screen
    assert all("#" not in cell and "student" not in cell for row in rows for cell in row)


def test_a_double_click_opens_the_whole_entry(qtbot, school):
    zhang = add_student(school, class_id_of(school, 1), name="张三")
    roster.move_student(school, zhang, class_id_of(school, 1, 2))
    tab = log_tab(qtbot, school)
    tab.show()
    qtbot.waitExposed(tab)
    view = tab.audit_table
    created_row = next(r for r, row in enumerate(cells(tab)) if row[2] == "新增学生")
    rect = view.visualRect(tab.audit_model.index(created_row, 4))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # a double-click's press
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = tab.entry_dialog
    assert dialog is not None and dialog.isVisible()
    text = dialog.text.toPlainText()
    assert "操作：新增学生" in text and "对象：张三" in text and "姓名：张三" in text
    assert text.count("\n") > 10  # every field, not the row's three
    dialog.reject()


def test_the_log_exports_its_visible_columns(qtbot, school, tmp_path):
    zhang = add_student(school, class_id_of(school, 1), name="张三")
    roster.move_student(school, zhang, class_id_of(school, 1, 2))
    tab = log_tab(qtbot, school)
    tab.audit_table.setColumnHidden(1, True)  # 操作人
    written = table_actions(tab.audit_table).export(tmp_path / "操作记录.xlsx")
    rows = list(openpyxl.load_workbook(written).active.iter_rows(values_only=True))
    assert rows[0] == ("序号", "时间", "操作", "对象", "内容")
    assert rows[1][2:] == ("调班", "张三", "班级：一年级(1)班 → 一年级(2)班")
