"""「节假日安排（工作日计算）」: which years have an official holiday list and where each comes from, the dates of the
selected year, and importing or typing in a year the State Council has just published (services.holidays: the lists
are records in the data file, each change audited).

A year with no list is counted Monday to Friday: it is shown in red, as every deadline in it is an estimate.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from xueji_desktop.reference.working_days import (
    DAY_OFF,
    MAKE_UP_DAY,
    SOURCE_CLERK,
    SOURCE_ESTIMATED,
    HolidayEntry,
    WorkingCalendar,
    YearList,
    parse_date,
)
from xueji_desktop.services import holidays
from xueji_desktop.store import Store
from xueji_desktop.ui.common.messages import ask
from xueji_desktop.ui.common.operations import HOLIDAYS, run
from xueji_desktop.ui.common.tables import FLAGGED, ROW_HEIGHT, FlaggedRowsModel, RowsModel, table_view

TITLE = "节假日安排（工作日计算）"
IMPORT_TITLE = "导入节假日安排"
EDIT_TITLE = "录入节假日安排"
ESTIMATED = FLAGGED  # a year counted Monday to Friday, a typed date that cannot be saved
ERROR_STYLE = "QLabel { color: #b3261e; }"
NOTE_STYLE = "QLabel { color: #555555; }"
KIND_LABELS = {DAY_OFF: "休（放假）", MAKE_UP_DAY: "班（调休上班）"}
WEEKDAYS = "一二三四五六日"
KIND_HELP = "类型：休 = 放假（法定节假日及调休休息日）；班 = 调休上班的周六或周日。没有列出的日期按周一至周五上班计算。"

_INDEX = QModelIndex | QPersistentModelIndex


def weekday_of(day: date) -> str:
    return f"星期{WEEKDAYS[day.weekday()]}"


def _counts(year_list: YearList) -> str:
    days_off = sum(1 for e in year_list.entries if e.kind == DAY_OFF)
    make_up = sum(1 for e in year_list.entries if e.kind == MAKE_UP_DAY)
    return f"放假 {days_off} 天，调休上班 {make_up} 天"


def estimated_note(year: int) -> str:
    return f"尚未录入{year}年节假日安排，该年内的期限按周一至周五估算"


@dataclass(frozen=True)
class YearRow:
    year: int
    source: str
    year_list: YearList | None
    saved: holidays.SavedList | None = None  # the clerk's list: when, by whom, from where

    @property
    def estimated(self) -> bool:
        return self.year_list is None

    @property
    def note(self) -> str:
        return estimated_note(self.year) if self.year_list is None else _counts(self.year_list)


class YearsModel(FlaggedRowsModel):
    """The years and where each one's list comes from; a year counted Monday to Friday in red."""

    def __init__(self) -> None:
        super().__init__(
            [("年份", lambda r: f"{r.year}年"), ("来源", lambda r: r.source), ("说明", lambda r: r.note)],
            lambda r: r.estimated,
        )

    def row_at(self, row: int) -> YearRow:
        return self._rows[row]  # type: ignore[return-value]

    def row_of(self, year: int) -> int | None:
        return next((number for number, row in enumerate(self._rows) if row.year == year), None)  # type: ignore[attr-defined]


def entries_model() -> RowsModel:
    return RowsModel(
        [
            ("日期", lambda e: e.day.isoformat()),
            ("星期", lambda e: weekday_of(e.day)),
            ("类型", lambda e: KIND_LABELS.get(e.kind, e.kind)),
            ("名称", lambda e: e.name),
        ]
    )


class HolidaysDialog(QDialog):
    """The years around today and any year with a list, each with its source; the selected year's dates below."""

    saved = Signal(int)  # a year's list was saved: deadlines counted through that year may have moved

    def __init__(
        self,
        store: Store,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
        shipped_folder: Path | None = None,
    ):
        super().__init__(parent)
        self.store = store
        self.today = today
        self.shipped_folder = shipped_folder
        self.overview = holidays.overview(store, today=today, shipped_folder=shipped_folder)
        self.calendar: WorkingCalendar = self.overview.calendar
        self.setWindowTitle(TITLE)
        self.resize(860, 640)

        intro = QLabel(
            "转学、死亡等手续的办理期限按工作日计算（含法定节假日和调休）。每年十二月国务院办公厅公布下一年的放假安排，"
            "公布后请在这里导入或录入，该年内的期限才准确。"
        )
        intro.setWordWrap(True)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.problems.setStyleSheet(ERROR_STYLE)
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.years_model = YearsModel()
        self.years_table = table_view(self.years_model, (80, 300))
        self.years_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.years_table.selectionModel().selectionChanged.connect(lambda *_: self.show_selected())
        self.entries_model = entries_model()
        self.entries_table = table_view(self.entries_model, (120, 80, 140))
        self.year_title = QLabel()
        self.year_title.setWordWrap(True)
        self.year_title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.import_button = QPushButton("导入文件…")
        self.import_button.setToolTip(
            "CSV 文件，每行 日期,类型,名称，例如 2027-10-01,休,国庆节（Excel 另存为 CSV 即可）"
        )
        self.import_button.clicked.connect(self.choose_import_file)
        self.edit_button = QPushButton("录入…")
        self.edit_button.setToolTip("逐日录入选中年份的放假和调休上班日期")
        self.edit_button.clicked.connect(self.open_editor)
        self.remove_button = QPushButton("删除本机录入…")
        self.remove_button.setToolTip(
            "删除本机为选中年份录入或导入的安排（修改记录保留），改按软件自带的安排或工作日估算"
        )
        self.remove_button.clicked.connect(self.remove_selected)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        where = QLabel(
            "本机录入的安排保存在数据文件中，随数据一起备份，每次修改都有记录；优先于软件自带的安排。"
        )
        where.setWordWrap(True)
        where.setStyleSheet(NOTE_STYLE)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        buttons = QHBoxLayout()
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.problems)
        layout.addWidget(self.years_table)
        layout.addWidget(self.year_title)
        layout.addWidget(self.entries_table, 1)
        layout.addWidget(where)
        layout.addLayout(buttons)
        self.refresh()

    def _today(self) -> date:
        return self.today or date.today()

    def years(self) -> list[int]:
        """Last year to next year (next year's list is published each December), and every year with a list."""
        return [info.year for info in self.overview.years]

    def refresh(self, select: int | None = None) -> None:
        """Read the lists again (one just saved) and select ``select``, else the year shown."""
        current = self.selected_year()
        self.overview = holidays.overview(self.store, today=self.today, shipped_folder=self.shipped_folder)
        self.calendar = self.overview.calendar
        rows = [YearRow(info.year, info.source, info.year_list, info.saved) for info in self.overview.years]
        self.years_model.set_rows(rows)
        self._fit_years_table(len(rows))
        problems = self.overview.problems
        self.problems.setText(
            "以下节假日安排文件有错误，没有使用（这些年份按下一个来源计算；改正后请用「导入文件…」导入）：\n"
            + "\n".join(f"• {problem}" for problem in problems)
        )
        self.problems.setVisible(bool(problems))
        wanted = select if select is not None else current
        if wanted is None or self.years_model.row_of(wanted) is None:
            # the first year still estimated (in December, the year just published), else this year
            wanted = next((r.year for r in rows if r.estimated), self._today().year)
        self.select_year(wanted)

    def _fit_years_table(self, rows: int) -> None:
        """As tall as its few rows (up to eight, then it scrolls), so the dates below get the room."""
        view = self.years_table
        header = view.horizontalHeader().sizeHint().height()
        view.setFixedHeight(header + min(max(rows, 1), 8) * ROW_HEIGHT + 2 * view.frameWidth() + 2)

    def select_year(self, year: int) -> None:
        row = self.years_model.row_of(year)
        if row is not None:
            self.years_table.selectRow(row)
        self.show_selected()

    def selected_year(self) -> int | None:
        selection = self.years_table.selectionModel()
        rows = selection.selectedRows() if selection is not None else []
        return self.years_model.row_at(rows[0].row()).year if rows else None

    def show_selected(self) -> None:
        year = self.selected_year()
        self.remove_button.setEnabled(year is not None and self.calendar.source(year) == SOURCE_CLERK)
        if year is None:
            self.year_title.setText("")
            self.entries_model.set_rows([])
            return
        year_list = self.calendar.year_list(year)
        source = self.calendar.source(year)
        if year_list is None:
            self.year_title.setStyleSheet(ERROR_STYLE)
            self.year_title.setText(
                f"<b>{year}年：{SOURCE_ESTIMATED}</b><br>{estimated_note(year)}（不含法定节假日和调休）。"
                "国务院办公厅公布该年放假安排后，请用「导入文件…」或「录入…」添加。"
            )
            self.entries_model.set_rows([])
        else:
            saved = next((info.saved for info in self.overview.years if info.year == year), None)
            where = f"<br>{html.escape(saved.how)}" if source == SOURCE_CLERK and saved else ""
            self.year_title.setStyleSheet("")
            self.year_title.setText(f"<b>{year}年：{html.escape(source)}</b>（{_counts(year_list)}）{where}")
            self.entries_model.set_rows(sorted(year_list.entries, key=lambda e: e.day))

    # --- importing and typing in ------------------------------------------------------------------------------------

    def choose_import_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, IMPORT_TITLE, "", "CSV 文件 (*.csv *.txt);;所有文件 (*)")
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> bool:
        """Check the file, show its dates and ask to save them as that year's list; True when saved. A file with an
        error is named with its line, and nothing is saved."""
        path = Path(path)
        checked = run(self, IMPORT_TITLE, lambda: holidays.read_csv(path), not_done="没有导入")
        if not checked.ok or checked.value is None:
            return False
        year_list = checked.value
        preview = ImportPreviewDialog(year_list, path.name, self.calendar.source(year_list.year), self)
        if preview.exec() != QDialog.DialogCode.Accepted:
            return False
        if not _save(
            self,
            IMPORT_TITLE,
            "没有导入",
            self.store,
            year_list.year,
            year_list.entries,
            imported_from=path.name,
        ):
            return False
        self._after_save(year_list.year)
        return True

    def new_editor(self, year: int | None = None) -> HolidayEditorDialog:
        """The editor for ``year`` (default: the selected one), filled with that year's list when it has one."""
        editor = HolidayEditorDialog(
            self.store, self.calendar, year or self.selected_year() or self._today().year + 1, self
        )
        editor.accepted.connect(lambda: self._after_save(editor.year()))
        return editor

    def open_editor(self) -> None:
        editor = self.new_editor()
        editor.exec()
        editor.deleteLater()

    def remove_selected(self) -> bool:
        """Take the clerk's list of the selected year away, once the clerk confirms; True when removed."""
        year = self.selected_year()
        if year is None or self.calendar.source(year) != SOURCE_CLERK:
            return False
        question = (
            f"删除本机录入的{year}年节假日安排？\n删除后该年的期限按软件自带的安排计算（没有时按周一至周五估算），"
            "修改记录仍然保留。"
        )
        if not ask(self, TITLE, question):
            return False
        removing = run(self, TITLE, lambda: holidays.remove_year_list(self.store, year), changes={HOLIDAYS})
        if not removing.ok:
            return False
        self.refresh(select=year)
        self.saved.emit(year)
        return True

    def _after_save(self, year: int) -> None:
        self.refresh(select=year)
        self.saved.emit(
            year
        )  # the HOLIDAYS area was announced by the save: due dates through that year may move


def _save(
    parent: QWidget,
    title: str,
    failed: str,
    store: Store,
    year: int,
    entries: Iterable[object],
    *,
    imported_from: str | None = None,
) -> bool:
    """holidays.save_year_list through the runner: a refusal is shown as one Chinese line, and nothing is saved."""
    saving = run(
        parent,
        title,
        lambda: holidays.save_year_list(store, year, entries, imported_from=imported_from),  # type: ignore[arg-type]
        changes={HOLIDAYS},
        not_done=failed,
    )
    return saving.ok


class ImportPreviewDialog(QDialog):
    """The dates of an imported file, and the question: save them as that year's list?"""

    def __init__(
        self, year_list: YearList, file_name: str, current_source: str, parent: QWidget | None = None
    ):
        super().__init__(parent)
        year = year_list.year
        self.setWindowTitle(IMPORT_TITLE)
        self.resize(560, 460)
        if current_source == SOURCE_CLERK:
            effect = f"保存后将替换本机已录入的{year}年安排。"
        elif current_source == SOURCE_ESTIMATED:
            effect = f"保存后，{year}年的期限按这份安排计算，不再按周一至周五估算。"
        else:
            effect = f"保存后，{year}年的期限按这份安排计算（代替「{current_source}」）。"
        self.summary = QLabel(
            f"“{html.escape(file_name)}”是 <b>{year}年</b> 的节假日安排：{_counts(year_list)}。<br>"
            f"请与国务院办公厅的通知核对。{effect}"
        )
        self.summary.setWordWrap(True)
        self.entries_model = entries_model()
        self.entries_model.set_rows(sorted(year_list.entries, key=lambda e: e.day))
        table = table_view(self.entries_model, (100, 70, 110))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(f"保存为{year}年节假日安排")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(table, 1)
        layout.addWidget(buttons)


class EditableEntriesModel(QAbstractTableModel):
    """The rows the clerk types: 日期 (text), 星期 (shown from the date), 类型 (休/班), 名称. Checked only on saving."""

    HEADERS = ("日期", "星期", "类型", "名称")
    DATE, WEEKDAY, KIND, NAME = range(4)

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[list[str]] = []  # [date text, kind, name]

    def set_rows(self, rows: Iterable[HolidayEntry | Sequence[object]]) -> None:
        self.beginResetModel()
        self._rows = [self._cells(row) for row in rows]
        self.endResetModel()

    @staticmethod
    def _cells(row: HolidayEntry | Sequence[object]) -> list[str]:
        if isinstance(row, HolidayEntry):
            return [row.day.isoformat(), row.kind, row.name]
        cells = [item.isoformat() if isinstance(item, date) else str(item or "") for item in row]
        cells += [""] * (3 - len(cells))
        return [cells[0], cells[1] or DAY_OFF, cells[2]]

    def rows(self) -> list[tuple[str, str, str]]:
        return [(row[0], row[1], row[2]) for row in self._rows]

    def add_row(self) -> int:
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
        self._rows.append(["", DAY_OFF, ""])
        self.endInsertRows()
        return len(self._rows) - 1

    def remove_rows(self, numbers: Iterable[int]) -> None:
        for number in sorted(set(numbers), reverse=True):
            self.beginRemoveRows(QModelIndex(), number, number)
            del self._rows[number]
            self.endRemoveRows()

    def drop_blank_rows(self) -> None:
        """Rows added and never filled in are left out, so 第N条 in a message is the row the clerk sees."""
        self.remove_rows(
            number for number, row in enumerate(self._rows) if not row[0].strip() and not row[2].strip()
        )

    def rowCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: _INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        text, kind, name = self._rows[index.row()]
        column = index.column()
        day = parse_date(text.strip())  # read as saving reads it (save_year_list checks the rest)
        if role == Qt.ItemDataRole.EditRole:
            return (text, None, kind, name)[column]
        if role == Qt.ItemDataRole.DisplayRole:
            weekday = weekday_of(day) if day else ""
            return (text, weekday, KIND_LABELS.get(kind, kind), name)[column]
        if role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole):
            problem = self._problem(column, text, kind, day)
            if role == Qt.ItemDataRole.ToolTipRole:
                return problem
            return QBrush(ESTIMATED) if problem else None
        return None

    @staticmethod
    def _problem(column: int, text: str, kind: str, day: date | None) -> str | None:
        if column == EditableEntriesModel.DATE and text.strip() and day is None:
            return f"「{text}」不是有效的日期，应写成 2027-10-01 这样"
        if (
            column == EditableEntriesModel.KIND
            and kind == MAKE_UP_DAY
            and day is not None
            and day.weekday() < 5
        ):
            return f"{day.isoformat()} 是{weekday_of(day)}，「班」只用于周六或周日的调休上班日"
        return None

    def setData(self, index: _INDEX, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() == self.WEEKDAY:
            return False
        cell = {self.DATE: 0, self.KIND: 1, self.NAME: 2}[index.column()]
        self._rows[index.row()][cell] = str(value or "").strip()
        row = index.row()
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))
        return True

    def flags(self, index: _INDEX) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() != self.WEEKDAY:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return str(section + 1)  # 第N条 in a message on saving is this row


class KindDelegate(QStyledItemDelegate):
    """类型 picked from 休（放假） / 班（调休上班）, never typed."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _INDEX) -> QWidget:
        combo = QComboBox(parent)
        for kind, label in KIND_LABELS.items():
            combo.addItem(label, kind)
        return combo

    def setEditorData(self, editor: QWidget, index: _INDEX) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor: QWidget, model: QAbstractTableModel, index: _INDEX) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class HolidayEditorDialog(QDialog):
    """A year's list typed in row by row and saved as the clerk's list (the dialog closes once it is saved)."""

    def __init__(self, store: Store, calendar: WorkingCalendar, year: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.calendar = calendar
        self.setWindowTitle(EDIT_TITLE)
        self.resize(600, 520)
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2099)
        self.year_spin.setSuffix(" 年")
        self.year_spin.setValue(year)
        self.source = QLabel()
        self.source.setWordWrap(True)
        self.model = EditableEntriesModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(EditableEntriesModel.KIND, KindDelegate(self.table))
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT + 4)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((110, 70, 130)):
            self.table.setColumnWidth(column, width)
        self._edited = False
        self.model.dataChanged.connect(self._mark_edited)
        self.model.rowsInserted.connect(self._mark_edited)
        self.model.rowsRemoved.connect(self._mark_edited)

        help_text = QLabel(
            f"每行一个日期，照抄国务院办公厅的放假通知，日期写作 2027-10-01。{KIND_HELP}"
            "双击单元格修改；空白行保存时忽略。"
        )
        help_text.setWordWrap(True)
        help_text.setStyleSheet(NOTE_STYLE)
        add = QPushButton("添加一行")
        add.clicked.connect(self.add_row)
        remove = QPushButton("删除选中行")
        remove.clicked.connect(self.remove_selected)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        year_row = QHBoxLayout()
        year_row.addWidget(QLabel("年份："))
        year_row.addWidget(self.year_spin)
        year_row.addWidget(self.source, 1)
        rows_bar = QHBoxLayout()
        rows_bar.addWidget(add)
        rows_bar.addWidget(remove)
        rows_bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(year_row)
        layout.addWidget(help_text)
        layout.addWidget(self.table, 1)
        layout.addLayout(rows_bar)
        layout.addWidget(buttons)
        self.year_spin.valueChanged.connect(self._year_changed)
        self._load(year)

    def _mark_edited(self, *_: object) -> None:
        self._edited = True

    def _load(self, year: int) -> None:
        """Start from the year's list as used now, so correcting one date means changing one row."""
        year_list = self.calendar.year_list(year)
        source = self.calendar.source(year)
        self.model.set_rows(sorted(year_list.entries, key=lambda e: e.day) if year_list else [])
        self._edited = False
        self._loaded_year = year
        self._show_source(year, source, loaded=year_list is not None)

    def _show_source(self, year: int, source: str, *, loaded: bool) -> None:
        if not loaded:
            self.source.setStyleSheet(ERROR_STYLE)
            self.source.setText(f"{year}年现在：{SOURCE_ESTIMATED}")
        elif source == SOURCE_CLERK:
            self.source.setStyleSheet("")
            self.source.setText(f"{year}年现在：{source}，保存后替换")
        else:
            self.source.setStyleSheet("")
            self.source.setText(f"{year}年现在：{source}（已填入，可修改）")

    def _year_changed(self, year: int) -> None:
        if not self._edited:
            self._load(year)
        else:  # the clerk's rows stay; saving checks they are in the new year
            source = self.calendar.source(year)
            self._show_source(year, source, loaded=self.calendar.knows(year))

    def year(self) -> int:
        return self.year_spin.value()

    def set_year(self, year: int) -> None:
        self.year_spin.setValue(year)

    def set_rows(self, rows: Iterable[HolidayEntry | Sequence[object]]) -> None:
        """Fill the table: HolidayEntry or (日期, 类型, 名称) with the date as a date or as text."""
        self.model.set_rows(rows)
        self._edited = True

    def rows(self) -> list[tuple[str, str, str]]:
        return self.model.rows()

    def add_row(self) -> None:
        row = self.model.add_row()
        index = self.model.index(row, EditableEntriesModel.DATE)
        self.table.setCurrentIndex(index)
        self.table.edit(index)

    def remove_selected(self) -> None:
        self.model.remove_rows(index.row() for index in self.table.selectionModel().selectedRows())

    def save(self) -> bool:
        """Check and save the rows as the year's list and close; on an error it is shown, the rows stay, nothing is
        written."""
        self.model.drop_blank_rows()
        year = self.year()
        if (
            self.calendar.source(year) == SOURCE_CLERK
            and year != self._loaded_year
            and not self._may_replace(year)
        ):
            return False
        if not _save(self, EDIT_TITLE, "没有保存", self.store, year, self.rows()):
            return False
        self.accept()
        return True

    def _may_replace(self, year: int) -> bool:
        return ask(self, EDIT_TITLE, f"本机已录入{year}年的节假日安排。要用这里的内容替换它吗？")
