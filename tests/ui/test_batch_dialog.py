"""「导出新生上报批次」 dialog: exports the template file, lists blocked students with their reasons (nothing written unless
只导出检查通过的学生), and shows the history of exports. Real store, real widgets, offscreen."""

from __future__ import annotations

from datetime import date, timedelta

import openpyxl
import pytest
from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QMessageBox

from tests.factories import class_id_of, upload_ready_form
from xueji_desktop.models import Student
from xueji_desktop.services.school_setup import sign_in_registrar
from xueji_desktop.services.students import create_student
from xueji_desktop.spreadsheets.template import load_template
from xueji_desktop.ui.batch_dialog import BatchDialog, default_output_path

HEADERS = [column.header for column in load_template("new_students").columns]


def new_student(store, name, step="信息表已下发", **values):
    """A student of 一年级(1)班 filling every column the upload template requires (`values` change some), put in the
    R10.3 steps."""
    form = upload_ready_form(class_id_of(store, 1), name=name)
    form.values.update(values)
    student_id = create_student(store, form)
    with store.transaction() as session:
        student = session.get(Student, student_id)
        student.enrolment_step = step
        student.enrolment_date = date.today() - timedelta(days=3)
    return student_id


def data_rows(path):
    sheet = openpyxl.load_workbook(path, read_only=True)["学生信息"]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def table_texts(model):
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


@pytest.fixture
def school_with_registrar(school):
    sign_in_registrar(school)  # exports are recorded under the school's 学籍管理员, 李敏
    return school


@pytest.fixture
def dialog(qtbot, school_with_registrar, tmp_path):
    def make():
        made = BatchDialog(school_with_registrar)
        qtbot.addWidget(made)
        made.set_output_path(tmp_path / "out" / "新生上报.xlsx")
        return made

    return make


def test_exports_the_template_and_records_the_batch_in_the_history(dialog, school_with_registrar, tmp_path):
    store = school_with_registrar
    new_student(store, "李思雨")
    new_student(store, "王小明")
    new_student(store, "张审过", step="审核通过")  # approved: already uploaded, not eligible
    shown = dialog()
    assert "待上报的新生：<b>2</b> 名" in shown.intro.text()
    assert shown.history_table.isHidden() and not shown.history_empty.isHidden()

    result = shown.export()

    out = tmp_path / "out" / "新生上报.xlsx"
    assert result is not None and result.files == [out]
    header, *rows = data_rows(out)
    assert list(header) == HEADERS
    names = sorted(row[HEADERS.index("姓名")] for row in rows)
    assert names == ["李思雨", "王小明"]
    assert "已导出 2 名学生，写入 1 个文件" in shown.outcome.text() and str(out) in shown.outcome.text()
    assert shown.blocked_table.isHidden()
    [history] = table_texts(shown.history_model)
    assert history[1:] == ["李敏", "2", str(out.resolve())]
    assert not shown.history_table.isHidden() and shown.history_empty.isHidden()


def test_a_blocked_student_is_listed_with_the_reason_and_nothing_is_written(
    dialog, school_with_registrar, tmp_path
):
    store = school_with_registrar
    new_student(store, "李思雨")
    new_student(store, "缺地址", current_address=None)
    shown = dialog()
    out = tmp_path / "out" / "新生上报.xlsx"

    assert shown.export() is None

    assert not out.exists() and not any(out.parent.iterdir())
    assert "1 名学生的信息未通过检查，没有导出任何文件" in shown.outcome.text()
    assert "只导出检查通过的学生" in shown.outcome.text()
    assert not shown.blocked_table.isHidden()
    assert table_texts(shown.blocked_model) == [["缺地址", "现住址", "上报模板要求填写，现在是空的"]]
    assert shown.history_model.rowCount() == 0

    shown.valid_only.setChecked(True)
    result = shown.export()

    assert result is not None and [b.name for b in result.blocked] == ["缺地址"]
    header, *rows = data_rows(out)
    assert [row[HEADERS.index("姓名")] for row in rows] == ["李思雨"]
    assert "已导出 1 名学生" in shown.outcome.text() and "以下 1 名学生未通过检查" in shown.outcome.text()
    assert table_texts(shown.blocked_model) == [["缺地址", "现住址", "上报模板要求填写，现在是空的"]]
    assert table_texts(shown.history_model)[0][1:3] == ["李敏", "1"]


def test_each_problem_is_a_row_under_its_students_name(dialog, school_with_registrar):
    store = school_with_registrar
    new_student(store, "缺两项", current_address=None, postcode=None)
    new_student(store, "缺户口", hukou_region=None)
    shown = dialog()
    assert shown.export() is None
    assert sorted(table_texts(shown.blocked_model)) == sorted(
        [
            ["缺两项", "现住址", "上报模板要求填写，现在是空的"],
            ["", "邮政编码", "上报模板要求填写，现在是空的"],
            ["缺户口", "户口所在地行政区划", "上报模板要求填写，现在是空的"],
        ]
    )
    assert "2 名学生的信息未通过检查" in shown.outcome.text()


def test_nothing_to_export(dialog, school_with_registrar):
    shown = dialog()
    assert "没有待上报的新生" in shown.intro.text()
    assert not shown.export_button.isEnabled()


def test_an_existing_file_is_replaced_only_when_the_clerk_says_so(
    dialog, school_with_registrar, tmp_path, monkeypatch
):
    new_student(school_with_registrar, "李思雨")
    out = tmp_path / "out" / "新生上报.xlsx"
    out.parent.mkdir()
    out.write_bytes(b"earlier")
    shown = dialog()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    assert shown.export() is None
    assert out.read_bytes() == b"earlier" and shown.history_model.rowCount() == 0
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert shown.export() is not None
    assert data_rows(out)[0] == HEADERS


def test_an_unwritable_place_is_a_message_not_a_crash(dialog, school_with_registrar, tmp_path):
    new_student(school_with_registrar, "李思雨")
    blocker = tmp_path / "是文件不是文件夹"
    blocker.write_text("x")
    shown = dialog()
    shown.set_output_path(blocker / "新生上报.xlsx")
    assert shown.export() is None
    assert shown.outcome.text().startswith("没有导出：")
    assert shown.history_model.rowCount() == 0


def test_default_path_is_dated_in_documents_and_never_an_earlier_export(tmp_path, monkeypatch):
    monkeypatch.setattr(QStandardPaths, "writableLocation", lambda location: str(tmp_path))
    first = default_output_path(date(2026, 9, 5))
    assert first == tmp_path / "新生上报_20260905.xlsx"
    first.write_bytes(b"")
    assert default_output_path(date(2026, 9, 5)) == tmp_path / "新生上报_20260905（2）.xlsx"


def test_the_default_is_in_the_users_documents_folder(qtbot, school_with_registrar):
    shown = BatchDialog(school_with_registrar)
    qtbot.addWidget(shown)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    path = shown.output_path()
    assert str(path.parent) == documents
    assert path.name.startswith(f"新生上报_{date.today():%Y%m%d}") and path.suffix == ".xlsx"
