"""导入本校现有学生 (issue 12 §1): the import wizard in its existing-students mode driven with qtbot over a real .xlsx,
from 名册 and as the setup wizard's last page; its pages rendered to PNG."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QMessageBox, QPushButton, QWizard
from sqlalchemy import func, select

from tests.services.test_existing_import import existing_row, good_rows, write_roster
from tests.ui.test_import_wizard import FINISH, NEXT, _next, open_wizard
from xueji_desktop.models import SchoolClass, Student
from xueji_desktop.ui.importing.existing import ExistingImportWizard


@pytest.fixture
def wizard(qtbot, school, monkeypatch):
    return open_wizard(qtbot, monkeypatch, ExistingImportWizard(school))


def _exec_imports(monkeypatch, path) -> None:
    """ExistingImportWizard.exec, as a clerk would: choose `path`, go through the four pages, 完成."""
    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)

    def run(self):
        self.show()
        self.choose_file(path)
        for _ in range(4):
            self.next()
        self.accept()
        return self.result()

    monkeypatch.setattr(ExistingImportWizard, "exec", run)


def _shown_rows(view) -> list[list[str]]:
    model = view.model()
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def _count(store, model) -> int:
    with store.read() as session:
        return session.scalar(select(func.count(model.id)))


def test_every_page_shows_the_classes_to_create_and_the_statuses_kept_R12_1(wizard, school, tmp_path):
    """R12.1: the classes the file names, new ones marked 新建, before anything is written; statuses kept; no R10.3."""
    assert wizard.windowTitle() == "导入本校现有学生"
    assert wizard.choose_file(write_roster(tmp_path / "本校学生.xlsx", good_rows()))
    _next(wizard)
    mapping = wizard.mapping_page
    assert mapping.combo(mapping.row_of("全国学籍号")).currentText() == "学籍号"  # by alias
    assert mapping.combo(mapping.row_of("班级")).currentText() == "班级"
    _next(wizard)
    assert wizard.check_page.summary.text() == "共6行：可导入6名现有学生、有错误0行、疑似重复0条"
    _next(wizard)
    page = wizard.existing_class_page
    rows = _shown_rows(page.view)
    assert ["三年级", "三年级(2)班", "新建", "0", "1", "1"] in rows
    assert ["三年级", "三年级(1)班", "已有", "0", "1", "1"] in rows
    assert "其中新建3个" in page.overview.text() and "在读5名、休学1名" in page.statuses.text()
    _next(wizard)
    assert "新建班级：" in wizard.confirm_page.what.text()
    assert _count(school, Student) == 0  # nothing written before 完成
    wizard.button(FINISH).click()
    assert wizard.result() == QWizard.DialogCode.Accepted
    assert wizard.messages == ["已导入本校现有学生6名。"]
    assert _count(school, Student) == 6 and _count(school, SchoolClass) == 8
    with school.read() as session:
        assert session.scalar(select(Student.status).where(Student.name == "陈二")) == "休学"
        assert session.scalar(select(func.count(Student.id)).where(Student.enrolment_step.is_not(None))) == 0


def test_errors_block_until_valid_only_and_a_duplicate_is_refused_R13_1(wizard, school, tmp_path):
    """R13.1: a second row with the same ID number is an error; an unknown 学籍状态 and a bad 学籍号 too."""
    first = good_rows()[0]
    twin = existing_row(
        7, "刘一", "男", date(2018, 3, 1), "三年级", 1, number=first[5], national="G" + "2" * 18
    )
    rows = [*good_rows(), twin, existing_row(8, "钱八", "男", date(2018, 2, 8), 3, 1, "借读")]
    wizard.choose_file(write_roster(tmp_path / "有错.xlsx", rows))
    _next(wizard)
    _next(wizard)
    check = wizard.check_page
    assert not wizard.button(NEXT).isEnabled() and "有2行错误" in check.blocked.text()
    check.valid_only.setChecked(True)
    _next(wizard)
    _next(wizard)
    wizard.button(FINISH).click()
    assert wizard.messages == ["已导入本校现有学生6名；有错误的2行未导入。"]


def test_the_roster_tab_offers_it_next_to_new_students(qtbot, school, tmp_path, monkeypatch):
    from xueji_desktop.ui.common.operations import STUDENTS, announcer
    from xueji_desktop.ui.roster.tab import RosterTab

    _exec_imports(monkeypatch, write_roster(tmp_path / "本校学生.xlsx", good_rows()))
    tab = RosterTab(school)
    qtbot.addWidget(tab)
    tab.refresh_tree()
    button = next(b for b in tab.findChildren(QPushButton) if b.text() == "导入现有学生…")
    with qtbot.waitSignal(announcer().changed, check_params_cb=lambda areas: STUDENTS in areas):
        button.click()
    assert _count(school, Student) == 6


def test_the_setup_wizard_ends_with_the_optional_import_page(qtbot, store, tmp_path, monkeypatch):
    """「创建学校并导入现有学生」 creates the school and shows the last page; 完成 there skips the import."""
    from tests.ui.test_setup_wizard import fill_school_page
    from xueji_desktop.ui.setup_wizard import SetupWizard

    wizard = SetupWizard(store, today=date(2026, 8, 20))
    qtbot.addWidget(wizard)
    wizard.show()
    fill_school_page(qtbot, wizard)
    for _ in range(3):
        _next(wizard)
    assert wizard.currentPage() is wizard.summary_page
    assert wizard.button(FINISH).isVisible()  # the import is optional: 完成 here skips it
    commit = wizard.button(QWizard.WizardButton.CommitButton)
    assert commit.isVisible() and commit.text() == "创建学校并导入现有学生"
    commit.click()
    assert wizard.created and wizard.currentPage() is wizard.import_page
    assert wizard.import_page.title() == "导入本校现有学生"
    _exec_imports(monkeypatch, write_roster(tmp_path / "本校学生.xlsx", good_rows()))
    wizard.import_page.start.click()
    assert wizard.import_page.result.text() == "已导入本校现有学生6名。"
    wizard.button(FINISH).click()
    assert wizard.result() == QWizard.DialogCode.Accepted
    assert _count(store, Student) == 6
