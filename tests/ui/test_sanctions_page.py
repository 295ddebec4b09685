"""The student dialog's 奖惩 tab (第三十一条、第三十二条): a saved student's awards and sanctions with what goes into the
archive (R31.1, R32.2); 添加奖励, 添加处分 and 解除处分 through the operation runner, a refusal shown with its article
(R32.1) and nothing written; a new student's dialog has no such tab."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QDialog

from tests.factories import add_award, add_sanction, add_student, class_id_of
from xueji_desktop.services import sanctions
from xueji_desktop.ui.roster import sanctions_page
from xueji_desktop.ui.roster.sanctions_page import TITLE, AwardDialog, LiftDialog, SanctionDialog
from xueji_desktop.ui.roster.student_dialog import StudentDialog

TODAY = date(2026, 10, 20)


def _tab(dialog):
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    return dialog.tabs.widget(titles.index(TITLE)) if TITLE in titles else None


def _cells(model) -> list[list[str]]:
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


@pytest.fixture
def answers(monkeypatch):
    """Each dialog accepted with the values a test fills in through `fill[class]` (the widgets set before exec)."""
    fill: dict[type, callable] = {}

    def exec_(self):
        fill[type(self)](self)
        return QDialog.DialogCode.Accepted

    for cls in (AwardDialog, SanctionDialog, LiftDialog):
        monkeypatch.setattr(cls, "exec", exec_)
    return fill


def test_r31_1_r32_2_the_tab_lists_awards_and_sanctions(qtbot, school):
    student = add_student(school, class_id_of(school, 3))
    add_award(school, student, "校级", title="三好学生", awarded_on=date(2026, 9, 30), issuer="本校")
    lifted = add_sanction(school, student, "警告", reason="迟到")
    sanctions.lift_sanction(school, lifted, lifted_on=date(2026, 10, 10), reason="表现良好")
    dialog = StudentDialog(school, student)
    qtbot.addWidget(dialog)
    page = _tab(dialog)
    assert _cells(page.awards) == [["校级", "三好学生", "2026-09-30", "本校", "是"]]
    assert _cells(page.sanctions)[0][0] == "警告" and _cells(page.sanctions)[0][-1] == "否"
    assert "解除" in _cells(page.sanctions)[0][5]
    new = StudentDialog(school, school_class_id=class_id_of(school, 1))
    qtbot.addWidget(new)
    assert _tab(new) is None


def test_r32_1_add_and_lift_through_the_runner(qtbot, school, answers, messages):
    student = add_student(school, class_id_of(school, 3))
    page = sanctions_page.SanctionsPage(school, student, today=TODAY)
    qtbot.addWidget(page)

    def award(d):
        d.level.setCurrentText("县级")
        d.title_edit.setText("优秀少先队员")
        d.issuer.setText("潞城区教育局")

    def demerit(d):
        d.kind.setCurrentText("记过")
        d.reason.setText("损坏公物")
        d.document.setText("潞实小〔2026〕9号")

    answers[AwardDialog], answers[SanctionDialog] = award, demerit
    page.add_award()
    page.add_sanction()
    assert messages == []
    assert [row[1] for row in _cells(page.awards)] == ["优秀少先队员"]  # refreshed from the announcer
    assert _cells(page.sanctions)[0][:2] == ["记过", "损坏公物"] and _cells(page.sanctions)[0][5] == "执行中"
    assert not page.lift_button.isEnabled()
    page.sanctions_table.selectRow(0)
    assert page.lift_button.isEnabled()
    answers[LiftDialog] = lambda d: d.reason.setText("表现良好")
    page.lift()
    assert _cells(page.sanctions)[0][5] == "已于2026-10-20解除"
    assert sanctions.sanctions_of(school, student)[0].lift_reason == "表现良好"


def test_r32_1_a_refusal_names_its_article_and_writes_nothing(qtbot, school, answers, messages):
    """R32.1: a primary pupil is never expelled."""
    student = add_student(school, class_id_of(school, 3))
    page = sanctions_page.SanctionsPage(school, student, today=TODAY)
    qtbot.addWidget(page)

    def expel(d):
        d.kind.setCurrentText("开除学籍")
        d.reason.setText("x")
        d.document.setText("潞实小〔2026〕9号")
        d.city_approved.setCurrentText("是")

    answers[SanctionDialog] = expel
    page.add_sanction()
    assert len(messages) == 1 and "第三十二条" in messages[0]
    assert sanctions.sanctions_of(school, student) == [] and page.sanctions.rowCount() == 0
