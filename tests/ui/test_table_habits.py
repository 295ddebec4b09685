"""The habits of Excel and WPS users, on real stores and real widgets: Ctrl+C copies the chosen rows as
tab-separated text, 导出 Excel… writes the visible columns, the 名册's right-click menu offers the 异动 kinds the
student's status allows, Ctrl+F goes to the search box, hidden columns are remembered, a 学籍号 made of G and the ID
number is masked on screen, the 异动记录 sort by date."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from tests.factories import add_student, class_id_of
from xueji_desktop.rules.identity import mask_id_number
from xueji_desktop.ui.common.tables import table_actions
from xueji_desktop.ui.roster.model import COLUMNS
from xueji_desktop.ui.roster.tab import RosterTab


@pytest.fixture
def pupils(school):
    """一年级(1)班: 张三 (在读, 学籍号 G + ID number), 李四 (休学), 王五 (在读, a temporary L 学籍号)."""
    from xueji_desktop.models import Student

    first = class_id_of(school, 1)
    ids = [add_student(school, first, name=name) for name in ("张三", "李四", "王五")]
    with school.transaction() as session:
        zhang, li, wang = (session.get(Student, i) for i in ids)
        zhang.national_student_id = f"G{zhang.id_number}"
        li.status = "休学"
        wang.national_student_id = "L2026140406001"
    return school, ids


def roster_tab(qtbot, store) -> RosterTab:
    tab = RosterTab(store)
    qtbot.addWidget(tab)
    tab.refresh_tree()
    return tab


def row_of(tab: RosterTab, name: str) -> int:
    return next(r for r in range(tab.model.rowCount()) if tab.model.row_at(r).name == name)


def shown(tab: RosterTab, row: int) -> list[str]:
    return [tab.model.data(tab.model.index(row, column)) for column in range(len(COLUMNS))]


def test_ctrl_c_copies_the_chosen_rows_as_tab_separated_text(qtbot, pupils):
    store, _ids = pupils
    tab = roster_tab(qtbot, store)
    tab.show()
    qtbot.waitExposed(tab)
    QApplication.clipboard().clear()
    tab.table.selectRow(row_of(tab, "张三"))
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    expected = "\t".join(shown(tab, row_of(tab, "张三")))
    assert QApplication.clipboard().text() == expected
    assert expected.split("\t")[1] == "张三" and "*" in expected.split("\t")[4]  # the ID number stays masked

    tab.table.selectAll()
    qtbot.keyClick(tab.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    lines = QApplication.clipboard().text().split("\n")
    assert [line.split("\t")[1] for line in lines] == [tab.model.row_at(r).name for r in range(3)]


def test_a_cell_with_a_tab_or_a_line_break_stays_one_cell(qtbot, store):
    from xueji_desktop.ui.common.tables import RowsModel, table_view

    model = RowsModel([("情况", lambda r: r[0]), ("处理", lambda r: r[1])])
    view = table_view(model, (100, 100), title="清单")
    qtbot.addWidget(view)
    model.set_rows([("第一行\n第二行", "甲\t乙")])
    view.selectAll()
    assert table_actions(view).copy() == "第一行 第二行\t甲 乙"


def test_export_writes_the_visible_columns_as_on_screen(qtbot, pupils, tmp_path):
    store, _ids = pupils
    tab = roster_tab(qtbot, store)
    tab.table.setColumnHidden(3, True)  # 出生日期, hidden by the clerk
    written = table_actions(tab.table).export(tmp_path / "名册")
    assert written == tmp_path / "名册.xlsx"
    sheet = openpyxl.load_workbook(written).active
    rows = list(sheet.iter_rows(values_only=True))
    headers = [header for column, (_key, header) in enumerate(COLUMNS) if column != 3]
    assert list(rows[0]) == ["序号", *headers]
    assert len(rows) == 4 and "出生日期" not in rows[0]
    zhang = next(row for row in rows[1:] if row[2] == "张三")
    on_screen = [cell for column, cell in enumerate(shown(tab, row_of(tab, "张三"))) if column != 3]
    assert [cell or "" for cell in zhang[1:]] == on_screen  # an empty cell reads back as None
    assert "*" in zhang[4] and zhang[5].startswith("G1404") and "*" in zhang[5]  # masked as on screen


def test_an_export_to_a_file_open_in_excel_is_one_chinese_line(
    qtbot, pupils, tmp_path, messages, monkeypatch
):
    from pathlib import Path

    store, _ids = pupils
    tab = roster_tab(qtbot, store)

    def locked(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path / "名册.xlsx"))

    monkeypatch.setattr("xueji_desktop.spreadsheets.table_export.save_workbook", locked)
    assert table_actions(tab.table).export(Path(tmp_path / "名册.xlsx")) is None
    assert len(messages) == 1 and "Traceback" not in messages[0] and "没有导出" in messages[0]


def menu_texts(menu) -> list[str]:
    return [action.text() for action in menu.actions() if not action.isSeparator()]


def submenu(menu, title: str):
    return next(a.menu() for a in menu.actions() if a.menu() is not None and a.text() == title)


def test_the_student_menu_offers_the_kinds_the_status_allows(qtbot, pupils):
    store, _ids = pupils
    tab = roster_tab(qtbot, store)
    tab.select_row(row_of(tab, "张三"))  # 在读
    menu = tab.student_menu()
    assert menu_texts(menu)[:4] == ["查看…", "调班…", "办理异动", "打印"]
    assert menu_texts(menu)[-2:] == ["复制", "导出 Excel…"]
    assert menu_texts(submenu(menu, "办理异动")) == [
        "转出",
        "休学",
        "退学",
        "自动退学",
        "死亡",
        "辍学",
        "信息变更",
    ]
    assert "在读证明…" in menu_texts(submenu(menu, "打印"))

    tab.select_row(row_of(tab, "李四"))  # 休学
    menu = tab.student_menu()
    assert menu_texts(submenu(menu, "办理异动")) == [
        "延长休学",
        "复学",
        "退学",
        "自动退学",
        "死亡",
        "信息变更",
    ]

    tab.table.selectAll()  # several students: 调班 and 打印 for them, a procedure is for one
    menu = tab.student_menu()
    assert not submenu(menu, "办理异动").isEnabled() and menu.actions()[1].isEnabled()


def test_a_kind_from_the_menu_opens_its_wizard_for_the_student(qtbot, pupils):
    from xueji_desktop.ui.status_changes.wizard import ProcedureWizard

    store, ids = pupils
    tab = roster_tab(qtbot, store)
    tab.select_row(row_of(tab, "李四"))
    resumption = next(a for a in submenu(tab.student_menu(), "办理异动").actions() if a.text() == "复学")
    resumption.trigger()
    wizards = [w for w in tab.findChildren(ProcedureWizard) if w.isVisible()]
    assert len(wizards) == 1
    assert wizards[0].student_id == ids[1] and wizards[0].windowTitle().find("复学") >= 0
    wizards[0].reject()


def test_ctrl_f_goes_to_the_search_box(qtbot, pupils):
    store, _ids = pupils
    tab = roster_tab(qtbot, store)
    tab.show()
    qtbot.waitExposed(tab)
    tab.activateWindow()
    tab.search.setText("张")
    tab.table.setFocus()
    qtbot.waitUntil(tab.table.hasFocus)
    qtbot.keyClick(tab.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(tab.search.hasFocus)
    assert tab.search.selectedText() == "张"  # typing replaces the last search


def test_hidden_columns_are_remembered_by_a_new_tab(qtbot, pupils):
    from xueji_desktop.ui.common.tables import columns_menu

    store, _ids = pupils
    tab = roster_tab(qtbot, store)
    assert not any(tab.table.isColumnHidden(c) for c in range(len(COLUMNS)))
    menu = columns_menu(tab.table, lambda column, on: None)
    assert menu_texts(menu) == [header for _key, header in COLUMNS]
    # the clerk unticks 出生日期 and 学籍号 in the header's menu
    tab.table.horizontalHeader().customContextMenuRequested.emit(tab.table.horizontalHeader().rect().center())
    popup = next(m for m in tab.findChildren(type(menu)) if m.isVisible())
    assert not next(
        a for a in popup.actions() if a.text() == "姓名"
    ).isEnabled()  # whose row it is: never hidden
    for action in popup.actions():
        if action.text() in ("出生日期", "学籍号"):
            action.trigger()
    popup.close()
    assert tab.table.isColumnHidden(3) and tab.table.isColumnHidden(5)

    again = roster_tab(qtbot, store)
    assert [c for c in range(len(COLUMNS)) if again.table.isColumnHidden(c)] == [3, 5]
    assert table_actions(again.table).headers() == ["学号", "姓名", "性别", "身份证件号", "状态", "班级"]


def test_a_g_and_id_number_national_student_id_is_masked_on_screen(qtbot, pupils):
    from xueji_desktop.models import Student

    store, ids = pupils
    with store.read() as session:
        number = session.get(Student, ids[0]).id_number
    tab = roster_tab(qtbot, store)
    zhang, wang = shown(tab, row_of(tab, "张三")), shown(tab, row_of(tab, "王五"))
    assert zhang[5] == "G" + mask_id_number(number) and number not in "".join(zhang)
    assert wang[5] == "L2026140406001"  # a temporary 学籍号 carries no ID number
    tip = tab.model.data(tab.model.index(row_of(tab, "张三"), 5), Qt.ItemDataRole.ToolTipRole)
    assert "已遮挡" in tip


def test_status_changes_are_newest_first_and_a_header_sorts_them(qtbot, pupils):
    from xueji_desktop.models import StatusChange
    from xueji_desktop.ui.status_changes.tab import StatusChangesTab

    store, ids = pupils
    with store.transaction() as session:
        for student_id, day in (
            (ids[0], date(2026, 9, 20)),
            (ids[1], date(2026, 10, 8)),
            (ids[2], date(2026, 9, 1)),
        ):
            session.add(
                StatusChange(
                    student_id=student_id,
                    kind="suspension",
                    effective_date=day,
                    status_before="在读",
                    status_after="休学",
                    actor="测试",
                    created_at=datetime(2026, 10, 9),
                )
            )
    tab = StatusChangesTab(store, today=date(2026, 10, 10))
    qtbot.addWidget(tab)
    tab.refresh()
    model = tab.history_model

    def days() -> list[str]:
        return [model.data(model.index(r, 0)) for r in range(model.rowCount())]

    assert days() == ["2026-10-08", "2026-09-20", "2026-09-01"]
    tab.show()
    qtbot.waitExposed(tab)
    header = tab.history_table.horizontalHeader()
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(header.sectionViewportPosition(0) + 5, 5)
    )
    assert days() == ["2026-09-01", "2026-09-20", "2026-10-08"]  # a click on 异动日期: oldest first
    tab.history_table.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # by 学生
    assert sorted(model.data(model.index(r, 1)) for r in range(3)) == [
        model.data(model.index(r, 1)) for r in range(3)
    ]
    tab.refresh()  # the order chosen stays when the list is read again
    assert [model.data(model.index(r, 1)) for r in range(3)] == sorted(["张三", "李四", "王五"])
