"""The 学年结束 wizard (ui/year_end/), driven page by page with qtbot on a real data folder: 检查（在办业务清理）lists a
graduating student's open procedure as blocking (R7.1) and does not go on until it is cancelled from the list; 预览
shows the grades and wants a date before the last term's end confirmed (R15.1); the run graduates and moves up
(R15.1, R21.1, R29.1) and offers the 毕业生花名册 and the 套打 of the diplomas R29.1 allows; 学年 → 撤销学年结束 puts
everything back."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox, QWizard

from tests.factories import add_student, class_id_of, illness_proofs, open_suspension, school_store
from xueji_desktop.services import fitness, procedures, roster, school_setup, year_end
from xueji_desktop.ui.year_end import check_page as check_module
from xueji_desktop.ui.year_end import undo as undo_module
from xueji_desktop.ui.year_end.wizard import YearEndWizard

END = date(2027, 7, 20)  # after luchang_setup's second term (ends 2027-07-09)
GRADES = dict.fromkeys(range(1, 7), 1)  # 一年级 … 六年级, one class each


@pytest.fixture(autouse=True)
def no_box_waits(monkeypatch):
    """A message box a test did not expect fails it instead of waiting for a click (the `messages` fixture, or the
    test's own patch, takes the box it expects)."""

    def unexpected(parent, title, text, *rest):
        raise AssertionError(f"unexpected message box「{title}」：{text}")

    for name in ("warning", "question", "information"):
        monkeypatch.setattr(QMessageBox, name, unexpected)


@pytest.fixture
def folder(tmp_path, scan):
    """潞城区实验小学 (grades 1–6, one class each, two students a class), a 六年级 student's 休学 under way (an
    exception approved: R22.4) and a 三年级 student's; returns the data folder, closed."""
    root = tmp_path / "primary"
    with school_store(root, classes_per_grade=GRADES) as store:
        for level in GRADES:
            for _ in range(2):
                add_student(store, class_id_of(store, level))
        decision = procedures.Decision(confirmed=True, approval_number="潞教学〔2027〕1号", reason="病情需要")
        sixth = roster.students_in_class(store, class_id_of(store, 6))[0]
        third = roster.students_in_class(store, class_id_of(store, 3))[0]
        open_suspension(store, sixth, illness_proofs(scan), today=date(2027, 3, 1), decision=decision)
        open_suspension(store, third, illness_proofs(scan), today=date(2027, 3, 1))
    return root


@pytest.fixture
def store(folder):
    from xueji_desktop.store import Store

    opened = Store.open(folder)
    yield opened
    opened.close()


def open_wizard(qtbot, store, today: date = END) -> YearEndWizard:
    wizard = YearEndWizard(store, today=today)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def cells(model) -> list[list[str]]:
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def can_go_on(wizard: YearEndWizard) -> bool:
    which = QWizard.WizardButton
    button = wizard.button(which.CommitButton if wizard.currentPage().isCommitPage() else which.NextButton)
    return wizard.currentPage().isComplete() and button.isEnabled()


def cancel_from_the_list(page, item, reason: str, monkeypatch) -> None:
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (reason, True))
    page.select_item(item)
    page.buttons["撤销…"].click()


def clear_the_check(wizard, monkeypatch) -> None:
    page = wizard.check_page
    cancel_from_the_list(page, page.check.blocking[0], "家长撤回申请", monkeypatch)


# --- 检查（在办业务清理）----------------------------------------------------------------------------------------


def test_a_graduating_students_open_procedure_blocks_the_check_page_R7_1(qtbot, store):
    wizard = open_wizard(qtbot, store)
    page = wizard.check_page
    assert wizard.currentPage() is page
    rows = cells(page.model)
    assert [row[0] for row in rows] == ["在办异动手续", "在办异动手续"]
    assert [(row[2], row[5], row[6]) for row in rows] == [  # graduating first, marked
        ("六年级(1)班", "《细则》第七条", "是"),
        ("三年级(1)班", "《细则》第七条", ""),
    ]
    assert "停在" in rows[0][3] and "办理下一步" in rows[0][4]
    assert not can_go_on(wizard)
    assert "在办业务清理" in page.verdict.text() and "1 项业务阻止毕业" in page.verdict.text()
    wizard.next()
    assert wizard.currentPage() is page  # still here


def test_the_buttons_fit_the_item_chosen(qtbot, store):
    page = open_wizard(qtbot, store).check_page
    assert not page.buttons["撤销…"].isEnabled()  # nothing chosen
    page.select_item(page.check.items[0])
    enabled = {text for text, button in page.buttons.items() if button.isEnabled()}
    assert enabled == {"办理下一步…", "撤销…"}
    assert [a.text() for a in page.context_menu().actions() if a.text()] == [
        "办理下一步…",
        "撤销…",
        "复制",
        "导出 Excel…",
    ]


def test_cancelling_from_the_list_with_a_reason_clears_it(qtbot, store, monkeypatch, messages):
    wizard = open_wizard(qtbot, store)
    page = wizard.check_page
    blocking = page.check.blocking[0]
    cancel_from_the_list(page, blocking, "   ", monkeypatch)  # 确定 with no reason: refused, nothing changed
    assert messages and page.check.blocking == (blocking,)
    cancel_from_the_list(page, blocking, "家长撤回申请", monkeypatch)
    assert page.check.blocking == ()  # checked again at once
    assert [row[2] for row in cells(page.model)] == ["三年级(1)班"]  # the other grade's stays listed
    assert "在办业务清理已完成" in page.verdict.text()
    assert can_go_on(wizard)
    row = next(r for r in procedures.procedure_rows(store, today=END) if r.id == blocking.procedure_id)
    assert not row.open and row.next_state is None


def test_a_step_from_the_list_moves_the_procedure_on(qtbot, store, monkeypatch):
    from xueji_desktop.ui.status_changes.tab import StepDialog

    monkeypatch.setattr(StepDialog, "exec", lambda self: StepDialog.DialogCode.Accepted)
    page = open_wizard(qtbot, store).check_page
    item = page.check.blocking[0]
    page.select_item(item)
    page.buttons["办理下一步…"].click()
    detail = page.check.blocking[0].detail
    assert "学校已审核" in detail and detail != item.detail


def test_a_sanction_due_is_lifted_from_the_list_R32_1(qtbot, store, monkeypatch):
    from tests.factories import add_sanction
    from xueji_desktop.ui.roster.sanctions_page import LiftDialog

    fourth = roster.students_in_class(store, class_id_of(store, 4))[0]
    add_sanction(store, fourth, decided_on=date(2026, 10, 8), period_end=date(2027, 4, 8))

    def accept(dialog):
        dialog.reason.setText("期满，表现良好")
        return LiftDialog.DialogCode.Accepted

    monkeypatch.setattr(LiftDialog, "exec", accept)
    page = open_wizard(qtbot, store).check_page
    item = next(i for i in page.check.items if i.problem == "处分期满未解除")
    page.select_item(item)
    assert page.buttons["解除处分…"].isEnabled()
    page.buttons["解除处分…"].click()
    assert all(i.problem != "处分期满未解除" for i in page.check.items)


def test_a_change_reported_is_recorded_from_the_list_R7_1(qtbot, store, monkeypatch, messages):
    from tests.factories import advance_to

    third = next(i for i in year_end.check(store, on=END).items if not i.graduating)
    advance_to(store, third.procedure_id, on=date(2027, 3, 5), approval_number="潞教学〔2027〕5号")
    answers = iter(["已通过", "已上报"])
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (next(answers), True))
    page = open_wizard(qtbot, store).check_page
    item = next(i for i in page.check.items if i.problem == "异动未上报省级系统")
    page.select_item(item)
    assert {t for t, b in page.buttons.items() if b.isEnabled()} == {"记录省级系统状态…"}
    page.buttons["记录省级系统状态…"].click()  # 已通过 before it was even reported: refused, still listed
    assert "第七条" in messages[0] and item in page.check.items
    page.select_item(item)
    page.buttons["记录省级系统状态…"].click()
    assert all(i.problem != "异动未上报省级系统" for i in page.check.items)


def test_a_record_not_approved_is_moved_on_from_the_list_R10_3(qtbot, store, monkeypatch):
    from xueji_desktop.models import Student

    fifth = roster.students_in_class(store, class_id_of(store, 5))[0]
    with store.transaction() as session:
        session.get(Student, fifth).enrolment_step = "已录入系统"
    questions = []
    monkeypatch.setattr(check_module, "ask", lambda parent, title, text: questions.append(text) or True)
    page = open_wizard(qtbot, store).check_page
    item = next(i for i in page.check.items if i.problem == "新生学籍未审核通过")
    page.select_item(item)
    page.buttons["标记建籍下一步…"].click()
    assert "“已录入系统”标记为“审核通过”" in questions[0]
    assert all(i.student_id != fifth for i in page.check.items)


def test_rows_are_copied_and_the_list_exported(qtbot, store, tmp_path):
    from openpyxl import load_workbook

    page = open_wizard(qtbot, store).check_page
    page.table.selectAll()
    page.copy_action.trigger()  # Ctrl+C
    copied = QApplication_clipboard()
    assert copied.splitlines()[0].split("\t")[:3] == ["在办异动手续", cells(page.model)[0][1], "六年级(1)班"]
    assert len(copied.splitlines()) == 2
    written = page.export(tmp_path / "待办结")
    sheet = load_workbook(written).active
    assert [c.value for c in sheet[1]] == ["序号", "类别", "学生", "班级", "情况", "处理", "依据", "阻止毕业"]
    assert [c.value for c in sheet[2]][0:4] == [1, "在办异动手续", cells(page.model)[0][1], "六年级(1)班"]
    assert sheet.max_row == 3


def QApplication_clipboard() -> str:
    from PySide6.QtWidgets import QApplication

    return QApplication.clipboard().text()


# --- 预览 ------------------------------------------------------------------------------------------------------


def test_the_preview_shows_each_grade_R15_1_R21_1(qtbot, store, monkeypatch):
    wizard = open_wizard(qtbot, store)
    clear_the_check(wizard, monkeypatch)
    wizard.next()
    page = wizard.preview_page
    assert wizard.currentPage() is page
    assert cells(page.grades)[0] == ["一年级", "升级", "2", "二年级", "—", "—", "—"]
    assert cells(page.grades)[2] == [
        "三年级",
        "升级",
        "2",
        "四年级",
        "—",
        "—",
        "—",
    ]  # the 休学 is still asked
    assert cells(page.grades)[5] == ["六年级", "毕业", "2", "—", "—", "—", "2"]  # no fitness results: R29.1
    assert page.no_diploma.rowCount() == 2 and "第二十九条" in cells(page.no_diploma)[0][2]
    assert "毕业 2 人，升级 10 人" in page.heading.text()
    assert page.confirm.isHidden() and can_go_on(wizard)


def test_a_day_before_the_last_term_ends_needs_the_box_ticked_R15_1(qtbot, store, monkeypatch):
    wizard = open_wizard(qtbot, store, today=date(2027, 7, 1))
    clear_the_check(wizard, monkeypatch)
    wizard.next()
    page = wizard.preview_page
    assert not page.confirm.isHidden() and not page.confirm.isChecked()
    assert "第十五条" in page.findings.text() and "2027-07-09" in page.findings.text()
    assert not can_go_on(wizard)
    page.confirm.setChecked(True)
    assert wizard.date_confirmed and can_go_on(wizard)
    page.when.setDate(page.when.date().addDays(1))  # another day: confirmed again
    assert not page.confirm.isChecked() and not can_go_on(wizard)
    page.when.setDate(page.when.date().addDays(30))  # after the term: nothing to confirm
    assert page.confirm.isHidden() and can_go_on(wizard)


def test_the_new_years_terms_are_proposed_and_checked(qtbot, store, monkeypatch):
    wizard = open_wizard(qtbot, store)
    clear_the_check(wizard, monkeypatch)
    wizard.next()
    wizard.next()
    page = wizard.new_year_page
    proposed = year_end.proposed_terms(store)
    assert page.chosen_terms() == proposed
    assert list(page.spins) == [1] and page.spins[1].value() == 1
    page.term1_end.setDate(page.term2_end.date())  # out of order
    wizard.next()
    assert wizard.currentPage() is page and "学期日期" in page.problem.text()


# --- 确认并办理, the result, 撤销 -----------------------------------------------------------------------------------


def drive_to_the_end(wizard: YearEndWizard, monkeypatch, *, first_grade_classes: int = 2) -> None:
    clear_the_check(wizard, monkeypatch)
    wizard.next()  # 预览
    wizard.next()  # 新学年
    wizard.new_year_page.spins[1].setValue(first_grade_classes)
    wizard.next()  # 确认并办理
    assert "2026-2027学年结束 → 2027-2028学年" in wizard.confirm_page.summary.text()
    wizard.next()  # 办理学年结束


def test_the_run_moves_everyone_and_offers_the_roster_and_diplomas_R15_1_R21_1_R29_1(
    qtbot, store, monkeypatch, scan
):
    from xueji_desktop.ui.printing.actions import Printing
    from xueji_desktop.ui.printing.overlay_dialog import OverlayDialog

    graduates = roster.students_in_class(store, class_id_of(store, 6))
    first_graders = set(roster.students_in_class(store, class_id_of(store, 1)))
    exempt = graduates[1]  # the other 六年级 student has no fitness result: no 毕业证书 (R29.1)
    fitness.record_exemption(store, exempt, 2026, "腿部骨折术后", scan("体育免修证明").path)
    wizard = open_wizard(qtbot, store)
    drive_to_the_end(wizard, monkeypatch)
    page = wizard.result_page
    assert wizard.currentPage() is page
    assert wizard.result is not None and wizard.result.graduated == 2
    assert "毕业 2 人" in page.outcome.text() and "2027-2028学年" in page.outcome.text()
    assert str(wizard.result.backup) in page.backup.text() and wizard.result.backup.exists()
    # in the records: 一年级's students are in 二年级(1)班, the 六年级 graduated, a new 一年级(2)班 waits
    assert set(roster.students_in_class(store, class_id_of(store, 2))) == first_graders
    assert {roster.student_row(store, sid).status for sid in graduates} == {"毕业"}
    assert roster.students_in_class(store, class_id_of(store, 1, 2)) == []
    assert school_setup.school_context(store).year_name == "2027-2028学年"
    # what comes next
    asked = []
    monkeypatch.setattr(Printing, "year_roster", lambda self, which, year=None: asked.append((which, year)))
    monkeypatch.setattr(OverlayDialog, "exec", lambda dialog: asked.append(list(dialog.student_ids)) or 0)
    assert page.roster_button.isEnabled() and page.diplomas_button.isEnabled()
    page.roster_button.click()
    page.diplomas_button.click()
    assert asked == [("graduate", 2027), [exempt]]
    assert "结业、不发毕业证书 1 人" in page.diplomas_note.text()


def test_undo_from_the_menu_puts_everything_back(qtbot, folder, monkeypatch, messages):
    from xueji_desktop.ui.main_window import MainWindow

    window = MainWindow(folder)
    qtbot.addWidget(window)
    assert window.open_data()
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "学年")
    start, undo = menu.actions()
    assert (start.text(), undo.text()) == ("学年结束…", "撤销学年结束…")
    undo.trigger()  # nothing to undo yet
    assert messages == ["还没有办理过学年结束，无可撤销"]

    def sizes() -> list[tuple[str, int]]:
        return [(c.name, c.size) for g in roster.class_tree(window.store) for c in g.classes]

    before = (sizes(), roster.student_listing(window.store), window.header.text())

    def exec_(wizard):  # as the clerk goes through it, on a day after the second term
        wizard.today = wizard.check_page.today = wizard.on = END
        wizard.show()
        drive_to_the_end(wizard, monkeypatch)
        wizard.hide()
        return YearEndWizard.DialogCode.Accepted

    monkeypatch.setattr(YearEndWizard, "exec", exec_)
    start.trigger()
    assert sizes() != before[0] and "2027-2028学年" in window.header.text()  # the header follows the year
    answers = []
    monkeypatch.setattr(undo_module, "ask", lambda parent, title, question: answers.append(question) or True)
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: answers.append(text))
    undo.trigger()
    assert "撤销2026-2027学年的学年结束" in answers[0] and "已撤销" in answers[1]
    assert (sizes(), roster.student_listing(window.store), window.header.text()) == before
    assert year_end.undoable(window.store).refusal  # once undone, nothing more to undo
    window.close()


def test_undo_is_refused_after_a_new_operation(qtbot, store, monkeypatch, messages):
    wizard = open_wizard(qtbot, store)
    drive_to_the_end(wizard, monkeypatch)
    add_student(store, class_id_of(store, 2))  # the new year's first operation
    monkeypatch.setattr(undo_module, "ask", lambda *a: pytest.fail("a refused undo asks nothing"))
    assert not wizard.result_page.undo()
    assert "不能再撤销" in messages[-1]
    assert wizard.result_page.undo_button.isEnabled()
