"""「查阅登记」 (R35.1) and 「纸质档案存放位置」 (R5.1) driven with qtbot on a real data folder: a consultation added
through the form and listed with a guardian's ID number masked, a refusal shown with 第三十五条 and nothing saved, the
批准文号 field shown only when something is copied or taken out, the register exported; a paper file's place set, then
moved, with both places in its history."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from sqlalchemy import select

from tests.factories import add_student, id_number, police_letter_row
from xueji_desktop.models import SchoolClass
from xueji_desktop.rules.confidentiality import GUARDIAN_ID, LETTER
from xueji_desktop.services import archive_register
from xueji_desktop.services.archive_register import SCHOOL_ITEMS, STUDENT_ITEMS
from xueji_desktop.ui.archive.register_dialog import ConsultationDialog, PaperPlaceDialog

TODAY = date(2026, 11, 30)
GUARDIAN_NUMBER = id_number(date(1988, 5, 20), "2", 11)


@pytest.fixture
def student(school) -> int:
    with school.read() as session:
        class_id = session.scalars(select(SchoolClass.id)).first()
    return add_student(school, class_id, name="周小雨")


def _shown(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _cells(model) -> list[list[str]]:
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def _fill(
    dialog: ConsultationDialog,
    *,
    basis=LETTER,
    organisation="潞城区公安分局",
    number="潞公函〔2026〕12号",
    student_name="",
    what="核对户籍信息",
) -> None:
    dialog.visitor.setText("赵强")
    dialog.organisation.setText(organisation)
    dialog.basis.setCurrentText(basis)
    dialog.basis_number.setText(number)
    dialog.picker.search.setText(student_name)
    dialog.what.setText(what)


def test_r35_1_a_consultation_added_through_the_form_is_listed_newest_first(qtbot, school, student, messages):
    dialog = _shown(qtbot, ConsultationDialog(school, today=TODAY))
    assert dialog.windowTitle() == "查阅登记"
    _fill(dialog, student_name="周小雨")
    assert dialog.picker.student_id() == student  # the search picks the student it finds
    dialog.copies_out.setChecked(True)
    dialog.approval_number.setText("潞教学籍〔2026〕12号")

    with qtbot.waitSignal(dialog.registered) as registered:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert messages == []
    [entry] = archive_register.consultations(school)
    assert registered.args == [entry.id]
    assert (entry.on, entry.visitor, entry.organisation, entry.basis, entry.student_id) == (
        TODAY,
        "赵强",
        "潞城区公安分局",
        LETTER,
        student,
    )
    assert entry.copies_out and entry.approval_number == "潞教学籍〔2026〕12号"
    assert _cells(dialog.model)[0][:9] == police_letter_row()
    assert dialog.visitor.text() == "" and dialog.what.text() == "" and not dialog.copies_out.isChecked()

    # an earlier consultation registered late is listed below it
    dialog.on.setDate(dialog.on.date().addDays(-40))
    _fill(dialog, basis=GUARDIAN_ID, organisation="", number=GUARDIAN_NUMBER, what="学籍信息")
    dialog.save()
    rows = _cells(dialog.model)
    assert [row[0] for row in rows] == ["2026-11-30", "2026-10-21"]
    # the ID number masked on screen
    assert rows[1][4] == GUARDIAN_NUMBER[:4] + "*" * 10 + GUARDIAN_NUMBER[-4:]
    assert rows[1][5] == "—"  # about no particular student


@pytest.mark.parametrize(
    ("fill", "copies_out", "words"),
    [
        (dict(organisation=""), False, "查阅单位"),  # a 介绍信 without its organisation
        (dict(), True, "书面批准"),  # copied or taken out without the authority's approval number
    ],
)
def test_r35_1_a_refusal_is_shown_with_its_article_and_nothing_is_saved(
    qtbot, school, messages, fill, copies_out, words
):
    dialog = _shown(qtbot, ConsultationDialog(school, today=TODAY))
    _fill(dialog, **fill)
    dialog.copies_out.setChecked(copies_out)

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert len(messages) == 1
    assert "依据《细则》第三十五条" in messages[0] and words in messages[0]
    assert archive_register.consultations(school) == []
    assert dialog.model.rowCount() == 0
    assert dialog.visitor.text() == "赵强"  # the clerk's typing stays to be corrected


def test_r35_1_who_and_what_missing_are_told_and_nothing_saved(qtbot, school, messages):
    dialog = _shown(qtbot, ConsultationDialog(school, today=TODAY))
    _fill(dialog, what="")
    dialog.save()
    assert messages == ["没有登记：请填写查阅内容"]
    assert archive_register.consultations(school) == []


def test_r35_1_the_approval_number_appears_with_the_copies_checkbox(qtbot, school):
    dialog = _shown(qtbot, ConsultationDialog(school, today=TODAY))
    label = dialog.right.labelForField(dialog.approval_number)
    assert not dialog.approval_number.isVisible() and not label.isVisible()

    dialog.copies_out.setChecked(True)
    assert dialog.approval_number.isVisible() and label.isVisible() and label.text() == "批准文号"

    dialog.copies_out.setChecked(False)
    assert not dialog.approval_number.isVisible()


def test_r35_1_opened_for_a_student_it_shows_and_registers_that_students_consultations(
    qtbot, school, student
):
    other = add_student(school, name="李明")
    archive_register.register_consultation(
        school, on=TODAY, visitor="甲", organisation="单位", basis=LETTER, what="学籍信息", student_id=other
    )
    dialog = _shown(qtbot, ConsultationDialog(school, student_id=student, today=TODAY))
    assert dialog.model.rowCount() == 0  # 李明's consultation is not this student's
    assert dialog.picker.student_id() == student and not dialog.picker.isEnabled()

    _fill(dialog)
    dialog.save()
    assert [c.student_id for c in archive_register.consultations(school, student_id=student)] == [student]
    assert dialog.model.rowCount() == 1


def test_r35_1_the_register_is_exported_for_the_paper_archive(qtbot, school, monkeypatch, out_dir):
    archive_register.register_consultation(
        school, on=TODAY, visitor="王丽", basis=GUARDIAN_ID, basis_number=GUARDIAN_NUMBER, what="学籍信息"
    )
    chosen = out_dir / "查阅登记簿"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(chosen), "Excel 文件 (*.xlsx)")
    )
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *rest: told.append(text))
    dialog = _shown(qtbot, ConsultationDialog(school, today=TODAY))

    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)

    path = out_dir / "查阅登记簿.xlsx"
    assert told and str(path) in told[0]
    row = [cell.value for cell in load_workbook(path).active[3]]
    assert row[1] == "王丽" and row[4] == GUARDIAN_NUMBER[:4] + "*" * 10 + GUARDIAN_NUMBER[-4:]


def test_r5_1_a_paper_place_is_set_then_moved_with_its_history(qtbot, school, messages):
    dialog = _shown(qtbot, PaperPlaceDialog(school))
    assert dialog.windowTitle() == "纸质档案存放位置"
    assert dialog.picker.student_id() is None  # the school archive's items are offered first
    assert [dialog.item.itemText(i) for i in range(dialog.item.count())] == list(SCHOOL_ITEMS)
    dialog.item.setCurrentText("在校生分班名册 2026-2027学年第一学期")
    dialog.place.setText("档案室 · 1号柜 · 第1层 · 2盒")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert _cells(dialog.model)[0][:4] == [
        "学校学籍档案",
        "—",
        "在校生分班名册 2026-2027学年第一学期",
        "档案室 · 1号柜 · 第1层 · 2盒",
    ]
    dialog.table.selectRow(0)  # the file moves: select it, type the new place
    assert dialog.item.currentText() == "在校生分班名册 2026-2027学年第一学期"
    dialog.place.setText("档案室 · 5号柜 · 第1层 · 3盒")
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert messages == []
    assert dialog.model.rowCount() == 1
    assert _cells(dialog.model)[0][3] == "档案室 · 5号柜 · 第1层 · 3盒"
    assert [row[0] for row in _cells(dialog.history_model)] == [
        "档案室 · 5号柜 · 第1层 · 3盒",
        "档案室 · 1号柜 · 第1层 · 2盒",
    ]
    assert [row[3] for row in _cells(dialog.history_model)] == ["现存放于此", "已移出"]
    assert "共 2 条" in dialog.history_title.text()
    [place] = archive_register.paper_places(school)
    assert place.place == "档案室 · 5号柜 · 第1层 · 3盒" and len(place.history) == 2


def test_r5_1_the_same_place_again_is_told_and_nothing_saved(qtbot, school, messages):
    archive_register.set_paper_place(school, student_id=None, item="毕业生花名册", place="档案室 · 2号柜")
    dialog = _shown(qtbot, PaperPlaceDialog(school))
    assert dialog.place.text() == "档案室 · 2号柜"  # the selected file's place, ready to be changed
    dialog.save()
    assert len(messages) == 1 and "位置没有变化" in messages[0]
    assert len(archive_register.paper_places(school)[0].history) == 1


def test_r5_1_opened_for_a_student_it_offers_the_students_archive(qtbot, school, student):
    archive_register.set_paper_place(school, student_id=None, item="毕业生花名册", place="档案室 · 2号柜")
    dialog = _shown(qtbot, PaperPlaceDialog(school, student_id=student))
    assert dialog.model.rowCount() == 0  # the school's items are not this student's
    assert dialog.picker.student_id() == student and not dialog.picker.isEnabled()
    assert [dialog.item.itemText(i) for i in range(dialog.item.count())] == list(STUDENT_ITEMS)
    dialog.place.setText("档案室 · 3号柜 · 第2层 · 12盒")
    dialog.save()
    assert _cells(dialog.model)[0][:4] == [
        "学生学籍档案",
        "周小雨",
        "学生学籍档案",
        "档案室 · 3号柜 · 第2层 · 12盒",
    ]
