"""打印表格 in the 异动 tab: the selected procedure's form goes to the preview; a procedure with no form is
told so."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.factories import add_student
from xueji_desktop.models import SchoolClass
from xueji_desktop.rules import proofs
from xueji_desktop.rules.suspensions import SuspensionReason
from xueji_desktop.services import procedures
from xueji_desktop.services.procedures import suspensions, withdrawals
from xueji_desktop.ui.printing import actions as printing_actions
from xueji_desktop.ui.status_changes import tab as status_changes_tab
from xueji_desktop.ui.status_changes.tab import StatusChangesTab

OCTOBER = date(2026, 10, 8)


def test_the_selected_procedures_form_is_previewed(qtbot, school, scan, monkeypatch):
    with school.read() as session:
        class_id = session.scalars(select(SchoolClass.id)).first()
    student = add_student(school, class_id, name="休学生")
    other = add_student(school, class_id, name="去世生")
    procedures.open(
        school,
        suspensions.SuspensionRequest(
            student_id=student, reason=SuspensionReason.ILLNESS, start=OCTOBER, illness_share_of_term=0.5
        ),
        today=OCTOBER,
        proofs=[scan(proofs.SUSPENSION_FORM), scan(proofs.HOSPITAL_RECORD)],
    )
    procedures.open(
        school,
        withdrawals.DeathRequest(student_id=other, died_on=OCTOBER),
        proofs=[scan(proofs.DEATH_PROOF)],
        today=OCTOBER,
    )
    shown, said = [], []
    monkeypatch.setattr(
        printing_actions.print_preview,
        "show_preview",
        lambda parent, path, title, **_: shown.append(path) or True,
    )
    monkeypatch.setattr(status_changes_tab, "show_error", lambda parent, title, message: said.append(message))
    from xueji_desktop.ui.common import messages  # the runner's refusals

    monkeypatch.setattr(messages, "show_error", lambda parent, title, message: said.append(message))
    tab = StatusChangesTab(school, today=OCTOBER)
    qtbot.addWidget(tab)
    tab.refresh()
    rows = {tab.model.row_at(r).student_name: r for r in range(tab.model.rowCount())}
    tab.table.clearSelection()  # selectRow adds to the selection while Ctrl seems held (a key test before)
    tab.table.selectRow(rows["休学生"])
    tab.print_button.click()
    assert len(shown) == 1 and shown[0].stat().st_size > 0
    tab.table.clearSelection()
    tab.table.selectRow(rows["去世生"])
    tab.print_button.click()
    assert len(shown) == 1 and "没有需要打印的表格" in said[-1]


def test_the_provincial_state_is_asked_once_and_a_return_keeps_its_reason(qtbot, school, scan, monkeypatch):
    """省级系统状态 from the 异动 tab: 已上报, then 已退回 with the authority's reason (ask_province_state, shared with
    the year end's check page)."""
    from PySide6.QtWidgets import QInputDialog

    from tests.factories import advance_to

    with school.read() as session:
        class_id = session.scalars(select(SchoolClass.id)).first()
    student = add_student(school, class_id, name="休学生")
    procedure = procedures.open(
        school,
        suspensions.SuspensionRequest(
            student_id=student, reason=SuspensionReason.ILLNESS, start=OCTOBER, illness_share_of_term=0.5
        ),
        today=OCTOBER,
        proofs=[scan(proofs.SUSPENSION_FORM), scan(proofs.HOSPITAL_RECORD)],
    )
    advance_to(school, procedure, on=OCTOBER, approval_number="潞教学〔2026〕9号")
    states = iter([("已上报", True), ("已退回", True)])
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: next(states))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("缺少医疗单位病历原件", True))
    said: list[str] = []
    from xueji_desktop.ui.common import messages

    monkeypatch.setattr(status_changes_tab, "show_error", lambda parent, title, message: said.append(message))
    monkeypatch.setattr(messages, "show_error", lambda parent, title, message: said.append(message))
    tab = StatusChangesTab(school, today=OCTOBER)
    qtbot.addWidget(tab)
    tab.open_only.setChecked(False)  # it took effect: no longer 未办结
    for _ in range(2):
        tab.refresh()
        tab.table.clearSelection()
        tab.table.selectRow(0)
        tab.province_selected()
    [row] = [r for r in procedures.procedure_rows(school, today=OCTOBER) if r.id == procedure]
    assert said == []
    assert (row.province_state, row.province_note) == ("已退回", "缺少医疗单位病历原件")
