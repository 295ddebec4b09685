"""The one look of every read-only table: whole rows selected, alternating colours, fixed row height, set widths;
and the read-only model over a list of rows the tabs and dialogs share, with its flagged rows (overdue, counted
without a holiday list) in red.

Widths are set, never measured: resizeColumnsToContents over 50,000 rows costs seconds (benchmarks/roster_startup.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

ROW_HEIGHT = 26
FLAGGED = QColor("#b3261e")  # a row that needs the clerk: its text …
FLAGGED_BACKGROUND = QColor("#fdecea")  # … and its background
_INDEX = QModelIndex | QPersistentModelIndex


def configure_table(view: QTableView, widths: Sequence[int], *, many: bool = False) -> QTableView:
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
    return view


def table_view(model: QAbstractTableModel, widths: Sequence[int], *, many: bool = False) -> QTableView:
    """A new read-only table over `model`, configured once the model is set: the widths are its columns'."""
    view = QTableView()
    view.setModel(model)
    return configure_table(view, widths, many=many)


class RowsModel(QAbstractTableModel):
    """A read-only table over a list of rows, each column a (header, getter) pair."""

    def __init__(self, columns: Sequence[tuple[str, Callable[[object], object]]]):
        super().__init__()
        self._columns = columns
        self._rows: list[object] = []

    def set_rows(self, rows: list[object]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

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
