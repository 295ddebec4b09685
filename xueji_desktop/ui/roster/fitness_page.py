"""The 体质健康 tab of a saved student's dialog (第二十九条, R29.1): each 学年's 《国家学生体质健康标准》 result in force
and the 体育免修 recorded, through services/fitness.py. Results come in by 名册 → 导入体质健康成绩
(ui/importing/fitness.py); 记录体育免修… records an exemption with its reason and its proof (a 体育免修证明 issued by a
medical unit, kept under that proof kind) and 取消体育免修… withdraws one, each a new row through the runner. The tab
refreshes itself when an operation announces STUDENTS, so an import done while the dialog is open shows here."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xueji_desktop.models.terms import school_year_name
from xueji_desktop.rules import proofs
from xueji_desktop.services import fitness
from xueji_desktop.store import Store
from xueji_desktop.ui.common.messages import show_error
from xueji_desktop.ui.common.operations import STUDENTS, refresh_on, run
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
        self.exempt_button = QPushButton("记录体育免修…")
        self.exempt_button.setToolTip("因病或残疾免予执行《国家学生体质健康标准》，须附医疗单位出具的证明")
        self.exempt_button.clicked.connect(self.record_exemption)
        self.withdraw_button = QPushButton("取消体育免修…")
        self.withdraw_button.clicked.connect(self.withdraw_exemption)
        buttons = QHBoxLayout()
        buttons.addWidget(self.exempt_button)
        buttons.addWidget(self.withdraw_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
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
        self.exempt_years = [e.school_year for e in seen.exemptions]
        self.withdraw_button.setEnabled(bool(seen.exemptions))

    def record_exemption(self) -> None:
        current, years = fitness.exemption_years(self.store, self.student_id)
        if not years:
            show_error(self, "记录体育免修", "尚未设置学年，无法记录体育免修。")
            return
        dialog = ExemptionDialog(self, years, current)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.save_exemption(**dialog.values())

    def withdraw_exemption(self) -> None:
        dialog = ExemptionDialog(self, self.exempt_years, None, withdraw=True)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            values = dialog.values()
            self.save_exemption(values["school_year"], values["reason"], None, exempt=False)

    def save_exemption(
        self, school_year: int, reason: str, proof: Path | None, *, exempt: bool = True
    ) -> bool:
        """Record (or withdraw) 体育免修 through the runner: a refusal (no reason, no proof, a file that is not a
        scan) is told and nothing is written; done, STUDENTS is announced and the tab refreshes."""
        outcome = run(
            self,
            "记录体育免修" if exempt else "取消体育免修",
            lambda: fitness.record_exemption(
                self.store, self.student_id, school_year, reason, proof, exempt=exempt
            ),
            changes={STUDENTS},
        )
        return outcome.ok


class ExemptionDialog(QDialog):
    """体育免修 for a 学年: the reason and the proof (体育免修证明（医疗单位出具）); withdrawing asks only the reason."""

    def __init__(
        self, parent: QWidget | None, years: list[int], current: int | None, *, withdraw: bool = False
    ):
        super().__init__(parent)
        self.setWindowTitle("取消体育免修" if withdraw else "记录体育免修")
        self.year = QComboBox()
        for year in years:
            self.year.addItem(school_year_name(year), year)
        if current is not None and current in years:
            self.year.setCurrentIndex(years.index(current))
        self.reason = QLineEdit()
        self.reason.setMinimumWidth(320)
        self.reason.setPlaceholderText("如 复查已痊愈" if withdraw else "如 先天性心脏病，医嘱不宜剧烈运动")
        self.proof = QLineEdit()
        self.proof.setReadOnly(True)
        self.proof.setPlaceholderText("请点击“选择文件…”")
        choose = QPushButton("选择文件…")
        choose.clicked.connect(self._choose)
        proof_row = QHBoxLayout()
        proof_row.addWidget(self.proof, 1)
        proof_row.addWidget(choose)
        form = QFormLayout()
        form.addRow("学年", self.year)
        form.addRow("取消原因" if withdraw else "免修原因", self.reason)
        if not withdraw:
            form.addRow(proofs.PE_EXEMPTION_PROOF, proof_row)
        note = QLabel(
            "取消后，该学年按体质健康测试成绩判断能否发放毕业证书（《细则》第二十九条）。"
            if withdraw
            else "因病或残疾免予执行《国家学生体质健康标准》的学生，凭医疗单位的证明记录体育免修；"
            "体育免修的学生毕业时不以体质健康成绩为发放毕业证书的条件（《细则》第二十九条）。"
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def _choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "选择体育免修证明", "", "扫描件或照片 (*.pdf *.jpg *.jpeg *.png *.bmp *.tif *.tiff)"
        )
        if path:
            self.proof.setText(path)

    def values(self) -> dict:
        return {
            "school_year": self.year.currentData(),
            "reason": self.reason.text(),
            "proof": Path(self.proof.text()) if self.proof.text() else None,
        }
