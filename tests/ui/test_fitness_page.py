"""The student dialog's 体质健康 tab (第二十九条, R29.1): a saved student's results in force and 体育免修, through
services/fitness.py; a new student's dialog has no such tab."""

from __future__ import annotations

from datetime import date

from tests.factories import add_student, class_id_of
from tests.services.test_fitness import write_book
from xueji_desktop.models import Student
from xueji_desktop.services import fitness
from xueji_desktop.ui.roster.fitness_page import TITLE
from xueji_desktop.ui.roster.student_dialog import StudentDialog


def _tab(dialog):
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    return dialog.tabs.widget(titles.index(TITLE)) if TITLE in titles else None


def test_the_dialog_shows_results_and_the_exemption(qtbot, school, tmp_path, scan):
    student_id = add_student(school, class_id_of(school, 3), name="赵一", birth=date(2017, 5, 1))
    with school.read() as session:
        number = session.get(Student, student_id).id_number
    rows = [["赵一", number, None, 2025, 55, "不及格"], ["赵一", number, None, 2026, 81.5, "良好"]]
    fitness.commit_import(school, fitness.plan_import(school, write_book(tmp_path / "体测.xlsx", rows)))
    fitness.record_exemption(school, student_id, 2026, "腿部骨折术后", scan("x").path)
    dialog = StudentDialog(school, student_id)
    qtbot.addWidget(dialog)
    page = _tab(dialog)
    model = page.model
    shown = [[model.index(r, c).data() for c in range(3)] for r in range(model.rowCount())]
    assert shown == [["2026-2027学年", "81.5", "良好"], ["2025-2026学年", "55", "不及格"]]
    assert "2026-2027学年 体育免修：腿部骨折术后" in page.note.text()


def test_a_student_without_results_and_a_new_student(qtbot, school):
    student_id = add_student(school, class_id_of(school, 3))
    dialog = StudentDialog(school, student_id)
    qtbot.addWidget(dialog)
    assert "尚无体质健康测试成绩" in _tab(dialog).note.text()
    new = StudentDialog(school, school_class_id=class_id_of(school, 1))
    qtbot.addWidget(new)
    assert _tab(new) is None
