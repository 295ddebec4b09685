"""The main window and its 名册 tab, driven as the clerk uses them (real store, real widgets, offscreen)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.factories import add_student
from xueji_desktop.services import roster
from xueji_desktop.store import Store
from xueji_desktop.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, school):
    """The main window over the `school` fixture's folder, three students in 一年级(1)班 and one in (2)班."""
    first, second = (c.id for c in roster.class_tree(school)[0].classes)
    add_student(school, first, name="张三", birth=date(2019, 3, 12))
    add_student(school, first, name="李四", birth=date(2019, 5, 1), gender="2")
    add_student(school, first, name="王五", birth=date(2019, 7, 9))
    add_student(school, second, name="赵六", birth=date(2019, 8, 30), gender="2")
    root = school.folder.root
    school.close()
    main = MainWindow(root)
    qtbot.addWidget(main)
    assert main.open_data()
    yield main
    main.close()


def test_title_names_school_and_term(window):
    assert "潞城区实验小学" in window.windowTitle()
    assert "学年第" in window.windowTitle() and "学期" in window.windowTitle()
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "名册",
        "新生建籍",
        "异动",
        "档案",
    ]
    assert str(window.store.folder.database) in window.data_label.text()


def test_tree_shows_sizes_against_the_standard(window):
    """R12.1: each class shows size/standard (一年级(1)班 3/45)."""
    tree = window.roster_tab.tree
    school = tree.topLevelItem(0)
    grade_one = school.child(0)
    assert grade_one.text(0) == "一年级"
    assert (grade_one.child(0).text(0), grade_one.child(0).text(1)) == ("一年级(1)班", "3/45")
    assert grade_one.child(1).text(1) == "1/45"
    assert school.text(1) == "4"


def test_roster_lists_the_class_with_masked_ids(window):
    model = window.roster_tab.model
    assert model.rowCount() == 3  # 一年级(1)班 is selected first: it has students
    names = {model.data(model.index(r, 1)) for r in range(3)}
    assert names == {"张三", "李四", "王五"}
    masked = model.data(model.index(0, 4))
    assert masked[:4] == "1404" and masked[4:14] == "*" * 10 and len(masked) == 18


@pytest.mark.parametrize("query", ["zs", "zhangsan", "张", "ZS"])
def test_search_spans_the_whole_school(window, qtbot, query):
    tab = window.roster_tab
    tab.search.setText(query)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1 and tab.model.data(tab.model.index(0, 1)) == "张三")
    assert "全校搜索" in tab.count_label.text()


def test_search_by_id_fragment_finds_other_classes(window, qtbot):
    with window.store.read() as session:
        from sqlalchemy import select

        from xueji_desktop.models import Student

        number = session.scalar(select(Student.id_number).where(Student.name == "赵六"))
    tab = window.roster_tab
    tab.search.setText(number[-6:])
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    assert tab.model.data(tab.model.index(0, 1)) == "赵六"
    assert tab.model.data(tab.model.index(0, 7)) == "一年级(2)班"


def test_status_filter(window, qtbot):
    tab = window.roster_tab
    tab.status_filter.setCurrentIndex(tab.status_filter.findData("休学"))
    assert tab.model.rowCount() == 0
    tab.status_filter.setCurrentIndex(tab.status_filter.findData("在读"))
    assert tab.model.rowCount() == 3


def test_sorting_by_header_queries_again(window):
    tab = window.roster_tab
    tab.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)  # 出生日期, newest first
    births = [tab.model.data(tab.model.index(r, 3)) for r in range(tab.model.rowCount())]
    assert births == sorted(births, reverse=True)


def test_move_students_updates_tree(window):
    tab = window.roster_tab
    target = roster.class_tree(window.store)[0].classes[1].id
    tab.select_row(0)
    assert tab.move_students(tab.selected_student_ids(), target) == 1
    grade_one = tab.tree.topLevelItem(0).child(0)
    assert grade_one.child(0).text(1) == "2/45" and grade_one.child(1).text(1) == "2/45"


def test_move_over_the_maximum_is_refused_citing_article_12(window, monkeypatch):
    """R12.1: a full class (50 in primary) refuses one more, and the message names 第十二条."""
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    target = roster.class_tree(window.store)[1].classes[0].id  # 二年级(1)班
    for n in range(50):
        add_student(window.store, target, birth=date(2018, 1, 1 + n % 28), confirmed=True)
    tab = window.roster_tab
    tab.select_row(0)
    assert tab.move_students(tab.selected_student_ids(), target) == 0
    assert shown and "第十二条" in shown[0] and "上限50人" in shown[0]


def test_archive_tab_shows_audit_and_backup(window, qtbot):
    window.show_tab("档案")
    qtbot.waitUntil(lambda: window.archive_tab.backup_model.rowCount() >= 1, timeout=3000)
    actions = {
        window.archive_tab.audit_model.data(window.archive_tab.audit_model.index(r, 2))
        for r in range(window.archive_tab.audit_model.rowCount())
    }
    assert {"设置学校", "新增学生"} <= actions


def test_status_tab_is_honest_when_empty(window):
    window.show_tab("异动")
    assert window.status_tab.model.rowCount() == 0
    assert not window.status_tab.empty.isHidden()


def test_second_window_on_the_same_folder_is_refused(window, qtbot, monkeypatch):
    """T6: a second copy of the app on one data folder gets the clear message, not a second writer."""
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    other = MainWindow(window.data_dir)
    qtbot.addWidget(other)
    assert not other.open_data()
    assert shown and "另一个" in shown[0]


def test_screenshot_command_renders_each_tab(window, tmp_path):
    """`xueji screenshot` draws the real window to a PNG (here after closing the first window)."""
    from PySide6.QtGui import QImage

    from xueji_desktop.cli import main as cli_main

    root = window.data_dir
    window.close()
    for tab in ("名册", "异动", "档案"):
        out = tmp_path / f"{tab}.png"
        assert cli_main(["screenshot", str(out), "--tab", tab, "--data-dir", str(root)]) == 0
        image = QImage(str(out))
        assert image.width() == 1280 and image.height() == 760


def test_store_reopens_after_window_closes(window):
    root = window.data_dir
    window.close()
    with Store.open(root) as store:
        assert len(roster.list_students(store)) == 4


def test_a_broad_search_shows_its_first_matches_and_says_so(window, qtbot, monkeypatch):
    """At 50,000 students a one-letter search matches thousands: the first ones are shown, and the clerk is told."""
    import xueji_desktop.ui.roster.tab as roster_tab_module

    monkeypatch.setattr(roster_tab_module, "SEARCH_SHOWN", 2)
    tab = window.roster_tab
    tab.search.setText("1404")  # every student's ID number
    qtbot.waitUntil(lambda: "只显示前 2 名" in tab.count_label.text())
    assert tab.model.rowCount() == 2


def test_other_tabs_are_built_after_the_roster_has_painted(window, qtbot):
    """The 名册 tab is filled first; 新生建籍/异动/档案 replace their placeholders once it has painted."""
    assert window._other_tabs is None
    assert window.roster_tab.model.rowCount() == 3
    window.show()
    qtbot.waitUntil(lambda: window._other_tabs is not None, timeout=3000)
    assert [window.tabs.widget(i) for i in range(1, 4)] == [
        window.enrolment_tab,
        window.status_tab,
        window.archive_tab,
    ]
    assert window.tabs.currentWidget() is window.roster_tab


def test_switching_to_a_tab_not_yet_built_builds_and_fills_it(window):
    window.tabs.setCurrentIndex(2)  # the clerk clicks 异动 before the roster has painted
    assert window.tabs.currentWidget() is window.status_tab
    assert window.tabs.tabText(2) == "异动"
    assert not window.status_tab.empty.isHidden()


def test_the_certificate_menu_opens_its_dialogs(window, monkeypatch):
    from PySide6.QtWidgets import QDialog

    opened = []
    monkeypatch.setattr(QDialog, "exec", lambda self: opened.append(type(self).__name__) or 0)
    menu = window.menuBar().actions()[0].menu()
    assert window.menuBar().actions()[0].text() == "证明与打印"
    for action in menu.actions():
        action.trigger()
    assert opened == ["VerifyDialog", "DocumentSettingsDialog", "OverlayDialog"]


def test_help_about_shows_the_open_data_folder(window, monkeypatch):
    from xueji_desktop.ui import about_dialog

    shown = []
    monkeypatch.setattr(about_dialog, "show_about", lambda parent, folder: shown.append(folder) or 0)
    help_menu = window.menuBar().actions()[-1]
    assert help_menu.text() == "帮助"
    help_menu.menu().actions()[0].trigger()
    assert shown == [window.store.folder.root]


def test_the_archive_tab_opens_the_review_and_the_registers(window, monkeypatch):
    from PySide6.QtWidgets import QDialog

    opened = []
    monkeypatch.setattr(QDialog, "exec", lambda self: opened.append(type(self).__name__) or 0)
    tab = window.archive_tab
    for key in ("review", "consultations", "paper_places"):
        tab.register_buttons[key].click()
    assert opened == ["ReviewDialog", "ConsultationDialog", "PaperPlaceDialog"]
    archive_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "存档")
    assert [a.text() for a in archive_menu.actions()[:3]] == ["本学期复核…", "查阅登记…", "纸质档案存放位置…"]


def test_a_review_finding_opens_its_student(window, monkeypatch):
    from xueji_desktop.ui.archive.review_dialog import ReviewDialog
    from xueji_desktop.ui.roster.student_dialog import StudentDialog

    student_id = roster.list_students(window.store, limit=1)[0].id
    opened = []
    monkeypatch.setattr(
        ReviewDialog, "exec", lambda self: self.open_student.emit(student_id) or 0
    )  # a double-click
    monkeypatch.setattr(StudentDialog, "exec", lambda self: opened.append(self.windowTitle()) or 0)
    window.archive_tab.open_register("review")
    assert len(opened) == 1 and opened[0].startswith("学生信息 — ")
