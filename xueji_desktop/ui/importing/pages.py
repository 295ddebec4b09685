"""The pages of the new-student import wizard (导入新生名单): 选择文件, 对应列, 检查结果, 编班, 确认.

Each page only shows the wizard's current plan and asks; the wizard (ui.import_wizard) runs the services off the UI
thread and keeps the plan. Nothing is written before 完成 on the last page.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from xueji_desktop.errors import DomainError
from xueji_desktop.rules.class_size import limits_for_grade
from xueji_desktop.rules.enrolment import enrolment_deadline
from xueji_desktop.services.roster import class_tree
from xueji_desktop.services.student_import import (
    EXAMPLE_SCHEME,
    ClassPlan,
    ImportPlan,
    ImportResult,
    check_number_scheme,
    preview_school_numbers,
    shown_value,
)
from xueji_desktop.spreadsheets.error_workbook import write_error_workbook
from xueji_desktop.spreadsheets.errors import ImportFileError
from xueji_desktop.spreadsheets.template import ColumnSpec
from xueji_desktop.store import Store
from xueji_desktop.ui.common.field_errors import ERROR_COLOUR
from xueji_desktop.ui.common.operations import run
from xueji_desktop.ui.common.tables import RowsModel, table_view


class ImportSteps(Protocol):
    """What the pages ask of the wizard (ui.import_wizard.ImportWizard), which runs the services and holds the plan."""

    store: Store
    path: Path | None
    plan: ImportPlan | None
    class_plan: ClassPlan | None
    enrolment_date: date | None
    number_scheme: str | None

    def choose_file(self, path: Path | str) -> bool: ...
    def choose_sheet(self, name: str) -> bool: ...
    def choose_columns(self, columns: list[ColumnSpec | None]) -> None: ...
    def choose_classes(self, grade_level: int | None, mode: str | None) -> None: ...
    def confirm_columns(self) -> bool: ...
    def proposed_enrolment_date(self) -> date: ...
    def school_number_scheme(self) -> str: ...
    def commit(self) -> ImportResult: ...
    def describe(self) -> str: ...
    def result_text(self, result: ImportResult) -> str: ...


NOT_IMPORTED = "（不导入）"
REMEMBERED_NOTE = "已按上次确认的对应关系匹配"
ERROR, HINT = "错误", "提示"
ALL_KINDS, ONLY_ERRORS, ONLY_HINTS = "全部", "只看错误", "只看提示"
SORT_ROLE = Qt.ItemDataRole.UserRole + 10
WARN_COLOUR = "#b35c00"
NOTE_COLOUR = "#2e6b30"
_INDEX = QModelIndex | QPersistentModelIndex


def _cell_text(value: object) -> str:
    """A cell as Excel shows it: 1 not 1.0, dates as 2020-03-12."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value)


def _red(label: QLabel) -> QLabel:
    label.setStyleSheet(f"color: {ERROR_COLOUR};")
    label.setWordWrap(True)
    return label


def _note(text: str = "", colour: str = "#555") -> QLabel:
    label = QLabel(text)
    label.setStyleSheet(f"color: {colour};")
    label.setWordWrap(True)
    return label


def _view(model, widths: tuple[int, ...], *, lines: int = 1) -> QTableView:
    """A read-only table; `lines` > 1 wraps long messages over that many lines (a fixed height keeps a list of
    thousands of problems fast; the tooltip has the whole text)."""
    view = table_view(model, widths)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().lineSpacing() * lines + 10)
    view.setWordWrap(lines > 1)
    return view


class SortedRows(RowsModel):
    """RowsModel with a sort key per column (row numbers sort as numbers) and an optional colour per row."""

    def __init__(self, columns, colour=None):
        super().__init__([(header, shown) for header, shown, _key in columns])
        self._keys = [key for _header, _shown, key in columns]
        self._colour = colour

    def rows(self) -> list[object]:
        return list(self._rows)

    def data(self, index: _INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == SORT_ROLE:
            return self._keys[index.column()](row)
        if role == Qt.ItemDataRole.ForegroundRole and self._colour is not None:
            colour = self._colour(row, index.column())
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return super().data(index, Qt.ItemDataRole.DisplayRole)
        return super().data(index, role)


class ProblemRow:
    """One line of the problem table: an error of a cell or a likely duplicate (提示)."""

    __slots__ = ("kind", "row_number", "header", "value", "message", "hint")

    def __init__(self, kind: str, row_number: int, header: str, value: str, message: str, hint: str):
        self.kind, self.row_number, self.header = kind, row_number, header
        self.value, self.message, self.hint = value, message, hint


class ProblemFilter(QSortFilterProxyModel):
    """Text typed in the filter box (any column) and 全部 / 只看错误 / 只看提示."""

    def __init__(self) -> None:
        super().__init__()
        self.kind = ALL_KINDS
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)

    def set_kind(self, kind: str) -> None:
        self.beginFilterChange()
        self.kind = kind
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: _INDEX) -> bool:
        model = self.sourceModel()
        row = model.rows()[source_row]
        if self.kind == ONLY_ERRORS and row.kind != ERROR or self.kind == ONLY_HINTS and row.kind != HINT:
            return False
        return super().filterAcceptsRow(source_row, source_parent)


# --- 1 选择文件 ------------------------------------------------------------------------------------------------------


class FilePage(QWizardPage):
    """The file and its sheet; a subclass (another kind of list) gives its own words and `table_info`."""

    CHOOSE_TITLE = "选择新生名单"
    TIP = (
        "提示：表格上方的标题行、合并单元格不影响读取；表头可以是“出生年月”“证件号码”等常见写法，"
        "下一步可以核对每一列对应的项目。"
    )

    def __init__(self, wizard: ImportSteps):
        super().__init__()
        self.owner = wizard
        self.setTitle("选择文件")
        self.setSubTitle(
            "选择招生办、幼儿园或班主任交来的新生名单（Excel 文件 .xlsx 或 .xls）。此时不会写入任何数据。"
        )
        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText("请点击“浏览…”选择文件")
        browse = QPushButton("浏览…")
        browse.clicked.connect(self.browse)
        self.sheet_combo = QComboBox()
        self.sheet_combo.setMinimumWidth(240)
        self.sheet_combo.setEnabled(False)
        self.sheet_combo.activated.connect(self._on_sheet)
        self.error = _red(QLabel())
        self.error.setObjectName("fileError")
        self.error.hide()
        self.info = _note()

        path_row = QHBoxLayout()
        path_row.addWidget(QLabel("文件："))
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        sheet_row = QHBoxLayout()
        sheet_row.addWidget(QLabel("工作表："))
        sheet_row.addWidget(self.sheet_combo)
        sheet_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(path_row)
        layout.addSpacing(6)
        layout.addLayout(sheet_row)
        layout.addSpacing(6)
        layout.addWidget(self.error)
        layout.addWidget(self.info)
        layout.addStretch(1)
        self.tip = _note(self.TIP)
        layout.addWidget(self.tip)

    def browse(self) -> None:
        start = str(self.owner.path.parent) if self.owner.path else ""
        path, _ = QFileDialog.getOpenFileName(self, self.CHOOSE_TITLE, start, "Excel 文件 (*.xlsx *.xls)")
        if path:
            self.owner.choose_file(Path(path))

    def _on_sheet(self, index: int) -> None:
        name = self.sheet_combo.itemText(index)
        if self.owner.plan is None or name != self.owner.plan.table.sheet_name:
            self.owner.choose_sheet(name)

    def show_plan(self, message: str | None = None) -> None:
        """The current file, its sheets, and what was found — or the one-line reason it cannot be read."""
        plan = self.owner.plan
        self.path_edit.setText(str(self.owner.path or ""))
        if plan is not None:
            self.sheet_combo.blockSignals(True)
            self.sheet_combo.clear()
            self.sheet_combo.addItems(plan.sheet_names)
            self.sheet_combo.setCurrentText(plan.table.sheet_name)
            self.sheet_combo.blockSignals(False)
            self.sheet_combo.setEnabled(len(plan.sheet_names) > 1)
            self.info.setText(self.table_info(plan))
        else:
            self.sheet_combo.clear()
            self.sheet_combo.setEnabled(False)
            self.info.clear()
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.owner.plan is not None

    def table_info(self, plan) -> str:
        """What was found in the sheet: where the header is, how many columns were recognised, how many rows."""
        mapped = sum(1 for c in plan.mapping.columns if c is not None)
        return (
            f"工作表“{plan.table.sheet_name}”：表头在第{plan.table.header_row_number}行，"
            f"共{len(plan.table.headers)}列（识别出{mapped}列），{len(plan.table.rows)}行数据。"
        )


# --- 2 对应列 --------------------------------------------------------------------------------------------------------


class MappingPage(QWizardPage):
    """Each header of the file → a template column, or 「（不导入）」."""

    def __init__(self, wizard: ImportSteps):
        super().__init__()
        self.owner = wizard
        self.setTitle("对应列")
        self.setSubTitle(
            "核对文件中每一列对应的学籍项目；不需要的列选“（不导入）”。确认的对应关系会记住，下次同样的表格自动套用。"
        )
        self.remembered = _note(REMEMBERED_NOTE, NOTE_COLOUR)
        self.remembered.hide()
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["文件中的列", "导入为", "第一行的内容"])
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(30)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 220)
        self.table.setColumnWidth(1, 260)
        self.missing = _red(QLabel())
        self.missing.hide()
        self.optional = _note()
        self._shown: tuple | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(self.remembered)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.missing)
        layout.addWidget(self.optional)

    def initializePage(self) -> None:
        self.show_plan()

    def combo(self, row: int) -> QComboBox:
        return self.table.cellWidget(row, 1)  # type: ignore[return-value]

    def row_of(self, header: str) -> int:
        return self.owner.plan.table.headers.index(header)  # type: ignore[union-attr]

    def set_column(self, header: str, target: str | None) -> None:
        """Map the file's column `header` to the template column headed `target` (None: 「（不导入）」)."""
        combo = self.combo(self.row_of(header))
        combo.setCurrentIndex(combo.findText(target or NOT_IMPORTED))

    def _build_rows(self, plan) -> None:
        first = plan.table.rows[0].cells if plan.table.rows else []
        self.table.setRowCount(len(plan.table.headers))
        for row, header in enumerate(plan.table.headers):
            sample = first[row] if row < len(first) else None
            self.table.setItem(
                row, 0, QTableWidgetItem(str(header) if str(header or "").strip() else "（无表头）")
            )
            self.table.setItem(row, 2, QTableWidgetItem(_cell_text(sample)[:40]))
            combo = QComboBox()
            combo.setMaxVisibleItems(20)
            combo.addItem(NOT_IMPORTED, -1)
            for index, spec_column in enumerate(plan.spec.columns):
                combo.addItem(spec_column.header, index)
            combo.currentIndexChanged.connect(lambda _i, r=row: self._on_combo(r))
            self.table.setCellWidget(row, 1, combo)

    def show_plan(self) -> None:
        plan = self.owner.plan
        if plan is None:
            return
        shown = (plan.path, plan.table.sheet_name, tuple(plan.table.headers))
        if shown != self._shown:  # a new file or sheet: new rows; a new mapping only moves the combos
            self._build_rows(plan)
            self._shown = shown
        for row in range(self.table.rowCount()):
            column = plan.mapping.columns[row] if row < len(plan.mapping.columns) else None
            combo = self.combo(row)
            combo.blockSignals(True)
            combo.setCurrentIndex(0 if column is None else plan.spec.columns.index(column) + 1)
            combo.blockSignals(False)
            grey = QBrush(QColor("#888")) if column is None else None  # a column not imported is greyed
            for cell in (0, 2):
                self.table.item(row, cell).setData(Qt.ItemDataRole.ForegroundRole, grey)
        self.remembered.setVisible(plan.remembered_mapping)
        missing = plan.mapping.missing_required
        self.missing.setText(
            f"缺少必需的列：{'、'.join(missing)}。请在“导入为”中为文件里对应的列选择这些项目，否则无法导入。"
            if missing
            else ""
        )
        self.missing.setVisible(bool(missing))
        optional = plan.mapping.missing_optional
        self.optional.setText(
            f"另有{len(optional)}项上报时必填的项目文件中没有，导入后在学生信息中补填（或按默认值）。"
            if optional
            else ""
        )
        self.optional.setToolTip("、".join(optional))
        self.completeChanged.emit()

    def chosen_columns(self) -> list:
        spec = self.owner.plan.spec  # type: ignore[union-attr]
        chosen = []
        for row in range(self.table.rowCount()):
            index = self.combo(row).currentData()
            chosen.append(None if index is None or index < 0 else spec.columns[index])
        return chosen

    def _on_combo(self, row: int) -> None:
        index = self.combo(row).currentData()
        if index is not None and index >= 0:  # a template column takes one file column: the other one lets go
            for other in range(self.table.rowCount()):
                if other != row and self.combo(other).currentData() == index:
                    self.combo(other).blockSignals(True)
                    self.combo(other).setCurrentIndex(0)
                    self.combo(other).blockSignals(False)
        self.owner.choose_columns(self.chosen_columns())

    def isComplete(self) -> bool:
        plan = self.owner.plan
        return plan is not None and plan.mapping.usable

    def validatePage(self) -> bool:
        """下一步 confirms the mapping: the wizard remembers it at once (even if the import is then cancelled)."""
        return self.owner.confirm_columns()


# --- 3 检查结果 ------------------------------------------------------------------------------------------------------


class CheckPage(QWizardPage):
    """Every problem (sortable, filterable), the likely duplicates, the planned updates, and 只导入没有错误的行."""

    def __init__(self, wizard: ImportSteps):
        super().__init__()
        self.owner = wizard
        self.setTitle("检查结果")
        self.setSubTitle("每个单元格都已核对。有错误的行可导出错误清单，在 Excel 中改正后重新导入。")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-weight: bold;")

        self.model = SortedRows(
            [
                ("行号", lambda r: r.row_number, lambda r: r.row_number),
                ("类型", lambda r: r.kind, lambda r: r.kind),
                ("列", lambda r: r.header, lambda r: r.header),
                ("值", lambda r: r.value, lambda r: r.value),
                ("问题", lambda r: r.message, lambda r: r.message),
                ("修改建议", lambda r: r.hint, lambda r: r.hint),
            ],
            colour=lambda r, column: (
                (ERROR_COLOUR if r.kind == ERROR else WARN_COLOUR) if column == 1 else None
            ),
        )
        self.proxy = ProblemFilter()
        self.proxy.setSourceModel(self.model)
        self.problem_view = _view(self.proxy, (56, 48, 110, 160, 330), lines=2)
        self.problem_view.setSortingEnabled(True)
        self.problem_view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.filter_edit = QLineEdit()
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setPlaceholderText("筛选：输入行号、列名、姓名或问题中的字")
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.kind_combo = QComboBox()
        self.kind_combo.addItems([ALL_KINDS, ONLY_ERRORS, ONLY_HINTS])
        self.kind_combo.currentTextChanged.connect(self.proxy.set_kind)
        export = QPushButton("导出错误清单…")
        export.clicked.connect(lambda: self.export_errors())
        self.export_button = export
        filters = QHBoxLayout()
        filters.addWidget(self.filter_edit, 1)
        filters.addWidget(self.kind_combo)
        filters.addWidget(export)
        problems = QWidget()
        problems_layout = QVBoxLayout(problems)
        problems_layout.addLayout(filters)
        problems_layout.addWidget(self.problem_view, 1)

        self.duplicate_model = SortedRows(
            [
                ("行号", lambda d: d[0].row_number, lambda d: d[0].row_number),
                ("姓名", lambda d: d[1], lambda d: d[1]),
                ("疑似与之重复", lambda d: d[0].other, lambda d: d[0].other),
                ("说明", lambda d: d[0].finding.text, lambda d: d[0].finding.text),
            ]
        )
        self.duplicates = _view(self.duplicate_model, (56, 90, 220), lines=2)
        self.updates = QListWidget()
        self.updates.setWordWrap(True)
        self.updates.setResizeMode(QListView.ResizeMode.Adjust)
        self.updates.setSpacing(2)
        self.tabs = QTabWidget()
        self.tabs.addTab(problems, "问题清单")
        self.tabs.addTab(self.duplicates, "疑似重复")
        self.tabs.addTab(self.updates, "将更新的学生")

        self.valid_only = QCheckBox("只导入没有错误的行")
        self.valid_only.toggled.connect(lambda _on: self._show_state())
        self.skipped = _note("", WARN_COLOUR)
        self.skipped.hide()
        self.exported = _note()
        self.exported.hide()
        self.blocked = _red(QLabel())
        self.blocked.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.exported)
        layout.addWidget(self.valid_only)
        layout.addWidget(self.skipped)
        layout.addWidget(self.blocked)

    def initializePage(self) -> None:
        self.show_plan()

    def show_plan(self) -> None:
        plan = self.owner.plan
        if plan is None:
            return
        errors = plan.problems
        warnings = plan.warnings
        names = {r.row_number: str(r.values.get("name") or "") for r in plan.records}
        name_header = next((c.header for c in plan.mapping.columns if c and c.field == "name"), "姓名")
        rows = [ProblemRow(ERROR, p.row_number, p.header, p.value, p.message, p.hint) for p in errors]
        rows += [
            ProblemRow(
                HINT,
                d.row_number,
                name_header,
                names.get(d.row_number, ""),
                d.finding.text,
                "请核对是否为同一人：是同一人请从文件中删去此行；不是则可照常导入",
            )
            for d in warnings
        ]
        rows += [
            ProblemRow(HINT, p.row_number, p.header, p.value, p.message, p.hint)
            for p in getattr(plan, "name_warnings", ())  # R13.1: a name beginning with = + - @
        ]
        self.model.set_rows(rows)
        self.proxy.sort(
            self.problem_view.horizontalHeader().sortIndicatorSection(),
            self.problem_view.horizontalHeader().sortIndicatorOrder(),
        )
        self.duplicate_model.set_rows([(d, names.get(d.row_number, "")) for d in warnings])
        self.updates.clear()
        for update in plan.updates:
            changes = "；".join(
                f"{label}：{shown_value(label, old)} → {shown_value(label, new)}"
                for label, (old, new) in update.changes.items()
            )
            self.updates.addItem(f"{update.name}（第{update.row_number}行） — {changes}")
        if not plan.updates:
            self.updates.addItem("没有要更新的学生。")
        self.tabs.setTabText(0, f"问题清单（{len(rows)}）")
        self.tabs.setTabText(1, f"疑似重复（{len(warnings)}）")
        self.tabs.setTabText(2, f"将更新的学生（{len(plan.updates)}）")
        unchanged = len(plan.unchanged_rows)
        self.summary.setText(
            f"共{len(plan.records)}行：可导入{len(plan.new_records)}名新生、更新{len(plan.updates)}名、"
            f"有错误{len(plan.error_rows)}行、疑似重复{len(warnings)}条"
            + (f"；另有{unchanged}行与已导入的学生相同，无需再导入" if unchanged else "")
        )
        self.export_button.setEnabled(bool(errors))
        self.valid_only.setEnabled(bool(errors))
        self._show_state()

    def _show_state(self) -> None:
        plan = self.owner.plan
        skipping = plan is not None and bool(plan.problems) and self.valid_only.isChecked()
        if skipping:
            rows = sorted(plan.error_rows)  # type: ignore[union-attr]
            shown = "、".join(map(str, rows[:15])) + ("…" if len(rows) > 15 else "")
            self.skipped.setText(f"有错误的{len(rows)}行（第{shown}行）这次不导入；改正后可再次导入这些行。")
        self.skipped.setVisible(skipping)
        self.blocked.setText(self.why_incomplete())
        self.blocked.setVisible(bool(self.blocked.text()))
        self.completeChanged.emit()

    def why_incomplete(self) -> str:
        plan = self.owner.plan
        if plan is None:
            return "请先选择文件。"
        if plan.problems and not self.valid_only.isChecked():
            return (
                f"有{len(plan.error_rows)}行错误，不能全部导入：请导出错误清单、改正后重新选择文件，"
                "或勾选“只导入没有错误的行”（有错误的行这次不导入）。"
            )
        if not plan.new_records and not plan.updates:
            return "没有可以导入的行。"
        return ""

    def isComplete(self) -> bool:
        return not self.why_incomplete()

    def export_errors(self, path: Path | None = None) -> Path | None:
        """Write the error workbook (the bad rows, bad cells red, a 「错误说明」 column); ask where when no path."""
        plan = self.owner.plan
        if plan is None or not plan.problems:
            return None
        if path is None:
            suggested = plan.path.with_name(f"{plan.path.stem}_错误清单.xlsx")
            chosen, _ = QFileDialog.getSaveFileName(
                self, "导出错误清单", str(suggested), "Excel 工作簿 (*.xlsx)"
            )
            if not chosen:
                return None
            path = Path(chosen)
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        if not run(self, "导出错误清单", lambda: write_error_workbook(path, plan.table, plan.problems)).ok:
            return None  # a file that cannot be written (open in Excel …) was told by the runner
        self.exported.setText(f"错误清单已导出：{path}")
        self.exported.show()
        return path


# --- 4 编班 ---------------------------------------------------------------------------------------------------------


class ClassPage(QWizardPage):
    """按文件中的班级 or 均衡编班 into the chosen grade's classes, with each class's figures before confirming."""

    def __init__(self, wizard: ImportSteps):
        super().__init__()
        self.owner = wizard
        self.setTitle("编班")
        self.setSubTitle(
            "新生编入哪些班级。均衡编班使各班人数相差不超过1人，男女、出生日期（和成绩）均匀分布。"
        )
        self.by_file = QRadioButton("按文件中的班级")
        self.balanced = QRadioButton("均衡编班")
        self.modes = QButtonGroup(self)
        self.modes.addButton(self.by_file)
        self.modes.addButton(self.balanced)
        self.by_file.toggled.connect(lambda on: on and self._replan())
        self.balanced.toggled.connect(lambda on: on and self._replan())
        self.grade_combo = QComboBox()
        self.grade_combo.setMinimumWidth(120)
        self.grade_combo.activated.connect(lambda _i: self._replan())
        self.preview = SortedRows(
            [
                ("班级", lambda p: p.name, lambda p: p.name),
                ("原人数", lambda p: p.size_before, lambda p: p.size_before),
                ("编入后", lambda p: p.size_after, lambda p: p.size_after),
                ("男", lambda p: p.boys, lambda p: p.boys),
                ("女", lambda p: p.girls, lambda p: p.girls),
                (
                    "平均出生日期",
                    lambda p: f"{p.mean_birth_date:%Y-%m-%d}" if p.mean_birth_date else "—",
                    lambda p: p.mean_birth_date.toordinal() if p.mean_birth_date else 0,
                ),
                (
                    "平均成绩",
                    lambda p: f"{p.mean_score:.1f}" if p.mean_score is not None else "—",
                    lambda p: p.mean_score or 0.0,
                ),
            ]
        )
        self.preview_view = _view(self.preview, (150, 80, 80, 60, 60, 130, 100))
        self.preview_view.horizontalHeader().setStretchLastSection(False)
        self.preview_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.findings = _red(QLabel())
        self.findings.hide()
        self.notes = _note("", WARN_COLOUR)
        self.notes.hide()
        self.overview = QLabel()
        self.overview.setWordWrap(True)
        self.enrolment_date = QDateEdit()
        self.enrolment_date.setCalendarPopup(True)
        self.enrolment_date.setDisplayFormat("yyyy-MM-dd")
        self.enrolment_date.dateChanged.connect(lambda _d: self._date_changed())
        self.deadline = _note()
        self.scheme = QLineEdit()
        self.scheme.setPlaceholderText(f"不编学号；例如 {EXAMPLE_SCHEME}")
        self.scheme.setToolTip("可用的项目：{入学年}、{班号}、{序号}；位数写成 {班号:02}（不足补0）")
        self.scheme.textChanged.connect(lambda _t: self._scheme_changed())
        self.scheme_preview = _note()
        when = QHBoxLayout()
        when.addWidget(QLabel("入学日期："))
        when.addWidget(self.enrolment_date)
        when.addWidget(self.deadline, 1)
        numbering = QHBoxLayout()
        numbering.addWidget(QLabel("学号编排："))
        numbering.addWidget(self.scheme, 1)
        numbering.addWidget(self.scheme_preview, 1)
        top = QHBoxLayout()
        top.addWidget(self.by_file)
        top.addWidget(self.balanced)
        top.addSpacing(30)
        top.addWidget(QLabel("编入年级："))
        top.addWidget(self.grade_combo)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(when)
        layout.addLayout(numbering)
        layout.addLayout(top)
        layout.addWidget(self.overview)
        layout.addWidget(self.preview_view, 1)
        layout.addWidget(self.findings)
        layout.addWidget(self.notes)

    def initializePage(self) -> None:
        owner = self.owner
        entered = owner.enrolment_date or owner.proposed_enrolment_date()
        self.enrolment_date.setDate(QDate(entered.year, entered.month, entered.day))
        owner.enrolment_date = entered
        self.scheme.blockSignals(True)
        self.scheme.setText(owner.school_number_scheme())
        self.scheme.blockSignals(False)
        self._date_changed()
        self._classes_page()

    def _date_changed(self) -> None:
        """The 入学日期 chosen, and the deadline of R10.3's steps it gives (第十条: 30 days)."""
        picked = self.enrolment_date.date()
        entered = date(picked.year(), picked.month(), picked.day())
        self.owner.enrolment_date = entered
        self.deadline.setText(
            f"建立学籍期限：{enrolment_deadline(entered):%Y-%m-%d}（《细则》第十条：入学之日起30日内）"
        )
        self._scheme_changed()

    def _scheme_changed(self) -> None:
        """The 学号 scheme typed, checked, with the first numbers of a class as an example."""
        scheme = self.scheme.text().strip()
        self.owner.number_scheme = scheme
        if not scheme:
            self.scheme_preview.setText("新生暂不编学号")
            self.scheme_preview.setStyleSheet("color: #555;")
        else:
            try:
                check_number_scheme(scheme)
            except DomainError as refusal:
                self.scheme_preview.setText(str(refusal))
                self.scheme_preview.setStyleSheet(f"color: {ERROR_COLOUR};")
                self.owner.number_scheme = None  # not usable: the school's scheme stays
            else:
                year = (self.owner.enrolment_date or date.today()).year
                shown = "、".join(preview_school_numbers(scheme, year, 1))
                self.scheme_preview.setText(f"例（1班）：{shown}……")
                self.scheme_preview.setStyleSheet(f"color: {NOTE_COLOUR};")
        self.completeChanged.emit()

    def _classes_page(self) -> None:
        plan = self.owner.plan
        has_class_column = plan is not None and any(
            c and c.field == "class_number" for c in plan.mapping.columns
        )
        self.by_file.setEnabled(has_class_column)  # offered only when the file says each row's class
        self.by_file.setText("按文件中的班级" if has_class_column else "按文件中的班级（文件中没有班级列）")
        self.grade_combo.blockSignals(True)
        self.grade_combo.clear()
        for grade in class_tree(self.owner.store):
            self.grade_combo.addItem(grade.name, grade.level)
        self.grade_combo.blockSignals(False)
        self.owner.choose_classes(None, None)
        self._show()

    def _replan(self) -> None:
        if self.owner.class_plan is None:
            return
        mode = "file" if self.by_file.isChecked() else "balanced"
        self.owner.choose_classes(self.grade_combo.currentData(), mode)
        self._show()

    def _show(self) -> None:
        chosen = self.owner.class_plan
        if chosen is None:
            self.completeChanged.emit()
            return
        for button in (self.by_file, self.balanced):
            button.blockSignals(True)
        (self.by_file if chosen.mode == "file" else self.balanced).setChecked(True)
        for button in (self.by_file, self.balanced):
            button.blockSignals(False)
        self.grade_combo.setCurrentIndex(max(0, self.grade_combo.findData(chosen.grade_level)))
        self.preview.set_rows(list(chosen.preview))
        newcomers = self.owner.plan.new_records if self.owner.plan is not None else []
        boys = sum(p.boys for p in chosen.preview)
        girls = sum(p.girls for p in chosen.preview)
        limits = limits_for_grade(chosen.grade_level)
        self.overview.setText(
            f"{len(newcomers)}名新生（编入班级的男{boys}名、女{girls}名）。"
            f"班额：标准{limits.standard}人，最多{limits.maximum}人（《细则》第十二条）。"
        )
        self.findings.setText("\n".join(f.text for f in chosen.findings))
        self.findings.setVisible(bool(chosen.findings))
        notes = list(chosen.notes)
        if self.owner.plan is not None and not self.owner.plan.new_records:
            notes.insert(0, "没有新学生需要编班（只更新已有学生，他们的班级不变）。")
        self.notes.setText("\n".join(notes))
        self.notes.setVisible(bool(notes))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        chosen = self.owner.class_plan
        scheme_ok = not self.scheme.text().strip() or self.owner.number_scheme is not None
        return chosen is not None and not chosen.blocking and scheme_ok


# --- 5 确认 ---------------------------------------------------------------------------------------------------------


class ConfirmPage(QWizardPage):
    CANCELLED = "已取消导入，没有写入任何学生。"

    def __init__(self, wizard: ImportSteps):
        super().__init__()
        self.owner = wizard
        self.setTitle("确认导入")
        self.setSubTitle("点击“完成”后一次写入；中途取消或出错则一个学生也不写入。")
        self.what = QLabel()
        self.what.setWordWrap(True)
        self.what.setTextFormat(Qt.TextFormat.PlainText)
        self.error = _red(QLabel())
        self.error.hide()
        self.result = _note("", NOTE_COLOUR)
        layout = QVBoxLayout(self)
        layout.addWidget(self.what)
        layout.addWidget(self.error)
        layout.addWidget(self.result)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self.error.hide()
        self.what.setText(self.owner.describe())

    def validatePage(self) -> bool:
        outcome = self.owner.commit(on_refusal=self._refused)
        if outcome.cancelled:
            self._fail(self.CANCELLED)
        if not outcome.ok:
            return False
        result = outcome.value
        text = self.owner.result_text(result)
        self.result.setText(text)
        QMessageBox.information(self, "导入完成", text)
        return True

    def _refused(self, refusal: DomainError) -> None:
        """ImportRefused (errors, and 只导入没有错误的行 not chosen), a file that cannot be read, a full disk."""
        self._fail(f"无法读取文件：{refusal}" if isinstance(refusal, ImportFileError) else str(refusal))

    def _fail(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
