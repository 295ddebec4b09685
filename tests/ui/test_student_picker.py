"""The one student picker (ui/common/student_picker.py): search by name, 拼音 initials, ID number and 学籍号; only the
statuses a procedure may start from; the 「不指定学生」 line; choosing from outside; the signal; the keyboard — and
that the wizard, the absence dialog and the archive registers all use it."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from tests.factories import add_student, id_number
from xueji_desktop.models import SchoolClass, Student
from xueji_desktop.services.students import load_form, update_student
from xueji_desktop.ui.common.student_picker import StudentPicker

NONE_LABEL = "（不限于某一学生）"


def _set_status(store, student_id, status):
    with store.transaction() as session:
        session.get(Student, student_id).status = status


@pytest.fixture
def pupils(school):
    """张三, 张伟, 李四 (在读) in 一年级(1)班, 王五 (休学) in 一年级(2)班; 张三 has a 学籍号."""
    with school.read() as session:
        classes = {c.name: c.id for c in session.scalars(select(SchoolClass))}
    ids = {}
    people = [
        ("张三", "一年级(1)班", date(2020, 3, 14), "001"),
        ("张伟", "一年级(1)班", date(2020, 1, 5), "002"),
        ("李四", "一年级(1)班", date(2019, 11, 30), "003"),
        ("王五", "一年级(2)班", date(2020, 5, 1), "004"),
    ]
    for seq, (name, class_name, born, number) in enumerate(people, start=100):
        ids[name] = add_student(
            school,
            classes[class_name],
            name=name,
            birth=born,
            number=id_number(born, "1", seq),
            school_number=number,
        )
    _set_status(school, ids["王五"], "休学")
    form = load_form(school, ids["张三"])
    form.values["national_student_id"] = "G140406202003140011"
    update_student(school, ids["张三"], form)
    return ids


def _picker(qtbot, store, **options) -> StudentPicker:
    picker = StudentPicker(store, **options)
    qtbot.addWidget(picker)
    return picker


def _listed(picker: StudentPicker) -> list[str]:
    return [picker.results.item(row).text().split("　")[0] for row in range(picker.results.count())]


def test_no_search_lists_the_school_and_chooses_nobody(qtbot, school, pupils):
    picker = _picker(qtbot, school)
    assert _listed(picker) == ["张三", "张伟", "李四", "王五"]
    assert picker.student_id() is None and picker.student_name() == ""
    assert picker.search.placeholderText().startswith("查找学生")


def test_search_by_name_shows_class_and_status_and_chooses_the_first_match(qtbot, school, pupils):
    picker = _picker(qtbot, school)
    picker.search.setText("王")
    assert _listed(picker) == ["王五"]
    assert picker.student_id() == pupils["王五"] and picker.student_name() == "王五"
    line = picker.results.currentItem().text()
    assert "一年级(2)班" in line and line.endswith("休学")
    assert "*" * 10 in line  # the ID number masked (GB/T 35273)


def test_search_by_pinyin_initials_and_pinyin(qtbot, school, pupils):
    picker = _picker(qtbot, school)
    picker.search.setText("zs")
    assert _listed(picker) == ["张三"] and picker.student_id() == pupils["张三"]
    picker.search.setText("zhang")
    assert _listed(picker) == ["张三", "张伟"]
    assert picker.student_id() == pupils["张三"]  # still listed: the choice stays


def test_search_by_id_number_and_national_student_id(qtbot, school, pupils):
    picker = _picker(qtbot, school)
    picker.search.setText("20191130")
    assert _listed(picker) == ["李四"] and picker.student_id() == pupils["李四"]
    picker.search.setText("G1404062020")
    assert _listed(picker) == ["张三"] and picker.student_id() == pupils["张三"]


def test_nothing_found_says_so_and_chooses_nobody(qtbot, school, pupils):
    picker = _picker(qtbot, school, statuses=("在读",))
    picker.search.setText("赵")
    assert picker.results.count() == 0 and picker.student_id() is None
    assert not picker.note.isHidden() and picker.note.text() == "没有找到处于「在读」状态的符合「赵」的学生"
    picker.search.setText("")
    assert picker.note.isHidden()


def test_only_the_statuses_asked_are_listed(qtbot, school, pupils):
    """A 复学 wizard lists only students in 休学; one not in those statuses cannot be chosen from outside."""
    picker = _picker(qtbot, school, statuses=("休学",))
    assert _listed(picker) == ["王五"]
    assert not picker.select(pupils["张三"])
    assert picker.student_id() is None and picker.search.text() == ""
    assert picker.select(pupils["王五"]) and picker.student_id() == pupils["王五"]


def test_the_none_line_comes_first_and_is_chosen_without_a_search(qtbot, school, pupils):
    picker = _picker(qtbot, school, none_label=NONE_LABEL, rows=4)
    assert picker.results.item(0).text() == NONE_LABEL and picker.results.currentRow() == 0
    assert picker.student_id() is None
    picker.search.setText("李")
    assert picker.student_id() == pupils["李四"]  # a search chooses its first match, not the none line
    assert picker.results.item(0).text() == NONE_LABEL
    picker.search.clear()
    assert picker.student_id() == pupils["李四"]  # clearing the search keeps the choice
    assert picker.select(None) and picker.results.currentRow() == 0 and picker.student_id() is None
    line = picker.results.sizeHintForRow(0)
    assert picker.results.height() < 6 * line  # four whole lines, not the whole school


def test_select_from_outside_finds_a_student_not_listed(qtbot, school, pupils):
    picker = _picker(qtbot, school, limit=2)
    assert _listed(picker) == ["张三", "张伟"]
    assert picker.select(pupils["王五"])
    assert picker.student_id() == pupils["王五"] and picker.search.text() == "王五"
    assert picker.select(pupils["张三"]) and picker.student_id() == pupils["张三"]
    assert picker.search.text() == "张三"  # 张三 was not listed under 「王五」: found by name
    assert not picker.select(9999)


def test_the_signal_carries_the_choice_and_only_when_it_changes(qtbot, school, pupils):
    picker = _picker(qtbot, school)
    with qtbot.waitSignal(picker.changed) as chosen:
        picker.search.setText("zhang")
    assert chosen.args == [pupils["张三"]]
    with qtbot.assertNotEmitted(picker.changed):
        picker.search.setText("zhan")  # 张三 still listed and chosen
    with qtbot.waitSignal(picker.changed) as chosen:
        picker.results.setCurrentRow(1)
    assert chosen.args == [pupils["张伟"]]
    with qtbot.waitSignal(picker.changed) as chosen:
        picker.search.setText("没有这个人")
    assert chosen.args == [None]


def test_arrows_in_the_search_box_move_through_the_matches_and_enter_goes_to_the_list(qtbot, school, pupils):
    picker = _picker(qtbot, school)
    picker.show()
    qtbot.waitExposed(picker)
    picker.activateWindow()
    picker.search.setFocus()
    qtbot.keyClicks(picker.search, "zhang")
    assert picker.student_id() == pupils["张三"]
    qtbot.keyClick(picker.search, Qt.Key.Key_Down)
    assert picker.student_id() == pupils["张伟"] and picker.search.text() == "zhang"
    qtbot.keyClick(picker.search, Qt.Key.Key_Up)
    assert picker.student_id() == pupils["张三"]
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    qtbot.waitUntil(picker.results.hasFocus)
    assert picker.student_id() == pupils["张三"]


def test_the_wizard_the_absence_dialog_and_the_registers_use_it(qtbot, school, pupils):
    from xueji_desktop.ui.archive.register_dialog import ConsultationDialog, PaperPlaceDialog
    from xueji_desktop.ui.status_changes.absence_dialog import AbsenceDialog
    from xueji_desktop.ui.status_changes.wizard import ProcedureWizard

    wizard = ProcedureWizard(school, "resumption", today=date(2026, 10, 8))
    absence = AbsenceDialog(school, today=date(2026, 10, 8))
    consultations = ConsultationDialog(school, today=date(2026, 10, 8))
    places = PaperPlaceDialog(school)
    for widget in (wizard, absence, consultations, places):
        qtbot.addWidget(widget)
    pickers = (wizard.student_page.picker, absence.picker, consultations.picker, places.picker)
    assert all(isinstance(picker, StudentPicker) for picker in pickers)
    assert _listed(wizard.student_page.picker) == ["王五"]  # 复学 starts from 休学 (R22.2, 第二十二条)
    assert not wizard.student_page.isComplete()
    wizard.student_page.picker.search.setText("ww")
    assert wizard.student_page.isComplete()
    assert _listed(absence.picker) == ["张三", "张伟", "李四"]  # 第二十六条 counts students in school
    assert consultations.picker.results.item(0).text().startswith("（不限于某一学生")
