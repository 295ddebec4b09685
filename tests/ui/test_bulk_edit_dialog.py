"""批量修改 dialog: the field and its value (code fields as drop-downs), the preview of old → new, 确定 through the
runner (one audit entry per student, STUDENTS announced), 推断 from the ID number shown as such, a key field of an
established record refused with its article (R14.1); reached from the 名册 tab's 「批量修改…」."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QComboBox
from sqlalchemy import select, update

from tests.factories import add_student, class_id_of
from xueji_desktop.models import Student
from xueji_desktop.ui.common.operations import announcer
from xueji_desktop.ui.roster.bulk_edit_dialog import BulkEditDialog


@pytest.fixture
def pupils(school):
    class_id = class_id_of(school, 1)
    ids = [add_student(school, class_id, name=name) for name in ("张三", "李四", "王五")]
    with school.transaction() as session:
        session.execute(update(Student).where(Student.id.in_(ids)).values(enrolment_step="信息表已下发"))
    return ids


def _texts(model):
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def _stored(store, key):
    with store.read() as session:
        return [getattr(s, key) for s in session.scalars(select(Student).order_by(Student.id))]


def test_a_code_field_from_its_drop_down_previewed_then_written(qtbot, school, pupils):
    dialog = BulkEditDialog(school, pupils)
    qtbot.addWidget(dialog)
    dialog.set_field("hukou_type")
    assert isinstance(dialog.value_editor, QComboBox)
    assert not dialog.ok_button.isEnabled()
    dialog.set_value("2")
    dialog.preview_button.click()
    assert _texts(dialog.model)[0] == ["张三", "一年级(1)班", "", "非农业户口", ""]
    assert "将修改 <b>3</b> 名学生" in dialog.summary.text()
    with qtbot.waitSignal(announcer().changed):
        dialog.ok_button.click()
    assert dialog.changed == 3 and dialog.result() == dialog.DialogCode.Accepted
    assert _stored(school, "hukou_type") == ["2", "2", "2"]


def test_changing_the_value_asks_for_a_new_preview(qtbot, school, pupils):
    dialog = BulkEditDialog(school, pupils)
    qtbot.addWidget(dialog)
    dialog.set_field("hukou_type")
    dialog.set_value("2")
    dialog.preview()
    assert dialog.ok_button.isEnabled()
    dialog.set_value("1")
    assert not dialog.ok_button.isEnabled()


def test_inferred_from_the_id_number_marked_until_confirmed(qtbot, school, pupils):
    dialog = BulkEditDialog(school, pupils)
    qtbot.addWidget(dialog)
    dialog.set_field("native_place")
    button = dialog.suggestion_buttons["id_area"]
    assert not button.isHidden() and dialog.suggestion_buttons["home_address"].isHidden()
    button.click()
    assert {row[4] for row in _texts(dialog.model)} == {"推断"}
    assert "蓝色为推断的值" in dialog.summary.text()
    dialog.ok_button.click()
    assert _stored(school, "native_place") == ["140406"] * 3


def test_key_field_of_an_established_record_refused_R14_1(qtbot, school, pupils, messages):
    with school.transaction() as session:
        session.get(Student, pupils[0]).national_student_id = "G140406201903140011"
    dialog = BulkEditDialog(school, pupils)
    qtbot.addWidget(dialog)
    dialog.set_field("ethnicity")
    dialog.set_value("03")
    assert dialog.preview() is None
    assert "第十四条" in messages[-1] and "信息变更" in messages[-1]
    assert not dialog.ok_button.isEnabled()


def test_the_roster_tab_opens_it_for_the_class_shown(qtbot, school, pupils, monkeypatch):
    from xueji_desktop.ui.roster import bulk_edit_dialog
    from xueji_desktop.ui.roster.tab import RosterTab

    opened = []
    monkeypatch.setattr(bulk_edit_dialog.BulkEditDialog, "exec", lambda self: opened.append(self.student_ids))
    tab = RosterTab(school)
    qtbot.addWidget(tab)
    tab.refresh_tree(class_id_of(school, 1))
    tab.bulk_edit_button.click()
    assert sorted(opened[0]) == sorted(pupils)
