"""记录旷课: a student's unexcused absence this term as the school counts it (第二十六条, for 自动退学)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from xueji_desktop.services.procedures import attendance
from xueji_desktop.store import Store
from xueji_desktop.ui.common.messages import show_error
from xueji_desktop.ui.common.operations import PROCEDURES, run
from xueji_desktop.ui.common.student_picker import StudentPicker


class AbsenceDialog(QDialog):
    def __init__(self, store: Store, *, today: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.today = today or date.today()
        self.setWindowTitle("记录旷课")
        # 第二十六条 counts the weeks of students in school
        self.picker = StudentPicker(store, statuses=("在读",))
        self.longest = QDoubleSpinBox()
        self.total = QDoubleSpinBox()
        for box in (self.longest, self.total):
            box.setRange(0, attendance.MAX_TERM_WEEKS)
            box.setSuffix(" 周")
        self.contacted = QCheckBox("已与监护人多次联系、帮助教育")
        self.note = QLineEdit()
        form = QFormLayout()
        form.addRow("本学期连续无故旷课最长", self.longest)
        form.addRow("本学期累计无故旷课", self.total)
        form.addRow("", self.contacted)
        form.addRow("说明", self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        rule = QLabel(
            "依据《细则》第二十六条：普通高中学生一学期内连续无故旷课超过8周或累计旷课10周及以上，经多次联系帮助教育无效的，"
            "可报学籍管理部门批准后按自动退学处理。这里记录的是截至今天的本学期周数，每次记录都保留。"
        )
        rule.setWordWrap(True)
        layout.addWidget(rule)
        layout.addWidget(self.picker, 1)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.picker.changed.connect(self._load)
        self.resize(560, 520)

    def select(self, student_id: int) -> bool:
        """Choose the student (a 在读 student only: 第二十六条 counts the weeks of students in school)."""
        return self.picker.select(student_id)

    def _load(self, student_id: int | None) -> None:
        if student_id is None:
            return
        facts = attendance.absence_this_term(self.store, student_id, today=self.today)
        self.longest.setValue(facts.longest_continuous_weeks)
        self.total.setValue(facts.total_weeks)
        self.contacted.setChecked(facts.contacted_family)

    def save(self) -> None:
        student_id = self.picker.student_id()
        if student_id is None:
            show_error(self, "记录旷课", "请先选择学生")
            return
        outcome = run(
            self,
            "记录旷课",
            lambda: attendance.record_absence(
                self.store,
                student_id,
                longest_continuous_weeks=self.longest.value(),
                total_weeks=self.total.value(),
                contacted_family=self.contacted.isChecked(),
                note=self.note.text(),
                today=self.today,
            ),
            changes={PROCEDURES},  # the 异动 tab's students to act on (R26.1)
        )
        if outcome.ok:
            self.accept()
