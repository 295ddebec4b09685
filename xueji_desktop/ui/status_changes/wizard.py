"""The wizard of one status-change procedure (休学、退学、死亡 …): the student, the procedure's own questions, the
scanned proofs its rule names, then every finding of the rules — and only then 「办理」.

Pages: 选择学生 → 办理信息 → 证明材料 → 核对. The review page asks the service for its findings without writing
(Decision(preview=True)); a block the regulation states only 「原则上」 can be passed with the authority's approval
number and a written reason, warnings with the clerk's confirmation. Finishing opens the procedure in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from xueji_desktop.errors import DomainError
from xueji_desktop.services.attachments import ProofFile, file_type
from xueji_desktop.services.procedures import Decision, FindingsPreview
from xueji_desktop.store import Store
from xueji_desktop.ui.common import messages
from xueji_desktop.ui.common.operations import run
from xueji_desktop.ui.common.student_picker import StudentPicker
from xueji_desktop.ui.printing.preview import pdf_thumbnail
from xueji_desktop.ui.status_changes.request_forms import request_form

BLOCK_COLOUR, WARN_COLOUR = "#b3261e", "#9a6700"


class ProcedureWizard(QWizard):
    def __init__(
        self,
        store: Store,
        kind: str,
        *,
        today: date | None = None,
        student_id: int | None = None,
        new_values: Mapping[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """`new_values` (信息变更 only: student field keys and their new values, e.g. from the student dialog's
        「申请信息变更…」) fill the 办理信息 page's change rows for `student_id`."""
        super().__init__(parent)
        self.store = store
        self.new_values = dict(new_values or {})
        self.form = request_form(store, kind, today or date.today())  # the kind's 办理信息 page
        self.student_id = student_id
        self.student_name = ""
        self.procedure_id: int | None = None
        self.setWindowTitle(f"办理{self.form.label}")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setButtonText(QWizard.WizardButton.FinishButton, f"办理{self.form.label}")
        self.student_page = StudentPage(self) if self.form.picks_student else None
        self.details_page = DetailsPage(self)
        self.proofs_page = ProofsPage(self)
        self.review_page = ReviewPage(self)
        for page in (self.student_page, self.details_page, self.proofs_page, self.review_page):
            if page is not None:
                self.addPage(page)
        self.resize(760, 560)


class StudentPage(QWizardPage):
    """选择学生: a search over the school, only students whose status allows this procedure."""

    def __init__(self, wizard: ProcedureWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("选择学生")
        self.setSubTitle(f"办理{wizard.form.label}的学生（当前状态：{'、'.join(wizard.form.statuses)}）")
        self.picker = StudentPicker(wizard.store, statuses=wizard.form.statuses)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picker, 1)
        self.picker.changed.connect(lambda *_: self.completeChanged.emit())
        if wizard.student_id is not None:
            self.picker.select(wizard.student_id)

    def isComplete(self) -> bool:
        return self.picker.student_id() is not None

    def validatePage(self) -> bool:
        student_id = self.picker.student_id()
        if student_id is None:
            return False
        self.owner.student_id, self.owner.student_name = student_id, self.picker.student_name()
        return True


class DetailsPage(QWizardPage):
    """办理信息: the procedure's own questions (RequestForm.build, from the kind's request), under the article they
    come from."""

    def __init__(self, wizard: ProcedureWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("办理信息")
        self.built_for: int | None = None
        self.intro = QLabel(wizard.form.intro)
        self.intro.setWordWrap(True)
        self.fields = QFormLayout()
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.fields)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self.setSubTitle(
            f"学生：{self.owner.student_name}" if self.owner.form.picks_student else "转入学生的信息"
        )
        if self.built_for != self.owner.student_id or self.fields.rowCount() == 0:
            while self.fields.rowCount():
                self.fields.removeRow(0)
            self.owner.form.build(self.fields, self.owner.student_id)
            self.built_for = self.owner.student_id
            self.prefill_changes()

    def prefill_changes(self) -> None:
        """信息变更 opened for one student with new values (R14.1): each change row starts with a field and its new
        value, for the clerk to check; a field the page does not offer is left for the clerk to choose."""
        rows = self.owner.form.widgets.get("new_values") if self.owner.new_values else None
        if not rows:
            return
        free = list(rows)
        for key, new in self.owner.new_values.items():
            if not free:
                return
            field, value = free[0]
            index = next((i for i in range(field.count()) if (field.itemData(i) or (None,))[0] == key), -1)
            if index < 0:
                continue
            free.pop(0)
            field.setCurrentIndex(index)
            value.setText(new.isoformat() if isinstance(new, date) else "" if new is None else str(new))


class ProofsPage(QWizardPage):
    """证明材料: one line per proof the rule names — choose the scan (PDF or photo), see it, change it."""

    def __init__(self, wizard: ProcedureWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("证明材料")
        self.setSubTitle(
            "请选择扫描件（PDF）或照片（JPG、PNG）；文件会复制保存到本机学籍数据中，原文件移动或删除也不影响。"
        )
        self.grid = QGridLayout()
        layout = QVBoxLayout(self)
        layout.addLayout(self.grid)
        layout.addStretch(1)
        self.chosen: dict[int, ProofFile] = {}
        self.kinds: dict[int, QComboBox | str] = {}

    def initializePage(self) -> None:
        while self.grid.count():
            widget = self.grid.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.chosen, self.kinds = {}, {}
        requirements = self.owner.form.requirements()
        if not requirements:
            self.grid.addWidget(QLabel("这项手续不需要上传证明材料。"), 0, 0)
        first_row = 0
        printed = self.form_to_sign()
        if printed and requirements:  # the form is signed before its scan can be attached (第二十二条)
            self.print_button = QPushButton(f"打印《{printed}》（已填好，供签字）…")
            self.print_button.clicked.connect(self.print_form)
            self.grid.addWidget(self.print_button, 0, 0, 1, 4)
            first_row = 1
        for index, alternatives in enumerate(requirements):  # proofs are numbered from 0 whatever sits above
            row = index + first_row
            if len(alternatives) > 1:
                kind = QComboBox()
                kind.addItems(list(alternatives))
                self.grid.addWidget(kind, row, 0)
            else:
                kind = alternatives[0]
                self.grid.addWidget(QLabel(kind), row, 0)
            self.kinds[index] = kind
            shown = QLabel("（未选择）")
            shown.setObjectName(f"proof{index}")
            thumb = QLabel()
            thumb.setFixedSize(64, 64)
            thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
            button = QPushButton("选择文件…")
            button.clicked.connect(lambda _=False, r=index, s=shown, t=thumb: self._choose(r, s, t))
            self.grid.addWidget(button, row, 1)
            self.grid.addWidget(thumb, row, 2)
            self.grid.addWidget(shown, row, 3)

    def form_to_sign(self) -> str | None:
        """The form this kind prints (its registry entry names it), if any."""
        forms = self.owner.form.kind.forms
        return forms[0] if forms else None

    def print_form(self) -> Path | None:
        """The kind's form filled from the answers given so far, in the print preview, before anything is saved."""
        from xueji_desktop.ui.printing.actions import Printing

        printed = self.form_to_sign() or "表格"
        return Printing(self.owner.store, self).request_form(self.owner.form.request(), printed)

    def _choose(self, row: int, shown: QLabel, thumb: QLabel) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "选择证明材料", "", "扫描件或照片 (*.pdf *.jpg *.jpeg *.png *.bmp *.tif *.tiff)"
        )
        if path:
            self.attach(row, Path(path), shown, thumb)

    def attach(self, row: int, path: Path, shown: QLabel | None = None, thumb: QLabel | None = None) -> bool:
        """Take `path` for requirement `row` (the file dialog's answer; tests call it directly)."""
        checked = run(self, "证明材料", lambda: file_type(path))
        if not checked.ok or checked.value is None:
            return False
        kind_of_file = checked.value
        kind = self.kinds[row]
        self.chosen[row] = ProofFile(kind.currentText() if isinstance(kind, QComboBox) else kind, path)
        shown = shown or self.findChild(QLabel, f"proof{row}")
        if shown is not None:
            shown.setText(path.name)
        if thumb is not None:
            picture = QPixmap(str(path)) if kind_of_file != "pdf" else pdf_thumbnail(path, 64, 64)
            if picture.isNull():
                thumb.setText("PDF" if kind_of_file == "pdf" else kind_of_file.upper())
            else:
                thumb.setPixmap(picture.scaled(64, 64, Qt.AspectRatioMode.KeepAspectRatio))
        return True

    def proofs(self) -> list[ProofFile]:
        result = []
        for row, proof in self.chosen.items():
            kind = self.kinds[row]
            result.append(ProofFile(kind.currentText() if isinstance(kind, QComboBox) else kind, proof.path))
        return result


class ReviewPage(QWizardPage):
    """核对: every finding of the rules, the decisions they need, then 「办理」."""

    def __init__(self, wizard: ProcedureWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("核对")
        self.findings_label = QLabel()
        self.findings_label.setWordWrap(True)
        self.findings_label.setTextFormat(Qt.TextFormat.RichText)
        self.confirm = QCheckBox("以上提示已阅读并核实，确认办理")
        self.approval = QLineEdit()
        self.approval.setPlaceholderText("学籍管理部门同意例外办理的批准文号")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("例外办理的原因（将随手续一起保存）")
        self.exception_box = QWidget()
        exception = QFormLayout(self.exception_box)
        exception.addRow("批准文号", self.approval)
        exception.addRow("原因", self.reason)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.findings_label)
        layout.addWidget(self.exception_box)
        layout.addWidget(self.confirm)
        layout.addStretch(1)
        for signal in (self.confirm.toggled, self.approval.textChanged, self.reason.textChanged):
            signal.connect(lambda *_: self.completeChanged.emit())
        self.findings = []

    def initializePage(self) -> None:
        if not self.owner.form.picks_student:
            self.owner.student_name = self.owner.form.student_name()
        self.summary.setText(self._summary())
        self.findings = self._preview()
        blocks = [f for f in self.findings if f.blocks]
        warnings = [f for f in self.findings if not f.blocks]
        lines = []
        for finding in self.findings:
            colour = BLOCK_COLOUR if finding.blocks else WARN_COLOUR
            mark = ("不能办理" if not finding.overridable else "原则上不能办理") if finding.blocks else "提示"
            lines.append(f'<p style="color:{colour}">【{mark}】{finding.text}</p>')
        if not self.findings:
            lines.append(f"<p>已核对《细则》的有关规定，没有发现问题，可以办理{self.owner.form.label}。</p>")
        self.findings_label.setText("".join(lines))
        self.exception_box.setVisible(bool(blocks) and all(f.overridable for f in blocks))
        self.confirm.setVisible(bool(warnings))
        self.confirm.setChecked(False)
        self.setSubTitle(f"{self.owner.student_name}：{self.owner.form.label}")

    def _summary(self) -> str:
        """What will be done, as the clerk entered it: the student, each answer of 办理信息, the proofs chosen."""
        lines = [f"<b>学生</b>：{self.owner.student_name}"]
        fields = self.owner.details_page.fields
        for row in range(fields.rowCount()):
            label = fields.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = fields.itemAt(row, QFormLayout.ItemRole.FieldRole)
            shown = _shown(field.widget()) if field is not None else ""
            if shown:
                title = label.widget().text() if label is not None and label.widget() is not None else ""
                lines.append(f"<b>{title}</b>：{shown}" if title else shown)
        proofs = self.owner.proofs_page.proofs()
        lines.append("<b>证明材料</b>：" + ("、".join(f"{p.kind}（{p.path.name}）" for p in proofs) or "无"))
        return "<br>".join(lines) + "<hr>"

    def _preview(self) -> list:
        """Every finding the rules have for the procedure as filled in, nothing written (Decision(preview=True)).
        A refusal with findings (a student in no class …) is shown here as findings too; one without is told."""

        def preview() -> list:
            try:
                self.owner.form.submit(
                    self.owner.student_id, self.owner.proofs_page.proofs(), Decision(preview=True)
                )
            except FindingsPreview as answer:
                return answer.findings
            return []

        refused: list = []

        def in_place(refusal: DomainError) -> None:
            if refusal.findings:
                refused.extend(refusal.findings)
            else:
                messages.show_refusal(self, f"不能办理{self.owner.form.label}", refusal)

        outcome = run(self, f"办理{self.owner.form.label}", preview, on_refusal=in_place)
        return outcome.value if outcome.ok and outcome.value is not None else refused

    def decision(self) -> Decision:
        return Decision(
            confirmed=self.confirm.isChecked(),
            approval_number=self.approval.text(),
            reason=self.reason.text(),
        )

    def isComplete(self) -> bool:
        blocks = [f for f in self.findings if f.blocks]
        if blocks and not (
            all(f.overridable for f in blocks) and self.approval.text().strip() and self.reason.text().strip()
        ):
            return False
        return self.confirm.isChecked() or not any(not f.blocks for f in self.findings)

    def validatePage(self) -> bool:
        proofs, decision = self.owner.proofs_page.proofs(), self.decision()
        opening = run(  # the 异动 tab announces what changed once the wizard is done
            self,
            f"不能办理{self.owner.form.label}",
            lambda: self.owner.form.submit(self.owner.student_id, proofs, decision),
        )
        if not opening.ok:
            return False
        self.owner.procedure_id = opening.value
        return True


def _shown(widget: QWidget | None) -> str:
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QCheckBox):
        return widget.text() if widget.isChecked() else ""
    if isinstance(widget, QLabel | QLineEdit):
        return widget.text()
    if widget is not None and hasattr(widget, "text"):
        return widget.text()  # date and number editors
    return ""
