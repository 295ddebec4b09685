"""学年结束 (第十五条、第二十一条、第二十九条): the wizard that ends the school year with the same steps as
`xueji year-end`, through services/year_end.py —

1. 检查（在办业务清理）(check_page.py): what is unfinished, each resolved from the list; no going on while any holds a
   graduation back;
2. 预览: the 办理日期, per grade who graduates, who moves up, who stays (休学) and who is held back, the findings
   (each naming its article); a date before the last term has ended needs 「确认以这一天办理」 (R15.1); the graduates
   R29.1 gives no 毕业证书, with why;
3. 新学年: its two terms (proposed from this year's, editable) and the starting grades' class counts;
4. 确认并办理: the summary, then the run (a backup first, one transaction) through the operation runner, which
   announces every area it changes;
5. 办理结果: the counts, the backup, 毕业生花名册, 套打毕业证书 for the graduates who may receive one, 撤销学年结束.

Nothing is written before page 4's 「办理学年结束」.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from xueji_desktop.errors import DomainError
from xueji_desktop.models.terms import school_year_name
from xueji_desktop.rules.year_end import TermDates
from xueji_desktop.services import year_end
from xueji_desktop.services.year_end import GradePlan, Plan, Result
from xueji_desktop.store import Store
from xueji_desktop.ui.common import operations
from xueji_desktop.ui.common.messages import refusal_text
from xueji_desktop.ui.common.tables import RowsModel, table_view
from xueji_desktop.ui.status_changes.request_forms import date_edit, value_of
from xueji_desktop.ui.year_end.check_page import GREEN, RED, CheckPage
from xueji_desktop.ui.year_end.undo import undo_year_end

TITLE = "学年结束"
AMBER = "QLabel { color: #8a4b00; }"
NOTE = "QLabel { color: #666666; }"
# what the run changes: students' status and class, status changes, classes, the school's years, a backup
RUN_CHANGES = frozenset(
    {
        operations.STUDENTS,
        operations.ENROLMENT,
        operations.CLASSES,
        operations.PROCEDURES,
        operations.BATCHES,
        operations.SCHOOL,
        operations.ARCHIVE,
    }
)


def _blocked_text(grade: GradePlan) -> str:
    if not grade.blocked:
        return "—"
    return f"{len(grade.blocked)}人（{'、'.join(grade.blocked)}）"


GRADE_COLUMNS = (
    ("年级", lambda g: g.name),
    ("处理", lambda g: g.outcome.value),
    ("在读人数", lambda g: g.moving),
    ("升入", lambda g: g.to_name or "—"),
    ("休学留在本年级", lambda g: g.staying or "—"),
    ("未办结", _blocked_text),
    (
        "结业（未发毕业证书）",
        lambda g: len(g.no_diploma) or "—",
    ),
)
NO_DIPLOMA_COLUMNS = (
    ("年级", lambda r: r[0]),
    ("学生", lambda r: r[1]),
    ("原因", lambda r: r[2]),
)


def _label(style: str = "", *, name: str = "") -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    if style:
        label.setStyleSheet(style)
    if name:
        label.setObjectName(name)
    return label


class YearEndWizard(QWizard):
    """The year end's pages; what the clerk chose so far (办理日期, its confirmation, the new terms, the starting
    classes), the last preview and, once run, the result."""

    def __init__(self, store: Store, parent: QWidget | None = None, *, today: date | None = None):
        super().__init__(parent)
        self.store = store
        self.today = today or date.today()
        self.on = self.today
        self.date_confirmed = False
        self.terms: TermDates | None = None
        self.starting_classes: dict[int, int] | None = None
        self.plan: Plan | None = None
        self.result: Result | None = None
        self.setWindowTitle(TITLE)
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "办理学年结束")
        self.check_page = CheckPage(store, self.today)
        self.preview_page = PreviewPage(self)
        self.new_year_page = NewYearPage(self)
        self.confirm_page = ConfirmPage(self)
        self.result_page = ResultPage(self)
        for page in (
            self.check_page,
            self.preview_page,
            self.new_year_page,
            self.confirm_page,
            self.result_page,
        ):
            self.addPage(page)
        self.resize(1080, 720)

    def preview(self, parent: QWidget, *, on_refusal=None) -> Plan | None:
        """The preview of what the clerk chose so far (nothing written); None when refused (told, or `on_refusal`)."""
        on, terms, starting, confirmed = self.on, self.terms, self.starting_classes, self.date_confirmed
        outcome = operations.run(
            parent,
            "预览",
            lambda: year_end.preview(
                self.store, on=on, terms=terms, starting_classes=starting, date_confirmed=confirmed
            ),
            on_refusal=on_refusal,
        )
        if outcome.ok:
            self.plan = outcome.value
        return outcome.value if outcome.ok else None


class PreviewPage(QWizardPage):
    """预览: complete when the preview finds nothing in the way (a date warning confirmed)."""

    def __init__(self, owner: YearEndWizard) -> None:
        super().__init__()
        self.owner = owner
        self.plan: Plan | None = None
        self.setTitle("预览")
        self.setSubTitle(
            "各年级将如何处理：毕业年级毕业，其他年级升入上一年级、班号不变，不留级；休学学生留在原年级，"
            "复学时再定年级（《细则》第十五条、第二十一条）。此时不写入任何数据。"
        )
        self.when: QDateEdit = date_edit(owner.on)
        self.when.dateChanged.connect(lambda *_: self._date_changed())
        when_row = QHBoxLayout()
        when_row.addWidget(QLabel("办理日期："))
        when_row.addWidget(self.when)
        note = QLabel("写在每名学生的毕业、升级记录上")
        note.setStyleSheet(NOTE)
        when_row.addWidget(note)
        when_row.addStretch(1)
        self.heading = _label(name="yearHeading")
        self.grades = RowsModel(GRADE_COLUMNS)
        self.grades_table = table_view(self.grades, (80, 150, 70, 80, 110, 200))
        self.findings = _label(name="previewFindings")
        self.confirm = QCheckBox("确认以这一天办理")
        self.confirm.setToolTip("第二学期尚未结束，仍以上面的办理日期办理学年结束")
        self.confirm.toggled.connect(lambda *_: self._confirm_toggled())
        self.confirm.hide()
        self.no_diploma_label = QLabel(
            "结业、未发毕业证书的毕业生（《细则》第二十九条：体质健康测试不合格且未免修）"
        )
        self.no_diploma = RowsModel(NO_DIPLOMA_COLUMNS)
        self.no_diploma_table = table_view(self.no_diploma, (80, 80))
        self.no_diploma_table.setMaximumHeight(130)
        layout = QVBoxLayout(self)
        layout.addLayout(when_row)
        layout.addWidget(self.heading)
        layout.addWidget(self.grades_table, 2)
        layout.addWidget(self.findings)
        layout.addWidget(self.confirm)
        layout.addWidget(self.no_diploma_label)
        layout.addWidget(self.no_diploma_table, 1)

    def initializePage(self) -> None:
        self.when.blockSignals(True)
        self.when.setDate(date_edit(self.owner.on).date())
        self.when.blockSignals(False)
        self.confirm.blockSignals(True)
        self.confirm.setChecked(self.owner.date_confirmed)
        self.confirm.blockSignals(False)
        self.refresh()

    def _date_changed(self) -> None:
        self.owner.on = value_of(self.when)
        self.confirm.blockSignals(True)  # a confirmation is for the day confirmed
        self.confirm.setChecked(False)
        self.confirm.blockSignals(False)
        self.owner.date_confirmed = False
        self.refresh()

    def _confirm_toggled(self) -> None:
        self.owner.date_confirmed = self.confirm.isChecked()
        self.refresh()

    def refresh(self) -> None:
        self.plan = self.owner.preview(self, on_refusal=self._refused)
        plan = self.plan
        if plan is not None:
            self.heading.setText(f"{plan.ended_name}结束 → {plan.new_name}：{plan.counts_line}")
            self.grades.set_rows(list(plan.grades))
            missing = [(g.name, *entry.split("：", 1)) for g in plan.grades for entry in g.no_diploma]
            self.no_diploma.set_rows(missing)
            self._show_findings(plan)
        else:
            self.grades.set_rows([])
            self.no_diploma.set_rows([])
        shown = bool(self.no_diploma.rowCount())
        self.no_diploma_label.setVisible(shown)
        self.no_diploma_table.setVisible(shown)
        self.completeChanged.emit()

    def _show_findings(self, plan: Plan) -> None:
        only_the_date = bool(plan.findings) and not plan.blocks
        self.confirm.setVisible(only_the_date or self.confirm.isChecked())
        if not plan.findings:
            self.findings.setStyleSheet(GREEN)
            self.findings.setText(
                f"可以办理：{plan.on:%Y-%m-%d}办理，已确认办理日期。"
                if self.confirm.isChecked()
                else "可以办理：没有阻止学年结束的问题。"
            )
            return
        self.findings.setStyleSheet(RED if plan.blocks else AMBER)
        lines = [f.text for f in plan.findings]
        if plan.blocks:
            lines.append("以上问题处理后才能办理学年结束。")
        self.findings.setText("\n".join(lines))

    def _refused(self, refusal: DomainError) -> None:
        self.heading.setText("")
        self.confirm.hide()
        self.findings.setStyleSheet(RED)
        self.findings.setText(refusal_text(refusal, "无法预览"))

    def isComplete(self) -> bool:
        return self.plan is not None and not self.plan.findings


class NewYearPage(QWizardPage):
    """新学年: the two terms' four dates and the starting grades' class counts."""

    def __init__(self, owner: YearEndWizard) -> None:
        super().__init__()
        self.owner = owner
        self.setTitle("新学年")
        self.setSubTitle(
            "新学年的两个学期（按本学年的日期推算，可以修改），以及起始年级的班级数："
            "起始年级在新学年开始时是空班级，等待新生编班；没有班主任的班级在名册中补填。"
        )
        self.heading = _label()
        self.term1_start, self.term1_end = date_edit(owner.today), date_edit(owner.today)
        self.term2_start, self.term2_end = date_edit(owner.today), date_edit(owner.today)
        terms = QGroupBox("学期日期")
        grid = QGridLayout(terms)
        for row, (name, start, end) in enumerate(
            (("第一学期", self.term1_start, self.term1_end), ("第二学期", self.term2_start, self.term2_end))
        ):
            grid.addWidget(QLabel(f"{name}："), row, 0)
            grid.addWidget(start, row, 1)
            grid.addWidget(QLabel("至"), row, 2)
            grid.addWidget(end, row, 3)
        grid.setColumnStretch(4, 1)
        self.classes_group = QGroupBox("起始年级的班级数")
        self.classes_form = QFormLayout(self.classes_group)
        self.classes_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.spins: dict[int, QSpinBox] = {}
        self.problem = _label(RED)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(terms)
        layout.addWidget(self.classes_group)
        layout.addWidget(self.problem)
        layout.addStretch(1)

    def initializePage(self) -> None:
        plan = self.owner.plan
        terms = self.owner.terms or (plan.terms if plan else year_end.proposed_terms(self.owner.store))
        for edit, day in (
            (self.term1_start, terms.term1_start),
            (self.term1_end, terms.term1_end),
            (self.term2_start, terms.term2_start),
            (self.term2_end, terms.term2_end),
        ):
            edit.setDate(date_edit(day).date())
        if plan is not None:
            self.heading.setText(f"新学年：{plan.new_name}（{plan.ended_name}结束后开始）")
            self._fill_classes(plan)
        self.problem.setText("")

    def _fill_classes(self, plan: Plan) -> None:
        while self.classes_form.rowCount():
            self.classes_form.removeRow(0)
        self.spins = {}
        for level, count in plan.starting_classes.items():
            spin = QSpinBox()
            spin.setRange(0, 40)
            spin.setSuffix(" 个班")
            spin.setValue(count)
            spin.setMinimumWidth(110)
            self.classes_form.addRow(f"{plan.grade_names[level]}：", spin)
            self.spins[level] = spin
        self.classes_group.setVisible(bool(self.spins))

    def chosen_terms(self) -> TermDates:
        return TermDates(
            value_of(self.term1_start),
            value_of(self.term1_end),
            value_of(self.term2_start),
            value_of(self.term2_end),
        )

    def validatePage(self) -> bool:
        """The terms and counts checked by a preview with them (a wrong date is told, naming what is wrong)."""
        self.owner.terms = self.chosen_terms()
        self.owner.starting_classes = {level: spin.value() for level, spin in self.spins.items()}
        self.problem.setText("")
        plan = self.owner.preview(self, on_refusal=lambda r: self.problem.setText(refusal_text(r)))
        if plan is None:
            return False
        if plan.findings:  # something changed since the preview page (an item opened meanwhile)
            self.problem.setText("\n".join(f.text for f in plan.findings))
            return False
        return True


class ConfirmPage(QWizardPage):
    """确认并办理: the summary; 「办理学年结束」 runs it (a backup first, one transaction)."""

    def __init__(self, owner: YearEndWizard) -> None:
        super().__init__()
        self.owner = owner
        self.setTitle("确认并办理")
        self.setSubTitle("请核对以下内容，然后点「办理学年结束」。")
        self.setCommitPage(True)
        self.summary = _label(name="yearEndSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addStretch(1)

    def initializePage(self) -> None:
        plan = self.owner.plan
        if plan is None:
            self.summary.setText("")
            return
        terms = plan.terms
        grades = "".join(f"<li>{g.line}</li>" for g in plan.grades)
        starting = "、".join(
            f"{plan.grade_names[level]}{count}个班" for level, count in plan.starting_classes.items()
        )
        self.summary.setText(
            f"<p style='font-size:13pt'><b>{plan.ended_name}结束 → {plan.new_name}</b></p>"
            f"<p>办理日期：{plan.on:%Y-%m-%d}</p>"
            f"<p><b>{plan.counts_line}</b>。</p>"
            f"<ul>{grades}</ul>"
            f"<p>新学年第一学期 {terms.term1_start:%Y-%m-%d} 至 {terms.term1_end:%Y-%m-%d}，"
            f"第二学期 {terms.term2_start:%Y-%m-%d} 至 {terms.term2_end:%Y-%m-%d}；"
            f"起始年级：{starting or '无'}。</p>"
            "<p>办理前自动备份全部数据。每名毕业生、每名升级学生各记一条异动记录；"
            "办理后，在没有做其他操作之前，可以在「学年」菜单中撤销学年结束，恢复到办理前。</p>"
        )

    def validatePage(self) -> bool:
        owner = self.owner
        on, terms, starting, confirmed = owner.on, owner.terms, owner.starting_classes, owner.date_confirmed
        outcome = operations.run(
            self,
            TITLE,
            lambda: year_end.run(
                owner.store, on=on, terms=terms, starting_classes=starting, date_confirmed=confirmed
            ),
            changes=RUN_CHANGES,
            long="正在办理学年结束（先备份数据）……",
            not_done="没有办理学年结束",
        )
        if not outcome.ok:
            return False
        owner.result = outcome.value
        return True


class ResultPage(QWizardPage):
    """办理结果: counts, the backup, and what comes next (毕业生花名册, 套打毕业证书, 撤销)."""

    def __init__(self, owner: YearEndWizard) -> None:
        super().__init__()
        self.owner = owner
        self.diploma_ids: list[int] = []
        self.setTitle("办理结果")
        self.setSubTitle(
            "学年结束已办理。毕业生花名册和毕业证书可以现在打印，也可以以后在「存档」菜单和名册中打印。"
        )
        self.outcome = _label(name="yearEndOutcome")
        self.outcome.setStyleSheet("QLabel { font-size: 12pt; }")
        self.backup = _label(NOTE, name="yearEndBackup")
        self.backup.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.diplomas_note = _label(name="diplomasNote")
        self.roster_button = QPushButton("毕业生花名册…")
        self.diplomas_button = QPushButton("套打毕业证书…")
        self.undo_button = QPushButton("撤销学年结束")
        self.undo_button.setToolTip("恢复到办理学年结束之前（之后没有做其他操作时才可以）")
        for button in (self.roster_button, self.diplomas_button, self.undo_button):
            button.setAutoDefault(False)
        self.roster_button.clicked.connect(lambda: self.print_roster())
        self.diplomas_button.clicked.connect(lambda: self.print_diplomas())
        self.undo_button.clicked.connect(lambda: self.undo())
        buttons = QHBoxLayout()
        buttons.addWidget(self.roster_button)
        buttons.addWidget(self.diplomas_button)
        buttons.addStretch(1)
        buttons.addWidget(self.undo_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.outcome)
        layout.addWidget(self.backup)
        layout.addWidget(self.diplomas_note)
        layout.addSpacing(12)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def initializePage(self) -> None:
        from xueji_desktop.services import fitness

        result = self.owner.result
        if result is None:
            return
        counts = result.counts_line
        self.outcome.setText(
            f"已办理{school_year_name(result.ended_year)}的学年结束：{counts}。"
            f"当前学年为{school_year_name(result.new_year)}。"
        )
        self.backup.setText(f"办理前的备份：{result.backup}")
        outcome = operations.run(  # R29.1: who of the graduates may receive the 毕业证书
            self,
            "毕业证书",
            lambda: fitness.diploma_eligibility(
                self.owner.store, list(result.graduate_ids), school_year=result.ended_year
            ),
        )
        found = outcome.value if outcome.ok else []
        self.diploma_ids = [e.student_id for e in found if e.may_receive]
        refused = [e for e in found if not e.may_receive]
        text = f"可发毕业证书 {len(self.diploma_ids)} 人"
        if refused:
            text += f"；结业、不发毕业证书 {len(refused)} 人（{'、'.join(e.name for e in refused)}，《细则》第二十九条）"
        self.diplomas_note.setText(text + "。")
        self.roster_button.setEnabled(bool(result.graduated))
        self.diplomas_button.setEnabled(bool(self.diploma_ids))

    def print_roster(self) -> None:
        """The year's 毕业生花名册, as 存档 → 毕业生花名册 makes it (the year of the 办理日期)."""
        from xueji_desktop.ui.printing.actions import Printing

        Printing(self.owner.store, self).year_roster("graduate", self.owner.on.year)

    def print_diplomas(self) -> None:
        """The 套打 dialog with the graduates who may receive a 毕业证书 (R29.1)."""
        from xueji_desktop.ui.printing.overlay_dialog import OverlayDialog

        dialog = OverlayDialog(self.owner.store, self, student_ids=self.diploma_ids, issued_on=self.owner.on)
        dialog.exec()
        dialog.deleteLater()

    def undo(self) -> bool:
        if not undo_year_end(self, self.owner.store):
            return False
        self.owner.result = None
        self.outcome.setText("学年结束已撤销，数据已恢复到办理前。")
        self.diplomas_note.setText("")
        for button in (self.roster_button, self.diplomas_button, self.undo_button):
            button.setEnabled(False)
        return True
