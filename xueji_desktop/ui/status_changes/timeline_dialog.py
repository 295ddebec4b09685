"""A student's 异动 timeline: every status change and every step of every procedure, oldest first, read-only."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTableView, QVBoxLayout, QWidget

from xueji_desktop.services import history
from xueji_desktop.store import Store
from xueji_desktop.ui.common.tables import RowsModel, configure_table


class TimelineDialog(QDialog):
    def __init__(self, store: Store, student_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name, entries = history.timeline(store, student_id)
        self.setWindowTitle(f"{name}的学籍异动时间线")
        self.model = RowsModel(
            [
                ("日期", lambda e: f"{e.day:%Y-%m-%d}"),
                ("事项", lambda e: e.what),
                ("内容", lambda e: e.detail),
            ]
        )
        self.model.set_rows(entries)
        view = QTableView()
        view.setModel(self.model)
        configure_table(view, (100, 160))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{name}：共{len(entries)}条记录（只增不改；冲正也是一条新记录）"))
        layout.addWidget(view, 1)
        layout.addWidget(buttons)
        self.resize(720, 420)
