"""The roster table's model: RosterRow results of a query, answered per role; sorting asks the query again. The ID
number and a 学籍号 made of G and the ID number are masked on screen (rules/identity.py)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from xueji_desktop.rules.identity import mask_national_student_id
from xueji_desktop.services.roster import RosterRow

COLUMNS: tuple[tuple[str, str], ...] = (
    ("school_number", "学号"),
    ("name", "姓名"),
    ("gender", "性别"),
    ("birth_date", "出生日期"),
    ("id_number", "身份证件号"),
    ("national_student_id", "学籍号"),
    ("status", "状态"),
    ("class_name", "班级"),
)

_INDEX = QModelIndex | QPersistentModelIndex


def _cell(row: RosterRow, column: int) -> str:
    match column:
        case 0:
            return row.school_number
        case 1:
            return row.name
        case 2:
            return row.gender
        case 3:
            return f"{row.birth_date:%Y-%m-%d}"
        case 4:
            return row.id_number_masked
        case 5:
            return mask_national_student_id(row.national_student_id)
        case 6:
            return row.status
        case _:
            return row.class_name


def _masked_nsid(row: RosterRow) -> bool:
    return mask_national_student_id(row.national_student_id) != row.national_student_id


class RosterTableModel(QAbstractTableModel):
    """Holds the rows of the last query; `on_sort(key, descending)` re-runs the query in the new order."""

    def __init__(self, on_sort: Callable[[str, bool], None] | None = None):
        super().__init__()
        self._rows: list[RosterRow] = []
        self._on_sort = on_sort

    def set_rows(self, rows: list[RosterRow]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row_at(self, row: int) -> RosterRow:
        return self._rows[row]

    def rowCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008 - Qt's names
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 4:
            return "证件号已遮挡；双击打开学生信息可查看完整号码"
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 5 and _masked_nsid(row):
            return "学籍号含身份证件号，已遮挡；双击打开学生信息可查看完整号码"
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (0, 2, 3, 6):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][1]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self._on_sort is not None:
            self._on_sort(COLUMNS[column][0], order == Qt.SortOrder.DescendingOrder)
