"""导入新生名单 wizard, what a whole grade's list needs: the column mapping remembered as soon as 对应列's 下一步
confirms it (a cancelled import keeps it), and the 入学日期 and 学号 scheme asked on the 编班 page, written with the
students. Real .xlsx, real store, driven with qtbot."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QWizard
from sqlalchemy import func, select

from tests.factories import new_students_file
from tests.ui.test_import_wizard import FINISH, _next, open_wizard
from xueji_desktop.models import ImportMapping, Student
from xueji_desktop.services.student_import import number_scheme, plan_import
from xueji_desktop.ui.importing.wizard import ImportWizard


def test_the_mapping_is_remembered_at_its_next_even_when_the_import_is_cancelled(
    qtbot, school, monkeypatch, tmp_path
):
    wizard = open_wizard(qtbot, monkeypatch, ImportWizard(school))
    path = new_students_file(tmp_path)
    assert wizard.choose_file(path)
    _next(wizard)
    assert wizard.currentPage() is wizard.mapping_page
    wizard.mapping_page.set_column("现住址", None)  # the clerk's own choice: 现住址 not imported
    _next(wizard)  # 对应列 confirmed
    wizard.button(QWizard.WizardButton.CancelButton).click()
    assert wizard.result() == QWizard.DialogCode.Rejected
    with school.read() as session:
        assert session.scalar(select(func.count(ImportMapping.id))) == 1
        assert session.scalar(select(func.count(Student.id))) == 0
    again = plan_import(school, path)
    assert again.remembered_mapping
    assert "current_address" not in {c.field for c in again.mapping.columns if c is not None}


def test_r10_3_the_enrolment_date_and_the_school_number_scheme_of_the_class_page(
    qtbot, school, monkeypatch, tmp_path
):
    wizard = open_wizard(qtbot, monkeypatch, ImportWizard(school))
    assert wizard.choose_file(new_students_file(tmp_path))
    for _ in range(3):
        _next(wizard)
    page = wizard.class_page
    assert wizard.currentPage() is page
    page.enrolment_date.setDate(QDate(2026, 9, 7))
    assert "2026-10-07" in page.deadline.text()  # 第十条: 30 days from the 入学日期
    page.scheme.setText("{入学年}{班号:02}")
    assert (
        "序号" in page.scheme_preview.text()
        and not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    )
    page.scheme.setText("{入学年}{班号:02}{序号:02}")
    assert "20260101" in page.scheme_preview.text()
    _next(wizard)
    assert "入学日期：2026-09-07" in wizard.confirm_page.what.text()
    wizard.button(FINISH).click()
    with school.read() as session:
        rows = session.execute(select(Student.enrolment_date, Student.school_number)).all()
    assert {d for d, _ in rows} == {date(2026, 9, 7)}
    assert sorted(n for _, n in rows)[:2] == ["20260101", "20260102"]
    assert number_scheme(school) == "{入学年}{班号:02}{序号:02}"
