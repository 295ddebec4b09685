"""「本学期复核」 (第三十四条): what the term review found, grouped by check with counts, each problem with the student,
class, what to do and the article; the report exported for the term's archive. Double-clicking a problem asks the
main window to open its student (`open_student`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, QStandardPaths, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xueji_desktop.services import term_review
from xueji_desktop.services.term_review import Review
from xueji_desktop.store import Store
from xueji_desktop.ui.common.operations import run

TITLE = "本学期复核"
EXPORT_TITLE = "导出复核报告"
COLUMNS = ("类别 / 学生", "班级", "问题", "建议", "依据")
COLUMN_WIDTHS = (110, 100, 400, 300)  # the last column (依据) stretches; a category row spans them all
STUDENT_ROLE = Qt.ItemDataRole.UserRole
_PASSED = QColor("#5a7d5a")
_FOUND = QColor("#b03a2e")


class _WrappingDelegate(QStyledItemDelegate):
    """Rows as tall as their wrapped text in the column's width (QTreeView itself keeps one line per row), so a long
    problem is read in full rather than cut off with 「…」."""

    PADDING = 8

    def __init__(self, tree: QTreeWidget) -> None:
        super().__init__(tree)
        self._tree = tree

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        base = super().sizeHint(option, index)
        if not index.parent().isValid():  # a category row: one line across every column
            return base
        width = self._tree.columnWidth(index.column()) - self.PADDING
        if index.column() == 0:
            width -= self._tree.indentation() * 2
        bounds = QRect(0, 0, max(width, 20), 100_000)
        text = str(index.data() or "")
        needed = (
            option.fontMetrics.boundingRect(bounds, Qt.TextFlag.TextWordWrap, text).height() + self.PADDING
        )
        return QSize(base.width(), max(base.height(), needed))


class ReviewDialog(QDialog):
    """The term review of `store` as of `today` (default: the real today); reviewed again with 「重新复核」."""

    open_student = Signal(int)  # student id: the clerk double-clicked one of the student's problems

    def __init__(self, store: Store, parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.today = today
        self.result: Review | None = None
        self.setWindowTitle(TITLE)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setItemDelegate(_WrappingDelegate(self.tree))
        header = self.tree.header()
        header.setStretchLastSection(True)
        for column, width in enumerate(COLUMN_WIDTHS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.tree.setColumnWidth(column, width)
        header.sectionResized.connect(lambda *_: self.tree.doItemsLayout())  # heights follow the new widths
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        self.footnote = QLabel()
        self.footnote.setWordWrap(True)
        self.footnote.setStyleSheet("QLabel { color: #666; }")
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.export_button = QPushButton("导出复核报告…")
        self.export_button.clicked.connect(self.export)
        self.rerun_button = QPushButton("重新复核")
        self.rerun_button.clicked.connect(self.refresh)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.outcome, 1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.rerun_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.footnote)
        layout.addLayout(buttons)
        self.resize(1180, 640)
        self.refresh()

    # --- reviewing ------------------------------------------------------------------------------------------------

    def refresh(self) -> Review | None:
        """Review again (off the UI thread) and show the result; None when the clerk cancelled. A review only reads,
        so a fault here is logged and told by the runner; a cancelled review leaves the last result on screen."""
        outcome = run(
            self,
            "本学期复核",
            lambda: term_review.review(self.store, today=self.today),
            long="正在复核本学期学籍……",
        )
        if not outcome.ok:
            return None
        self.show_review(outcome.value)
        return outcome.value

    def show_review(self, result: Review) -> None:
        self.result = result
        found = (
            f"<span style='color:{_FOUND.name()}; font-weight:bold'>发现 {result.total} 项问题</span>"
            if result.total
            else f"<span style='color:{_PASSED.name()}; font-weight:bold'>没有发现问题</span>"
        )
        when = f"{result.reviewed_at:%Y-%m-%d %H:%M}"
        if result.today != result.reviewed_at.date():
            when += f"（按 {result.today:%Y-%m-%d} 的情况）"
        gap = "&nbsp;" * 6
        self.summary.setText(
            f"复核时间：{when}{gap}学期：{result.term_label}{gap}"
            f"复核在校学生 {result.students_checked} 名、异动手续 {result.procedures_checked} 项{gap}{found}"
        )
        self.tree.clear()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        for group in result.groups:
            title = f"{group.title}（{group.count}）" + ("" if group.count else "　未发现问题")
            top = QTreeWidgetItem([title])
            top.setFont(0, bold)
            top.setForeground(0, QBrush(_FOUND if group.count else _PASSED))
            for item in group.findings:
                child = QTreeWidgetItem(
                    [item.student.name, item.student.class_name, item.problem, item.advice, item.basis]
                )
                child.setData(0, STUDENT_ROLE, item.student.id)
                for column in range(len(COLUMNS)):
                    child.setToolTip(column, item.text)
                    child.setTextAlignment(column, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                top.addChild(child)
            self.tree.addTopLevelItem(top)
            top.setFirstColumnSpanned(True)
            top.setExpanded(bool(group.count))
        lines = [f"未复核：{line}" for line in result.not_checked] + list(result.notes)
        lines.append("双击问题所在行可打开该学生的学籍信息。")
        self.footnote.setText("\n".join(lines))
        self.outcome.clear()

    def group_item(self, title: str) -> QTreeWidgetItem | None:
        """The category row of a check (its heading, e.g. 基本信息不准确)."""
        for index in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(index)
            if item.text(0).startswith(f"{title}（"):
                return item
        return None

    def _double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        student_id = item.data(0, STUDENT_ROLE)
        if student_id is not None:
            self.open_student.emit(int(student_id))

    # --- exporting ------------------------------------------------------------------------------------------------

    def export(self) -> Path | None:
        """Ask where, then write the report of the review shown; a Chinese message when it cannot be written."""
        if self.result is None:
            return None
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        start = str(Path(folder) / term_review.default_file_name(self.result)) if folder else ""
        chosen, _ = QFileDialog.getSaveFileName(self, EXPORT_TITLE, start, "Excel 文件 (*.xlsx)")
        if not chosen:
            return None
        result = self.result
        outcome = run(
            self,
            EXPORT_TITLE,
            lambda: term_review.export_review(self.store, Path(chosen), result=result),
            long="正在导出复核报告……",
        )
        if not outcome.ok:
            return None
        written = outcome.value
        self.outcome.setText(f"复核报告已导出：{written}")
        return written
