"""The 信息变更 wizard's change rows for code-valued key fields (第十四条, R14.1): every key field offered, a code
field's 变更为 the student dialog's own drop-down of names (CodeField) keeping the code, the values the student
dialog's 「申请信息变更…」 sends landing in it."""

from __future__ import annotations

import json
from datetime import date

from PySide6.QtCore import QEvent
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QApplication, QWizard

from tests.factories import add_student, class_id_of
from xueji_desktop.models import Procedure
from xueji_desktop.rules.key_fields import key_fields
from xueji_desktop.ui.common.field_widgets import CodeField
from xueji_desktop.ui.roster.student_dialog import StudentDialog
from xueji_desktop.ui.status_changes.wizard import ProcedureWizard

TODAY = date(2026, 10, 8)
PDF = b"%PDF-1.4\n%%EOF\n"


def _wizard(qtbot, store, student_id: int, new_values: dict | None = None) -> ProcedureWizard:
    wizard = ProcedureWizard(
        store, "information_change", today=TODAY, student_id=student_id, new_values=new_values
    )
    qtbot.addWidget(wizard)
    wizard.open()
    wizard.next()  # 选择学生 → 办理信息
    assert wizard.currentPage() is wizard.details_page
    return wizard


def test_r14_1_the_change_rows_offer_every_key_field(qtbot, school):
    wizard = _wizard(qtbot, school, add_student(school, class_id_of(school, 3)))
    field, _value = wizard.form.widget("new_values")[0]
    offered = {(field.itemData(i) or (None,))[0] for i in range(field.count())}
    assert set(key_fields()) <= offered and "national_student_id" not in offered  # R10.4


def test_r14_1_gender_is_a_drop_down_and_the_prefilled_value_lands_in_it(qtbot, school, tmp_path):
    student = add_student(school, class_id_of(school, 3), gender="1")
    wizard = _wizard(qtbot, school, student, new_values={"gender": "2"})
    field, value = wizard.form.widget("new_values")[0]
    assert field.currentText() == "性别"
    assert isinstance(value.editor, CodeField)
    assert [value.editor.itemText(i) for i in range(value.editor.count())] == ["", "男", "女"]
    assert (value.editor.currentText(), value.editor.currentData(), value.value()) == ("女", "2", "2")
    assert wizard.form.request().new_values == {"gender": "2"}

    field.setCurrentIndex(field.findText("现住址"))  # back to a text field: the line again
    assert value.editor is value.line
    field.setCurrentIndex(field.findText("民族"))
    value.editor.setCurrentIndex(value.editor.findText("回族"))
    assert wizard.form.request().new_values == {"ethnicity": "03"}

    wizard.next()
    (tmp_path / "户口簿.pdf").write_bytes(PDF)
    assert wizard.proofs_page.attach(0, tmp_path / "户口簿.pdf")
    wizard.next()
    assert wizard.review_page.isComplete(), wizard.review_page.findings_label.text()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    with school.read() as session:
        facts = json.loads(session.get(Procedure, wizard.procedure_id).facts)
    assert facts["fields"] == {"ethnicity": ["01", "03"]}
    assert facts["shown"] == {"ethnicity": ["汉族", "回族"]}


def test_r14_1_a_gender_against_the_id_number_is_refused_on_the_review_page(qtbot, school, tmp_path):
    student = add_student(school, class_id_of(school, 3), gender="1")
    wizard = _wizard(qtbot, school, student, new_values={"gender": "2"})
    wizard.next()
    (tmp_path / "户口簿.pdf").write_bytes(PDF)
    assert wizard.proofs_page.attach(0, tmp_path / "户口簿.pdf")
    wizard.next()
    text = wizard.review_page.findings_label.text()
    assert "第十四条" in text and "性别" in text and not wizard.review_page.isComplete()


def test_the_dialog_on_ethnicity_opens_the_wizard_with_ethnicity_chosen(qtbot, school):
    student = add_student(school, class_id_of(school, 2), name="张三")
    dialog = StudentDialog(school, student)
    qtbot.addWidget(dialog)
    # a locked drop-down is disabled and takes no focus of its own: the focus event the dialog listens for, sent
    QApplication.sendEvent(dialog.editor("ethnicity"), QFocusEvent(QEvent.Type.FocusIn))
    dialog.change_button.click()
    [wizard] = dialog.findChildren(ProcedureWizard)
    wizard.next()
    field, value = wizard.form.widget("new_values")[0]
    assert field.currentText() == "民族"
    assert isinstance(value.editor, CodeField)
    assert (value.editor.currentText(), value.value()) == ("汉族", "01")
    wizard.reject()
