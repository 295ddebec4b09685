"""The 异动 tab and its procedure wizards, driven page by page with qtbot: a happy path and a refusal each, the
findings shown with their articles, an exception only with its approval number and reason, overdue in red."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QDialog, QWizard
from sqlalchemy import select

from tests.factories import (
    STATUS_CHANGE_HEADERS,
    add_student,
    advance_to,
    class_id_of,
    open_suspension,
    open_withdrawal,
    school_store,
    senior_school,
)
from xueji_desktop.models import Student
from xueji_desktop.services import procedures
from xueji_desktop.ui.status_changes import tab as status_changes_tab
from xueji_desktop.ui.status_changes.tab import StatusChangesTab

TODAY = date(2026, 10, 8)
PDF = b"%PDF-1.4\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201b2a1d6540000000049454e44ae426082"
)


@pytest.fixture
def scans(tmp_path):
    (tmp_path / "申请表.pdf").write_bytes(PDF + b"a")
    (tmp_path / "病历.png").write_bytes(PNG)
    (tmp_path / "说明.txt").write_text("不是扫描件", encoding="utf-8")
    return tmp_path


def _status(store, student_id: int) -> str:
    with store.read() as session:
        return session.get(Student, student_id).status


def _tab(qtbot, store, today=TODAY) -> StatusChangesTab:
    tab = StatusChangesTab(store, today=today)
    qtbot.addWidget(tab)
    tab.refresh()
    return tab


def _to_review(wizard, attach: dict[int, object]) -> None:
    assert wizard.currentPage() is wizard.student_page and wizard.student_page.isComplete()
    wizard.next()
    assert wizard.currentPage() is wizard.details_page
    _share_asked(wizard)
    wizard.next()
    assert wizard.currentPage() is wizard.proofs_page
    for row, path in attach.items():
        assert wizard.proofs_page.attach(row, path)
    wizard.next()
    assert wizard.currentPage() is wizard.review_page


def test_a_suspension_through_the_wizard_and_the_tab(qtbot, school, scans, monkeypatch):
    student = add_student(school, class_id_of(school, 3), name="李小明")
    tab = _tab(qtbot, school)
    assert not tab.empty.isHidden()
    wizard = tab.start("suspension", student_id=student)
    _to_review(wizard, {0: scans / "申请表.pdf", 1: scans / "病历.png"})
    review = wizard.review_page
    assert "没有发现问题" in review.findings_label.text() and review.isComplete()
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.procedure_id is not None
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    row = tab.model.row_at(0)
    assert (row.label, row.student_name, row.state, row.next_state) == (
        "休学",
        "李小明",
        "已申请",
        "学校已审核",
    )
    tab.table.selectRow(0)
    monkeypatch.setattr(status_changes_tab.StepDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    tab.advance_selected()
    tab.table.selectRow(0)
    tab.advance_selected()
    assert _status(school, student) == "休学"
    assert (
        tab.model.rowCount() == 0 and tab.history_model.rowCount() == 1
    )  # done: out of the open list, in history


def test_the_review_page_shows_a_refusal_with_its_article_and_finish_stays_off(qtbot, school, scans):
    student = add_student(school, class_id_of(school, 3))
    wizard = _tab(qtbot, school).start("suspension", student_id=student)
    _to_review(wizard, {0: scans / "申请表.pdf"})  # no hospital record
    review = wizard.review_page
    assert (
        "依据《细则》第二十二条" in review.findings_label.text()
        and "县级以上医疗单位病历" in review.findings_label.text()
    )
    assert review.exception_box.isHidden()  # a missing proof is no 「原则上」: no exception possible
    assert not review.isComplete()


def test_an_exception_needs_the_approval_number_and_a_reason(qtbot, tmp_path, scans):
    with school_store(tmp_path / "grade6", classes_per_grade={6: 1}) as store:
        student = add_student(store, class_id_of(store, 6))
        spring = date(2027, 3, 10)
        wizard = _tab(qtbot, store, spring).start("suspension", student_id=student)
        _to_review(wizard, {0: scans / "申请表.pdf", 1: scans / "病历.png"})
        review = wizard.review_page
        assert (
            "第二十二条" in review.findings_label.text() and "原则上不能办理" in review.findings_label.text()
        )
        assert not review.exception_box.isHidden() and not review.isComplete()
        review.approval.setText("潞教学籍〔2027〕5号")
        assert not review.isComplete()
        review.reason.setText("住院治疗，经区教育局批准")
        assert review.isComplete()
        wizard.button(QWizard.WizardButton.FinishButton).click()
        assert wizard.procedure_id is not None


def test_a_proof_that_is_not_a_scan_is_refused_on_the_page(qtbot, school, scans, monkeypatch):
    shown = []
    monkeypatch.setattr(
        "xueji_desktop.ui.common.messages.show_error", lambda parent, title, text: shown.append(text)
    )
    student = add_student(school, class_id_of(school, 3))
    wizard = _tab(qtbot, school).start("suspension", student_id=student)
    wizard.next()
    wizard.next()
    assert not wizard.proofs_page.attach(0, scans / "说明.txt")
    assert shown and "不是图片或 PDF" in shown[0]


def test_a_resumption_into_a_lower_grade_is_refused(qtbot, school, scans):
    student = _suspended(school, 3, scans)
    wizard = _tab(qtbot, school).start("resumption", student_id=student)
    wizard.next()
    _pick(wizard.form.widget("to_class_id"), class_id_of(school, 2))
    wizard.next()
    wizard.proofs_page.attach(0, scans / "申请表.pdf")
    wizard.proofs_page.attach(1, scans / "病历.png")
    wizard.next()
    assert (
        "第二十一条" in wizard.review_page.findings_label.text()
        and "留级" in wizard.review_page.findings_label.text()
    )
    assert not wizard.review_page.isComplete()


def test_a_compulsory_withdrawal_for_another_reason_is_refused(qtbot, school, scans):
    student = add_student(school, class_id_of(school, 2))
    wizard = _tab(qtbot, school).start("withdrawal", student_id=student)
    wizard.next()
    wizard.form.widget("reason").setCurrentText("本人及监护人因其他原因申请")
    wizard.next()
    wizard.proofs_page.attach(0, scans / "申请表.pdf")
    wizard.next()
    text = wizard.review_page.findings_label.text()
    assert "第二十三条" in text and "劝退" in text and not wizard.review_page.isComplete()


def test_a_death_overdue_shows_in_red(qtbot, school, scans):
    student = add_student(school, class_id_of(school, 1))
    wizard = _tab(qtbot, school).start("death", student_id=student)
    wizard.next()
    wizard.form.widget("died_on").setDate(wizard.form.widget("died_on").date().addDays(-30))
    wizard.next()
    wizard.proofs_page.attach(0, scans / "申请表.pdf")
    wizard.next()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    tab = _tab(qtbot, school, date(2026, 10, 30))
    row = tab.model.row_at(0)
    assert row.overdue and "已逾期" in tab.model.data(tab.model.index(0, 6))
    assert (
        tab.model.data(tab.model.index(0, 0), status_changes_tab.Qt.ItemDataRole.ForegroundRole) is not None
    )


def test_a_dropout_must_be_reported_to_all_three(qtbot, school, scans):
    student = add_student(school, class_id_of(school, 3))
    wizard = _tab(qtbot, school).start("dropout", student_id=student)
    wizard.next()
    wizard.form.widget("reported_to").boxes[next(iter(wizard.form.widget("reported_to").boxes))].setChecked(
        True
    )
    wizard.next()
    wizard.proofs_page.attach(0, scans / "申请表.pdf")
    wizard.next()
    assert "第二十八条" in wizard.review_page.findings_label.text() and not wizard.review_page.isComplete()


def test_a_transfer_in_asks_who_the_student_is_and_makes_the_record_when_done(
    qtbot, school, scans, monkeypatch
):
    from tests.factories import id_number

    tab = _tab(qtbot, school, date(2026, 9, 8))
    wizard = tab.start("transfer_in")
    assert wizard.student_page is None and wizard.currentPage() is wizard.details_page
    form = wizard.form
    form.widget("name").setText("王小丫")
    form.widget("gender").setCurrentIndex(1)
    form.widget("birth_date").setDate(form.widget("birth_date").date().fromString("2018-05-06", "yyyy-MM-dd"))
    form.widget("id_number").setText(id_number(date(2018, 5, 6), "2", seq=77))
    form.widget("from_school").setText("平顺县实验小学")
    form.widget("grade_level").setCurrentIndex(1)  # 二年级
    _pick(form.widget("to_class_id"), class_id_of(school, 2))
    wizard.next()
    kinds = wizard.proofs_page.kinds
    assert kinds[1].currentText() == "户籍证明"  # 户籍证明 or 居住证 (R17.1)
    kinds[1].setCurrentText("居住证")
    wizard.proofs_page.attach(0, scans / "申请表.pdf")
    wizard.proofs_page.attach(1, scans / "病历.png")
    wizard.next()
    review = wizard.review_page
    assert "王小丫" in review.summary.text() and "居住证" in review.summary.text()
    assert review.isComplete(), review.findings_label.text()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    monkeypatch.setattr(status_changes_tab.StepDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    for _ in range(3):
        tab.table.selectRow(0)
        tab.advance_selected()
    with school.read() as session:
        made = session.scalar(select(Student).where(Student.name == "王小丫"))
        assert made is not None and made.status == "在读"
    assert tab.history_model.rowCount() == 1


def test_an_information_change_of_a_wrong_id_number_is_refused(qtbot, school, scans):
    student = add_student(school, class_id_of(school, 3))
    wizard = _tab(qtbot, school).start("information_change", student_id=student)
    wizard.next()
    field, value = wizard.form.widget("new_values")[0]
    field.setCurrentIndex(field.findText("身份证件号"))
    value.setText("12345")
    wizard.next()
    wizard.proofs_page.attach(0, scans / "申请表.pdf")
    wizard.next()
    text = wizard.review_page.findings_label.text()
    assert "第十四条" in text and "身份证件号" in text and not wizard.review_page.isComplete()


def test_the_timeline_of_a_student_and_the_term_filter(qtbot, school, scans, monkeypatch):
    from xueji_desktop.services import history
    from xueji_desktop.ui.status_changes.timeline_dialog import TimelineDialog

    student = add_student(school, class_id_of(school, 3), name="赵小飞")
    tab = _tab(qtbot, school)
    wizard = tab.start("suspension", student_id=student)
    _to_review(wizard, {0: scans / "申请表.pdf", 1: scans / "病历.png"})
    wizard.button(QWizard.WizardButton.FinishButton).click()
    procedures.advance(school, wizard.procedure_id, "学校已审核", on=TODAY)
    procedures.advance(
        school, wizard.procedure_id, "学籍管理部门已登记", on=TODAY, approval_number="潞教〔2026〕1号"
    )
    name, entries = history.timeline(school, student)
    assert name == "赵小飞"
    assert "休学" in [e.what for e in entries] and any("潞教〔2026〕1号" in e.detail for e in entries)
    dialog = TimelineDialog(school, student)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == len(entries) and "赵小飞" in dialog.windowTitle()
    tab.open_only.setChecked(False)
    tab.refresh()
    assert tab.model.rowCount() == 1
    labels = [tab.term_filter.itemText(i) for i in range(tab.term_filter.count())]
    assert labels[:3] == ["全部学期", "2026-2027学年第二学期", "2026-2027学年第一学期"]
    tab.term_filter.setCurrentIndex(1)  # 第二学期: the suspension was opened in 第一学期
    assert tab.model.rowCount() == 0
    tab.term_filter.setCurrentIndex(2)
    assert tab.model.rowCount() == 1


# --- every wizard: one happy path and one refusal -------------------------------------------------------------------


def _own_scan(scans, row: int):
    """A scan of its own for requirement `row` (one file given as two proofs is warned: check_same_file)."""
    path = scans / f"证明{row}.pdf"
    path.write_bytes(PDF + f"scan {row}".encode())
    return path


def _share_asked(wizard, percent: float = 50) -> None:
    """停课治疗占学时 has no default (R21.1 asks it): give it where the kind asks."""
    widget = wizard.form.widgets.get("illness_share_of_term")
    if widget is not None:
        widget.setValue(percent)


def _finish_through(wizard, scans) -> None:
    """From the details page as filled: attach a scan of its own to every requirement, review, finish."""
    _share_asked(wizard)
    wizard.next()
    for row in range(len(wizard.proofs_page.kinds)):
        assert wizard.proofs_page.attach(row, _own_scan(scans, row))
    wizard.next()
    assert wizard.currentPage() is wizard.review_page


def _suspended(store, level: int, scans) -> int:
    """A student of grade `level` on a suspension for illness opened and registered today; returns the student."""
    from xueji_desktop.services.attachments import ProofFile

    student = add_student(store, class_id_of(store, level))
    proofs = [
        ProofFile("休学、复学申请表", scans / "申请表.pdf"),
        ProofFile("县级以上医疗单位病历", scans / "病历.png"),
    ]
    advance_to(store, open_suspension(store, student, proofs, today=TODAY), on=TODAY)
    return student


def _withdrawn_abroad(store, scans, reason: str = "出境定居") -> int:
    """A student of 二年级 withdrawn for `reason` (the county bureau approving) today; returns the student."""
    from xueji_desktop.rules.withdrawals import WithdrawalReason
    from xueji_desktop.services.attachments import ProofFile

    student = add_student(store, class_id_of(store, 2))
    kinds = ("退学申请表", "本人护照复印件", "户口簿复印件", "县级以上医疗单位病历")
    proofs = [ProofFile(k, _own_scan(scans, row)) for row, k in enumerate(kinds)]
    left = open_withdrawal(store, student, proofs, today=TODAY, reason=WithdrawalReason(reason))
    advance_to(store, left, on=TODAY)
    return student


def _pick(box, data) -> None:
    box.setCurrentIndex(next(i for i in range(box.count()) if box.itemData(i) == data))


def test_every_wizard_has_a_happy_path(qtbot, school, scans):
    tab = _tab(qtbot, school, date(2026, 9, 8))
    outcomes = {}

    def run(form, student_id, fill=lambda f: None, confirm=False) -> None:
        wizard = tab.start(form, student_id=student_id)
        wizard.next()
        fill(wizard.form)
        _finish_through(wizard, scans)
        if confirm:
            wizard.review_page.confirm.setChecked(True)
        assert wizard.review_page.isComplete(), wizard.review_page.findings_label.text()
        wizard.button(QWizard.WizardButton.FinishButton).click()
        outcomes[form] = wizard.procedure_id

    run(
        "transfer_out",
        add_student(school, class_id_of(school, 3)),
        lambda f: f.widget("to_school").setText("长治市实验小学"),
    )
    run("suspension_extension", _suspended(school, 3, scans))
    run(
        "resumption",
        _suspended(school, 2, scans),
        lambda f: _pick(f.widget("to_class_id"), class_id_of(school, 3)),
    )
    run(
        "withdrawal",
        add_student(school, class_id_of(school, 2)),
        lambda f: f.widget("reason").setCurrentText("出境定居"),
    )
    run(
        "dropout",
        add_student(school, class_id_of(school, 3)),
        lambda f: [box.setChecked(True) for box in f.widget("reported_to").boxes.values()],
    )
    run("death", add_student(school, class_id_of(school, 1)))
    run(
        "restoration",
        _withdrawn_abroad(school, scans),
        lambda f: _pick(f.widget("to_class_id"), class_id_of(school, 3)),
    )

    def rename(f) -> None:
        f.widget("new_values")[0][0].setCurrentIndex(f.widget("new_values")[0][0].findText("现住址"))
        f.widget("new_values")[0][1].setText("潞城区潞华街道8号")

    run("information_change", add_student(school, class_id_of(school, 3)), rename)
    assert all(outcomes.values()) and len(outcomes) == 8


def test_every_wizard_has_a_refusal(qtbot, school, scans, tmp_path):
    tab = _tab(qtbot, school, date(2026, 9, 8))

    def refused(form, student_id, fill=lambda f: None, article: str = "") -> None:
        wizard = tab.start(form, student_id=student_id)
        if wizard.student_page is not None:
            wizard.next()
        fill(wizard.form)
        _finish_through(wizard, scans)
        text = wizard.review_page.findings_label.text()
        assert article in text and not wizard.review_page.isComplete(), text

    grade_one = add_student(school, class_id_of(school, 1))
    refused(
        "transfer_out", grade_one, lambda f: f.widget("to_school").setText("长治市实验小学"), "第十八条"
    )  # R18.3
    refused(
        "transfer_in",
        None,
        lambda f: (
            f.widget("name").setText("李雷"),
            f.widget("id_number").setText("12345"),
            f.widget("from_school").setText("平顺县实验小学"),
        ),
        "第十三条",
    )
    suspended = _suspended(school, 3, scans)
    refused(
        "suspension_extension",
        suspended,
        lambda f: f.widget("new_end").setDate(f.widget("new_end").date().addYears(3)),
        "第二十二条",
    )
    refused("automatic_withdrawal", add_student(school, class_id_of(school, 3)), article="第二十六条")
    refused(
        "death",
        add_student(school, class_id_of(school, 1)),
        lambda f: f.widget("died_on").setDate(f.widget("died_on").date().addDays(5)),
        "第二十七条",
    )
    refused("restoration", _withdrawn_abroad(school, scans, "丧失学习能力"), article="第二十五条")


def test_r26_1_absence_recorded_then_the_candidate_started_from_the_list(qtbot, tmp_path, scans):
    from xueji_desktop.ui.status_changes.absence_dialog import AbsenceDialog

    with senior_school(tmp_path / "senior", levels=(10, 11)) as store:
        student = add_student(store, class_id_of(store, 11), name="韩梅")
        today = date(2026, 11, 20)
        tab = _tab(qtbot, store, today)
        assert tab.attention.isHidden()
        dialog = AbsenceDialog(store, today=today)
        qtbot.addWidget(dialog)
        assert dialog.select(student)
        dialog.longest.setValue(9)
        dialog.total.setValue(10)
        dialog.contacted.setChecked(True)
        dialog.save()
        assert dialog.result() == QDialog.DialogCode.Accepted
        tab.refresh()
        assert not tab.attention.isHidden() and tab.attention_model.rowCount() == 1
        assert "第二十六条" in tab.attention_model.data(tab.attention_model.index(0, 1))
        tab.attention.selectRow(0)
        tab.act_on_attention()
        wizard = tab.findChild(status_changes_tab.ProcedureWizard)
        assert wizard.form.label == "自动退学" and wizard.student_page.isComplete()
        wizard.next()
        assert (
            wizard.form.widget("longest_continuous_weeks").value() == 9
            and wizard.form.widget("contacted_family").isChecked()
        )
        wizard.next()
        wizard.next()
        assert "第二十六条" in wizard.review_page.findings_label.text()
        wizard.review_page.confirm.setChecked(True)
        wizard.button(QWizard.WizardButton.FinishButton).click()
        assert wizard.procedure_id is not None


def test_the_holidays_dialog_opens_from_the_tab(qtbot, school):
    from xueji_desktop.ui.holidays_dialog import HolidaysDialog

    tab = _tab(qtbot, school)
    tab.holidays_button.click()
    dialog = tab.findChild(HolidaysDialog)
    assert dialog is not None and dialog.isVisible() and "节假日安排" in dialog.windowTitle()


def test_the_status_change_batch_is_exported_from_the_tab(qtbot, school, scans, tmp_path):
    import openpyxl

    from xueji_desktop.ui.batch_dialog import BatchDialog

    student = _suspended(school, 3, scans)
    tab = _tab(qtbot, school)
    tab.export_button.click()
    dialog = tab.findChild(BatchDialog)
    assert dialog is not None and dialog.windowTitle() == "导出学籍异动上报表" and dialog.eligible == 1
    dialog.set_output_path(tmp_path / "异动.xlsx")
    result = dialog.export()
    assert result is not None and result.exported == [student]
    sheet = openpyxl.load_workbook(result.files[0]).active
    assert [c.value for c in sheet[1]][:6] == STATUS_CHANGE_HEADERS[:6]
    assert sheet.cell(2, 5).value == "休学" and dialog.history_model.rowCount() == 1


def test_every_kinds_details_page_is_built_from_its_request_dataclass(qtbot, school):
    """The 办理信息 page of each kind in the registry: a widget per request field by its type, the answers read
    back as the kind's request, the students offered those the registry says may start it."""
    from PySide6.QtWidgets import (
        QCheckBox,
        QComboBox,
        QDateEdit,
        QDoubleSpinBox,
        QFormLayout,
        QLineEdit,
        QWidget,
    )

    from xueji_desktop.ui.status_changes.request_forms import ChoicesBox, request_form

    widgets = {
        "date": QDateEdit,
        "bool": QCheckBox,
        "choice": QComboBox,
        "code": QComboBox,
        "class": QComboBox,
        "number": QDoubleSpinBox,
        "text": QLineEdit,
        "choices": ChoicesBox,
    }
    student = add_student(school, class_id_of(school, 3))
    for code, kind in procedures.all_kinds().items():
        form = request_form(school, code, TODAY)
        assert (form.label, form.statuses, form.intro) == (kind.label, kind.statuses, kind.explanation)
        page = QWidget()
        qtbot.addWidget(page)
        form.build(QFormLayout(page), student if kind.picks_student else None)
        for spec in kind.fields():
            if spec.form == "student_fields":  # 信息变更's own field picker
                assert len(form.widget(spec.name)) == 3
                continue
            assert isinstance(form.widget(spec.name), widgets[spec.form]), (code, spec.name)
        request = form.request()
        assert isinstance(request, kind.request), code
    wizard = _tab(qtbot, school).start("resumption")
    assert "休学" in wizard.student_page.subTitle()  # 复学 starts from 休学: the registry says so


def test_the_suspension_form_is_printed_filled_in_before_its_scan_is_attached_R22_1(
    qtbot, school, scans, monkeypatch
):
    """第二十二条: the guardian signs the 《休学、复学申请表》 first — the proofs page prints it from the answers given,
    before the procedure exists; nothing is saved."""
    from xueji_desktop.models import Procedure
    from xueji_desktop.ui.printing import actions

    shown: list[tuple[object, str]] = []
    monkeypatch.setattr(
        actions.print_preview,
        "show_preview",
        lambda parent, path, title, **_: shown.append((path, title)) or True,
    )
    student = add_student(school, class_id_of(school, 3), name="李小明")
    wizard = _tab(qtbot, school).start("suspension", student_id=student)
    wizard.next()
    _share_asked(wizard)
    wizard.next()
    page = wizard.proofs_page
    assert page.print_button.text() == "打印《休学、复学申请表》（已填好，供签字）…"
    assert page.print_form() is not None
    [(path, title)] = shown
    assert title == "休学、复学申请表" and path.stat().st_size > 0
    with school.read() as session:
        assert session.query(Procedure).count() == 0
    assert page.attach(0, _own_scan(scans, 0))  # the signed scan, as before
