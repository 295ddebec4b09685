"""The upload-batch dialog's problem list: a double-click opens the student's dialog at the field the problem names
(a record field, a template column, a family member's), and 「导出 Excel…」 writes the list with each row's student."""

from __future__ import annotations

import openpyxl
import pytest

from tests.ui.test_batch_dialog import new_student
from xueji_desktop.services.school_setup import sign_in_registrar
from xueji_desktop.ui.batch_dialog import BatchDialog, field_of_problem
from xueji_desktop.ui.roster import student_dialog


@pytest.fixture
def blocked(qtbot, school, tmp_path, monkeypatch):
    sign_in_registrar(school)
    new_student(school, "张三", hukou_type=None)
    new_student(school, "李四", postcode=None)
    dialog = BatchDialog(school)
    qtbot.addWidget(dialog)
    dialog.set_output_path(tmp_path / "新生上报.xlsx")
    monkeypatch.setattr(student_dialog.StudentDialog, "exec", lambda self: 0)
    assert dialog.export() is None  # both blocked: the list shows
    return dialog


def test_problem_items_name_their_fields():
    assert field_of_problem("户口性质") == "hukou_type"
    assert field_of_problem("成员1现住址") == "family.1.address"
    assert field_of_problem("出生日期") == "birth_date"
    assert field_of_problem("家庭成员2 身份证件号") == "family.2.id_number"
    assert field_of_problem("家庭成员2") == "family.2"
    assert field_of_problem("") is None


def test_double_click_opens_the_student_at_the_field(qtbot, blocked):
    rows = blocked.problems_shown
    row = next(i for i, r in enumerate(rows) if r[4] == "张三" and r[1] == "户口性质")
    index = blocked.blocked_model.index(row, 1)
    blocked.blocked_table.doubleClicked.emit(index)
    dialog = blocked.opened_dialog
    assert dialog.windowTitle() == "学生信息 — 张三"
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "户口信息"
    assert dialog.tabs.currentWidget().isAncestorOf(dialog.editor("hukou_type"))


def test_the_list_exports_to_excel(blocked, tmp_path):
    assert not blocked.export_problems_button.isHidden()
    out = blocked.export_problems(tmp_path / "问题清单.xlsx")
    sheet = openpyxl.load_workbook(out).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["序号", "学生", "项目", "问题"]
    assert {(r[1], r[2]) for r in rows[1:]} == {("张三", "户口性质"), ("李四", "邮政编码")}
