"""The 体质健康 tab of a saved student's dialog (第二十九条, R29.1): each 学年's 《国家学生体质健康标准》 result in force
and the 体育免修 recorded, read through services/fitness.py (read only: results come in by 名册 → 导入体质健康成绩
(ui/importing/fitness.py), exemptions by `xueji fitness exempt`). It refreshes itself when an operation announces
STUDENTS, so an import done while the dialog is open shows here."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from xueji_desktop.services import fitness
from xueji_desktop.store import Store
from xueji_desktop.ui.common.operations import STUDENTS, refresh_on
from xueji_desktop.ui.common.tables import RowsModel, table_view

TITLE = "体质健康"
COLUMNS = (
    ("学年", lambda r: r.year_name),
    ("总分", lambda r: f"{r.total_score:g}"),
    ("等级", lambda r: r.grade),
    ("来源", lambda r: r.source + (f"（更正过 {r.corrections} 次）" if r.corrections else "")),
    ("录入时间", lambda r: f"{r.recorded_at:%Y-%m-%d %H:%M}"),
)


class FitnessPage(QWidget):
    def __init__(self, store: Store, student_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.store, self.student_id = store, student_id
        self.model = RowsModel(COLUMNS)
        self.table = table_view(self.model, (110, 60, 60, 320, 130))
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        refresh_on(self, {STUDENTS}, self.refresh)
        self.refresh()

    def refresh(self) -> None:
        seen = fitness.results_of(self.store, self.student_id)
        self.model.set_rows(list(seen.results))
        if seen.exemptions:
            lines = [f"{e.year_name} 体育免修：{e.reason}" for e in seen.exemptions]
        else:
            lines = ["没有体育免修记录"]
        if not seen.results:
            lines.insert(0, "尚无体质健康测试成绩（在“名册”页点“导入体质健康成绩…”导入）")
        self.note.setText("\n".join(lines))
