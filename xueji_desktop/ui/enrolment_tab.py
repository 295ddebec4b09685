"""新生建籍 tab: new students by R10.3 step with their 30-day deadline (R10.1, R15.1 for 初一、高一), overdue ones in red;
初一/高一新生学籍转接 (第十五条, R15.1) beside them — imported here, followed to 转接完成; marking steps for many
students at once, 学籍号 brought back from the provincial export (R10.4), and the upload batch.

Only shows and asks: every change goes through services.enrolment; the overdue text is the rule's own Finding.text.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from xueji_desktop.errors import NotFound
from xueji_desktop.rules.enrolment import STEPS, check_step_change, next_step
from xueji_desktop.rules.identity import mask_id_number, mask_national_student_id
from xueji_desktop.services import enrolment
from xueji_desktop.services.enrolment import EnrolmentRow, NationalIdImportResult
from xueji_desktop.store import Store
from xueji_desktop.ui.common.messages import show_error
from xueji_desktop.ui.common.operations import CLASSES, ENROLMENT, SCHOOL, STUDENTS, refresh_on, run
from xueji_desktop.ui.common.tables import FLAGGED, FlaggedRowsModel, RowsModel, configure_table

OVERDUE = FLAGGED
ALL_STEPS = "全部"
NEW_RECORD, CONTINUATION = "新生建籍", "学籍转接"  # R10.1/R10.3, or 第十五条's 新生学籍转接 (R15.1)
KINDS = (ALL_STEPS, NEW_RECORD, CONTINUATION)
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMN_WIDTHS = (110, 130, 110, 110, 110)
EMPTY_TEXT = (
    "还没有新生。\n\n新生从 Excel 名单导入：请到「名册」页点「导入新生」。导入后，每名新生会出现在这里，"
    "按建籍步骤（信息表已下发 → 已签字回收 → 已录入系统 → 审核通过）跟进，"
    "并提示入学之日起 30 天的建籍期限（《细则》第十条）。\n\n初中、高中（含九年一贯制、十二年一贯制学校招收的外校新生）"
    "的初一、高一新生已有学籍号：请点下方「导入初一/高一新生（学籍转接）…」，逐人跟进到转接完成（《细则》第十五条）。"
)


def _days_text(row: EnrolmentRow) -> str:
    if row.step == STEPS[-1] or row.days_left is None:
        return "—"
    return f"已逾期 {-row.days_left} 天" if row.overdue else f"{row.days_left} 天"


def _date_text(value: date | None) -> str:
    return f"{value:%Y-%m-%d}" if value else "—"


COLUMNS = (
    ("姓名", lambda r: r.name, lambda r: r.name),
    ("班级", lambda r: r.class_name or "未分班", lambda r: (r.grade_level or 99, r.class_name)),
    ("建籍步骤", lambda r: r.step, lambda r: STEPS.index(r.step)),
    ("入学日期", lambda r: _date_text(r.enrolment_date), lambda r: _date_text(r.enrolment_date)),
    ("截止日期", lambda r: _date_text(r.deadline), lambda r: _date_text(r.deadline)),
    # most urgent first: overdue longest at the top, finished ones (审核通过) and undated ones last
    ("剩余天数", _days_text, lambda r: 10**6 if r.step == STEPS[-1] or r.days_left is None else r.days_left),
    ("类别", lambda r: CONTINUATION if r.continuation else NEW_RECORD, lambda r: r.continuation),
)
DAYS_COLUMN = 5


class EnrolmentModel(FlaggedRowsModel):
    """The new students; overdue rows in red with the finding's text as their tooltip."""

    def __init__(self) -> None:
        super().__init__([(header, text) for header, text, _key in COLUMNS], lambda r: r.overdue)
        self.findings: dict[int, str] = {}  # student id → the R10.1 / R15.1 texts

    def set_students(self, rows: list[EnrolmentRow], findings: dict[int, str]) -> None:
        self.findings = findings
        self.set_rows(rows)

    def row_at(self, row: int) -> EnrolmentRow:
        return self._rows[row]  # type: ignore[return-value]

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self.row_at(index.row())
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.findings.get(row.id)
        if role == SORT_ROLE:
            return COLUMNS[index.column()][2](row)
        return super().data(index, role)


class EnrolmentTab(QWidget):
    """Refreshes itself whenever an operation changed 建籍 steps, students, classes or the school."""

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.national_id_dialog: NationalIdResultDialog | None = None
        self._all: list[EnrolmentRow] = []
        self._findings: dict[int, str] = {}

        self.step_filter = QComboBox()
        for step in (ALL_STEPS, *STEPS):
            self.step_filter.addItem(step, "" if step == ALL_STEPS else step)
        self.step_filter.currentIndexChanged.connect(lambda _: self._show_rows())
        self.kind_filter = QComboBox()
        self.kind_filter.addItems(KINDS)
        self.kind_filter.currentIndexChanged.connect(lambda _: self._show_rows())
        self.overdue_only = QCheckBox("只看逾期")
        self.overdue_only.toggled.connect(lambda _: self._show_rows())
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.RichText)

        self.model = EnrolmentModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(DAYS_COLUMN, Qt.SortOrder.AscendingOrder)
        configure_table(self.table, COLUMN_WIDTHS, many=True)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())

        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.empty.setStyleSheet("QLabel { font-size: 12pt; padding: 24px; color: #444; }")

        self.selected_label = QLabel()
        self.message = QLabel()
        self.next_button = QPushButton("标记为下一步")
        self.next_button.clicked.connect(self.mark_next_step)
        self.mark_button = QPushButton("标记为…")
        self.mark_button.clicked.connect(lambda: self.mark_selected(self.target_step.currentText()))
        self.target_step = QComboBox()
        self.target_step.addItems(STEPS)
        self.complete_button = QPushButton("转接完成")
        self.complete_button.setToolTip(
            "选中的初一/高一新生已在省级学籍系统审核通过：学籍转接完成（《细则》第十五条）"
        )
        self.complete_button.clicked.connect(self.mark_transfer_complete)
        import_continuation = QPushButton("导入初一/高一新生（学籍转接）…")
        import_continuation.setToolTip(
            "初一、高一新生已有学籍号：导入分配到本校的新生名单，自入学之日起限期办理新生学籍转接（《细则》第十五条）"
        )
        import_continuation.clicked.connect(self.import_continuation)
        import_ids = QPushButton("导入学籍号…")
        import_ids.setToolTip(
            "从省级学籍系统导出的学生信息表中读回学籍号（按身份证件号对应，已有的学籍号不会被改动）"
        )
        import_ids.clicked.connect(self.choose_national_ids_file)
        export = QPushButton("导出上报批次…")
        export.clicked.connect(self.open_batch_dialog)

        filters = QHBoxLayout()
        filters.addWidget(QLabel("建籍步骤："))
        filters.addWidget(self.step_filter)
        filters.addWidget(QLabel("类别："))
        filters.addWidget(self.kind_filter)
        filters.addWidget(self.overdue_only)
        filters.addSpacing(16)
        filters.addWidget(self.summary, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.selected_label)
        for widget in (self.next_button, self.mark_button, self.target_step, self.complete_button):
            actions.addWidget(widget)
        actions.addWidget(self.message, 1)
        actions.addWidget(import_continuation)
        actions.addWidget(import_ids)
        actions.addWidget(export)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        self._selection_changed()
        refresh_on(self, (ENROLMENT, STUDENTS, CLASSES, SCHOOL), self.refresh)

    # --- showing --------------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the new students again (with today's deadlines) and show them with the current filter."""
        today = date.today()
        self._all = enrolment.new_students(self.store, today=today)
        self._findings = {
            row.id: "\n".join(f.text for f in enrolment.findings_of(row, today))
            for row in self._all
            if row.overdue
        }
        self._show_rows()

    def _show_rows(self) -> None:
        step = self.step_filter.currentData()
        kind = self.kind_filter.currentText()
        rows = [
            row
            for row in self._all
            if (not step or row.step == step)
            and (kind == ALL_STEPS or (kind == CONTINUATION) == row.continuation)
            and (not self.overdue_only.isChecked() or row.overdue)
        ]
        self.model.set_students(rows, self._findings)
        has_students = bool(self._all)
        self.empty.setVisible(not has_students)
        self.table.setVisible(has_students)
        for widget in (self.step_filter, self.kind_filter, self.overdue_only):
            widget.setEnabled(has_students)
        self.summary.setText(self._summary_text(len(rows)))
        self._selection_changed()

    def _summary_text(self, shown: int) -> str:
        if not self._all:
            return "新生 0 名"
        counts = " · ".join(f"{step} {sum(r.step == step for r in self._all)}" for step in STEPS)
        overdue = sum(r.overdue for r in self._all)
        late = (
            f"<span style='color:{OVERDUE.name()}; font-weight:bold'>逾期 {overdue}</span>"
            if overdue
            else "逾期 0"
        )
        filtered = f"（当前显示 {shown} 名）" if shown != len(self._all) else ""
        transfers = [r for r in self._all if r.continuation]
        pending = sum(r.step != STEPS[-1] for r in transfers)
        moving = f"；学籍转接 {len(transfers)} 名（待完成 {pending}）" if transfers else ""
        return f"新生 {len(self._all)} 名：{counts}；{late}{moving}{filtered}"

    # --- selection ------------------------------------------------------------------------------------------------

    def selected_rows(self) -> list[EnrolmentRow]:
        indexes = self.table.selectionModel().selectedRows()
        rows = sorted(self.proxy.mapToSource(index).row() for index in indexes)
        return [self.model.row_at(row) for row in rows]

    def select_students(self, student_ids: list[int]) -> None:
        """Select the rows of these students (as the clerk would with Ctrl+click)."""
        selection = self.table.selectionModel()
        selection.clearSelection()
        for row in range(self.model.rowCount()):
            if self.model.row_at(row).id in student_ids:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                selection.select(
                    index, QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
                )

    def _selection_changed(self) -> None:
        count = len(self.table.selectionModel().selectedRows())
        self.selected_label.setText(f"已选 {count} 名" if count else "未选中学生")
        for widget in (self.next_button, self.mark_button, self.target_step):
            widget.setEnabled(count > 0)
        self.complete_button.setEnabled(count > 0 and all(row.continuation for row in self.selected_rows()))

    # --- marking steps --------------------------------------------------------------------------------------------

    def mark_next_step(self) -> int:
        """Move the selected students, all at the same step, to the step after it. Returns how many changed."""
        rows = self.selected_rows()
        if not rows:
            return 0
        current = {row.step for row in rows}
        if len(current) > 1:
            show_error(
                self,
                "标记为下一步",
                f"选中的学生处在不同的建籍步骤（{'、'.join(s for s in STEPS if s in current)}），"
                "「标记为下一步」只能用于同一步骤的学生。\n\n请先按步骤筛选后再选，或用「标记为…」选定要标记的步骤。",
            )
            return 0
        target = next_step(current.pop())
        if target is None:
            show_error(self, "标记为下一步", "选中的学生已审核通过，建立学籍的步骤都已完成。")
            return 0
        return self._mark(rows, target, None)

    def mark_transfer_complete(self) -> int:
        """R15.1: the selected 初一/高一新生 were approved in the provincial system — their 学籍转接 is complete."""
        rows = self.selected_rows()
        if not rows:
            return 0
        if not all(row.continuation for row in rows):
            show_error(
                self,
                "转接完成",
                "「转接完成」只用于学籍转接的初一、高一新生；新建学籍的新生请按建籍步骤标记。",
            )
            return 0
        return self._mark(rows, STEPS[-1], None)

    def mark_selected(self, new_step: str) -> int:
        """Move the selected students to new_step; going back a step asks for the reason (kept in the audit trail)."""
        rows = self.selected_rows()
        if not rows:
            return 0
        reason = None
        going_back = [row for row in rows if STEPS.index(row.step) > STEPS.index(new_step)]
        # a reason is asked only when it is all that is missing: a refused skip is shown as is, without asking
        if going_back and not any(check_step_change(row.step, new_step, "有原因") for row in rows):
            reason, ok = QInputDialog.getText(
                self,
                "退回建籍步骤",
                f"把 {len(going_back)} 名学生退回“{new_step}”，请写明原因（将记入操作日志）：",
            )
            if not ok or not reason.strip():
                if ok:
                    show_error(self, "退回建籍步骤", "没有写原因，步骤没有改动。退回上一步须写明原因。")
                return 0
        return self._mark(rows, new_step, reason)

    def _mark(self, rows: list[EnrolmentRow], new_step: str, reason: str | None) -> int:
        outcome = run(  # R10.3 findings all block: shown, nothing changed
            self,
            "建籍步骤",
            lambda: enrolment.mark_step(self.store, [row.id for row in rows], new_step, reason=reason),
            changes={ENROLMENT, STUDENTS},
        )
        if isinstance(outcome.refused, NotFound):  # a student deleted meanwhile: show the list as it is now
            self.refresh()
        if not outcome.ok:
            return 0
        changed = outcome.value or 0
        self.message.setText(
            f"已把 {changed} 名学生标记为“{new_step}”" if changed else f"选中的学生已是“{new_step}”"
        )
        return changed

    # --- 学籍转接, 学籍号 and the upload batch ----------------------------------------------------------------------

    def import_continuation(self) -> None:
        """初一/高一新生学籍转接 (第十五条): the import wizard in its 转接 mode; the tab refreshes from its announcement."""
        from xueji_desktop.ui.importing.continuation import open_continuation_import

        open_continuation_import(self.store, self)

    def choose_national_ids_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "选择省级学籍系统导出的学生信息表", "", "Excel 文件 (*.xlsx *.xls);;所有文件 (*)"
        )
        if path:
            self.import_national_ids(Path(path))

    def import_national_ids(self, path: Path) -> NationalIdImportResult | None:
        """Read the file off the UI thread, set the 学籍号 found, and show what became of every line."""
        outcome = run(
            self,
            "导入学籍号",
            lambda: enrolment.import_national_ids_file(self.store, path),
            long="正在导入学籍号……",
            changes={ENROLMENT, STUDENTS},
            not_done="没有导入学籍号",
        )
        if not outcome.ok:
            return None
        result = outcome.value
        self.national_id_dialog = NationalIdResultDialog(result, path.name, self)
        self.national_id_dialog.open()
        return result

    def open_batch_dialog(self) -> None:
        from xueji_desktop.ui.batch_dialog import BatchDialog

        BatchDialog(self.store, self).exec()


# --- the result of a 学籍号 import -------------------------------------------------------------------------------

_OUTCOMES = (  # (attribute, label, a problem?) in the order shown
    ("conflicts", "冲突，未改动", True),
    ("unknown", "未找到学生", True),
    ("invalid", "无效", True),
    ("set", "已填入", False),
    ("already_same", "原已相同", False),
)


class NationalIdResultDialog(QDialog):
    """What became of each (身份证件号, 学籍号) line: set, already the same, conflict, unknown, invalid — with why."""

    def __init__(self, result: NationalIdImportResult, file_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("导入学籍号的结果")
        self.resize(860, 480)
        counts = {attribute: len(getattr(result, attribute)) for attribute, _label, _problem in _OUTCOMES}
        self.summary = QLabel(
            f"文件“{file_name}”：已填入学籍号 {counts['set']} 名 · 原已相同 {counts['already_same']} 名 · "
            f"冲突 {counts['conflicts']} 条 · 未找到学生 {counts['unknown']} 条 · 无效 {counts['invalid']} 条"
        )
        self.summary.setWordWrap(True)
        note = QLabel(
            "学籍号终身不变（《细则》第十条）：学生已有的学籍号不会被改动；有冲突的请向学籍管理部门核实。"
        )
        note.setWordWrap(True)
        self.lines = [
            (label, problem, line)
            for attribute, label, problem in _OUTCOMES
            for line in sorted(getattr(result, attribute), key=lambda line: line.index)
        ]
        self.model = _OutcomeModel(
            [
                ("结果", lambda r: r[0]),
                ("序号", lambda r: r[2].index + 1),
                ("姓名", lambda r: r[2].student_name or ""),
                ("身份证件号", lambda r: mask_id_number(r[2].id_number)),
                ("学籍号", lambda r: mask_national_student_id(r[2].national_student_id)),
                ("说明", lambda r: r[2].message),
            ]
        )
        self.model.set_rows(self.lines)
        table = QTableView()
        table.setModel(self.model)
        table.verticalHeader().setVisible(False)
        table.setAlternatingRowColors(True)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((90, 50, 80, 160, 190)):
            table.setColumnWidth(column, width)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(note)
        layout.addWidget(table, 1)
        layout.addWidget(buttons)


class _OutcomeModel(RowsModel):
    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            return QBrush(OVERDUE) if self._rows[index.row()][1] else None  # type: ignore[index]
        return super().data(index, role)
