"""The 奖惩 tab of a saved student's dialog (第三十一条、第三十二条): the student's awards and sanctions, which of them go
into the archive (R31.1: 校级 and above; R32.2: 记过 and above), and 添加奖励 / 添加处分 / 解除处分 — each through the
operation runner (ui/common/operations.py), so a refusal (R32.1) is shown with its article and the tab refreshes from
the announcer."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xueji_desktop.services import sanctions
from xueji_desktop.store import Store
from xueji_desktop.ui.common import operations
from xueji_desktop.ui.common.tables import RowsModel, table_view
from xueji_desktop.ui.status_changes.request_forms import date_edit, value_of

TITLE = "奖惩"
NOTE = "依据《细则》第三十一条、第三十二条：校级以上奖励、记过及以上处分记入学籍档案；处分的解除另行记录，原处分记录不修改。"
AWARD_COLUMNS = (
    ("级别", lambda r: r.level),
    ("奖励名称", lambda r: r.title),
    ("获奖日期", lambda r: f"{r.awarded_on:%Y-%m-%d}"),
    ("授奖单位", lambda r: r.issuer),
    ("记入档案", lambda r: "是" if r.archived else "否"),
)
NO_PERIOD = "（无）"


class SanctionsPage(QWidget):
    def __init__(
        self, store: Store, student_id: int, parent: QWidget | None = None, *, today: date | None = None
    ):
        super().__init__(parent)
        self.store, self.student_id = store, student_id
        self.today = today or date.today()
        self.sanction_rows: list[sanctions.SanctionRow] = []
        note = QLabel(NOTE)
        note.setWordWrap(True)
        self.awards = RowsModel(AWARD_COLUMNS)
        self.awards_table = table_view(self.awards, (60, 200, 90, 180, 70))
        self.sanctions = RowsModel(
            (
                ("处分", lambda r: r.kind),
                ("事由", lambda r: r.reason),
                ("决定日期", lambda r: f"{r.decided_on:%Y-%m-%d}"),
                ("期限至", lambda r: f"{r.period_end:%Y-%m-%d}" if r.period_end else ""),
                ("决定文号", lambda r: r.document_number),
                ("状态", lambda r: r.state(self.today)),
                ("记入档案", lambda r: "是" if r.archived else "否"),
            )
        )
        self.sanctions_table = table_view(self.sanctions, (70, 180, 90, 90, 140, 130, 70))
        self.add_award_button = QPushButton("添加奖励…")
        self.add_sanction_button = QPushButton("添加处分…")
        self.lift_button = QPushButton("解除处分…")
        self.add_award_button.clicked.connect(self.add_award)
        self.add_sanction_button.clicked.connect(self.add_sanction)
        self.lift_button.clicked.connect(self.lift)
        self.sanctions_table.selectionModel().selectionChanged.connect(self._enable)
        buttons = QHBoxLayout()
        for button in (self.add_award_button, self.add_sanction_button, self.lift_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(QLabel("奖励"))
        layout.addWidget(self.awards_table, 1)
        layout.addWidget(QLabel("处分"))
        layout.addWidget(self.sanctions_table, 1)
        layout.addLayout(buttons)
        operations.refresh_on(self, {operations.STUDENTS}, self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.awards.set_rows(list(sanctions.awards_of(self.store, self.student_id)))
        self.sanction_rows = sanctions.sanctions_of(self.store, self.student_id)
        self.sanctions.set_rows(list(self.sanction_rows))
        self._enable()

    def selected_sanction(self) -> sanctions.SanctionRow | None:
        rows = self.sanctions_table.selectionModel().selectedRows()
        return self.sanction_rows[rows[0].row()] if rows else None

    def _enable(self, *_: object) -> None:
        chosen = self.selected_sanction()
        self.lift_button.setEnabled(chosen is not None and chosen.lifted_on is None)

    # --- the three operations -------------------------------------------------------------------------------

    def add_award(self) -> None:
        dialog = AwardDialog(self, self.today)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        values = dialog.values()
        operations.run(
            self,
            "添加奖励",
            lambda: sanctions.add_award(self.store, self.student_id, **values),
            changes={operations.STUDENTS},
        )

    def add_sanction(self) -> None:
        dialog = SanctionDialog(self, self.today)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        values = dialog.values()
        operations.run(
            self,
            "添加处分",
            lambda: sanctions.add_sanction(self.store, self.student_id, **values),
            changes={operations.STUDENTS},
        )

    def lift(self) -> None:
        chosen = self.selected_sanction()
        if chosen is None:
            return
        dialog = LiftDialog(self, self.today, chosen)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        values = dialog.values()
        operations.run(
            self,
            "解除处分",
            lambda: sanctions.lift_sanction(self.store, chosen.id, **values),
            changes={operations.STUDENTS},
        )


class _Form(QDialog):
    def __init__(self, parent: QWidget | None, title: str):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(buttons)


class AwardDialog(_Form):
    """奖励: 级别, 奖励名称, 获奖日期, 授奖单位 (the proof scan: `xueji awards add --proof`)."""

    def __init__(self, parent: QWidget | None, today: date):
        super().__init__(parent, "添加奖励")
        self.level = QComboBox()
        self.level.addItems(list(sanctions.AWARD_LEVELS))
        self.level.setCurrentText("校级")
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("如 三好学生")
        self.awarded_on = date_edit(today)
        self.issuer = QLineEdit()
        for label, widget in (
            ("奖励级别", self.level),
            ("奖励名称", self.title_edit),
            ("获奖日期", self.awarded_on),
            ("授奖单位", self.issuer),
        ):
            self.form.addRow(label, widget)

    def values(self) -> dict:
        return {
            "level": self.level.currentText(),
            "title": self.title_edit.text(),
            "awarded_on": value_of(self.awarded_on),
            "issuer": self.issuer.text(),
        }


class SanctionDialog(_Form):
    """处分: 类别, 事由, 决定日期, 期限 (留校察看: at most a year, R32.1), 决定文号, the city's approval of 开除学籍."""

    def __init__(self, parent: QWidget | None, today: date):
        super().__init__(parent, "添加处分")
        self.kind = QComboBox()
        self.kind.addItems(list(sanctions.SANCTION_KINDS))
        self.reason = QLineEdit()
        self.decided_on = date_edit(today)
        self.has_period = QComboBox()
        self.has_period.addItems([NO_PERIOD, "至"])
        self.period_end: QDateEdit = date_edit(today.replace(year=today.year + 1, day=min(today.day, 28)))
        self.document = QLineEdit()
        self.document.setPlaceholderText("如 潞实小〔2027〕3号")
        self.city_approved = QComboBox()
        self.city_approved.addItems(["否", "是"])
        period = QHBoxLayout()
        period.addWidget(self.has_period)
        period.addWidget(self.period_end, 1)
        for label, widget in (
            ("处分类别", self.kind),
            ("处分事由", self.reason),
            ("处分决定日期", self.decided_on),
        ):
            self.form.addRow(label, widget)
        self.form.addRow("处分期限", period)
        self.form.addRow("处分决定文号", self.document)
        self.form.addRow("开除学籍已报市级教育行政部门批准", self.city_approved)

    def values(self) -> dict:
        return {
            "kind": self.kind.currentText(),
            "reason": self.reason.text(),
            "decided_on": value_of(self.decided_on),
            "period_end": None if self.has_period.currentText() == NO_PERIOD else value_of(self.period_end),
            "document_number": self.document.text(),
            "city_approved": self.city_approved.currentText() == "是",
        }


class LiftDialog(_Form):
    """解除处分: the day and the reason, a new entry."""

    def __init__(self, parent: QWidget | None, today: date, sanction: sanctions.SanctionRow):
        super().__init__(parent, "解除处分")
        self.form.addRow(
            "处分", QLabel(f"{sanction.kind}（{sanction.document_number}，{sanction.decided_on:%Y-%m-%d}）")
        )
        self.lifted_on = date_edit(today)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("如 期满，表现良好")
        self.form.addRow("解除日期", self.lifted_on)
        self.form.addRow("解除理由", self.reason)

    def values(self) -> dict:
        return {"lifted_on": value_of(self.lifted_on), "reason": self.reason.text()}
