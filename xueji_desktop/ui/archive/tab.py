"""The 档案 tab: the term's review, the registers, the archive's paper, the operation log and the backups.

The operation log reads as a registrar's log (services/history.py): the time, who, the action in Chinese, whose
record, what changed from what to what; a double-click opens the whole entry. Like every table it copies (Ctrl+C)
and exports to Excel (ui/common/tables.py)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xueji_desktop.services import history
from xueji_desktop.store import Store
from xueji_desktop.ui.common.operations import AREAS, refresh_on
from xueji_desktop.ui.common.tables import RowsModel, table_view


class AuditModel(RowsModel):
    def row_at(self, row: int) -> history.AuditRow:
        return self._rows[row]  # type: ignore[return-value]


class AuditEntryDialog(QDialog):
    """One entry of the operation log, whole: time, who, the action, whose record, each change old → new."""

    def __init__(self, row: history.AuditRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"操作记录：{row.action}")
        self.resize(560, 420)
        self.text = QPlainTextEdit(row.text)
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)


class ArchiveTab(QWidget):
    """档案: the term's review (R34.1), the consultation register (R35.1), where the paper files are (R5.1), the
    archive's paper (R6.1), the operation log (审计记录) and the backups of the data file."""

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.audit_model = AuditModel(
            [
                ("时间", lambda r: f"{r.at:%Y-%m-%d %H:%M:%S}"),
                ("操作人", lambda r: r.actor),
                ("操作", lambda r: r.action),
                ("对象", lambda r: r.subject),
                ("内容", lambda r: r.summary),
            ]
        )
        self.backup_model = RowsModel(
            [
                ("备份文件", lambda r: r.file_name),
                ("备份时间", lambda r: r.created_at.replace("T", " ")),
                ("学生数", lambda r: r.students),
                ("大小", lambda r: f"{r.size_bytes / 1_048_576:.1f} MB"),
            ]
        )
        archive_prints = QHBoxLayout()  # R6.1: what the school archive keeps on paper
        archive_prints.addWidget(QLabel("打印存档材料（《细则》第六条）："))
        self.print_buttons = {}
        for key, text in (
            ("school_rosters", "本学期全校分班名册…"),
            ("graduate", "毕业生花名册…"),
            ("admission", "录取花名册…"),
        ):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, k=key: self.print_archive(k))
            archive_prints.addWidget(button)
            self.print_buttons[key] = button
        archive_prints.addStretch(1)
        registers = QHBoxLayout()
        registers.addWidget(QLabel("档案管理："))
        self.register_buttons = {}
        for key, text, tip in (
            ("review", "本学期复核…", "《细则》第三十四条：每学期复核学籍信息，列出缺漏、错误和逾期"),
            ("consultations", "查阅登记…", "《细则》第三十五条：查阅学籍信息须登记"),
            ("paper_places", "纸质档案存放位置…", "《细则》第五条：纸质档案放在哪里"),
        ):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False, k=key: self.open_register(k))
            registers.addWidget(button)
            self.register_buttons[key] = button
        registers.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(registers)
        layout.addLayout(archive_prints)
        layout.addWidget(QLabel("操作记录（只增不改，每次修改都记下操作人、时间和修改前后的内容）"))
        self.audit_table = table_view(self.audit_model, (150, 80, 120, 130), title="操作记录")
        self.audit_table.setToolTip("双击一行查看这条记录的全部内容")
        self.audit_table.doubleClicked.connect(self._open_entry)
        self.entry_dialog: AuditEntryDialog | None = None
        layout.addWidget(self.audit_table, 3)
        layout.addWidget(QLabel(f"数据备份（每次打开时自动备份，保留最近10份）：{store.folder.backups}"))
        layout.addWidget(table_view(self.backup_model, (300, 160, 80), title="数据备份"), 1)
        # every change writes an audit entry (shown here); a backup is an ARCHIVE change
        refresh_on(self, AREAS, self.refresh)

    def print_archive(self, which: str) -> None:
        from xueji_desktop.ui.printing.actions import Printing

        printing = Printing(self.store, self)
        if which == "school_rosters":
            printing.school_rosters()
        else:
            printing.year_roster(which)

    def open_register(self, which: str) -> None:
        """本学期复核 (a finding's student opens on double-click), 查阅登记 or 纸质档案存放位置."""
        if which == "review":
            from xueji_desktop.ui.archive.review_dialog import ReviewDialog

            dialog = ReviewDialog(self.store, self)
            dialog.open_student.connect(lambda student_id: self._open_student(student_id, dialog))
        elif which == "consultations":
            from xueji_desktop.ui.archive.register_dialog import ConsultationDialog

            dialog = ConsultationDialog(self.store, self)
        else:
            from xueji_desktop.ui.archive.register_dialog import PaperPlaceDialog

            dialog = PaperPlaceDialog(self.store, self)
        dialog.exec()  # what it registered was announced: this tab refreshes from that
        dialog.deleteLater()

    def _open_student(self, student_id: int, parent: QWidget) -> None:
        from xueji_desktop.ui.roster.student_dialog import StudentDialog

        dialog = StudentDialog(self.store, student_id, parent=parent)
        dialog.exec()
        dialog.deleteLater()

    def _open_entry(self, index: QModelIndex) -> None:
        self.open_entry(self.audit_model.row_at(index.row()))

    def open_entry(self, row: history.AuditRow) -> AuditEntryDialog:
        """The whole entry in a window of its own (its text can be selected and copied)."""
        if self.entry_dialog is not None:
            self.entry_dialog.deleteLater()
        self.entry_dialog = AuditEntryDialog(row, self)
        self.entry_dialog.open()
        return self.entry_dialog

    def refresh(self) -> None:
        self.audit_model.set_rows(history.audit_events(self.store))
        self.backup_model.set_rows(history.backups(self.store))
