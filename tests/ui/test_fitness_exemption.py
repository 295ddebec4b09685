"""体育免修 from the student dialog's 体质健康 tab (第二十九条, R29.1): 记录体育免修… with its reason and proof, kept under
体育免修证明（医疗单位出具）; refused without the proof (nothing written); 取消体育免修… withdraws it; the diploma follows."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog
from sqlalchemy import func, select

from tests.factories import add_student, class_id_of
from tests.services.test_fitness import write_book
from xueji_desktop.models import Attachment, PeExemption, Student
from xueji_desktop.rules import proofs
from xueji_desktop.services import fitness
from xueji_desktop.ui.roster import fitness_page
from xueji_desktop.ui.roster.fitness_page import TITLE, ExemptionDialog
from xueji_desktop.ui.roster.student_dialog import StudentDialog


@pytest.fixture
def failing(school, tmp_path):
    """钱二 in 三年级(1)班 with 40 分 (不及格) in the school's current 学年: (id, the 学年)."""
    student_id = add_student(school, class_id_of(school, 3), name="钱二", birth=date(2017, 5, 2))
    current, _years = fitness.exemption_years(school, student_id)
    with school.read() as session:
        number = session.get(Student, student_id).id_number
    rows = [["钱二", number, None, current, 40, "不及格"]]
    fitness.commit_import(school, fitness.plan_import(school, write_book(tmp_path / "体测.xlsx", rows)))
    return student_id, current


def _tab(qtbot, school, student_id):
    dialog = StudentDialog(school, student_id)
    qtbot.addWidget(dialog)
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    return dialog.tabs.widget(titles.index(TITLE))


def _answer(monkeypatch, fill):
    """The exemption dialog, when it opens, filled by `fill(dialog)` and accepted."""

    def exec_(dialog):
        fill(dialog)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ExemptionDialog, "exec", exec_)


def _exemptions(store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(PeExemption))


def test_r29_1_the_tab_records_an_exemption_with_its_proof_and_the_diploma_follows(
    qtbot, school, failing, tmp_path, monkeypatch, messages
):
    student_id, current = failing
    (blocked,) = fitness.diploma_eligibility(school, [student_id])
    assert not blocked.may_receive and blocked.findings[0].rule_id == "R29.1"
    page = _tab(qtbot, school, student_id)
    assert not page.withdraw_button.isEnabled()  # nothing to withdraw yet
    proof = tmp_path / "市人民医院证明.pdf"
    proof.write_bytes(b"%PDF-1.4\n%%EOF\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(proof), ""))

    def fill(dialog):
        assert dialog.windowTitle() == "记录体育免修"
        assert dialog.year.currentData() == current  # the school's current 学年 first
        dialog.reason.setText("先天性心脏病")
        next(b for b in dialog.findChildren(fitness_page.QPushButton) if b.text() == "选择文件…").click()
        assert dialog.proof.text() == str(proof)

    _answer(monkeypatch, fill)
    page.exempt_button.click()
    assert messages == []
    (exemption,) = fitness.results_of(school, student_id).exemptions
    assert exemption.reason == "先天性心脏病"
    with school.read() as session:
        assert session.get(Attachment, exemption.attachment_id).kind == proofs.PE_EXEMPTION_PROOF
    assert "体育免修：先天性心脏病" in page.note.text() and page.withdraw_button.isEnabled()  # refreshed
    (exempt,) = fitness.diploma_eligibility(school, [student_id])
    assert (exempt.may_receive, exempt.reason) == (True, "体育免修")

    def withdraw(dialog):
        assert dialog.windowTitle() == "取消体育免修" and dialog.year.count() == 1
        dialog.reason.setText("复查已痊愈")

    _answer(monkeypatch, withdraw)
    page.withdraw_button.click()
    assert fitness.results_of(school, student_id).exemptions == ()
    assert "没有体育免修记录" in page.note.text() and not page.withdraw_button.isEnabled()
    assert not fitness.diploma_eligibility(school, [student_id])[0].may_receive


def test_r29_1_an_exemption_without_its_proof_is_refused_and_nothing_is_written(
    qtbot, school, failing, monkeypatch, messages
):
    student_id, _ = failing
    page = _tab(qtbot, school, student_id)
    _answer(monkeypatch, lambda dialog: dialog.reason.setText("哮喘"))
    page.exempt_button.click()
    assert len(messages) == 1 and "医疗单位的证明" in messages[0]
    assert _exemptions(school) == 0 and "没有体育免修记录" in page.note.text()
    assert not fitness.diploma_eligibility(school, [student_id])[0].may_receive


def test_the_dialog_names_the_proof_kind_and_asks_no_proof_when_withdrawing(qtbot):
    recording = ExemptionDialog(None, [2026, 2025], 2025)
    qtbot.addWidget(recording)
    labels = {label.text() for label in recording.findChildren(fitness_page.QLabel)}
    assert "体育免修证明（医疗单位出具）" in labels
    assert recording.year.currentText() == "2025-2026学年"
    assert recording.values() == {"school_year": 2025, "reason": "", "proof": None}
    withdrawing = ExemptionDialog(None, [2026], None, withdraw=True)
    qtbot.addWidget(withdrawing)
    assert "体育免修证明（医疗单位出具）" not in {
        label.text() for label in withdrawing.findChildren(fitness_page.QLabel)
    }
