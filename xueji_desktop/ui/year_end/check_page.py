"""The 学年结束 wizard's first page, 检查（在办业务清理）: everything unfinished (services/year_end.py `check`) — a
procedure under way, a new student's record not yet 审核通过, a change the provincial system has not received, a
sanction whose period ended unlifted — each with its student and what to do, graduating students' first and in red.

Each is resolved from the list (a button below it, or the right-click menu), through the same services and dialogs
as the 异动, 新生建籍 and 奖惩 screens: 办理下一步 / 撤销 a procedure (R7.1), 记录省级系统状态 of a change (R7.1), the
next 建籍 step (R10.3), 解除处分 (R32.1); then the list is checked again. The page does not go on while an item holds a
graduation back (第二十九条: the national system's 在办业务清理 must be done first). Ctrl+C copies the chosen rows;
导出 Excel writes the list — both the shared table actions of every table (ui/common/tables.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWizardPage,
)

from xueji_desktop.rules.enrolment import STEPS, next_step
from xueji_desktop.services import enrolment, procedures, sanctions, year_end
from xueji_desktop.services.year_end import Check, Item, Problem
from xueji_desktop.store import Store
from xueji_desktop.ui.common import operations
from xueji_desktop.ui.common.messages import ask, show_error
from xueji_desktop.ui.common.tables import FlaggedRowsModel, table_actions, table_view
from xueji_desktop.ui.year_end import export

TITLE = "检查（在办业务清理）"
# a new record's R10.3 steps, and (where the service lists it apart) an incoming student's 学籍转接 (R15.1)
ENROLMENT_PROBLEMS = (Problem.ENROLMENT, Problem.CONTINUATION)
RED = "QLabel { color: #b3261e; font-weight: bold; }"
GREEN = "QLabel { color: #1b5e20; }"


class ItemsModel(FlaggedRowsModel):
    """The unfinished items; those holding a graduation back in red."""

    def __init__(self) -> None:
        super().__init__([(header, cell) for header, cell, _width in export.COLUMNS], lambda i: i.graduating)

    def item_at(self, row: int) -> Item:
        return self._rows[row]  # type: ignore[return-value]

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if index.isValid() and role == Qt.ItemDataRole.ToolTipRole:
            item = self.item_at(index.row())
            return f"{item.detail}\n处理：{item.advice}"
        return super().data(index, role)


class CheckPage(QWizardPage):
    """检查（在办业务清理）: complete when nothing holds a graduation back."""

    def __init__(self, store: Store, today: date) -> None:
        super().__init__()
        self.store, self.today = store, today
        self.check: Check | None = None
        self.setTitle(TITLE)
        self.setSubTitle(
            "学年结束前须办结的业务：办理中的异动手续、未审核通过的新生学籍、未上报省级学籍系统的异动、"
            "期满未解除的处分。毕业年级学生的未办结业务会阻止其毕业（红色），须先办结或撤销。"
        )
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.model = ItemsModel()
        self.table = table_view(self.model, [width for _h, _c, width in export.COLUMNS], many=True)
        self.table.setWordWrap(False)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        self.table_actions = table_actions(self.table)  # Ctrl+C and 导出 Excel…, as every table
        self.table_actions.title = "学年结束待办结业务"
        self.copy_action = self.table_actions.copy_action

        # (button text, what it does, the kinds of item it is for)
        self.actions_by_text: dict[str, tuple[Callable[[Item], None], tuple[str, ...]]] = {
            "办理下一步…": (self.advance, (Problem.PROCEDURE,)),
            "撤销…": (self.cancel, (Problem.PROCEDURE,)),
            "记录省级系统状态…": (self.province, (Problem.UNREPORTED,)),
            "标记建籍下一步…": (self.enrolment_step, ENROLMENT_PROBLEMS),
            "解除处分…": (self.lift, (Problem.SANCTION,)),
        }
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for text, (act, _kinds) in self.actions_by_text.items():
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, act=act: self._on_selected(act))
            row.addWidget(button)
            self.buttons[text] = button
        self.buttons["撤销…"].setToolTip("撤销所选的办理中手续，须写明原因")
        self.buttons["记录省级系统状态…"].setToolTip(
            "已生效的异动在省级学籍系统中的状态（已上报、已通过、已退回）"
        )
        row.addStretch(1)
        self.recheck_button = QPushButton("重新检查")
        self.recheck_button.setAutoDefault(False)
        self.recheck_button.clicked.connect(self.refresh)
        self.export_button = QPushButton("导出 Excel…")
        self.export_button.setAutoDefault(False)
        self.export_button.setToolTip("把这份清单导出为 Excel 文件，交有关老师分头办理")
        self.export_button.clicked.connect(lambda: self.export())
        row.addWidget(self.recheck_button)
        row.addWidget(self.export_button)
        self.verdict = QLabel()
        self.verdict.setObjectName("checkVerdict")
        self.verdict.setWordWrap(True)
        hint = QLabel("选中一项后点下面的按钮，或在该项上点右键；按 Ctrl+C 复制所选各行。")
        hint.setStyleSheet("QLabel { color: #666666; }")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        layout.addLayout(row)
        layout.addWidget(self.verdict)
        self._enable()

    # --- showing ----------------------------------------------------------------------------------------------

    def initializePage(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Check again (after each action, or when the clerk asks)."""
        outcome = operations.run(self, TITLE, lambda: year_end.check(self.store, on=self.today))
        self.check = outcome.value if outcome.ok else None
        items = list(self.check.items) if self.check else []
        if self.check is not None:
            check = self.check
            self.table_actions.title = f"{check.school_year}学年结束待办结业务"
            self.table_actions.empty_note = f"{check.school_year}没有待办结的业务"
            self.table_actions.file_name = lambda: export.default_file_name(check, self.today)
        self.model.set_rows(items)
        self._show_verdict()
        self._enable()
        self.completeChanged.emit()

    def _show_verdict(self) -> None:
        if self.check is None:
            self.summary.setText("无法检查，请关闭后重试。")
            self.verdict.setText("")
            return
        items, blocking = self.check.items, self.check.blocking
        if not items:
            self.summary.setText(f"{self.check.school_year}：没有待办结的业务，可以办理学年结束。")
        else:
            self.summary.setText(
                f"{self.check.school_year}：待办结 {len(items)} 项，其中阻止毕业 {len(blocking)} 项。"
            )
        if blocking:
            self.verdict.setStyleSheet(RED)
            self.verdict.setText(
                f"还有 {len(blocking)} 项业务阻止毕业年级学生毕业：请先完成「在办业务清理」，"
                "逐项办结或撤销（红色各行），全部处理后才能进行下一步。"
            )
        else:
            self.verdict.setStyleSheet(GREEN)
            rest = f"其余 {len(items)} 项不影响毕业，学年结束后可继续办理。" if items else ""
            self.verdict.setText(f"在办业务清理已完成，没有阻止毕业的业务。{rest}")

    def isComplete(self) -> bool:
        return self.check is not None and not self.check.blocking

    def validatePage(self) -> bool:
        """Checked once more before going on: something may have been opened meanwhile (on another screen)."""
        self.refresh()
        return self.isComplete()

    # --- choosing ---------------------------------------------------------------------------------------------

    def selected_items(self) -> list[Item]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self.model.item_at(row) for row in rows]

    def select_item(self, item: Item) -> None:
        """Choose the row of `item` (as the clerk clicks it)."""
        for row in range(self.model.rowCount()):
            if self.model.item_at(row) == item:
                self.table.clearSelection()
                self.table.selectRow(row)
                return

    def _enable(self) -> None:
        chosen = self.selected_items()
        one = chosen[0] if len(chosen) == 1 else None
        for text, (_act, kinds) in self.actions_by_text.items():
            self.buttons[text].setEnabled(one is not None and one.problem in kinds)
        self.export_button.setEnabled(self.model.rowCount() > 0)
        self.copy_action.setEnabled(bool(chosen))

    def _on_selected(self, act: Callable[[Item], None]) -> None:
        chosen = self.selected_items()
        if len(chosen) != 1:
            show_error(self, TITLE, "请先在清单中选择一项")
            return
        act(chosen[0])

    def _context_menu(self, at: QPoint) -> None:
        index = self.table.indexAt(at)
        if index.isValid() and index.row() not in {
            i.row() for i in self.table.selectionModel().selectedRows()
        }:
            self.table.selectRow(index.row())
        menu = self.context_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.table.viewport().mapToGlobal(at))

    def context_menu(self) -> QMenu:
        """What can be done with the chosen row(s): the actions of its kind, 复制, 导出 Excel."""
        menu = QMenu(self)
        chosen = self.selected_items()
        if len(chosen) == 1:
            item = chosen[0]
            for text, (act, kinds) in self.actions_by_text.items():
                if item.problem in kinds:
                    menu.addAction(text, lambda act=act, item=item: act(item))
            menu.addSeparator()
        self.table_actions.add_to(menu)
        self.table_actions.export_action.setEnabled(self.model.rowCount() > 0)
        return menu

    # --- resolving an item (each then checks again) -----------------------------------------------------------

    def _run(self, title: str, call: Callable[[], object], changes: set[str]) -> bool:
        outcome = operations.run(self, title, call, changes=changes)
        self.refresh()
        return outcome.ok

    def _procedure_row(self, item: Item) -> procedures.ProcedureRow | None:
        rows = [
            r for r in procedures.procedure_rows(self.store, today=self.today) if r.id == item.procedure_id
        ]
        if not rows:
            show_error(self, TITLE, "找不到这项手续，可能已办结或撤销；已重新检查。")
            self.refresh()
            return None
        return rows[0]

    def advance(self, item: Item) -> bool:
        """办理下一步 of a procedure under way: its date and approval number asked as on the 异动 tab."""
        from xueji_desktop.ui.status_changes.tab import StepDialog

        row = self._procedure_row(item)
        if row is None:
            return False
        if not row.open or row.next_state is None:
            show_error(self, "办理下一步", "这项手续已办结，没有下一步；已重新检查。")
            self.refresh()
            return False
        dialog = StepDialog(row, self.today, self)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            on, approval = dialog.day(), dialog.approval.text()
        finally:
            dialog.deleteLater()
        return self._run(
            "办理下一步",
            lambda: procedures.advance(self.store, row.id, row.next_state, on=on, approval_number=approval),
            {operations.PROCEDURES, operations.STUDENTS},
        )

    def cancel(self, item: Item) -> bool:
        """撤销 a procedure under way, with the reason (kept with the procedure)."""
        assert item.procedure_id is not None
        reason, ok = QInputDialog.getText(
            self, "撤销手续", f"撤销{item.student_name}的手续（{item.detail}）的原因："
        )
        if not ok:
            return False
        procedure_id = item.procedure_id
        return self._run(
            "撤销手续",
            lambda: procedures.cancel(self.store, procedure_id, reason=reason, on=self.today),
            {operations.PROCEDURES, operations.STUDENTS},
        )

    def province(self, item: Item) -> bool:
        """The change's state in the provincial system (已上报, 已通过, 已退回 with the reason)."""
        assert item.procedure_id is not None
        from xueji_desktop.ui.status_changes.tab import ask_province_state

        asked = ask_province_state(self, f"{item.student_name}的异动")
        if asked is None:
            return False
        state, note = asked
        procedure_id = item.procedure_id
        return self._run(
            "省级系统状态",
            lambda: procedures.set_province_state(self.store, procedure_id, state, on=self.today, note=note),
            {operations.PROCEDURES, operations.BATCHES},
        )

    def enrolment_step(self, item: Item) -> bool:
        """The next 建籍 step of a new student (R10.3), or 转接完成 of an incoming one (R15.1), as 新生建籍's
        「标记为下一步」."""
        rows = [r for r in enrolment.new_students(self.store, today=self.today) if r.id == item.student_id]
        target = next_step(rows[0].step) if rows else None
        if target is None:
            show_error(self, "建籍步骤", "这名学生的建籍步骤已完成；已重新检查。")
            self.refresh()
            return False
        what = "学籍转接" if rows[0].continuation else "建籍步骤"
        shown = "转接完成" if rows[0].continuation and target == STEPS[-1] else target
        if not ask(
            self,
            what,
            f"把{item.student_name}的{what}从“{rows[0].step}”标记为“{shown}”？"
            + ("\n\n请先确认省级学籍系统中已审核通过。" if target == STEPS[-1] else ""),
        ):
            return False
        student_id = rows[0].id
        return self._run(
            "建籍步骤",
            lambda: enrolment.mark_step(self.store, [student_id], target, today=self.today),
            {operations.ENROLMENT, operations.STUDENTS},
        )

    def lift(self, item: Item) -> bool:
        """解除处分 (a new entry: its date and reason), as the student's 奖惩 tab."""
        from xueji_desktop.ui.roster.sanctions_page import LiftDialog

        assert item.student_id is not None
        found = [s for s in sanctions.sanctions_of(self.store, item.student_id) if s.id == item.sanction_id]
        if not found:
            show_error(self, "解除处分", "找不到这项处分；已重新检查。")
            self.refresh()
            return False
        dialog = LiftDialog(self, self.today, found[0])
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            values = dialog.values()
        finally:
            dialog.deleteLater()
        sanction_id = found[0].id
        return self._run(
            "解除处分",
            lambda: sanctions.lift_sanction(self.store, sanction_id, **values),
            {operations.STUDENTS},
        )

    # --- exporting ------------------------------------------------------------------------------------------------

    def export(self, path: Path | None = None) -> Path | None:
        """The list as an .xlsx where the clerk chooses (the Documents folder offered), as every table exports."""
        if self.check is None:
            return None
        written = self.table_actions.export(path)
        if written is not None:
            self.summary.setText(f"{self.summary.text()}　已导出：{written}")
        return written
