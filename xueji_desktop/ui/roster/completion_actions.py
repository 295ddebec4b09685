"""补录模板 in the app: 「生成补录模板…」 for the students the upload batch refuses (导出新生上报批次) or for the 名册's
chosen students (else those the table shows: the class chosen in the tree), and 「导入补录模板…」, which shows each
student's old → new and every bad cell before anything is written (services.completion_template).

The template fills only the upload template's required fields a student lacks; taking it back never changes the
identifying columns, nor a key field of an established record (第十四条, R14.1), nor a graduate's record (R14.2). A bad
cell writes nothing: the clerk may save the error workbook (each bad cell marked red with its message) for the class
teacher, and take the corrected file in again."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QStandardPaths
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xueji_desktop.ui.common.messages import show_error
from xueji_desktop.ui.common.operations import STUDENTS, run
from xueji_desktop.ui.common.tables import RowsModel, table_view

if TYPE_CHECKING:  # the service (and SQLAlchemy) loads when the clerk asks for it, not with the 名册 tab
    from xueji_desktop.services.completion_template import CompletionPlan, TemplateResult
    from xueji_desktop.store import Store

MAKE_TITLE = "生成补录模板"
TAKE_TITLE = "导入补录模板"
EXCEL_FILTER = "Excel 文件 (*.xlsx)"
ERROR_STYLE = "QLabel { color: #c0392b; }"


def _documents() -> Path:
    return Path(
        QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or Path.home()
    )


def suggested_path(what: str, today: date | None = None) -> Path:
    """补录模板_<what>_YYYYMMDD.xlsx in the Documents folder; an earlier file of the same day is never offered."""
    stem = f"补录模板_{what}_{(today or date.today()):%Y%m%d}"
    path, number = _documents() / f"{stem}.xlsx", 1
    while path.exists():
        number += 1
        path = _documents() / f"{stem}（{number}）.xlsx"
    return path


def tell(parent: QWidget | None, title: str, text: str) -> None:
    """What was done, in one message (the file's place among it)."""
    QMessageBox.information(parent, title, text)


def done_line(result: TemplateResult) -> str:
    columns = "、".join(result.columns)
    return (
        f"已为 {result.students} 名学生生成补录模板，需补录 {len(result.columns)} 项：{columns}。\n\n"
        f"文件保存在：\n{result.path}\n\n"
        "请交给班主任在下拉列表中选择或填写后交回，再用「导入补录模板…」导入。"
    )


# --- 生成补录模板… ----------------------------------------------------------------------------------------------------


def make_template(
    parent: QWidget | None, store: Store, student_ids: Callable[[], Sequence[int]], what: str
) -> TemplateResult | None:
    """Ask where to save, then write the template for `student_ids()` (worked out inside the operation: the upload
    batch's check takes a moment over a large school). Returns the result, or None (cancelled or refused)."""
    from xueji_desktop.services import completion_template

    chosen, _ = QFileDialog.getSaveFileName(parent, MAKE_TITLE, str(suggested_path(what)), EXCEL_FILTER)
    if not chosen:
        return None
    out = Path(chosen)
    outcome = run(
        parent,
        MAKE_TITLE,
        lambda: completion_template.write_template(store, out, list(student_ids())),
        long="正在生成补录模板……",
        not_done="没有生成补录模板",
    )
    if not outcome.ok or outcome.value is None:
        return None
    tell(parent, MAKE_TITLE, done_line(outcome.value))
    return outcome.value


def make_for_pending(parent: QWidget | None, store: Store) -> TemplateResult | None:
    """For the new students the upload batch refuses now (a required field empty, or a value failing its check)."""
    from xueji_desktop.services import completion_template

    return make_template(
        parent, store, lambda: completion_template.pending_student_ids(store), "未通过检查的学生"
    )


def roster_students(tab) -> tuple[list[int], str]:
    """The 名册's chosen students, else every student its table shows (the class chosen in the tree), and a word
    for the file's name."""
    chosen = tab.selected_student_ids()
    if chosen:
        return chosen, "选中学生"
    item = tab.tree.currentItem()
    shown = [tab.model.row_at(row).id for row in range(tab.model.rowCount())]
    return shown, (item.text(0) if item is not None and not tab.search.text().strip() else "名册")


def make_for_roster(tab) -> TemplateResult | None:
    ids, what = roster_students(tab)
    if not ids:
        show_error(tab, MAKE_TITLE, "请先在名单中选中学生，或在左侧选择一个班级。")
        return None
    return make_template(tab, tab.store, lambda: ids, what)


class _Follow(QObject):
    """Shows `button` whenever `leader` is shown in its dialog (and hides it with it)."""

    def __init__(self, leader: QWidget, button: QWidget) -> None:
        super().__init__(button)
        self._button = button
        leader.installEventFilter(self)
        button.setVisible(leader.isVisibleTo(leader.parentWidget()) if leader.parentWidget() else False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShowToParent:
            self._button.setVisible(True)
        elif event.type() == QEvent.Type.HideToParent:
            self._button.setVisible(False)
        return False


def add_pending_button(dialog, row: QHBoxLayout) -> QPushButton | None:
    """The upload-batch dialog's 「生成补录模板…」 beside its problem list's 「导出 Excel…」, shown with it: the template
    for the students the batch refused, to hand to the class teachers. New students only."""
    from xueji_desktop.services.upload_batches import KIND_NEW_STUDENTS

    if dialog.kind != KIND_NEW_STUDENTS:
        return None
    button = QPushButton("生成补录模板…")
    button.setToolTip(
        "为未通过检查的学生生成补录模板（只列出缺少的必填项，代码项可从下拉列表选择），交给班主任填写"
    )
    button.clicked.connect(lambda: make_for_pending(dialog, dialog.store))
    row.addWidget(button)
    _Follow(dialog.export_problems_button, button)
    dialog.completion_template_button = button
    return button


# --- the 名册's hooks ----------------------------------------------------------------------------------------------


def add_roster_button(tab, actions: QHBoxLayout) -> QPushButton:
    """The 名册 tab's 「补录模板 ▾」 before its last button (打印): 生成 for the chosen students or the class, 导入."""
    button = QPushButton("补录模板 ▾")
    button.setToolTip("为选中学生（未选中时为本班全部学生）生成补录模板交给班主任填写，或导入填好的补录模板")

    def pop() -> None:
        menu = QMenu(button)
        add_roster_actions(tab, menu, separated=False)
        menu.exec(button.mapToGlobal(button.rect().bottomLeft()))
        menu.deleteLater()

    button.clicked.connect(pop)
    actions.insertWidget(actions.count() - 1, button)
    tab.completion_button = button
    return button


def add_roster_actions(tab, menu: QMenu, *, separated: bool = True) -> None:
    """「生成补录模板…」 and 「导入补录模板…」 on a menu of the 名册 (its right-click menu)."""
    if separated and menu.actions():
        menu.addSeparator()
    chosen = len(tab.selected_student_ids())
    make = menu.addAction("生成补录模板…", lambda: make_for_roster(tab))
    make.setToolTip(f"为选中的 {chosen} 名学生生成补录模板" if chosen else "为本班全部学生生成补录模板")
    menu.addAction("导入补录模板…", lambda: take_template(tab, tab.store))


# --- 导入补录模板… ----------------------------------------------------------------------------------------------------


def take_template(parent: QWidget | None, store: Store, path: Path | None = None) -> int:
    """Choose the filled template (unless `path` is given), read it, show the diff and the bad cells; 确定写入 writes
    it. Returns how many students were changed."""
    from xueji_desktop.services import completion_template

    if path is None:
        chosen, _ = QFileDialog.getOpenFileName(parent, TAKE_TITLE, str(_documents()), EXCEL_FILTER)
        if not chosen:
            return 0
        path = Path(chosen)
    file = path
    outcome = run(
        parent,
        TAKE_TITLE,
        lambda: completion_template.plan_completion(store, file),
        long="正在读取补录模板……",
        not_done="没有导入",
    )
    if not outcome.ok or outcome.value is None:
        return 0
    dialog = CompletionImportDialog(store, outcome.value, parent)
    dialog.exec()
    written = dialog.written
    dialog.deleteLater()
    if written:
        tell(parent, TAKE_TITLE, f"已为 {written} 名学生补录信息，每名学生的修改都记入操作日志。")
    return written


def change_rows(plan: CompletionPlan) -> list[tuple[str, str, str, str, str]]:
    """One row per changed field: (姓名 on a student's first row, 班级, 项目, 原值, 新值)."""
    from xueji_desktop.services.completion_template import readable

    rows = []
    for update in plan.updates:
        for number, (label, (old, new)) in enumerate(update.changes.items()):
            first = number == 0
            rows.append(
                (
                    update.name if first else "",
                    (update.class_name or "未分班") if first else "",
                    label,
                    readable(label, old) or "（空）",
                    readable(label, new),
                )
            )
    return rows


class CompletionImportDialog(QDialog):
    """A filled 补录模板 read back: each student's old → new, the bad cells (nothing is written while any is left, the
    error workbook may be saved), and 确定写入 — one transaction, one audit entry per student."""

    def __init__(self, store: Store, plan: CompletionPlan, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.plan = plan
        self.written = 0
        self.setWindowTitle(f"{TAKE_TITLE}（{plan.path.name}）")
        self.resize(860, 600)

        changed = len(plan.updates)
        self.summary = QLabel(
            f"补录表“{plan.path.name}”：<b>{changed}</b> 名学生有新填写的信息，{plan.unchanged} 名没有变化。"
            + ("按“确定写入”保存，每名学生的修改都记入操作日志。" if plan.ok and changed else "")
        )
        self.summary.setWordWrap(True)
        self.change_model = RowsModel(
            [
                ("姓名", lambda r: r[0]),
                ("班级", lambda r: r[1]),
                ("项目", lambda r: r[2]),
                ("原值", lambda r: r[3]),
                ("新值", lambda r: r[4]),
            ]
        )
        self.change_model.set_rows(change_rows(plan))
        self.change_table = table_view(self.change_model, (80, 110, 170, 180), title="补录的修改")

        self.problem_note = QLabel(
            f"有 <b>{len(plan.problems)}</b> 处填写有误，没有写入任何信息。请保存错误标注表交给班主任改正，"
            "改正后重新导入。"
        )
        self.problem_note.setWordWrap(True)
        self.problem_note.setStyleSheet(ERROR_STYLE)
        self.problem_model = RowsModel(
            [
                ("行", lambda p: p.row_number),
                ("列", lambda p: p.header),
                ("填写的内容", lambda p: p.value),
                ("问题", lambda p: p.message),
                ("改正方法", lambda p: p.hint),
            ]
        )
        self.problem_model.set_rows(list(plan.problems))
        self.problem_table = table_view(self.problem_model, (40, 130, 130, 240), title="补录表的错误")
        self.save_errors_button = QPushButton("保存错误标注表…")
        self.save_errors_button.setToolTip("把有错误的行另存为 Excel，每个错误的单元格标红并写明问题")
        self.save_errors_button.clicked.connect(self.choose_errors_path)

        self.commit_button = QPushButton("确定写入")
        self.commit_button.setDefault(True)
        self.commit_button.setEnabled(plan.ok and changed > 0)
        self.commit_button.clicked.connect(self.commit)
        close = QPushButton("取消")
        close.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.change_table, 3)
        problem_row = QHBoxLayout()
        problem_row.addWidget(self.problem_note, 1)
        problem_row.addWidget(self.save_errors_button)
        layout.addLayout(problem_row)
        layout.addWidget(self.problem_table, 2)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.commit_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        for widget in (self.problem_note, self.save_errors_button, self.problem_table):
            widget.setVisible(not plan.ok)
        self.change_table.setVisible(bool(plan.updates))

    def choose_errors_path(self) -> None:
        suggested = self.plan.path.with_name(f"{self.plan.path.stem}_错误标注.xlsx")
        chosen, _ = QFileDialog.getSaveFileName(self, "保存错误标注表", str(suggested), EXCEL_FILTER)
        if chosen:
            self.save_errors(Path(chosen))

    def save_errors(self, out: Path) -> Path | None:
        from xueji_desktop.services import completion_template

        plan = self.plan
        outcome = run(self, "保存错误标注表", lambda: completion_template.write_errors(plan, out))
        if outcome.ok and outcome.value is not None:
            tell(self, "保存错误标注表", f"错误标注表已保存到：\n{outcome.value}")
            return outcome.value
        return None

    def commit(self) -> int:
        from xueji_desktop.services import completion_template

        plan = self.plan
        outcome = run(
            self,
            TAKE_TITLE,
            lambda: completion_template.commit_completion(self.store, plan),
            changes={STUDENTS},
            not_done="没有写入",
        )
        if outcome.ok:
            self.written = outcome.value or 0
            self.accept()
        return self.written
