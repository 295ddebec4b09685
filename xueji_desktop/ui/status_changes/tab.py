"""异动: start a procedure (休学、退学、死亡 …) with its wizard; the procedures with where each stands, its next step and
due date (overdue in red) and its state in the provincial system; reminders of suspensions ending; and the status
changes recorded, newest first (a click on a header sorts), each reversible (冲正) by a new entry. Every table
copies (Ctrl+C) and exports to Excel as all tables do (ui/common/tables.py).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from xueji_desktop.services import history, procedures, school_setup
from xueji_desktop.services.procedures import attendance
from xueji_desktop.store import Store
from xueji_desktop.ui.common.messages import show_error
from xueji_desktop.ui.common.operations import (
    BATCHES,
    HOLIDAYS,
    PROCEDURES,
    SCHOOL,
    STUDENTS,
    announcer,
    refresh_on,
    run,
)
from xueji_desktop.ui.common.tables import FLAGGED, FlaggedRowsModel, RowsModel, configure_table
from xueji_desktop.ui.status_changes.request_forms import date_edit, value_of
from xueji_desktop.ui.status_changes.wizard import ProcedureWizard


def _due_text(row: procedures.ProcedureRow) -> str:
    if row.due is None:
        return ""
    note = f"（{row.due.note}）" if row.due.estimated else ""
    return f"{row.due.day:%Y-%m-%d}{'（已逾期）' if row.overdue else ''}{note}"


class ProceduresModel(FlaggedRowsModel):
    """The procedures; overdue ones in red."""

    def __init__(self) -> None:
        super().__init__(
            [
                ("手续", lambda r: r.label),
                ("学生", lambda r: r.student_name),
                ("办理日期", lambda r: f"{r.opened_on:%Y-%m-%d}"),
                ("当前步骤", lambda r: r.state),
                ("下一步", lambda r: r.next_state or "—"),
                (
                    "省级系统",
                    lambda r: r.province_state + (f"（{r.province_note}）" if r.province_note else ""),
                ),
                ("期限", _due_text),
            ],
            lambda r: r.overdue,
        )

    def row_at(self, row: int) -> procedures.ProcedureRow:
        return self._rows[row]  # type: ignore[return-value]


class AttentionModel(RowsModel):
    """Students to act on: urgent ones (an expired suspension, R26.1) in red."""

    def __init__(self) -> None:
        super().__init__([("学生", lambda a: a.student_name), ("情况", lambda a: a.text)])

    def row_at(self, row: int) -> attendance.Attention:
        return self._rows[row]  # type: ignore[return-value]

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if index.isValid() and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(FLAGGED) if self.row_at(index.row()).urgent else None
        return super().data(index, role)


def start_procedure(
    parent: QWidget, store: Store, kind: str, student_id: int | None = None, *, today: date | None = None
) -> ProcedureWizard:
    """The wizard of a procedure of this kind (its code: suspension …), for the student if given — from the 异动 tab's
    buttons or a student's right-click menu in the 名册; what it opened is announced when it closes."""
    wizard = ProcedureWizard(store, kind, today=today or date.today(), student_id=student_id, parent=parent)
    wizard.finished.connect(lambda result: _after_wizard(wizard, result))
    wizard.open()
    return wizard


def _after_wizard(wizard: ProcedureWizard, result: int) -> None:
    if result and wizard.procedure_id is not None:  # the wizard opened (or completed) a procedure
        announcer().announce({PROCEDURES, STUDENTS})


class StatusChangesTab(QWidget):
    """Refreshes itself whenever an operation changed procedures, students, holidays (due dates move), upload batches
    or the school (its terms)."""

    def __init__(self, store: Store, parent: QWidget | None = None, *, today: date | None = None):
        super().__init__(parent)
        self.store = store
        self.today = today
        starts = QHBoxLayout()
        starts.addWidget(QLabel("办理异动："))
        self.start_buttons = {}
        for kind in procedures.all_kinds().values():
            button = QPushButton(kind.label)
            button.clicked.connect(lambda _=False, code=kind.code: self.start(code))
            starts.addWidget(button)
            self.start_buttons[kind.code] = button
        starts.addStretch(1)
        self.empty = QLabel(
            "还没有学籍异动手续。点上面的按钮办理休学、复学、退学等手续，办理中的手续和异动记录会显示在这里。"
        )
        self.empty.setWordWrap(True)
        self.attention_model = AttentionModel()
        self.attention = QTableView()
        self.attention.setModel(self.attention_model)
        configure_table(self.attention, (90,), title="需要处理的学生")
        self.attention.setMaximumHeight(120)
        self.attention_button = QPushButton("为所选学生办理…")
        self.absence_button = QPushButton("记录旷课…")
        self.attention_button.clicked.connect(self.act_on_attention)
        self.absence_button.clicked.connect(self.record_absence)
        attention_bar = QHBoxLayout()
        self.attention_label = QLabel("需要处理的学生（休学期满、第二十六条自动退学候选）")
        attention_bar.addWidget(self.attention_label)
        attention_bar.addStretch(1)
        attention_bar.addWidget(self.attention_button)
        filters = QHBoxLayout()
        self.kind_filter = QComboBox()
        self.kind_filter.addItem("全部手续", None)
        for kind in procedures.all_kinds().values():
            self.kind_filter.addItem(kind.label, kind.code)
        self.term_filter = QComboBox()
        self.open_only = QCheckBox("只看未办结的")
        self.open_only.setChecked(True)
        filters.addWidget(QLabel("进行中的手续"))
        filters.addStretch(1)
        filters.addWidget(self.term_filter)
        filters.addWidget(self.kind_filter)
        filters.addWidget(self.open_only)
        self.model = ProceduresModel()
        self.table = QTableView()
        self.table.setModel(self.model)  # first: widths are set on the model's columns
        configure_table(self.table, (80, 90, 90, 130, 160, 110), title="异动手续")
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the service's order
        self.table.setSortingEnabled(True)
        actions = QHBoxLayout()
        self.next_button = QPushButton("办理下一步…")
        self.province_button = QPushButton("省级系统状态…")
        self.cancel_button = QPushButton("撤销手续…")
        self.timeline_button = QPushButton("学生异动时间线…")
        self.print_button = QPushButton("打印表格…")
        self.print_button.setToolTip(
            "所选手续的申请表、转学联系函或辍学书面报告，填好学生、原因、证明材料和审批情况"
        )
        self.print_button.clicked.connect(self.print_selected)
        self.holidays_button = QPushButton("节假日安排…")
        self.export_button = QPushButton("导出异动上报表…")
        self.export_button.setToolTip("已生效、在省级学籍系统中“待上报”或“已退回”的异动，整理成上报表")
        self.export_button.clicked.connect(self.export_batch)
        self.holidays_button.setToolTip("期限按工作日计算：在这里导入或录入每年的放假和调休安排")
        for button in (
            self.next_button,
            self.province_button,
            self.cancel_button,
            self.timeline_button,
            self.print_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.absence_button)
        actions.addWidget(self.holidays_button)
        self.holidays_button.clicked.connect(self.show_holidays)
        self.timeline_button.clicked.connect(self.show_timeline)
        self.next_button.clicked.connect(self.advance_selected)
        self.province_button.clicked.connect(self.province_selected)
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.history_model = RowsModel(
            [
                ("异动日期", lambda r: f"{r.effective_date:%Y-%m-%d}"),
                ("学生", lambda r: r.student_name),
                ("异动类别", lambda r: r.kind),
                ("异动前状态", lambda r: r.status_before),
                ("异动后状态", lambda r: r.status_after),
                ("经办人", lambda r: r.actor),
            ]
        )
        self.history_table = QTableView()
        self.history_table.setModel(self.history_model)
        configure_table(self.history_table, (100, 90, 100, 100, 100), title="异动记录")
        self.history_table.horizontalHeader().setSortIndicator(
            0, Qt.SortOrder.DescendingOrder
        )  # newest first
        self.history_table.setSortingEnabled(True)
        self.reverse_button = QPushButton("冲正…")
        self.reverse_button.setToolTip("录错的异动用一条新的冲正记录更正，原记录保留")
        self.reverse_button.clicked.connect(self.reverse_selected)
        history_bar = QHBoxLayout()
        history_bar.addWidget(QLabel("异动记录（只增不改）"))
        history_bar.addStretch(1)
        history_bar.addWidget(self.export_button)
        history_bar.addWidget(self.reverse_button)
        layout = QVBoxLayout(self)
        layout.addLayout(starts)
        layout.addWidget(self.empty)
        layout.addLayout(attention_bar)
        layout.addWidget(self.attention)
        layout.addLayout(filters)
        layout.addWidget(self.table, 3)
        layout.addLayout(actions)
        layout.addLayout(history_bar)
        layout.addWidget(self.history_table, 2)
        self.kind_filter.currentIndexChanged.connect(lambda _: self.refresh())
        self.term_filter.currentIndexChanged.connect(lambda _: self.refresh())
        self.open_only.toggled.connect(lambda _: self.refresh())
        refresh_on(self, (PROCEDURES, STUDENTS, HOLIDAYS, BATCHES, SCHOOL), self.refresh)

    def _today(self) -> date:
        return self.today or date.today()

    def _fill_terms(self) -> None:
        if self.term_filter.count():
            return
        self.term_filter.blockSignals(True)
        self.term_filter.addItem("全部学期", None)
        for term in school_setup.school_terms(self.store):
            self.term_filter.addItem(term.label, (term.start, term.end))
        self.term_filter.blockSignals(False)

    def refresh(self) -> None:
        self._fill_terms()
        rows = procedures.procedure_rows(self.store, today=self._today())
        kind, term = self.kind_filter.currentData(), self.term_filter.currentData()
        self.model.set_rows(
            [
                r
                for r in rows
                if (kind is None or r.kind == kind)
                and (r.open or not self.open_only.isChecked())
                and (term is None or term[0] <= r.opened_on <= term[1])
            ]
        )
        changes = history.status_changes(self.store)
        self.history_model.set_rows(changes)
        self.empty.setVisible(not rows and not changes)
        self.attention_model.set_rows(attendance.needing_attention(self.store, today=self._today()))
        shown = self.attention_model.rowCount() > 0
        for widget in (self.attention, self.attention_label, self.attention_button):
            widget.setVisible(shown)

    def start(self, kind: str, student_id: int | None = None) -> ProcedureWizard:
        """The wizard of a procedure of this kind (its code: suspension …), for the student if given."""
        return start_procedure(self, self.store, kind, student_id, today=self._today())

    def selected(self) -> procedures.ProcedureRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def print_selected(self) -> None:
        """The selected procedure's form (申请表, 联系函, 辍学报告) in the print preview."""
        from xueji_desktop.services.printing.forms import form_name
        from xueji_desktop.ui.printing.actions import Printing

        row = self.selected()
        if row is None:
            show_error(self, "打印表格", "请先选择一项手续")
            return
        if form_name(row.kind) is None:
            show_error(self, "打印表格", f"“{row.label}”手续没有需要打印的表格")
            return
        Printing(self.store, self).procedure_form(row.id)

    def advance_selected(self) -> None:
        row = self.selected()
        if row is None or not row.open:
            show_error(self, "办理下一步", "请先选择一项未办结的手续")
            return
        dialog = StepDialog(row, self._today(), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._run(
                lambda: procedures.advance(
                    self.store,
                    row.id,
                    row.next_state,
                    on=dialog.day(),
                    approval_number=dialog.approval.text(),
                ),
                "办理下一步",
            )

    def province_selected(self) -> None:
        row = self.selected()
        if row is None:
            show_error(self, "省级系统状态", "请先选择一项手续")
            return
        asked = ask_province_state(self, f"{row.student_name}的{row.label}手续")
        if asked is None:
            return
        state, note = asked
        self._run(
            lambda: procedures.set_province_state(self.store, row.id, state, on=self._today(), note=note),
            "省级系统状态",
        )

    def cancel_selected(self) -> None:
        row = self.selected()
        if row is None or not row.open:
            show_error(self, "撤销手续", "请先选择一项未办结的手续")
            return
        reason, ok = QInputDialog.getText(
            self, "撤销手续", f"撤销{row.student_name}的{row.label}手续的原因："
        )
        if ok:
            self._run(
                lambda: procedures.cancel(self.store, row.id, reason=reason, on=self._today()), "撤销手续"
            )

    def act_on_attention(self) -> None:
        rows = self.attention.selectionModel().selectedRows()
        if not rows:
            show_error(self, "为所选学生办理", "请先在“需要处理的学生”中选择一位")
            return
        item = self.attention_model.row_at(rows[0].row())
        self.start(item.procedure, student_id=item.student_id)

    def record_absence(self) -> None:
        from xueji_desktop.ui.status_changes.absence_dialog import AbsenceDialog

        AbsenceDialog(self.store, today=self._today(), parent=self).open()  # a record announces PROCEDURES

    def export_batch(self) -> None:
        from xueji_desktop.services.upload_batches import KIND_STATUS_CHANGES
        from xueji_desktop.ui.batch_dialog import BatchDialog

        BatchDialog(self.store, self, kind=KIND_STATUS_CHANGES).open()  # an export announces BATCHES

    def show_holidays(self) -> None:
        from xueji_desktop.ui.holidays_dialog import HolidaysDialog

        HolidaysDialog(self.store, self, today=self._today()).open()  # a saved list announces HOLIDAYS

    def show_timeline(self) -> None:
        from xueji_desktop.ui.status_changes.timeline_dialog import TimelineDialog

        row = self.selected()
        student_id = row.student_id if row is not None else None
        changes = self.history_table.selectionModel().selectedRows()
        if student_id is None and changes:
            student_id = history.student_of_change(self.store, self.history_model._rows[changes[0].row()].id)
        if student_id is None:
            show_error(self, "学生异动时间线", "请先选择一项手续或一条异动记录")
            return
        TimelineDialog(self.store, student_id, self).open()

    def reverse_selected(self) -> None:
        rows = self.history_table.selectionModel().selectedRows()
        if not rows:
            show_error(self, "冲正", "请先在异动记录中选择要冲正的一条")
            return
        change = self.history_model._rows[rows[0].row()]
        reason, ok = QInputDialog.getText(
            self, "冲正", f"冲正{change.student_name}的“{change.kind}”异动的原因："
        )
        if ok:
            self._run(
                lambda: procedures.reverse(self.store, change.id, reason=reason, on=self._today()), "冲正"
            )

    def _run(self, action, title: str) -> None:
        run(self, title, action, changes={PROCEDURES, STUDENTS})


class StepDialog(QDialog):
    """The next step of a procedure: its date and, where there is one, the approval number."""

    def __init__(self, row: procedures.ProcedureRow, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("办理下一步")
        self.when = date_edit(today)
        self.approval = QLineEdit()
        self.approval.setPlaceholderText("审批文号（如有）")
        form = QFormLayout(self)
        form.addRow("手续", QLabel(f"{row.student_name}：{row.label}"))
        form.addRow("当前步骤", QLabel(row.state))
        form.addRow("下一步", QLabel(f"<b>{row.next_state}</b>"))
        form.addRow("日期", self.when)
        form.addRow("审批文号", self.approval)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def day(self) -> date:
        return value_of(self.when)


def ask_province_state(parent: QWidget, subject: str) -> tuple[str, str] | None:
    """Where `subject` (「张三的休学手续」) stands in the provincial system — 已上报, 已通过, or 已退回 with the reason the
    authority gave; None when the clerk cancels. The 异动 tab and the year end's check ask it alike."""
    state, ok = QInputDialog.getItem(
        parent,
        "省级系统状态",
        f"{subject}在省级学籍系统中：",
        list(procedures.PROVINCE_STATES[1:]),
        0,
        False,
    )
    if not ok:
        return None
    note = ""
    if state == "已退回":
        note, ok = QInputDialog.getText(parent, "退回原因", "学籍管理部门退回的原因：")
        if not ok:
            return None
    return state, note
