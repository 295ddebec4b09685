"""新生建籍 tab, driven as the clerk uses it: filter by step, overdue rows (R10.1), marking many students at once (R10.3),
学籍号 brought back from the provincial export (R10.4). Real store, real widgets, offscreen."""

from __future__ import annotations

import json
from datetime import date, timedelta

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox
from sqlalchemy import select

from tests.conftest import luchang_setup
from tests.factories import add_student, id_number
from xueji_desktop.models import AuditEvent, SchoolClass, Student
from xueji_desktop.rules.enrolment import STEPS
from xueji_desktop.services.school_setup import create_school
from xueji_desktop.ui import enrolment_tab as tab_module
from xueji_desktop.ui.enrolment_tab import OVERDUE, EnrolmentTab
from xueji_desktop.ui.main_window import MainWindow

HANDED_OUT, SIGNED, ENTERED, APPROVED = STEPS
TODAY = date.today()


def _class_id(store, name="一年级(1)班"):
    with store.read() as session:
        return session.scalar(select(SchoolClass.id).where(SchoolClass.name == name))


def new_student(store, name, step=HANDED_OUT, started=None, **kwargs):
    """A student made through the service, then put in the R10.3 steps (as the import does)."""
    student_id = add_student(store, _class_id(store), name=name, **kwargs)
    with store.transaction() as session:
        student = session.get(Student, student_id)
        student.enrolment_step = step
        student.enrolment_date = started or TODAY - timedelta(days=5)
    return student_id


def steps_of(store, ids):
    with store.read() as session:
        return [session.get(Student, i).enrolment_step for i in ids]


def step_events(store):
    with store.read() as session:
        return [
            (e.entity_id, json.loads(e.changes))
            for e in session.scalars(
                select(AuditEvent).where(AuditEvent.action == "enrolment.step").order_by(AuditEvent.id)
            )
        ]


def shown(tab, column=0):
    """The texts of one column, in the order the table shows them."""
    return [tab.proxy.index(row, column).data() for row in range(tab.proxy.rowCount())]


def row_of(tab, name):
    return shown(tab).index(name)


@pytest.fixture
def warnings(monkeypatch):
    """QMessageBox.warning calls (the findings and errors shown), instead of modal boxes."""
    said = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: said.append((title, text)))
    return said


@pytest.fixture
def cohort(qtbot, school):
    """Three new students at 信息表已下发 (甲 overdue by 10 days), one at 已签字回收, one approved, one formal."""
    ids = {
        "甲": new_student(school, "甲", HANDED_OUT, TODAY - timedelta(days=40)),
        "乙": new_student(school, "乙", HANDED_OUT),
        "丙": new_student(school, "丙", HANDED_OUT),
        "丁": new_student(school, "丁", SIGNED),
        "戊": new_student(school, "戊", APPROVED, TODAY - timedelta(days=60)),
    }
    add_student(school, _class_id(school), name="老生")  # a formal record: not in the steps, not shown
    tab = EnrolmentTab(school)
    qtbot.addWidget(tab)
    tab.refresh()
    return school, tab, ids


def test_empty_state_points_to_the_roster_import(qtbot, school):
    tab = EnrolmentTab(school)
    qtbot.addWidget(tab)
    tab.refresh()
    assert not tab.empty.isHidden() and tab.table.isHidden()
    assert "还没有新生" in tab.empty.text() and "名册" in tab.empty.text() and "导入新生" in tab.empty.text()
    assert not tab.step_filter.isEnabled()


def test_lists_new_students_with_deadline_and_summary(cohort):
    store, tab, ids = cohort
    assert not tab.table.isHidden() and tab.empty.isHidden()
    assert sorted(shown(tab)) == sorted(["甲", "乙", "丙", "丁", "戊"])  # 老生 is a formal record
    assert shown(tab)[0] == "甲"  # most urgent first
    row = row_of(tab, "乙")
    assert shown(tab, 1)[row] == "一年级(1)班"
    assert shown(tab, 3)[row] == f"{TODAY - timedelta(days=5):%Y-%m-%d}"
    assert shown(tab, 4)[row] == f"{TODAY + timedelta(days=25):%Y-%m-%d}"
    assert shown(tab, 5)[row] == "25 天"
    assert shown(tab, 5)[row_of(tab, "甲")] == "已逾期 10 天"
    text = tab.summary.text()
    assert "信息表已下发 3 · 已签字回收 1 · 已录入系统 0 · 审核通过 1" in text
    assert "逾期 1" in text


def test_filter_by_step_and_overdue_only(cohort):
    store, tab, ids = cohort
    tab.step_filter.setCurrentIndex(tab.step_filter.findData(SIGNED))
    assert shown(tab) == ["丁"]
    assert "当前显示 1 名" in tab.summary.text()
    tab.step_filter.setCurrentIndex(tab.step_filter.findData(HANDED_OUT))
    assert sorted(shown(tab)) == sorted(["甲", "乙", "丙"])
    tab.overdue_only.setChecked(True)
    assert shown(tab) == ["甲"]
    tab.step_filter.setCurrentIndex(tab.step_filter.findText("全部"))
    assert shown(tab) == ["甲"]  # 戊 is past 30 days but approved: not overdue
    tab.overdue_only.setChecked(False)
    assert len(shown(tab)) == 5


def test_r10_1_overdue_rows_are_red_with_the_findings_text(cohort):
    store, tab, ids = cohort
    late = row_of(tab, "甲")
    for column in range(tab.proxy.columnCount()):
        index = tab.proxy.index(late, column)
        assert index.data(Qt.ItemDataRole.ForegroundRole).color() == OVERDUE
        tooltip = index.data(Qt.ItemDataRole.ToolTipRole)
        assert tooltip.startswith("依据《细则》第十条：学籍应自入学之日")
        assert f"期限{TODAY - timedelta(days=10):%Y-%m-%d}已过10天" in tooltip
        assert "当前步骤为“信息表已下发”" in tooltip
    for name in ("乙", "戊"):  # on time; approved (however old)
        index = tab.proxy.index(row_of(tab, name), 0)
        assert index.data(Qt.ItemDataRole.ForegroundRole) is None
        assert index.data(Qt.ItemDataRole.ToolTipRole) is None


def test_r15_1_a_grade_7_newcomer_cites_article_15(qtbot, store):
    """初一 newcomers come over from their primary school (学籍转接): the finding is R15.1's, not R10.1's."""
    create_school(store, luchang_setup(name="潞城区第一中学", stage="junior", classes_per_grade={7: 1}))
    with store.read() as session:
        [class_id] = session.scalars(select(SchoolClass.id))
    student_id = add_student(store, class_id, name="初一新生", birth=date(2013, 5, 1))
    with store.transaction() as session:
        student = session.get(Student, student_id)
        student.enrolment_step, student.enrolment_date = SIGNED, TODAY - timedelta(days=40)
    tab = EnrolmentTab(store)
    qtbot.addWidget(tab)
    tab.refresh()
    tooltip = tab.proxy.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip.startswith("依据《细则》第十五条：初一、高一新生应自入学之日")
    assert "办理学籍转接" in tooltip and "已过10天" in tooltip


def test_r10_3_mark_selected_students_to_the_next_step_with_audit_events(cohort):
    store, tab, ids = cohort
    tab.select_students([ids["甲"], ids["乙"]])
    assert tab.selected_label.text() == "已选 2 名" and tab.next_button.isEnabled()
    assert tab.mark_next_step() == 2
    assert steps_of(store, [ids["甲"], ids["乙"], ids["丙"]]) == [SIGNED, SIGNED, HANDED_OUT]
    assert sorted(step_events(store)) == sorted(
        [(ids[n], {"建籍步骤": [HANDED_OUT, SIGNED]}) for n in ("甲", "乙")]
    )
    assert shown(tab, 2)[row_of(tab, "乙")] == SIGNED  # the table shows the new step
    assert "已把 2 名学生标记为“已签字回收”" in tab.message.text()
    assert "信息表已下发 1 · 已签字回收 3" in tab.summary.text()
    assert not tab.next_button.isEnabled()  # the refresh cleared the selection


def test_r10_3_mark_as_a_chosen_step(cohort):
    store, tab, ids = cohort
    tab.select_students([ids["丁"]])
    tab.target_step.setCurrentText(ENTERED)
    tab.mark_button.click()
    assert steps_of(store, [ids["丁"]]) == [ENTERED]


def test_r10_3_a_skipped_step_is_refused_and_nothing_changes(cohort, warnings, monkeypatch):
    store, tab, ids = cohort
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: pytest.fail("a skip is not a step back"))
    tab.select_students([ids["乙"], ids["丙"]])
    assert tab.mark_selected(ENTERED) == 0
    [(title, text)] = warnings
    assert text.count("依据《细则》第十条：") == 2  # every refused student named
    assert "乙：建立学籍须按顺序逐步办理" in text and "跳过步骤" in text and "丙：" in text
    assert steps_of(store, [ids["乙"], ids["丙"]]) == [HANDED_OUT, HANDED_OUT]
    assert step_events(store) == []


def test_r10_3_one_refused_student_refuses_the_whole_selection(cohort, warnings):
    store, tab, ids = cohort
    tab.select_students([ids["乙"], ids["丁"]])  # 丁 is at 已签字回收: 乙 would skip one
    assert tab.mark_selected(ENTERED) == 0
    assert "乙：" in warnings[0][1] and "丁" not in warnings[0][1]
    assert steps_of(store, [ids["乙"], ids["丁"]]) == [HANDED_OUT, SIGNED]


def test_r10_3_a_step_back_asks_for_the_reason_which_is_kept(cohort, monkeypatch):
    store, tab, ids = cohort
    asked = []

    def answer(parent, title, label, *args, **kwargs):
        asked.append(label)
        return "家长签字的信息表填错了出生日期", True

    monkeypatch.setattr(QInputDialog, "getText", answer)
    tab.select_students([ids["丁"]])
    assert tab.mark_selected(HANDED_OUT) == 1
    assert "原因" in asked[0]
    assert steps_of(store, [ids["丁"]]) == [HANDED_OUT]
    assert step_events(store) == [
        (ids["丁"], {"建籍步骤": [SIGNED, HANDED_OUT], "原因": "家长签字的信息表填错了出生日期"})
    ]


def test_r10_3_a_step_back_without_a_reason_changes_nothing(cohort, monkeypatch, warnings):
    store, tab, ids = cohort
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", False))  # 取消
    tab.select_students([ids["丁"]])
    assert tab.mark_selected(HANDED_OUT) == 0
    assert warnings == []
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("   ", True))  # 确定 with nothing written
    assert tab.mark_selected(HANDED_OUT) == 0
    assert "须写明原因" in warnings[0][1]
    assert steps_of(store, [ids["丁"]]) == [SIGNED] and step_events(store) == []


def test_next_step_needs_one_step_among_the_selected(cohort, warnings):
    store, tab, ids = cohort
    tab.select_students([ids["乙"], ids["丁"]])
    assert tab.mark_next_step() == 0
    assert "不同的建籍步骤" in warnings[0][1]
    tab.select_students([ids["戊"]])
    assert tab.mark_next_step() == 0
    assert "已审核通过" in warnings[1][1]
    assert step_events(store) == []


def _national_ids_file(path, rows):
    """The provincial system's student export, as openpyxl writes it: a title row, then the header."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "学生信息"
    sheet.append(["潞城区实验小学学生信息导出"])
    sheet.append(["学生姓名", "性别", "身份证件号码", "全国学籍号"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _numbers(store, ids):
    with store.read() as session:
        return {name: session.get(Student, i).id_number for name, i in ids.items()}


def _national_ids(store, ids):
    with store.read() as session:
        return {name: session.get(Student, i).national_student_id for name, i in ids.items()}


def test_r10_4_national_ids_imported_from_an_xlsx(cohort, tmp_path, warnings):
    store, tab, ids = cohort
    numbers = _numbers(store, ids)
    with store.transaction() as session:
        session.get(Student, ids["丁"]).national_student_id = "G" + numbers["丁"]
    stranger = id_number(date(2019, 6, 1), "2", 401)
    path = _national_ids_file(
        tmp_path / "学籍系统导出.xlsx",
        [
            ["甲", "男", numbers["甲"], "G" + numbers["甲"]],
            ["乙", "男", numbers["乙"].lower(), "L140406201909011234"],
            ["丁", "男", numbers["丁"], "G" + numbers["乙"]],  # 丁 has a 学籍号: never overwritten
            ["无名", "女", stranger, "G" + stranger],
            ["丙", "男", numbers["丙"], "X123"],
        ],
    )

    result = tab.import_national_ids(path)

    assert warnings == []
    assert [line.student_name for line in result.set] == ["甲", "乙"]
    assert _national_ids(store, ids) == {
        "甲": "G" + numbers["甲"],
        "乙": "L140406201909011234",
        "丙": None,
        "丁": "G" + numbers["丁"],
        "戊": None,
    }
    dialog = tab.national_id_dialog
    assert dialog.isVisible()
    assert (
        "已填入学籍号 2 名 · 原已相同 0 名 · 冲突 1 条 · 未找到学生 1 条 · 无效 1 条" in dialog.summary.text()
    )
    model = dialog.model
    rows = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]
    assert [row[0] for row in rows] == ["冲突，未改动", "未找到学生", "无效", "已填入", "已填入"]
    assert "学籍号终身不变" in rows[0][5] and rows[0][2] == "丁"
    assert rows[1][5] == "没有使用这个身份证件号的学生"
    assert "应以字母G、L或J开头" in rows[2][5]
    assert rows[3][3] == numbers["甲"][:4] + "*" * 10 + numbers["甲"][-4:]  # masked on screen
    assert model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole).color() == OVERDUE
    assert model.index(3, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    dialog.close()


def test_r10_4_a_file_that_is_not_excel_is_a_chinese_message(cohort, tmp_path, warnings):
    store, tab, ids = cohort
    path = tmp_path / "导出.xlsx"
    path.write_text("姓名,身份证件号,学籍号\n甲,1,2\n", encoding="utf-8")
    assert tab.import_national_ids(path) is None
    [(title, text)] = warnings
    assert title == "导入学籍号" and text.startswith("没有导入学籍号：")
    assert any("\u4e00" <= c <= "\u9fff" for c in text[8:])
    assert tab.national_id_dialog is None
    assert set(_national_ids(store, ids).values()) == {None}


def test_r10_4_a_file_without_the_two_columns(cohort, tmp_path, warnings):
    store, tab, ids = cohort
    book = openpyxl.Workbook()
    book.active.append(["姓名", "身份证件号", "班级"])
    book.active.append(["甲", "140406201903140011", "一年级(1)班"])
    book.save(tmp_path / "少一列.xlsx")
    assert tab.import_national_ids(tmp_path / "少一列.xlsx") is None
    assert "身份证件号" in warnings[0][1] and "学籍号" in warnings[0][1]


def test_the_tab_opens_the_batch_dialog(cohort, monkeypatch):
    store, tab, ids = cohort
    opened = []
    from xueji_desktop.ui import batch_dialog

    monkeypatch.setattr(batch_dialog.BatchDialog, "exec", lambda dialog: opened.append(dialog.eligible) or 0)
    tab.open_batch_dialog()
    assert opened == [4]  # 甲 乙 丙 丁: in the steps and not yet approved


def test_main_window_has_the_tab_between_roster_and_changes(qtbot, school):
    new_student(school, "甲", HANDED_OUT, TODAY - timedelta(days=40))
    root = school.folder.root
    school.close()
    window = MainWindow(root)
    qtbot.addWidget(window)
    assert window.open_data()
    try:
        names = [window.tabs.tabText(i) for i in range(window.tabs.count())]
        assert names[:3] == ["名册", "新生建籍", "异动"]
        assert window.enrolment_tab.model.rowCount() == 0  # filled when shown
        window.show_tab("新生建籍")
        assert window.tabs.currentWidget() is window.enrolment_tab
        assert shown(window.enrolment_tab) == ["甲"]
    finally:
        window.close()


def test_module_layers():
    """The tab reaches data only through services (and rules for the findings' text)."""
    source = open(tab_module.__file__, encoding="utf-8").read()
    assert "sqlalchemy" not in source and "store.transaction" not in source and "store.read" not in source
