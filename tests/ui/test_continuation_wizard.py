"""初一/高一新生学籍转接 (第十五条, R15.1): the import wizard in its third mode driven with qtbot over a real .xlsx — the
entry date and the deadline it gives, the classes of 初一 — and the 新生建籍 tab following each 转接 to 转接完成, overdue
ones in red with R15.1's text; a primary school is told it takes no one by 转接."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QMessageBox, QWizard
from sqlalchemy import func, select

from tests.factories import school_store
from tests.services.test_continuation import good_rows, newcomer, write_list
from tests.ui.test_import_wizard import FINISH, _next, open_wizard
from xueji_desktop.models import AuditEvent, StatusChange, Student
from xueji_desktop.rules.enrolment import STEPS
from xueji_desktop.ui.enrolment_tab import CONTINUATION, OVERDUE, EnrolmentTab
from xueji_desktop.ui.importing.continuation import ContinuationImportWizard

HANDED_OUT, SIGNED, ENTERED, APPROVED = STEPS
TODAY = date.today()


@pytest.fixture
def junior(tmp_path):
    with school_store(
        tmp_path / "junior", name="潞城区第一中学", stage="junior", classes_per_grade={7: 2, 8: 1}
    ) as store:
        yield store


@pytest.fixture
def wizard(qtbot, junior, monkeypatch):
    return open_wizard(qtbot, monkeypatch, ContinuationImportWizard(junior))


def _shown(view) -> list[list[str]]:
    model = view.model()
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_r15_1_the_wizard_takes_the_newcomers_with_their_entry_date_and_deadline(wizard, junior, tmp_path):
    assert wizard.windowTitle() == "初一/高一新生学籍转接"
    assert wizard.choose_file(write_list(tmp_path / "初一新生.xlsx", good_rows()))
    _next(wizard)
    mapping = wizard.mapping_page
    assert mapping.combo(mapping.row_of("全国学籍号")).currentText() == "学籍号"
    assert mapping.combo(mapping.row_of("毕业学校")).currentText() == "原学校"
    _next(wizard)
    assert wizard.check_page.summary.text() == "共3行：可导入3名初一新生、有错误0行、疑似重复0条"
    _next(wizard)
    page = wizard.continuation_page
    assert page.title() == "入学日期与班级"
    page.entry.setDate(QDate(2026, 9, 1))
    assert page.deadline.text() == "须在 2026-10-01 前转接完成（入学之日起30天）"
    rows = _shown(page.view)
    assert ["七年级", "七年级(3)班", "新建", "0", "1", "1"] in rows
    assert ["七年级", "七年级(1)班", "已有", "0", "1", "1"] in rows
    assert "其中新建1个" in page.overview.text() and "转接完成" in page.statuses.text()
    _next(wizard)
    what = wizard.confirm_page.what.text()
    assert "导入初一新生：3名" in what and "须在2026-10-01前转接完成" in what and "第十五条" in what
    with junior.read() as session:
        assert session.scalar(select(func.count(Student.id))) == 0  # nothing written before 完成
    wizard.button(FINISH).click()
    assert wizard.result() == QWizard.DialogCode.Accepted
    assert wizard.messages == ["已导入初一/高一新生3名（学籍转接）。"]
    with junior.read() as session:
        students = session.scalars(select(Student)).all()
        assert {(s.enrolment_step, s.enrolment_date, s.entry_month) for s in students} == {
            (ENTERED, date(2026, 9, 1), "2026-09")
        }
        kinds = session.scalars(select(StatusChange.kind)).all()
        assert kinds == ["continuation"] * 3
        [event] = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "student.import_continuation")
        )
        assert json.loads(event.changes)["转接期限"] == [None, "2026-10-01"]


def test_r15_1_a_class_outside_grade_7_blocks_until_valid_only(wizard, junior, tmp_path):
    rows = [*good_rows(), newcomer(4, "王四", "女", date(2013, 1, 4), "初二(1)班")]
    assert wizard.choose_file(write_list(tmp_path / "有错.xlsx", rows))
    _next(wizard)
    _next(wizard)
    check = wizard.check_page
    [problem] = [row for row in _shown(check.problem_view) if row[1] == "错误"]
    assert problem[0] == "5" and problem[2] == "班级" and "班级不在初一" in problem[4]
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    check.valid_only.setChecked(True)
    _next(wizard)
    _next(wizard)
    wizard.button(FINISH).click()
    assert wizard.messages == ["已导入初一/高一新生3名（学籍转接）；有错误的1行未导入。"]


def test_r15_1_the_tab_follows_each_transfer_to_completion(qtbot, junior, tmp_path, monkeypatch):
    """The tab's button opens the wizard; the newcomers are listed as 学籍转接 with their deadline, an overdue one in
    red with R15.1's text; 转接完成 marks them 审核通过."""
    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    entry = TODAY - timedelta(days=35)
    path = write_list(tmp_path / "初一新生.xlsx", good_rows())

    def clerk(self):
        self.show()
        self.choose_file(path)
        for _ in range(3):
            self.next()
        self.continuation_page.entry.setDate(QDate(entry.year, entry.month, entry.day))
        self.next()
        self.accept()
        return self.result()

    monkeypatch.setattr(ContinuationImportWizard, "exec", clerk)
    tab = EnrolmentTab(junior)
    qtbot.addWidget(tab)
    tab.refresh()
    assert "导入初一/高一新生" in tab.empty.text()
    [button] = [
        b for b in tab.findChildren(type(tab.complete_button)) if b.text().startswith("导入初一/高一新生")
    ]
    button.click()
    assert tab.proxy.rowCount() == 3
    row = [tab.proxy.index(0, c).data() for c in range(tab.proxy.columnCount())]
    assert row[2] == ENTERED and row[3] == f"{entry:%Y-%m-%d}" and row[6] == CONTINUATION
    assert row[4] == f"{entry + timedelta(days=30):%Y-%m-%d}" and row[5] == "已逾期 5 天"
    first = tab.proxy.index(0, 0)
    assert first.data(Qt.ItemDataRole.ForegroundRole).color() == OVERDUE
    assert first.data(Qt.ItemDataRole.ToolTipRole).startswith(
        "依据《细则》第十五条：初一、高一新生应自入学之日"
    )
    assert "学籍转接 3 名（待完成 3）" in tab.summary.text() and "逾期 3" in tab.summary.text()
    tab.kind_filter.setCurrentText("新生建籍")
    assert tab.proxy.rowCount() == 0
    tab.kind_filter.setCurrentText(CONTINUATION)
    tab.table.selectAll()
    assert tab.complete_button.isEnabled()
    assert tab.mark_transfer_complete() == 3
    with junior.read() as session:
        assert set(session.scalars(select(Student.enrolment_step))) == {APPROVED}
    assert "逾期 0" in tab.summary.text() and "待完成 0" in tab.summary.text()


def test_r15_1_a_primary_school_is_told_it_takes_no_one_by_transfer(qtbot, school, monkeypatch):
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *a: told.append(text))
    opened: list[object] = []
    monkeypatch.setattr(ContinuationImportWizard, "exec", lambda self: opened.append(self))
    tab = EnrolmentTab(school)
    qtbot.addWidget(tab)
    tab.import_continuation()
    assert opened == [] and len(told) == 1 and "第十五条" in told[0] and "没有初一、高一年级" in told[0]
