"""「节假日安排（工作日计算）」 dialog: each year with its source (a year counted Monday to Friday in red), importing a
published list (UTF-8 or GBK, checked line by line, nothing saved on an error), and typing one in. The lists are saved
through services.holidays into the data file (no file is written). Real data folder, real widgets, offscreen."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from xueji_desktop.reference.working_days import (
    SOURCE_CLERK,
    SOURCE_ESTIMATED,
    SOURCE_PACKAGE,
    HolidayEntry,
)
from xueji_desktop.services import holidays
from xueji_desktop.ui.common import messages
from xueji_desktop.ui.holidays_dialog import ESTIMATED, HolidaysDialog, ImportPreviewDialog

TODAY = date(2026, 12, 10)  # December: the State Council has just published 2027
# A made-up 2027 list for the tests only (the real one is not published yet).
LIST_2027 = "日期,类型,名称\n2027-01-01,休,元旦\n2027-10-01,休,国庆节\n2027-10-09,班,国庆节\n"
ENTRIES_2027 = (
    HolidayEntry(date(2027, 1, 1), "休", "元旦"),
    HolidayEntry(date(2027, 10, 1), "休", "国庆节"),
    HolidayEntry(date(2027, 10, 9), "班", "国庆节"),
)


def table_texts(model):
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def year_row(shown, year):
    model = shown.years_model
    row = model.row_of(year)
    assert row is not None, f"{year} not listed"
    return model, row


def source_of(shown, year):
    model, row = year_row(shown, year)
    return model.index(row, 1).data()


def is_red(shown, year):
    model, row = year_row(shown, year)
    brush = model.index(row, 0).data(Qt.ItemDataRole.ForegroundRole)
    return brush is not None and brush.color() == ESTIMATED


def saved_entries(store, year):
    """The clerk's list of ``year`` in the data file, or None."""
    saved = holidays.year_list(store, year)
    return saved.year_list.entries if saved else None


def no_files_written(store):
    return not (store.folder.root / "holidays").exists()


@pytest.fixture
def dialog(qtbot, store, empty_shipped):
    def make():
        made = HolidaysDialog(store, today=TODAY, shipped_folder=empty_shipped)
        qtbot.addWidget(made)
        return made

    return make


@pytest.fixture
def errors(monkeypatch):
    """The texts the dialog shows through the one error helper the runner uses (no message box opens)."""
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(messages, "show_error", lambda parent, title, text: shown.append((title, text)))
    return shown


class Previews(list):
    """Each import preview's rows, in order; the clerk answers 保存 unless ``save`` is set to False."""

    save = True


@pytest.fixture
def previews(monkeypatch):
    seen = Previews()

    def exec_(preview):
        seen.append(table_texts(preview.entries_model))
        return QDialog.DialogCode.Accepted if seen.save else QDialog.DialogCode.Rejected

    monkeypatch.setattr(ImportPreviewDialog, "exec", exec_)
    return seen


def test_each_year_shows_its_source_and_a_year_without_a_list_is_red(dialog):
    shown = dialog()

    assert shown.windowTitle() == "节假日安排（工作日计算）"
    assert [shown.years_model.row_at(r).year for r in range(shown.years_model.rowCount())] == [
        2025,
        2026,
        2027,
    ]
    assert source_of(shown, 2026) == SOURCE_PACKAGE == "国务院办公厅通知（软件内置）"
    assert not is_red(shown, 2026)
    assert source_of(shown, 2027) == SOURCE_ESTIMATED == "按周一至周五估算"
    assert is_red(shown, 2027)
    model, row = year_row(shown, 2027)
    assert model.index(row, 2).data() == "尚未录入2027年节假日安排，该年内的期限按周一至周五估算"
    # in December the year still estimated is the one shown first, with what to do about it
    assert shown.selected_year() == 2027
    assert (
        "该年内的期限按周一至周五估算" in shown.year_title.text() and "导入文件…" in shown.year_title.text()
    )
    assert shown.entries_model.rowCount() == 0
    assert shown.problems.isHidden()

    shown.select_year(2026)

    assert ["2026-10-01", "星期四", "休（放假）", "国庆节"] in table_texts(shown.entries_model)
    assert ["2026-01-04", "星期日", "班（调休上班）", "元旦"] in table_texts(shown.entries_model)
    assert SOURCE_PACKAGE in shown.year_title.text()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_importing_a_published_list_makes_the_year_the_clerks(
    dialog, store, tmp_path, qtbot, previews, errors, encoding
):
    path = tmp_path / "2027年放假安排.csv"  # Excel on Chinese Windows saves GBK
    path.write_bytes(LIST_2027.encode(encoding))
    shown = dialog()

    with qtbot.waitSignal(shown.saved) as saved:
        assert shown.import_file(path) is True

    assert errors == []
    expected = [
        ["2027-01-01", "星期五", "休（放假）", "元旦"],
        ["2027-10-01", "星期五", "休（放假）", "国庆节"],
        ["2027-10-09", "星期六", "班（调休上班）", "国庆节"],
    ]
    assert previews == [expected]  # the clerk saw the dates before saving them
    assert saved.args == [2027]
    assert saved_entries(store, 2027) == ENTRIES_2027
    assert holidays.year_list(store, 2027).origin == "导入：2027年放假安排.csv"
    assert no_files_written(store)
    assert source_of(shown, 2027) == SOURCE_CLERK == "本机录入"
    assert not is_red(shown, 2027)
    assert shown.selected_year() == 2027
    assert table_texts(shown.entries_model) == expected
    assert "本机录入" in shown.year_title.text() and "放假 2 天，调休上班 1 天" in shown.year_title.text()
    assert "导入“2027年放假安排.csv”" in shown.year_title.text()


def test_an_import_the_clerk_cancels_saves_nothing(dialog, store, tmp_path, previews, errors):
    path = tmp_path / "2027.csv"
    path.write_text(LIST_2027, encoding="utf-8")
    previews.save = False  # 取消
    shown = dialog()

    assert shown.import_file(path) is False

    assert len(previews) == 1 and errors == []
    assert saved_entries(store, 2027) is None
    assert source_of(shown, 2027) == SOURCE_ESTIMATED


@pytest.mark.parametrize(
    ("text", "encoding", "message"),
    [
        (
            "日期,类型,名称\n2027-01-01,休,元旦\n2027-01-06,班,元旦\n",
            "utf-8",
            "2027年放假安排.csv 第3行：2027-01-06 是星期三，「班」只用于周六或周日的调休上班日",
        ),
        (
            "日期,类型,名称\n2027-02-30,休,春节\n",
            "utf-8",
            "2027年放假安排.csv 第2行：「2027-02-30」不是有效的日期，应写成 2027-10-01 这样",
        ),
        (
            "# 国务院办公厅通知\n日期,类型,名称\n2027-10-01,休,国庆节\n2027-10-01,休,国庆节\n",
            "gbk",
            "2027年放假安排.csv 第4行：日期 2027-10-01 在第3行已经出现过，每个日期只写一行",
        ),
        (
            "2027-10-01,休,国庆节\n2028-01-01,休,元旦\n",
            "gbk",
            "2027年放假安排.csv 第2行：日期 2028-01-01 与第1行的 2027-10-01 不在同一年，一个文件只能是一年的安排",
        ),
    ],
    ids=["make-up day on a Wednesday", "no such date", "a date twice (GBK)", "two years in one file (GBK)"],
)
def test_a_broken_file_is_named_with_its_line_and_nothing_is_saved(
    dialog, store, tmp_path, previews, errors, text, encoding, message
):
    path = tmp_path / "2027年放假安排.csv"
    path.write_bytes(text.encode(encoding))
    shown = dialog()

    assert shown.import_file(path) is False

    assert errors == [("导入节假日安排", f"没有导入：{message}")]
    assert previews == []  # nothing to ask about
    assert holidays.clerk_lists(store) == {} and no_files_written(store)
    assert source_of(shown, 2027) == SOURCE_ESTIMATED and is_red(shown, 2027)


def test_the_editor_saves_a_list_that_reads_back(dialog, store, qtbot, errors):
    shown = dialog()
    editor = shown.new_editor(2027)
    qtbot.addWidget(editor)
    assert editor.year() == 2027 and editor.rows() == []  # an estimated year starts empty

    editor.set_rows(
        [(date(2027, 1, 1), "休", "元旦"), ("2027/10/1", "休", "国庆节"), ("2027年10月9日", "班", "国庆节")]
    )
    editor.add_row()  # a row added and left empty is not saved
    assert editor.model.index(2, 1).data() == "星期六"

    with qtbot.waitSignal(shown.saved):
        assert editor.save() is True

    assert errors == []
    assert editor.result() == QDialog.DialogCode.Accepted
    assert saved_entries(store, 2027) == ENTRIES_2027
    assert holidays.year_list(store, 2027).origin == "录入" and no_files_written(store)
    assert source_of(shown, 2027) == SOURCE_CLERK and not is_red(shown, 2027)
    assert [row[0] for row in table_texts(shown.entries_model)] == ["2027-01-01", "2027-10-01", "2027-10-09"]

    again = shown.new_editor(2027)  # correcting the year starts from what was saved
    qtbot.addWidget(again)
    assert again.rows() == [
        ("2027-01-01", "休", "元旦"),
        ("2027-10-01", "休", "国庆节"),
        ("2027-10-09", "班", "国庆节"),
    ]


def test_removing_the_clerks_list_asks_first_and_the_year_is_estimated_again(
    dialog, store, qtbot, monkeypatch, errors
):
    holidays.save_year_list(store, 2027, ENTRIES_2027)
    shown = dialog()
    shown.select_year(2026)
    assert not shown.remove_button.isEnabled()  # only the clerk's own list can be removed
    shown.select_year(2027)
    assert shown.remove_button.isEnabled()

    answers = iter([QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: next(answers))
    assert shown.remove_selected() is False  # the clerk said 否: nothing happens
    assert holidays.year_list(store, 2027) is not None

    with qtbot.waitSignal(shown.saved):
        assert shown.remove_selected() is True
    assert errors == []
    assert holidays.year_list(store, 2027) is None and 2027 not in holidays.clerk_lists(store)
    assert source_of(shown, 2027) == SOURCE_ESTIMATED and is_red(shown, 2027)
    assert not shown.remove_button.isEnabled()


def test_the_editor_refuses_a_wrong_row_and_keeps_the_rows(dialog, store, qtbot, errors):
    shown = dialog()
    editor = shown.new_editor(2027)
    qtbot.addWidget(editor)
    editor.set_rows([("2027-01-01", "休", "元旦"), ("2027-01-06", "班", "元旦")])
    assert editor.model.index(1, 2).data(Qt.ItemDataRole.ToolTipRole)  # marked before saving

    assert editor.save() is False

    assert errors == [
        (
            "录入节假日安排",
            "没有保存：2027年节假日安排第2条：2027-01-06 是星期三，「班」只用于周六或周日的调休上班日",
        )
    ]
    assert saved_entries(store, 2027) is None
    assert editor.result() != QDialog.DialogCode.Accepted
    assert editor.rows() == [("2027-01-01", "休", "元旦"), ("2027-01-06", "班", "元旦")]

    editor.set_rows([("2026-10-01", "休", "国庆节")])
    assert editor.save() is False
    assert "日期 2026-10-01 不在 2027 年内" in errors[-1][1]
    assert source_of(shown, 2027) == SOURCE_ESTIMATED


def test_the_editor_starts_from_the_years_list_in_use(dialog, qtbot):
    shown = dialog()
    editor = shown.new_editor(2026)
    qtbot.addWidget(editor)

    assert ("2026-10-01", "休", "国庆节") in editor.rows()
    assert SOURCE_PACKAGE in editor.source.text()

    editor.set_year(2027)  # nothing typed yet: the other year's list (none) is shown instead
    assert editor.rows() == []
    assert SOURCE_ESTIMATED in editor.source.text()


def test_the_files_of_an_earlier_version_are_taken_in_and_a_broken_one_is_shown_at_the_top(
    dialog, store, qtbot, errors
):
    """Earlier versions wrote <data folder>/holidays/<year>.csv; on the first open they are taken in once."""
    folder = store.folder.root / "holidays"
    folder.mkdir()
    (folder / "2027.csv").write_text(LIST_2027, encoding="utf-8-sig")
    (folder / "2028.csv").write_text("日期,类型,名称\n2028-01-05,班,元旦\n", encoding="utf-8")
    holidays.take_in_old_files(store)  # what the app does on opening the data folder

    shown = dialog()

    assert source_of(shown, 2027) == SOURCE_CLERK and not is_red(shown, 2027)
    shown.select_year(2027)
    assert "从旧版保存的文件“holidays/2027.csv”转入" in shown.year_title.text()
    assert not shown.problems.isHidden()
    assert "2028.csv 第2行：2028-01-05 是星期三" in shown.problems.text()
    assert source_of(shown, 2028) == SOURCE_ESTIMATED and is_red(
        shown, 2028
    )  # not taken in: counted Monday to Friday

    editor = shown.new_editor(2028)  # the clerk types 2028 in properly: the old file's problem is gone
    qtbot.addWidget(editor)
    editor.set_rows([("2028-01-01", "休", "元旦")])
    assert editor.save() is True
    assert errors == []
    assert shown.problems.isHidden()
    assert source_of(shown, 2028) == SOURCE_CLERK


def test_the_dialog_renders_offscreen(dialog, store, tmp_path):
    holidays.save_year_list(store, 2027, ENTRIES_2027, imported_from="2027年放假安排.csv")
    shown = dialog()
    shown.select_year(2027)
    shown.show()

    assert shown.grab().save(str(tmp_path / "holidays_dialog.png"))
