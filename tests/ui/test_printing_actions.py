"""打印 from the 名册 tab: the menu offers what fits the selection; each action makes its PDF through the
service and hands it to the preview; a refusal is a Chinese message and nothing is previewed."""

from __future__ import annotations

from datetime import date

import pypdfium2
import pytest
from PySide6.QtWidgets import QDialog, QInputDialog
from sqlalchemy import select

from tests.factories import add_graduate, add_student
from xueji_desktop.models import CertificateIssue, Student
from xueji_desktop.services import roster
from xueji_desktop.ui.printing import actions as printing_actions
from xueji_desktop.ui.roster.tab import RosterTab


@pytest.fixture
def tab(qtbot, school):
    first = roster.class_tree(school)[0].classes[0].id
    for name, birth in (("张三", date(2019, 3, 12)), ("李四", date(2019, 5, 1)), ("王五", date(2019, 7, 9))):
        add_student(school, first, name=name, birth=birth)
    widget = RosterTab(school)
    qtbot.addWidget(widget)
    widget.refresh_tree()
    return widget


@pytest.fixture
def previewed(monkeypatch):
    """The PDFs handed to the preview, with their titles (the preview itself is tested in test_print_preview.py)."""
    shown = []
    monkeypatch.setattr(
        printing_actions.print_preview,
        "show_preview",
        lambda parent, path, title, **_: shown.append((path, title)) or True,
    )
    return shown


@pytest.fixture
def errors(monkeypatch):
    """What the clerk is told: the module's own checks and the runner's refusals (ui/common/messages.py)."""
    from xueji_desktop.ui.common import messages

    said = []
    monkeypatch.setattr(printing_actions, "show_error", lambda parent, title, message: said.append(message))
    monkeypatch.setattr(messages, "show_error", lambda parent, title, message: said.append(message))
    return said


def _pages(path) -> list[str]:
    document = pypdfium2.PdfDocument(str(path))
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


def _labels(menu) -> dict[str, bool]:
    return {
        action.text(): action.isEnabled()
        for action in menu.actions()
        if action.text() and not action.isSeparator()
    }


def test_the_menu_offers_what_fits_the_selection(tab):
    tab.table.clearSelection()
    labels = _labels(tab.print_menu())
    assert labels["在读证明…"] is False and labels["学生基本信息表"] is False
    assert (
        labels["在校生名册"] is True and labels["毕业生花名册…"] is True
    )  # 一年级(1)班 is selected in the tree
    tab.select_row(0)
    labels = _labels(tab.print_menu())
    assert labels["在读证明…"] is True and labels["毕业证书（套打）…"] is True
    assert any("选中的学生（1 名）" in action.text() for action in tab.print_menu().actions())


def test_enrolment_proofs_for_the_selected_students_in_one_pdf(tab, previewed, monkeypatch, school):
    monkeypatch.setattr(printing_actions, "ask_purpose", lambda parent: "用于办理医疗保险")
    tab.table.selectAll()
    path = tab.printing().enrolment_proofs(tab.selected_student_ids())
    assert previewed == [(path, "在读证明")]
    pages = _pages(path)
    assert len(pages) == 3 and all("用于办理医疗保险" in page for page in pages)
    with school.read() as session:
        assert len(session.scalars(select(CertificateIssue)).all()) == 3


def test_a_cancelled_purpose_issues_nothing(tab, previewed, monkeypatch, school):
    monkeypatch.setattr(printing_actions, "ask_purpose", lambda parent: None)
    tab.select_row(0)
    assert tab.printing().enrolment_proofs(tab.selected_student_ids()) is None
    assert previewed == []
    with school.read() as session:
        assert session.scalars(select(CertificateIssue)).first() is None


def test_a_student_not_in_school_is_refused_with_the_reason(tab, previewed, errors, monkeypatch, school):
    monkeypatch.setattr(printing_actions, "ask_purpose", lambda parent: "")
    tab.select_row(0)
    [student_id] = tab.selected_student_ids()
    with school.transaction() as session:
        session.get(Student, student_id).status = "转出"
    assert tab.printing().enrolment_proofs([student_id]) is None
    assert previewed == [] and "不能开具在读证明" in errors[0]


def test_class_rosters_and_the_archive_copy(tab, previewed, school):
    class_id = roster.class_tree(school)[0].classes[0].id
    ordinary = tab.printing().class_roster(class_id)
    archive = tab.printing().class_roster(class_id, full_id_numbers=True)
    assert [title for _, title in previewed] == ["在校生名册", "在校生名册（存档）"]
    with school.read() as session:
        full = session.scalar(select(Student.id_number).where(Student.name == "张三"))
    assert full not in "".join(_pages(ordinary)) and full in "".join(_pages(archive))


def test_the_class_info_forms_are_of_its_students_in_school(tab, previewed, errors, school):
    """全班学生基本信息表: one form per student in school (在读, 休学: R12.1); one who has left is not printed."""
    class_id = roster.class_tree(school)[0].classes[0].id
    with school.transaction() as session:
        session.scalars(select(Student).where(Student.name == "王五")).one().status = "转出"
    path = tab.printing().class_info_forms(class_id)
    assert [title for _, title in previewed] == ["学生基本信息表"]
    text = "".join(_pages(path))
    assert "张三" in text and "李四" in text and "王五" not in text
    empty = roster.class_tree(school)[0].classes[1].id
    assert tab.printing().class_info_forms(empty) is None and len(previewed) == 1 and errors


def test_the_graduate_roster_asks_the_year(tab, previewed, errors, monkeypatch, school):
    add_graduate(school, roster.class_tree(school)[0].classes[0].id, name="毕业生")  # on 2026-07-01
    monkeypatch.setattr(QInputDialog, "getInt", lambda *args, **kwargs: (2026, True))
    path = tab.printing().year_roster("graduate")
    assert previewed[-1][1] == "2026年毕业生花名册" and "毕业生" in _pages(path)[0]
    monkeypatch.setattr(QInputDialog, "getInt", lambda *args, **kwargs: (2019, True))
    assert (
        tab.printing().year_roster("graduate") is None and "没有可列入2019年毕业生花名册的学生" in errors[-1]
    )


def test_a_second_education_certificate_asks_for_the_approval(tab, previewed, monkeypatch, school):
    tab.select_row(0)
    [student_id] = tab.selected_student_ids()
    with school.transaction() as session:
        session.get(Student, student_id).status = "毕业"
    answers = iter([("", ""), ("", ""), ("潞教〔2026〕9号", "邮寄遗失")])
    seen_notes = []

    def exec_(dialog):
        seen_notes.append(dialog.note.text())
        approval, reason = next(answers, (None, None))
        if approval is None:
            return QDialog.DialogCode.Rejected
        dialog.approval.setText(approval)
        dialog.reason.setText(reason)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(printing_actions.EducationCertificateDialog, "exec", exec_)
    assert tab.printing().education_certificate(student_id) is not None  # the first: no approval needed
    assert (
        tab.printing().education_certificate(student_id) is not None
    )  # refused once, then given the approval
    assert "第三十条" in seen_notes[2]
    with school.read() as session:
        assert len(session.scalars(select(CertificateIssue)).all()) == 2
    assert [title for _, title in previewed] == ["学历证明书", "学历证明书"]


def test_an_open_student_prints_from_the_student_dialog(qtbot, school, previewed, monkeypatch):
    from xueji_desktop.ui.roster.student_dialog import StudentDialog

    student_id = add_student(school, roster.class_tree(school)[0].classes[0].id, name="详情生")
    dialog = StudentDialog(school, student_id)
    qtbot.addWidget(dialog)
    new = StudentDialog(school)
    qtbot.addWidget(new)
    assert (
        dialog.print_button is not None and new.print_button is None
    )  # a student not yet saved: nothing to print
    info = next(a for a in dialog.print_menu().actions() if a.text() == "学生基本信息表")
    info.trigger()
    assert previewed[-1][1] == "学生基本信息表" and "详情生" in _pages(previewed[-1][0])[0]


def test_the_archive_tab_prints_the_terms_rosters_for_the_archive(qtbot, school, previewed):
    from xueji_desktop.ui.archive.tab import ArchiveTab

    second = roster.class_tree(school)[1].classes[0].id
    add_student(school, second, name="二年级生")
    add_student(school, roster.class_tree(school)[0].classes[0].id, name="一年级生")
    tab = ArchiveTab(school)
    qtbot.addWidget(tab)
    tab.print_buttons["school_rosters"].click()
    path, title = previewed[-1]
    pages = _pages(path)
    assert title == "全校在校生分班名册（存档）"
    assert "一年级(1)班在校生名册" in pages[0] and "一年级生" in pages[0] and "存档用" in pages[0]
    assert any("二年级(1)班在校生名册" in page and "二年级生" in page for page in pages[1:])
    with school.read() as session:
        full = session.scalar(select(Student.id_number).where(Student.name == "二年级生"))
    assert full in "".join(pages)
