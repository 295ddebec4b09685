"""记录旷课: a student's unexcused absence this term as the school counts it (第二十六条, for 自动退学)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xueji_desktop.rules import RuleViolation
from xueji_desktop.services import attendance, roster
from xueji_desktop.store import Store
from xueji_desktop.ui.common.messages import show_error


class AbsenceDialog(QDialog):
    def __init__(self, store: Store, *, today: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.today = today or date.today()
        self.setWindowTitle("记录旷课")
        self.search = QLineEdit()
        self.search.setPlaceholderText("输入姓名、拼音首字母或身份证件号的一部分")
        self.results = QListWidget()
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
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        rule = QLabel(
            "依据《细则》第二十六条：普通高中学生一学期内连续无故旷课超过8周或累计旷课10周及以上，经多次联系帮助教育无效的，"
            "可报学籍管理部门批准后按自动退学处理。这里记录的是截至今天的本学期周数，每次记录都保留。"
        )
        rule.setWordWrap(True)
        layout.addWidget(rule)
        layout.addWidget(self.search)
        layout.addWidget(self.results, 1)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.search.textChanged.connect(self._find)
        self.results.currentItemChanged.connect(lambda *_: self._load())
        self._find("")
        self.resize(560, 520)

    def _find(self, text: str) -> None:
        self.results.clear()
        for row in roster.list_students(self.store, status="在读", query=text.strip(), limit=200):
            item = QListWidgetItem(f"{row.name}　{row.class_name}　{row.id_number_masked}")
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.results.addItem(item)

    def select(self, student_id: int) -> bool:
        for index in range(self.results.count()):
            if self.results.item(index).data(Qt.ItemDataRole.UserRole) == student_id:
                self.results.setCurrentRow(index)
                return True
        return False

    def _load(self) -> None:
        item = self.results.currentItem()
        if item is None:
            return
        facts = attendance.absence_this_term(
            self.store, item.data(Qt.ItemDataRole.UserRole), today=self.today
        )
        self.longest.setValue(facts.longest_continuous_weeks)
        self.total.setValue(facts.total_weeks)
        self.contacted.setChecked(facts.contacted_family)

    def save(self) -> None:
        item = self.results.currentItem()
        if item is None:
            show_error(self, "记录旷课", "请先选择学生")
            return
        try:
            attendance.record_absence(
                self.store,
                item.data(Qt.ItemDataRole.UserRole),
                longest_continuous_weeks=self.longest.value(),
                total_weeks=self.total.value(),
                contacted_family=self.contacted.isChecked(),
                note=self.note.text(),
                today=self.today,
            )
        except RuleViolation as violation:
            show_error(self, "记录旷课", "\n\n".join(f.text for f in violation.findings))
            return
        self.accept()
