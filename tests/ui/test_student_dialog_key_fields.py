"""The student dialog once a record is established: key fields read-only with 「申请信息变更…」 beside them opening
the 信息变更 wizard filled in (R14.1); a graduate's record read-only throughout (R14.2); the 学籍号 set once (R10.4);
「放弃修改？」 on closing with unsaved edits, by Esc, 取消 and the window's close button alike, and no question when
nothing changed; the student picker marking a record not yet established (R10.3)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from tests.factories import add_graduate, add_student, class_id_of
from xueji_desktop.models import Student
from xueji_desktop.reference.student_fields import STUDENT_FIELDS
from xueji_desktop.rules.key_fields import key_fields
from xueji_desktop.ui.common.student_picker import NOT_ESTABLISHED, StudentPicker
from xueji_desktop.ui.roster.student_dialog import CHANGE_BUTTON, StudentDialog, is_read_only
from xueji_desktop.ui.status_changes.wizard import ProcedureWizard

NSID = "G140406201903140011"


def _set(store, student_id: int, **values) -> None:
    with store.transaction() as session:
        student = session.get(Student, student_id)
        for key, value in values.items():
            setattr(student, key, value)


def _dialog(qtbot, store, student_id: int, *, shown: bool = False) -> StudentDialog:
    dialog = StudentDialog(store, student_id)
    qtbot.addWidget(dialog)
    if shown:
        dialog.show()
        qtbot.waitExposed(dialog)
    return dialog


@pytest.fixture
def questions(monkeypatch):
    """QMessageBox.question recorded and answered with answer[0] (否 unless a test changes it)."""
    asked: list[str] = []
    answer = [QMessageBox.StandardButton.No]

    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return answer[0]

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked, answer


def test_r14_1_key_fields_of_an_established_record_are_read_only(qtbot, school):
    student_id = add_student(school, class_id_of(school, 2), name="张三")  # a formal record: no R10.3 step
    dialog = _dialog(qtbot, school, student_id)
    for key in key_fields():
        assert is_read_only(dialog.editor(key)), key
        assert "信息变更" in dialog.editor(key).toolTip() and "第十四条" in dialog.editor(key).toolTip()
    for key in ("phone", "current_address", "school_number", "name_pinyin"):
        assert not is_read_only(dialog.editor(key)), key
    assert dialog.change_button is not None and dialog.change_button.text() == CHANGE_BUTTON
    assert dialog.change_button.isVisibleTo(dialog)
    assert "第十四条" in dialog.locked_note.text() and "姓名" in dialog.locked_note.text()
    assert dialog.save_button.isEnabled()


def test_r14_1_key_fields_stay_editable_while_the_record_is_being_established(qtbot, school):
    student_id = add_student(school, class_id_of(school, 1))
    _set(school, student_id, enrolment_step="已录入系统")
    dialog = _dialog(qtbot, school, student_id)
    assert not any(is_read_only(dialog.editor(key)) for key in key_fields())
    assert dialog.change_button is None
    new = StudentDialog(school, school_class_id=class_id_of(school, 1))
    qtbot.addWidget(new)
    assert not any(is_read_only(new.editor(spec.key)) for spec in STUDENT_FIELDS)


def test_r10_4_a_national_id_locks_itself_and_establishes_the_record(qtbot, school):
    student_id = add_student(school, class_id_of(school, 1))
    _set(school, student_id, enrolment_step="已录入系统", national_student_id=NSID)
    dialog = _dialog(qtbot, school, student_id)
    assert is_read_only(dialog.editor("national_student_id"))
    assert "终身不变" in dialog.editor("national_student_id").toolTip()
    assert is_read_only(dialog.editor("name"))


def test_r14_2_a_graduate_record_is_read_only_throughout(qtbot, school):
    graduate = add_graduate(school, class_id_of(school, 3), name="赵六")
    dialog = _dialog(qtbot, school, graduate)
    assert all(is_read_only(dialog.editor(spec.key)) for spec in STUDENT_FIELDS)
    assert all(is_read_only(row.editor) for member in dialog.member_forms for row in member.rows.values())
    assert not dialog.save_button.isEnabled() and not dialog.class_combo.isEnabled()
    assert dialog.add_member_button.isHidden() and dialog.change_button is None
    assert "毕业" in dialog.locked_note.text() and "第十四条" in dialog.locked_note.text()


def test_the_button_opens_the_information_change_wizard_filled_in(qtbot, school):
    student_id = add_student(school, class_id_of(school, 2), name="张三")
    dialog = _dialog(qtbot, school, student_id, shown=True)
    number = dialog.editor("id_number").text()
    dialog.activateWindow()
    dialog.editor("id_number").setFocus()
    qtbot.waitUntil(lambda: dialog.editor("id_number").hasFocus())
    qtbot.mouseClick(dialog.change_button, Qt.MouseButton.LeftButton)
    [wizard] = dialog.findChildren(ProcedureWizard)
    assert wizard.form.key == "information_change" and wizard.student_id == student_id
    assert wizard.currentPage() is wizard.student_page and wizard.student_page.isComplete()
    wizard.next()
    assert wizard.currentPage() is wizard.details_page
    field, value = wizard.form.widget("new_values")[0]
    assert field.currentText() == "身份证件号" and value.text() == number  # the value to correct there
    wizard.reject()

    focus_elsewhere = _dialog(qtbot, school, student_id)  # no key field focused: 姓名
    focus_elsewhere.request_information_change()
    [wizard] = focus_elsewhere.findChildren(ProcedureWizard)
    wizard.next()
    field, value = wizard.form.widget("new_values")[0]
    assert (field.currentText(), value.text()) == ("姓名", "张三")
    wizard.reject()


@pytest.mark.parametrize("how", ["esc", "cancel", "close"])
def test_closing_with_unsaved_edits_asks_to_discard(qtbot, school, questions, how):
    asked, answer = questions
    student_id = add_student(school, class_id_of(school, 2))
    dialog = _dialog(qtbot, school, student_id, shown=True)
    dialog.editor("phone").setText("13900139000")

    def close() -> None:
        if how == "esc":
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        elif how == "cancel":
            qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        else:
            dialog.close()  # the window's close button: a close event

    close()
    assert asked and "放弃修改？" in asked[-1]
    assert dialog.isVisible()  # 否: the edits stay
    assert dialog.editor("phone").text() == "13900139000"
    answer[0] = QMessageBox.StandardButton.Yes
    close()
    assert len(asked) == 2 and not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected
    with school.read() as session:
        assert session.get(Student, student_id).phone is None  # discarded, nothing written


@pytest.mark.parametrize("how", ["esc", "cancel", "close"])
def test_closing_without_edits_asks_nothing(qtbot, school, questions, how):
    asked, _ = questions
    dialog = _dialog(qtbot, school, add_student(school, class_id_of(school, 2)), shown=True)
    dialog.tabs.setCurrentIndex(2)  # looking around is not editing
    if how == "esc":
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    elif how == "cancel":
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    else:
        dialog.close()
    assert asked == [] and not dialog.isVisible()


def test_an_edit_undone_by_hand_asks_nothing_and_saving_asks_nothing(qtbot, school, questions):
    asked, _ = questions
    student_id = add_student(school, class_id_of(school, 2))
    dialog = _dialog(qtbot, school, student_id, shown=True)
    dialog.editor("phone").setText("139")
    dialog.editor("phone").setText("")
    dialog.reject()
    assert asked == [] and not dialog.isVisible()
    again = _dialog(qtbot, school, student_id, shown=True)
    again.editor("phone").setText("13900139000")
    again.save()
    assert asked == [] and again.result() == QDialog.DialogCode.Accepted


def test_the_picker_marks_a_record_not_established(qtbot, school):
    formal = add_student(school, class_id_of(school, 1), name="张三", birth=date(2019, 5, 1))
    pending = add_student(school, class_id_of(school, 1), name="张伟", birth=date(2019, 6, 1))
    _set(school, pending, enrolment_step="已签字回收")
    picker = StudentPicker(school)
    qtbot.addWidget(picker)
    picker.search.setText("张")
    shown = {picker.results.item(i).data(Qt.ItemDataRole.UserRole): picker.results.item(i) for i in range(2)}
    assert shown[pending].text().endswith(NOT_ESTABLISHED) and "已签字回收" in shown[pending].toolTip()
    assert NOT_ESTABLISHED not in shown[formal].text()
