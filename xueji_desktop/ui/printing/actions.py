"""The 打印 actions every screen offers (名册, 学生, 异动, 档案): each asks what little it must (the purpose of a 在读证明,
a year), makes its PDF through a service into this session's print folder, and opens the preview, where the clerk
prints or saves it. A refusal (a student not 在读, a second 学历证明书) is told in Chinese and nothing is printed.
"""

from __future__ import annotations

import atexit
import itertools
import shutil
import tempfile
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from xueji_desktop.errors import DomainError
from xueji_desktop.rules.findings import RuleViolation
from xueji_desktop.store import Store
from xueji_desktop.ui.common.messages import show_error, show_refusal
from xueji_desktop.ui.common.operations import CERTIFICATES, run
from xueji_desktop.ui.printing import preview as print_preview

PURPOSES = (
    "用于办理医疗保险",
    "用于办理户籍迁移",
    "用于申请资助",
    "用于办理居住证",
    "用于家长单位报销",
    "用于办理出入境手续",
)
_folder: Path | None = None
_numbers = itertools.count(1)


def print_folder() -> Path:
    """This session's folder for the PDFs it prints (removed when the app exits; the preview can save a copy)."""
    global _folder
    if _folder is None or not _folder.is_dir():
        _folder = Path(tempfile.mkdtemp(prefix="xueji-print-"))
        atexit.register(shutil.rmtree, _folder, True)
    return _folder


class Printing:
    """The print actions of one window, over its data file."""

    def __init__(self, store: Store, parent: QWidget) -> None:
        self.store = store
        self.parent = parent

    # --- students -------------------------------------------------------------------------------------------------

    def enrolment_proofs(self, student_ids: Sequence[int]) -> Path | None:
        from xueji_desktop.services.printing import certificates

        if not student_ids:
            return self._nothing_chosen()
        purpose = ask_purpose(self.parent)
        if purpose is None:
            return None
        return self._make(
            "在读证明",
            lambda out: certificates.issue_enrolment_proofs(self.store, student_ids, out, purpose=purpose),
        )

    def info_forms(self, student_ids: Sequence[int]) -> Path | None:
        from xueji_desktop.services.printing import forms

        if not student_ids:
            return self._nothing_chosen()
        return self._make("学生基本信息表", lambda out: forms.info_forms(self.store, student_ids, out))

    def education_certificate(self, student_id: int) -> Path | None:
        from xueji_desktop.services.printing import certificates

        dialog = EducationCertificateDialog(self.parent)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            refused: list[DomainError] = []
            made = self._make(
                "学历证明书",
                lambda out: certificates.issue_education_certificate(
                    self.store,
                    student_id,
                    out,
                    studied_until=dialog.studied_until(),
                    approval_number=dialog.approval.text(),
                    reason=dialog.reason.text(),
                ),
                on_refusal=refused.append,
            )
            if not refused:
                return made
            if not isinstance(refused[0], RuleViolation):
                show_refusal(self.parent, "学历证明书", refused[0])
                return None
            dialog.ask_for_approval("\n".join(f.text for f in refused[0].findings))  # R30.1: asked again
        return None

    def diplomas(self, student_ids: Sequence[int]) -> None:
        from xueji_desktop.ui.printing.overlay_dialog import OverlayDialog

        if not student_ids:
            self._nothing_chosen()
            return
        dialog = OverlayDialog(self.store, self.parent, student_ids=list(student_ids))
        dialog.exec()
        dialog.deleteLater()

    # --- classes and the archive ----------------------------------------------------------------------------------

    def class_roster(self, class_id: int, *, full_id_numbers: bool = False) -> Path | None:
        from xueji_desktop.services.printing import rosters

        title = "在校生名册（存档）" if full_id_numbers else "在校生名册"
        return self._make(
            title,
            lambda out: rosters.class_roster(self.store, class_id, out, full_id_numbers=full_id_numbers),
        )

    def class_info_forms(self, class_id: int) -> Path | None:
        """Everyone's 学生基本信息表 in the class (a class with no one in school is refused by the service)."""
        from xueji_desktop.services.printing import forms

        return self._make("学生基本信息表", lambda out: forms.class_info_forms(self.store, class_id, out))

    def school_rosters(self) -> Path | None:
        """Every class's roster with full ID numbers: the term's copy for the school archive (R6.1)."""
        from xueji_desktop.services.printing import rosters

        return self._make("全校在校生分班名册（存档）", lambda out: rosters.school_rosters(self.store, out))

    def year_roster(self, which: str, year: int | None = None) -> Path | None:
        """毕业生花名册 ("graduate") or 录取花名册 ("admission") of a year the clerk chooses."""
        from xueji_desktop.services.printing import rosters

        label = "毕业生花名册" if which == "graduate" else "录取花名册"
        if year is None:
            today = date.today()
            default = (
                today.year if which == "graduate" else (today.year if today.month >= 8 else today.year - 1)
            )
            year, ok = QInputDialog.getInt(
                self.parent,
                label,
                "毕业年份：" if which == "graduate" else "入学学年（起始年份）：",
                default,
                1990,
                today.year + 1,
            )
            if not ok:
                return None
        make = rosters.graduate_roster if which == "graduate" else rosters.admission_roster
        return self._make(f"{year}年{label}", lambda out: make(self.store, year, out))

    # --- procedures -----------------------------------------------------------------------------------------------

    def procedure_form(self, procedure_id: int) -> Path | None:
        from xueji_desktop.services.printing import forms

        return self._make("手续表格", lambda out: forms.procedure_form(self.store, procedure_id, out))

    def request_form(self, request: object, title: str) -> Path | None:
        """The form of a procedure not yet opened, from the wizard's answers, for the guardian to sign first."""
        from xueji_desktop.services.printing import forms

        return self._make(title, lambda out: forms.request_form(self.store, request, out))

    # --- menus ----------------------------------------------------------------------------------------------------

    def student_menu(self, parent: QWidget, students: Callable[[], list[int]]) -> QMenu:
        """打印 for the chosen students: one document each, all in one PDF."""
        menu = QMenu("打印", parent)
        menu.addAction("在读证明…", lambda: self.enrolment_proofs(students()))
        menu.addAction("学生基本信息表", lambda: self.info_forms(students()))
        menu.addSeparator()
        menu.addAction(
            "学历证明书（毕业证书遗失）…", lambda: self._one(students(), self.education_certificate)
        )
        menu.addAction("毕业证书（套打）…", lambda: self.diplomas(students()))
        return menu

    # --- the common path ------------------------------------------------------------------------------------------

    def _make(
        self,
        title: str,
        make: Callable[[Path], object],
        *,
        on_refusal: Callable[[DomainError], object] | None = None,
    ) -> Path | None:
        """Run `make(out)` through the one runner with a wait cursor, then preview `out`; a refusal is shown by the
        runner (or handed to `on_refusal`, for a caller that answers it) and nothing is previewed."""
        out = (
            print_folder() / f"{next(_numbers):03d}-{title}.pdf"
        )  # never over a PDF the session printed before

        def making() -> object:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                return make(out)
            finally:
                QGuiApplication.restoreOverrideCursor()

        if not run(self.parent, title, making, changes={CERTIFICATES}, on_refusal=on_refusal).ok:
            return None
        print_preview.show_preview(self.parent, out, title)
        return out

    def _one(self, student_ids: list[int], action: Callable[[int], object]) -> None:
        if len(student_ids) != 1:
            show_error(self.parent, "打印", "请只选择一名学生")
            return
        action(student_ids[0])

    def _nothing_chosen(self) -> None:
        show_error(self.parent, "打印", "请先在名册中选择学生")
        return None


def ask_purpose(parent: QWidget | None) -> str | None:
    """The purpose line of a 在读证明: one of the usual ones, or typed; empty means 「特此证明。」. None: cancelled."""
    dialog = QDialog(parent)
    dialog.setWindowTitle("在读证明")
    purpose = QComboBox()
    purpose.setEditable(True)
    purpose.addItem("")
    purpose.addItems(PURPOSES)
    purpose.lineEdit().setPlaceholderText("例如：用于办理医疗保险（可不填）")
    purpose.setMinimumWidth(320)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText("开具")
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form = QFormLayout(dialog)
    form.addRow("用途：", purpose)
    form.addRow(QLabel("每份证明都会编号并记录在开具记录中。"))
    form.addRow(buttons)
    dialog.purpose = purpose  # for tests
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    text = purpose.currentText().strip()
    dialog.deleteLater()
    if not accepted:
        return None
    return text if not text or text.startswith("用于") else f"用于{text}"


class EducationCertificateDialog(QDialog):
    """学历证明书: until when the student studied here; the authority's approval number and a reason when one has been
    issued before (第三十条: in principle once)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("学历证明书")
        self.until = QDateEdit(QDate.currentDate())
        self.until.setDisplayFormat("yyyy年M月")
        self.until.setCalendarPopup(False)
        self.approval = QLineEdit()
        self.approval.setPlaceholderText("如：潞教〔2026〕9号")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("再次开具的原因")
        self.note = QLabel(
            "学历证明书原则上只开具一次；再次开具须经主管教育行政部门批准，填写批准文号和原因。"
        )
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("开具")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("在校学习至：", self.until)
        form.addRow("批准文号：", self.approval)
        form.addRow("原因：", self.reason)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(buttons)

    def studied_until(self) -> date:
        chosen = self.until.date()
        return date(chosen.year(), chosen.month(), 1)

    def ask_for_approval(self, why: str) -> None:
        self.note.setText(f"{why}\n请填写主管教育行政部门的批准文号和原因后再开具。")
        self.note.setStyleSheet("color: #b00020;")
        self.approval.setFocus()
