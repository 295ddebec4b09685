"""补录模板 in the app (ui/roster/completion_actions.py): 「生成补录模板…」 from the upload-batch dialog for the students it
refused and from the 名册 for the chosen students or the class; 「导入补录模板…」 showing each student's old → new and
writing it, and a bad cell refused with nothing written (the error workbook offered). Real store, real .xlsx, real
widgets, offscreen."""

from __future__ import annotations

from datetime import date, timedelta

import openpyxl
import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox
from sqlalchemy import update

from tests.factories import add_student, class_id_of, upload_ready_form
from xueji_desktop.models import Student
from xueji_desktop.services import completion_template as ct
from xueji_desktop.services.school_setup import sign_in_registrar
from xueji_desktop.services.students import create_student
from xueji_desktop.ui.batch_dialog import BatchDialog
from xueji_desktop.ui.roster import completion_actions
from xueji_desktop.ui.roster.completion_actions import CompletionImportDialog


@pytest.fixture
def told(monkeypatch) -> list[str]:
    """What the clerk is told was done (QMessageBox.information); no box opens."""
    lines: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *rest: lines.append(text))
    return lines


@pytest.fixture
def save_to(monkeypatch):
    """The save dialog answers with the path given (a list: the answers in turn)."""
    answers: list = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(answers.pop(0)), ""))
    return answers


@pytest.fixture
def pupils(school):
    """Three students of 一年级(1)班 lacking the upload template's required fields (户口性质, 是否独生子女 …)."""
    class_id = class_id_of(school, 1)
    ids = [add_student(school, class_id, name=name) for name in ("张三", "李四", "王五")]
    with school.transaction() as session:
        session.execute(update(Student).where(Student.id.in_(ids)).values(enrolment_step="信息表已下发"))
    return ids


def _rows(path) -> list[list]:
    sheet = openpyxl.load_workbook(path)[ct.SHEET]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _fill(path, values: dict[tuple[int, str], object]) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book[ct.SHEET]
    headers = [cell.value for cell in sheet[1]]
    for (row, header), value in values.items():
        sheet.cell(row + 1, headers.index(header) + 1, value)
    book.save(path)


def filled_plan(store, folder):
    """A 补录模板 of the school's first three students, every required column, one cell changed and one bad: the
    import dialog with both its tables (tests/ui/test_chinese_everywhere.py walks it)."""
    from xueji_desktop.services import roster

    ids = [row.id for row in roster.list_students(store, limit=3)]
    path = ct.write_template(store, folder / "补录.xlsx", ids, every_required=True).path
    _fill(path, {(1, "户口性质"): "非农业户口", (2, "是否独生子女"): "也许"})
    return ct.plan_completion(store, path)


def _texts(model) -> list[list[str]]:
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_from_the_batch_dialog_for_the_students_it_refused(qtbot, school, tmp_path, save_to, told):
    sign_in_registrar(school)
    for name, values in (("李思雨", {}), ("缺地址", {"current_address": None})):
        form = upload_ready_form(class_id_of(school, 1), name=name)
        form.values.update(values)
        student_id = create_student(school, form)
        with school.transaction() as session:
            student = session.get(Student, student_id)
            student.enrolment_step = "信息表已下发"
            student.enrolment_date = date.today() - timedelta(days=3)
    dialog = BatchDialog(school)
    qtbot.addWidget(dialog)
    dialog.set_output_path(tmp_path / "out" / "新生上报.xlsx")
    button = dialog.completion_template_button
    assert button.isHidden()  # nothing refused yet
    assert dialog.export() is None  # 缺地址 blocks the batch
    assert not button.isHidden()

    out = tmp_path / "给班主任" / "补录"
    save_to.append(out)
    button.click()

    written = out.with_name("补录.xlsx")
    header, *rows = _rows(written)
    assert [row[1] for row in rows] == ["缺地址"]  # only the refused student
    assert list(header[5:]) == ["现住址"]  # only what he lacks
    assert "已为 1 名学生生成补录模板，需补录 1 项：现住址" in told[-1] and str(written) in told[-1]


def test_the_batch_dialog_of_status_changes_has_no_such_button(qtbot, school):
    dialog = BatchDialog(school, kind="status_changes")
    qtbot.addWidget(dialog)
    assert not hasattr(dialog, "completion_template_button")


def test_from_the_roster_for_the_chosen_students_or_the_class(qtbot, school, pupils, tmp_path, save_to, told):
    from xueji_desktop.ui.roster.tab import RosterTab

    tab = RosterTab(school)
    qtbot.addWidget(tab)
    tab.refresh_tree(class_id_of(school, 1))
    tab.select_row(0)
    chosen = tab.model.row_at(0).name

    def generate() -> None:
        menu = tab.student_menu()
        [action] = [a for a in menu.actions() if a.text() == "生成补录模板…"]
        action.trigger()

    save_to.append(tmp_path / "选中.xlsx")
    generate()
    assert [row[1] for row in _rows(tmp_path / "选中.xlsx")[1:]] == [chosen]
    assert "已为 1 名学生生成补录模板" in told[-1] and "户口性质" in told[-1]

    tab.table.clearSelection()  # none chosen: the class shown
    save_to.append(tmp_path / "全班.xlsx")
    generate()
    assert sorted(row[1] for row in _rows(tmp_path / "全班.xlsx")[1:]) == ["张三", "李四", "王五"]
    assert "已为 3 名学生生成补录模板" in told[-1] and str(tmp_path / "全班.xlsx") in told[-1]
    assert tab.completion_button.text() == "补录模板 ▾"


def test_nothing_missing_is_said_and_no_file_written(qtbot, school, tmp_path, save_to, messages, told):
    ready = create_student(school, upload_ready_form(class_id_of(school, 1)))
    save_to.append(tmp_path / "x.xlsx")
    assert completion_actions.make_template(None, school, lambda: [ready], "选中学生") is None
    assert "不需要补录" in messages[-1] and not told
    assert not (tmp_path / "x.xlsx").exists()


def test_import_shows_the_diff_per_student_then_writes(qtbot, school, pupils, tmp_path, monkeypatch, told):
    path = ct.write_template(school, tmp_path / "补录.xlsx", pupils).path
    _fill(path, {(1, "户口性质"): "非农业户口", (2, "是否独生子女"): "是"})
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    shown: list[CompletionImportDialog] = []

    def look_then_commit(dialog: CompletionImportDialog) -> None:
        shown.append(dialog)
        assert _texts(dialog.change_model) == [
            ["张三", "一年级(1)班", "户口性质", "（空）", "非农业户口"],
            ["李四", "一年级(1)班", "是否独生子女", "（空）", "是"],
        ]
        assert "<b>2</b> 名学生有新填写的信息，1 名没有变化" in dialog.summary.text()
        assert dialog.problem_table.isHidden() and dialog.save_errors_button.isHidden()
        assert dialog.commit_button.isEnabled()
        dialog.commit()

    monkeypatch.setattr(CompletionImportDialog, "exec", look_then_commit)
    changed_areas: list = []
    from xueji_desktop.ui.common.operations import announcer

    announcer().changed.connect(changed_areas.append)

    assert completion_actions.take_template(None, school) == 2

    assert shown and shown[0].written == 2
    with school.read() as session:
        assert session.get(Student, pupils[0]).hukou_type == "2"
        assert session.get(Student, pupils[1]).only_child is True
    assert frozenset({"students"}) in changed_areas
    assert "已为 2 名学生补录信息" in told[-1]


def test_a_bad_cell_is_refused_and_nothing_written(qtbot, school, pupils, tmp_path, save_to, told, messages):
    path = ct.write_template(school, tmp_path / "补录.xlsx", pupils).path
    _fill(path, {(1, "户口性质"): "非农业户口", (3, "是否独生子女"): "也许"})
    plan = ct.plan_completion(school, path)
    dialog = CompletionImportDialog(school, plan)
    qtbot.addWidget(dialog)

    assert not dialog.commit_button.isEnabled()
    assert not dialog.problem_table.isHidden() and not dialog.save_errors_button.isHidden()
    assert "有 <b>1</b> 处填写有误，没有写入任何信息" in dialog.problem_note.text()
    [problem] = _texts(dialog.problem_model)
    assert problem[:3] == ["4", "是否独生子女", "也许"]
    assert dialog.commit() == 0  # even pressed: the service refuses, nothing written
    assert "补录表中有 1 处错误，没有写入任何信息" in messages[-1]

    save_to.append(tmp_path / "错误标注.xlsx")
    dialog.save_errors_button.click()
    assert (tmp_path / "错误标注.xlsx").exists() and "错误标注表已保存到" in told[-1]
    with school.read() as session:
        assert session.get(Student, pupils[0]).hukou_type is None
