"""The student detail dialog: ID number fills 出生日期/性别, bad numbers refused naming the field, saves audited."""

from __future__ import annotations

import json
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox
from sqlalchemy import func, select

from xueji_desktop.models import AuditEvent, FamilyMember, Student
from xueji_desktop.reference.student_fields import GROUPS, STUDENT_FIELDS
from xueji_desktop.services.roster import class_tree
from xueji_desktop.services.students import blank_form, create_student
from xueji_desktop.ui.roster.student_dialog import FAMILY_TAB, StudentDialog

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(body: str) -> str:
    """A 居民身份证 number with its GB 11643 check digit (ISO 7064 MOD 11-2), made here independently."""
    total = sum(int(digit) * weight for digit, weight in zip(body, _WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


BOY_ID = id_number("14040620190312003")  # 17th digit odd: 男
GIRL_ID = id_number("14040620180705024")  # even: 女


def one_digit_wrong(number: str, position: int = 15) -> str:
    digit = str((int(number[position]) + 1) % 10)
    return number[:position] + digit + number[position + 1 :]


def first_class_id(store) -> int:
    return class_tree(store)[0].classes[0].id


def student_count(store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count(Student.id)))


def audit_events(store, action: str) -> list[tuple[int | None, dict]]:
    """(entity_id, changes) of each audit event of this action."""
    with store.read() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == action))
        return [(event.entity_id, json.loads(event.changes)) for event in events]


@pytest.fixture
def no_message_boxes(monkeypatch):
    """Record what would have been asked; answer with `answer` (a list so a test can change it)."""
    shown: list[tuple[str, str]] = []
    answer = [QMessageBox.StandardButton.No]

    def warning(parent, title, text, *args, **kwargs):
        shown.append(("warning", text))
        return QMessageBox.StandardButton.Ok

    def question(parent, title, text, *args, **kwargs):
        shown.append(("question", text))
        return answer[0]

    monkeypatch.setattr(QMessageBox, "warning", warning)
    monkeypatch.setattr(QMessageBox, "question", question)
    return shown, answer


def new_dialog(qtbot, store) -> StudentDialog:
    dialog = StudentDialog(store, school_class_id=first_class_id(store))
    qtbot.addWidget(dialog)
    return dialog


def fill_required(qtbot, dialog: StudentDialog, number: str = BOY_ID, name: str = "张三") -> None:
    """ASCII is typed key by key; Chinese is set as an input method would commit it (QTest types ASCII only)."""
    dialog.editor("name").setText(name)
    qtbot.keyClicks(dialog.editor("id_number"), number)
    first, second = dialog.member_forms[:2]
    first.editor("name").setText("张建军")
    qtbot.keyClicks(first.editor("phone"), "13812345678")
    second.editor("name").setText("李秀英")
    qtbot.keyClicks(second.editor("phone"), "13912345678")


def test_dialog_shows_every_field_in_its_group_tab(qtbot, school):
    dialog = new_dialog(qtbot, school)
    assert dialog.windowTitle() == "新增学生"
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == [*GROUPS, FAMILY_TAB]
    for spec in STUDENT_FIELDS:
        editor = dialog.editor(spec.key)
        page = dialog.tabs.widget(GROUPS.index(spec.group))
        assert page.isAncestorOf(editor), spec.label
    assert len(dialog.member_forms) == 2
    assert [m.title() for m in dialog.member_forms] == ["成员1", "成员2"]
    assert dialog.class_combo.currentData() == first_class_id(school)
    assert dialog.width() <= 1366 and dialog.height() <= 700  # a 1366×768 laptop with its task bar


def test_code_fields_are_drop_downs_showing_names_and_keeping_codes(qtbot, school):
    dialog = new_dialog(qtbot, school)
    ethnicity = dialog.editor("ethnicity")
    assert ethnicity.currentText() == "汉族" and ethnicity.value() == "01"
    nationality = dialog.editor("nationality")
    assert nationality.isEditable() and nationality.completer() is not None  # 250 entries: type to find
    assert nationality.value() == "CHN"
    nationality.setEditText("日本")
    assert nationality.value() == "JPN"
    only_child = dialog.editor("only_child")
    assert [only_child.itemText(i) for i in range(3)] == ["", "是", "否"]
    assert only_child.value() is None
    only_child.setCurrentIndex(2)
    assert only_child.value() is False
    assert dialog.editor("entry_month").text().count("-") == 1  # 2026-09, no day


def test_region_field_shows_code_and_full_name(qtbot, school):
    dialog = new_dialog(qtbot, school)
    region = dialog.editor("hukou_region")
    region.set_value("140406")
    assert region.currentText() == "140406 山西省长治市潞城区"
    assert region.value() == "140406"
    completer = region.completer()  # typing any part of the name finds it
    completer.setCompletionPrefix("潞城")
    assert completer.completionCount() == 1 and completer.currentCompletion() == "140406 山西省长治市潞城区"
    region.set_value("140481")  # 潞城市, abolished in 2018: still shown, not in the picker
    assert region.value() == "140481" and "潞城市" in region.currentText()
    region.setEditText("")
    assert region.value() is None


def test_valid_id_number_fills_birth_date_and_gender(qtbot, school):
    dialog = new_dialog(qtbot, school)
    assert dialog.editor("birth_date").value() is None and dialog.editor("gender").value() is None
    qtbot.keyClicks(dialog.editor("id_number"), BOY_ID[:17])
    assert dialog.editor("birth_date").value() is None  # not yet: 17 characters
    qtbot.keyClicks(dialog.editor("id_number"), BOY_ID[17])
    assert dialog.editor("birth_date").value() == date(2019, 3, 12)
    assert dialog.editor("gender").value() == "1"
    assert dialog.editor("gender").currentText() == "男"
    dialog.editor("id_number").clear()
    qtbot.keyClicks(dialog.editor("id_number"), GIRL_ID.lower())
    assert dialog.editor("birth_date").value() == date(2018, 7, 5)
    assert dialog.editor("gender").currentText() == "女"


def test_one_digit_wrong_id_is_refused_naming_the_field(qtbot, school, no_message_boxes):
    dialog = new_dialog(qtbot, school)
    fill_required(qtbot, dialog, number=one_digit_wrong(BOY_ID))
    id_row = dialog._rows["id_number"]
    assert id_row.error.isVisibleTo(dialog) and "身份证件号" in id_row.error.text()  # shown while typing
    dialog.tabs.setCurrentIndex(GROUPS.index("联系信息"))
    dialog.save()
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.saved_student_id is None
    assert "身份证件号" in dialog.problems_label.text() and "校验位" in dialog.problems_label.text()
    assert "校验位" in id_row.error.text()
    assert dialog.tabs.currentIndex() == GROUPS.index("基本信息")  # brought forward to the first problem
    assert student_count(school) == 0 and audit_events(school, "student.create") == []
    assert no_message_boxes[0] == []


def test_impossible_birth_date_in_id_is_shown_at_the_field(qtbot, school):
    dialog = new_dialog(qtbot, school)
    qtbot.keyClicks(dialog.editor("id_number"), id_number("14040620190230001"))
    error = dialog._rows["id_number"].error
    assert error.isVisibleTo(dialog) and "身份证件号" in error.text() and "不存在" in error.text()
    assert dialog.editor("birth_date").value() is None


def test_gender_not_matching_the_id_is_refused_naming_gender(qtbot, school, no_message_boxes):
    dialog = new_dialog(qtbot, school)
    fill_required(qtbot, dialog)
    dialog.editor("gender").set_value("2")  # the ID number's 17th digit says 男
    gender_row = dialog._rows["gender"]
    assert gender_row.error.isVisibleTo(dialog) and "性别" in gender_row.error.text()
    dialog.save()
    assert dialog.saved_student_id is None
    assert "性别" in dialog.problems_label.text() and "不一致" in dialog.problems_label.text()
    assert student_count(school) == 0


def test_save_creates_student_with_family_and_audit(qtbot, school, no_message_boxes):
    dialog = new_dialog(qtbot, school)
    fill_required(qtbot, dialog)
    dialog.editor("current_address").setText("潞城区潞华街道1号")
    dialog.editor("hukou_region").set_value("140406")
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.saved_student_id is not None
    class_id = first_class_id(school)
    with school.read() as session:
        student = session.get(Student, dialog.saved_student_id)
        assert (student.name, student.gender, student.birth_date) == ("张三", "1", date(2019, 3, 12))
        assert student.id_number == BOY_ID and student.school_class_id == class_id
        assert student.hukou_region == "140406" and student.current_address == "潞城区潞华街道1号"
        members = [(m.name, m.relation, m.is_guardian, m.phone) for m in student.family_members]
    assert members == [("张建军", "1", True, "13812345678"), ("李秀英", "2", False, "13912345678")]
    ((entity_id, changes),) = audit_events(school, "student.create")
    assert entity_id == dialog.saved_student_id and changes["姓名"] == [None, "张三"]


def test_edit_current_address_is_audited_old_to_new(qtbot, school, no_message_boxes):
    dialog = new_dialog(qtbot, school)
    fill_required(qtbot, dialog)
    dialog.editor("current_address").setText("潞华街道1号")
    dialog.save()
    student_id = dialog.saved_student_id

    again = StudentDialog(school, student_id)
    qtbot.addWidget(again)
    assert again.windowTitle() == "学生信息 — 张三"
    assert again.editor("id_number").text() == BOY_ID  # in full here; the roster masks it
    assert len(again.member_forms) == 2 and again.member_forms[0].editor("is_guardian").isChecked()
    again.editor("current_address").setText("成家川街道8号")
    again.save()
    assert again.saved_student_id == student_id
    # nothing else moved: every widget gives back what it was given
    assert audit_events(school, "student.update") == [
        (student_id, {"现住址": ["潞华街道1号", "成家川街道8号"]})
    ]
    with school.read() as session:
        assert session.get(Student, student_id).current_address == "成家川街道8号"
        assert session.scalar(select(func.count(FamilyMember.id))) == 2


def test_national_student_id_is_read_only_once_set(qtbot, school):
    """R10.4: 学籍号 is the national system's, set once and never edited."""
    form = blank_form(first_class_id(school))
    form.values |= {
        "name": "王五",
        "gender": "1",
        "birth_date": date(2019, 3, 12),
        "id_number": BOY_ID,
        "national_student_id": "G" + BOY_ID,
    }
    form.family = [form.family[0] | {"name": "王大山"}]
    student_id = create_student(school, form)
    opened = StudentDialog(school, student_id)
    qtbot.addWidget(opened)
    assert opened.editor("national_student_id").isReadOnly()
    assert opened.editor("national_student_id").text() == "G" + BOY_ID
    fresh = new_dialog(qtbot, school)
    assert not fresh.editor("national_student_id").isReadOnly()


def second_not_saved(qtbot, store, **fill) -> StudentDialog:
    """张三 saved, then a second new student (fill_required's `number` or `name` changed) whose save writes nothing
    at first: the dialog of the second."""
    first = new_dialog(qtbot, store)
    fill_required(qtbot, first)
    first.save()
    second = new_dialog(qtbot, store)
    fill_required(qtbot, second, **fill)
    second.save()
    assert second.saved_student_id is None and student_count(store) == 1
    return second


def test_likely_duplicate_asks_and_saves_only_when_confirmed(qtbot, school, no_message_boxes):
    """R13.1: same name, birth date and gender as another student is a warning the clerk decides."""
    shown, answer = no_message_boxes
    twin = second_not_saved(
        qtbot, school, number=id_number("14040620190312011")
    )  # another boy born the same day
    assert shown[-1][0] == "question" and "第十三条" in shown[-1][1]
    answer[0] = QMessageBox.StandardButton.Yes
    twin.save()
    assert twin.saved_student_id is not None and student_count(school) == 2


def test_same_id_number_twice_is_refused(qtbot, school, no_message_boxes):
    """R13.1: the same ID number is the same person: refused, nothing written."""
    shown, _ = no_message_boxes
    second_not_saved(qtbot, school, name="张小三")
    assert shown[-1][0] == "warning" and "身份证件号" in shown[-1][1]


def test_more_family_members_can_be_added_and_removed(qtbot, school, no_message_boxes):
    dialog = new_dialog(qtbot, school)
    assert all(m.remove_button.isHidden() for m in dialog.member_forms)  # two members always stay
    qtbot.mouseClick(dialog.add_member_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.add_member_button, Qt.MouseButton.LeftButton)
    assert [m.title() for m in dialog.member_forms] == ["成员1", "成员2", "成员3", "成员4"]
    third, fourth = dialog.member_forms[2:]
    assert not third.remove_button.isHidden() and not fourth.remove_button.isHidden()
    qtbot.mouseClick(third.remove_button, Qt.MouseButton.LeftButton)
    assert dialog.member_forms == [*dialog.member_forms[:2], fourth] and fourth.title() == "成员3"
    fill_required(qtbot, dialog)
    fourth.editor("name").setText("张德福")
    fourth.editor("relation").set_value("3")
    dialog.save()
    with school.read() as session:
        names = [m.name for m in session.get(Student, dialog.saved_student_id).family_members]
    assert names == ["张建军", "李秀英", "张德福"]


def test_family_problem_points_at_the_member(qtbot, school, no_message_boxes):
    dialog = new_dialog(qtbot, school)
    fill_required(qtbot, dialog)
    dialog.member_forms[1].editor("name").clear()  # a phone but no name
    dialog.save()
    assert dialog.saved_student_id is None
    assert dialog.tabs.currentIndex() == dialog.tabs.count() - 1
    row = dialog.member_forms[1].rows["name"]
    assert row.error.isVisibleTo(dialog) and "家庭成员2 姓名" in row.error.text()
    assert student_count(school) == 0


# --- 姓名拼音: typed, or picked from the name's readings (reference/pinyin.pinyin_choices) ---


def test_the_clerk_picks_another_reading_and_it_is_saved(qtbot, school, no_message_boxes):
    dialog = new_dialog(qtbot, school)
    fill_required(qtbot, dialog, name="曾子轩")
    pinyin = dialog.editor("name_pinyin")
    assert pinyin.count() == 0 and pinyin.value() is None  # nothing computed until the list is opened
    pinyin.showPopup()
    readings = [pinyin.itemText(i) for i in range(pinyin.count())]
    pinyin.hidePopup()
    assert readings[0] == "ZENG ZI XUAN" and "CENG ZI XUAN" in readings
    pinyin.setCurrentIndex(readings.index("CENG ZI XUAN"))
    assert pinyin.value() == "CENG ZI XUAN"
    dialog.save()
    with school.read() as session:
        assert session.scalar(select(Student.name_pinyin).where(Student.name == "曾子轩")) == "CENG ZI XUAN"


def test_left_empty_the_surname_reading_is_written(qtbot, school, no_message_boxes):
    dialog = new_dialog(qtbot, school)
    fill_required(qtbot, dialog, name="曾子轩")
    dialog.save()
    with school.read() as session:
        assert session.scalar(select(Student.name_pinyin).where(Student.name == "曾子轩")) == "ZENG ZI XUAN"
