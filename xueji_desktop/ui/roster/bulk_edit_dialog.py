"""批量修改: one field of the chosen students set to one value (a code field from its drop-down), or filled from each
student's own record (按身份证号推断, 按家庭地址填写: marked 推断 until 确定); the preview lists old → new per
student, 确定 writes them in one transaction with one audit entry each (services.bulk_edit). A key field of an
established record, or a graduate's record, is refused with the article (第十四条)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xueji_desktop.reference.student_fields import FIELDS_BY_KEY
from xueji_desktop.ui.common.field_widgets import EditorFactory
from xueji_desktop.ui.common.operations import STUDENTS, run
from xueji_desktop.ui.common.tables import RowsModel, table_view

if (
    TYPE_CHECKING
):  # the service (and SQLAlchemy) loads when the dialog opens, not with the 名册 tab at start-up
    from xueji_desktop.services.bulk_edit import BulkPlan
    from xueji_desktop.store import Store

TITLE = "批量修改"
INFERRED = "推断"  # services.bulk_edit.INFERRED
INFERRED_COLOUR = QColor("#1a5fb4")


class _PreviewModel(RowsModel):
    """The preview's rows; a 推断 value in blue until the clerk confirms it."""

    def data(self, index, role=0):  # type: ignore[override]
        from PySide6.QtCore import Qt

        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            row = self._rows[index.row()]
            return QBrush(INFERRED_COLOUR) if row.note == INFERRED else None
        return super().data(index, role)


class BulkEditDialog(QDialog):
    def __init__(self, store: Store, student_ids: Sequence[int], parent: QWidget | None = None):
        from xueji_desktop.services import bulk_edit

        super().__init__(parent)
        self.store = store
        self.student_ids = list(student_ids)
        self.plan: BulkPlan | None = None
        self.changed = 0
        self._factory = EditorFactory(self)
        self.setWindowTitle(f"{TITLE}（{len(self.student_ids)} 名学生）")
        self.resize(820, 560)

        self.field_combo = QComboBox()
        for spec in bulk_edit.BULK_FIELDS:
            self.field_combo.addItem(f"{spec.label}（{spec.group}）", spec.key)
        self.field_combo.setMaxVisibleItems(20)
        self.value_holder = QHBoxLayout()
        self.value_editor: QWidget | None = None
        self.preview_button = QPushButton("预览")
        self.preview_button.clicked.connect(self.preview)
        self.suggestion_buttons: dict[str, QPushButton] = {}
        for suggestion in bulk_edit.SUGGESTIONS:
            button = QPushButton(suggestion.title)
            button.setToolTip(
                f"只填写空着的{'、'.join(FIELDS_BY_KEY[k].label for k in sorted(suggestion.fields))}；"
                "新值标为“推断”，按“确定”即表示已核对确认"
            )
            button.clicked.connect(lambda _checked=False, key=suggestion.key: self.suggest(key))
            self.suggestion_buttons[suggestion.key] = button
        value_row = QHBoxLayout()
        value_row.addLayout(self.value_holder, 1)
        value_row.addWidget(self.preview_button)
        for button in self.suggestion_buttons.values():
            value_row.addWidget(button)

        form = QFormLayout()
        form.addRow("字段：", self.field_combo)
        form.addRow("改为：", value_row)

        self.summary = QLabel("选择字段和新值，按“预览”查看每名学生的原值和新值。")
        self.summary.setWordWrap(True)
        self.model = _PreviewModel(
            [
                ("姓名", lambda r: r.name),
                ("班级", lambda r: r.class_name),
                ("原值", lambda r: r.old),
                ("新值", lambda r: r.new),
                ("说明", lambda r: r.note),
            ]
        )
        self.table = table_view(self.model, (90, 110, 190, 190))

        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("确定")
        self.ok_button.setEnabled(False)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText("取消")
        self.ok_button.clicked.connect(self.commit)
        cancel.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.field_combo.currentIndexChanged.connect(self._field_changed)
        self._field_changed()

    # --- choosing --------------------------------------------------------------------------------------------------

    def field_key(self) -> str:
        return self.field_combo.currentData()

    def set_field(self, key: str) -> None:
        self.field_combo.setCurrentIndex(self.field_combo.findData(key))

    def _field_changed(self) -> None:
        from xueji_desktop.services import bulk_edit

        if self.value_editor is not None:
            self.value_holder.removeWidget(self.value_editor)
            self.value_editor.hide()  # deleted later: not left painted at the dialog's corner meanwhile
            self.value_editor.deleteLater()
        spec = FIELDS_BY_KEY[self.field_key()]
        self.value_editor = self._factory.editor(spec, self)
        self.value_holder.addWidget(self.value_editor)
        self._connect_value_changes(self.value_editor)
        offered = {s.key for s in bulk_edit.suggestions_for(spec.key)}
        for key, button in self.suggestion_buttons.items():
            button.setVisible(key in offered)
        self._forget_plan()

    def _connect_value_changes(self, editor: QWidget) -> None:
        for signal in ("currentIndexChanged", "editTextChanged", "textChanged", "dateChanged"):
            if hasattr(editor, signal):
                getattr(editor, signal).connect(lambda *_: self._forget_plan())

    def value(self) -> object:
        return self.value_editor.value()  # type: ignore[union-attr]

    def set_value(self, value: object) -> None:
        self.value_editor.set_value(value)  # type: ignore[union-attr]

    def _forget_plan(self) -> None:
        self.plan = None
        self.ok_button.setEnabled(False)

    # --- preview and commit ----------------------------------------------------------------------------------------

    def preview(self) -> BulkPlan | None:
        from xueji_desktop.services import bulk_edit

        key, value = self.field_key(), self.value()
        return self._show(lambda: bulk_edit.preview(self.store, key, value, self.student_ids))

    def suggest(self, suggestion: str) -> BulkPlan | None:
        from xueji_desktop.services import bulk_edit

        key = self.field_key()
        return self._show(lambda: bulk_edit.suggest(self.store, key, suggestion, self.student_ids))

    def _show(self, call) -> BulkPlan | None:
        outcome = run(self, TITLE, call)
        self.plan = outcome.value if outcome.ok else None
        if self.plan is None:
            self.model.set_rows([])
            self.summary.setText("没有可修改的内容。")
            self.ok_button.setEnabled(False)
            return None
        plan = self.plan
        self.model.set_rows(plan.rows)
        unchanged = len(plan.rows) - plan.changes
        note = "（蓝色为推断的值，请核对；按“确定”即表示确认）" if plan.inferred and plan.changes else ""
        self.summary.setText(
            f"{plan.label}：将修改 <b>{plan.changes}</b> 名学生，{unchanged} 名不变{note}。"
            "每名学生的修改都记入操作日志。"
        )
        self.ok_button.setEnabled(plan.changes > 0)
        return plan

    def commit(self) -> None:
        plan = self.plan
        if plan is None:
            return
        from xueji_desktop.services import bulk_edit

        outcome = run(self, TITLE, lambda: bulk_edit.commit(self.store, plan), changes={STUDENTS})
        if outcome.ok:
            self.changed = outcome.value or 0
            self.accept()


def add_button(tab, actions: QHBoxLayout) -> QPushButton:
    """The 名册 tab's 「批量修改…」, placed before its last button (打印)."""
    button = QPushButton("批量修改…")
    button.setToolTip(
        "把选中学生（未选中时为本班全部学生）的同一项信息改为同一个值，或按身份证号、家庭地址推断"
    )
    button.clicked.connect(lambda: open_for(tab))
    actions.insertWidget(actions.count() - 1, button)
    tab.bulk_edit_button = button
    return button


def open_for(tab) -> None:
    """From the 名册 tab: the selected students, else every student the table shows (the class chosen in the tree)."""
    ids = tab.selected_student_ids() or [tab.model.row_at(row).id for row in range(tab.model.rowCount())]
    if not ids:
        from xueji_desktop.ui.common.messages import show_error

        show_error(tab, TITLE, "请先在名单中选中要修改的学生，或在左侧选择一个班级。")
        return
    BulkEditDialog(tab.store, ids, parent=tab).exec()
