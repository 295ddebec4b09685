"""The one look of every read-only table: whole rows selected, alternating colours, fixed row height, set widths;
and the read-only model over a list of rows the tabs and dialogs share, with its flagged rows (overdue, counted
without a holiday list) in red, sorted by a click on a header where the view allows it.

Every table configured here answers as Excel and WPS users expect (`TableActions`): Ctrl+C copies the chosen rows as
tab-separated text (pasted into Excel as cells), the right-click menu has 复制 and 导出 Excel…, which writes the
table's visible columns as they are on screen (masked numbers stay masked) through spreadsheets/table_export.py and
the operation runner (a file open in Excel is one Chinese line). `remember_columns` lets the clerk hide and show
columns from the header's right-click menu, kept per user in QSettings (`user_settings`).

Widths are set, never measured: resizeColumnsToContents over 50,000 rows costs seconds (benchmarks/roster_startup.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QSettings,
    QStandardPaths,
    Qt,
)
from PySide6.QtGui import QAction, QBrush, QColor, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QApplication, QFileDialog, QHeaderView, QMenu, QTableView

ROW_HEIGHT = 26
FLAGGED = QColor("#b3261e")  # a row that needs the clerk: its text …
FLAGGED_BACKGROUND = QColor("#fdecea")  # … and its background
_INDEX = QModelIndex | QPersistentModelIndex
CHARACTER_PIXELS = 7  # a column's width on screen, in pixels, to Excel's width in characters
ORGANIZATION, APPLICATION = (
    "XueJi",
    "学籍桌面",
)  # app.py's names: QSettings keeps the user's choices under them


def configure_table(
    view: QTableView, widths: Sequence[int], *, many: bool = False, title: str = ""
) -> QTableView:
    """The one look (above) and the table's 复制 / 导出 Excel… (`TableActions`); `title` names the exported file and
    its sheet (else the window's title)."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if many:
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    for column, width in enumerate(widths):
        view.setColumnWidth(column, width)
    actions = table_actions(view)
    if title:
        actions.title = title
    return view


def table_view(
    model: QAbstractTableModel, widths: Sequence[int], *, many: bool = False, title: str = ""
) -> QTableView:
    """A new read-only table over `model`, configured once the model is set: the widths are its columns'."""
    view = QTableView()
    view.setModel(model)
    return configure_table(view, widths, many=many, title=title)


# --- 复制 and 导出 Excel… -----------------------------------------------------------------------------------------


def table_actions(view: QTableView) -> TableActions:
    """The view's TableActions, made on first use (configure_table makes them for every table it configures)."""
    found = view.findChild(TableActions, TableActions.NAME)
    return found if isinstance(found, TableActions) else TableActions(view)


class TableActions(QObject):
    """Ctrl+C (复制) and 导出 Excel… of a QTableView over any model: the chosen rows, or every row, of the visible
    columns in the order on screen, each cell as the model shows it (DisplayRole).

    Both are actions of the view, so its right-click menu shows them (Qt's ActionsContextMenu) unless the screen has
    a menu of its own; such a menu adds them with `add_to(menu)`."""

    NAME = "tableActions"

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self.setObjectName(self.NAME)
        self.view = view
        self.title = ""  # names the exported file and its sheet; the window's title when empty
        self.empty_note = ""  # the exported file's first row when the table has none
        self.file_name: Callable[[], str] | None = (
            None  # the file name offered, when the title's is not right
        )
        self.copy_action = QAction("复制", view)
        self.copy_action.setShortcut(QKeySequence.StandardKey.Copy)
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.copy_action.setToolTip("把选中的各行复制为以制表符分隔的文字，可直接粘贴到电子表格中（Ctrl+C）")
        self.copy_action.triggered.connect(lambda: self.copy())
        self.export_action = QAction("导出 Excel…", view)
        self.export_action.setToolTip("把表格中显示的各列导出为 Excel 文件")
        self.export_action.triggered.connect(lambda: self.export())
        view.addAction(self.copy_action)
        view.addAction(self.export_action)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Ctrl+C on the table: the view takes the key before any shortcut (it would copy one cell), so the rows are
        copied here."""
        if watched is self.view and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.matches(QKeySequence.StandardKey.Copy):
                self.copy()
                return True
        return False

    def add_to(self, menu: QMenu) -> None:
        """复制 and 导出 Excel… at the end of a screen's own right-click menu."""
        if menu.actions():
            menu.addSeparator()
        self.copy_action.setEnabled(bool(self.selected_rows()))
        self.export_action.setEnabled(self._model() is not None)
        menu.addAction(self.copy_action)
        menu.addAction(self.export_action)

    def _model(self) -> QAbstractTableModel | None:
        model = self.view.model()
        return model if model is not None else None

    def visible_columns(self) -> list[int]:
        """The model's columns the clerk sees, in the order on screen (a column hidden from the header's menu is not
        copied nor exported)."""
        header = self.view.horizontalHeader()
        columns = (header.logicalIndex(visual) for visual in range(header.count()))
        return [column for column in columns if not header.isSectionHidden(column)]

    def headers(self) -> list[str]:
        model = self._model()
        if model is None:
            return []
        return [
            _text(model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole))
            for column in self.visible_columns()
        ]

    def selected_rows(self) -> list[int]:
        selection = self.view.selectionModel()
        if selection is None:
            return []
        return sorted({index.row() for index in selection.selectedIndexes()})

    def cells(self, rows: Sequence[int] | None = None) -> list[list[str]]:
        """The cells of `rows` (every row when None) in the visible columns, as the model shows them."""
        model = self._model()
        if model is None:
            return []
        columns = self.visible_columns()
        chosen = range(model.rowCount()) if rows is None else rows
        return [[_text(model.data(model.index(row, column))) for column in columns] for row in chosen]

    def copy(self) -> str:
        """The chosen rows, a tab between cells and a line each, on the clipboard; the text copied."""
        text = "\n".join(
            "\t".join(_one_line(cell) for cell in row) for row in self.cells(self.selected_rows())
        )
        if text:
            QApplication.clipboard().setText(text)
        return text

    def export_title(self) -> str:
        return self.title or self.view.window().windowTitle() or "表格"

    def default_file_name(self) -> str:
        if self.file_name is not None:
            return self.file_name()
        return f"{_file_safe(self.export_title())}_{date.today():%Y%m%d}.xlsx"

    def export(self, path: Path | None = None) -> Path | None:
        """Every row of the visible columns as an .xlsx where the clerk chooses (the Documents folder offered);
        the path written, or None when the clerk cancelled or the file could not be written (already told)."""
        from xueji_desktop.spreadsheets.table_export import write_rows
        from xueji_desktop.ui.common import operations

        title = self.export_title()
        if path is None:
            folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
            name = self.default_file_name()
            start = str(Path(folder) / name) if folder else name
            chosen, _ = QFileDialog.getSaveFileName(self.view, f"导出{title}", start, "Excel 文件 (*.xlsx)")
            if not chosen:
                return None
            path = Path(chosen)
        headers, rows = self.headers(), self.cells()
        widths = [
            max(6.0, self.view.columnWidth(column) / CHARACTER_PIXELS) for column in self.visible_columns()
        ]
        out, note = path, self.empty_note
        outcome = operations.run(
            self.view,
            f"导出{title}",
            lambda: write_rows(
                out,
                title=title,
                sheet=_sheet_name(title),
                headers=headers,
                rows=rows,
                widths=widths,
                empty_note=note,
            ),
            long="正在导出 Excel…" if len(rows) > 2000 else False,
            not_done="没有导出",
        )
        return outcome.value if outcome.ok else None


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _one_line(cell: str) -> str:
    """A cell as one TSV field: its tabs and line breaks become spaces (else Excel splits it into more cells)."""
    return cell.replace("\t", " ").replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


def _file_safe(name: str) -> str:
    return "".join("_" if ch in '\\/:*?"<>|' else ch for ch in name).strip() or "表格"


def _sheet_name(title: str) -> str:
    """Excel's sheet names: at most 31 characters, none of : \\ / ? * [ ]."""
    return "".join("_" if ch in ":\\/?*[]" else ch for ch in title)[:31] or "表格"


# --- the columns the clerk chooses ------------------------------------------------------------------------------


def user_settings() -> QSettings:
    """The user's own choices (columns shown …): per user, not in the data file (the school's settings live there).
    An INI file in the user's settings folder, so a test points it elsewhere with QSettings.setPath."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def remember_columns(view: QTableView, key: str, *, always: Sequence[int] = ()) -> None:
    """The header's right-click menu lists the columns, each checkable: the clerk hides and shows them, and the
    choice is kept under `key` (the columns' headers hidden) for the next time the table is made. `always`: columns
    that cannot be hidden (the name that says whose row it is)."""
    header = view.horizontalHeader()
    settings_key = f"columns/{key}/hidden"
    hidden = _as_list(user_settings().value(settings_key, []))
    model = view.model()
    for column in range(model.columnCount() if model is not None else 0):
        name = _text(model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole))
        view.setColumnHidden(column, name in hidden and column not in always)
    header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def save() -> None:
        model = view.model()
        names = [
            _text(model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole))
            for column in range(model.columnCount())
            if view.isColumnHidden(column)
        ]
        settings = user_settings()
        settings.setValue(settings_key, names)
        settings.sync()

    def toggle(column: int, shown: bool) -> None:
        view.setColumnHidden(column, not shown)
        save()

    def menu_at(point: QPoint) -> None:
        menu = columns_menu(view, toggle, always)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(header.mapToGlobal(point))

    header.customContextMenuRequested.connect(menu_at)
    view.setProperty("columnsMenu", True)


def columns_menu(view: QTableView, toggle: Callable[[int, bool], None], always: Sequence[int] = ()) -> QMenu:
    """显示的列: one checkable entry per column (the last shown one cannot be hidden)."""
    menu = QMenu(view)
    menu.addSection("显示的列")
    model = view.model()
    shown = [c for c in range(model.columnCount()) if not view.isColumnHidden(c)]
    for column in range(model.columnCount()):
        name = _text(model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole))
        action = menu.addAction(name)
        action.setCheckable(True)
        action.setChecked(column in shown)
        action.setEnabled(column not in always and shown != [column])
        action.toggled.connect(lambda checked, column=column: toggle(column, checked))
    return menu


def _as_list(value: object) -> list[str]:
    """QSettings gives back one string for a one-item list and None or "" for an empty one (INI files)."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value]  # type: ignore[union-attr]


class RowsModel(QAbstractTableModel):
    """A read-only table over a list of rows, each column a (header, getter) pair."""

    def __init__(self, columns: Sequence[tuple[str, Callable[[object], object]]]):
        super().__init__()
        self._columns = columns
        self._rows: list[object] = []
        self._order: tuple[int, Qt.SortOrder] | None = None  # the header clicked last, kept across set_rows

    def set_rows(self, rows: list[object]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        if self._order is not None:
            self._sorted(*self._order)
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """By the column's values (dates are written 2026-09-01, so they sort as text), stable: rows that tie keep the
        service's order. A view with setSortingEnabled calls it when a header is clicked."""
        if not 0 <= column < len(self._columns):  # no column: the service's order
            self._order = None
            return
        self._order = (column, order)
        self.beginResetModel()
        self._sorted(column, order)
        self.endResetModel()

    def _sorted(self, column: int, order: Qt.SortOrder) -> None:
        getter = self._columns[column][1]
        self._rows.sort(key=lambda row: str(getter(row)), reverse=order == Qt.SortOrder.DescendingOrder)

    def rowCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: _INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        return str(self._columns[index.column()][1](self._rows[index.row()]))

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._columns[section][0]
        return None


class FlaggedRowsModel(RowsModel):
    """A RowsModel whose rows `flagged` picks (an overdue procedure, a year counted Monday to Friday) are red."""

    def __init__(
        self, columns: Sequence[tuple[str, Callable[[object], object]]], flagged: Callable[[Any], bool]
    ):
        super().__init__(columns)
        self._flagged = flagged

    def data(self, index: _INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if index.isValid() and role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole):
            if not self._flagged(self._rows[index.row()]):
                return None
            return QBrush(FLAGGED if role == Qt.ItemDataRole.ForegroundRole else FLAGGED_BACKGROUND)
        return super().data(index, role)
