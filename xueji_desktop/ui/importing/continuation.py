"""初一/高一新生学籍转接 (第十五条, R15.1): the import wizard in its third mode, beside 新生 and 本校现有学生, offered
from the 新生建籍 tab.

选择文件 → 对应列 → 检查结果 → 入学日期与班级 → 确认: the existing-students wizard's pages, with the plan made by
services.continuation.plan_continuation and written by commit_continuation. The fourth page asks the entry date
(入学之日, from which 第十五条's days count) and shows the deadline it gives and the classes of 初一/高一 the file
names, those the commit will create marked 新建 (R12.1). A school without grade 7 or 10 is told so before the wizard
opens (open_continuation_import).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import cast

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QHBoxLayout, QLabel, QVBoxLayout, QWidget, QWizardPage

from xueji_desktop.errors import DomainError
from xueji_desktop.rules.enrolment import continuation_deadline
from xueji_desktop.rules.stages import GRADE_NAMES
from xueji_desktop.services.continuation import (
    ContinuationPlan,
    commit_continuation,
    continuation_days,
    default_entry_date,
    plan_continuation,
    school_grades,
)
from xueji_desktop.services.student_import import ImportResult
from xueji_desktop.spreadsheets.template import ColumnSpec
from xueji_desktop.store import Store
from xueji_desktop.ui.common.operations import CLASSES, ENROLMENT, STUDENTS, Outcome, run
from xueji_desktop.ui.importing.existing import ExistingCheckPage, ExistingClassPage, ExistingImportWizard

WINDOW_TITLE = "初一/高一新生学籍转接"


def _names(levels: tuple[int, ...]) -> str:
    return "、".join(GRADE_NAMES[level] for level in levels) or "初一、高一"


class ContinuationCheckPage(ExistingCheckPage):
    """检查结果, counted as 初一/高一新生 coming with their 学籍号."""

    def who(self, plan) -> str:
        return f"{_names(plan.grades if isinstance(plan, ContinuationPlan) else ())}新生"


class ContinuationPage(ExistingClassPage):
    """入学日期与班级: the entry date (第十五条's days count from it) with the deadline it gives, and the classes."""

    def __init__(self, wizard: ContinuationImportWizard):
        super().__init__(wizard)
        self.setTitle("入学日期与班级")
        self.setSubTitle(
            "新生学籍转接须自入学之日起限期办结（《细则》第十五条）。请核对入学日期；"
            "新生编入文件中写明的班级，本校还没有的班级将在导入时新建。"
        )
        self.entry = QDateEdit()
        self.entry.setCalendarPopup(True)
        self.entry.setDisplayFormat("yyyy-MM-dd")
        self.entry.setMinimumWidth(140)
        self.entry.dateChanged.connect(lambda _d: self._show_deadline())
        self.deadline = QLabel()
        self.deadline.setStyleSheet("font-weight: bold;")
        row = QHBoxLayout()
        row.addWidget(QLabel("入学日期："))
        row.addWidget(self.entry)
        row.addSpacing(16)
        row.addWidget(self.deadline, 1)
        cast(QVBoxLayout, self.layout()).insertLayout(0, row)
        self._entry_set = False

    @property
    def entry_date(self) -> date:
        return self.entry.date().toPython()  # type: ignore[return-value]

    def set_entry_date(self, day: date) -> None:
        self.entry.setDate(QDate(day.year, day.month, day.day))
        self._entry_set = True

    def initializePage(self) -> None:
        if not self._entry_set:
            self.set_entry_date(default_entry_date(self.owner.store))
        plan = self.owner.plan
        if not isinstance(plan, ContinuationPlan):
            return
        self.preview.set_rows(list(plan.classes))
        made = plan.new_classes
        placed = len(plan.new_records) - plan.unplaced
        text = f"{placed}名新生编入{len(plan.classes)}个班级，其中新建{len(made)}个" + (
            f"：{'、'.join(c.name for c in made)}。" if made else "。"
        )
        if plan.unplaced:
            text += f"另有{plan.unplaced}名文件中没有写班级，暂不分班，导入后可在“名册”中调班。"
        self.overview.setText(text)
        self._show_deadline()

    def _show_deadline(self) -> None:
        days = continuation_days()
        deadline = continuation_deadline(self.entry_date, days)
        self.deadline.setText(f"须在 {deadline:%Y-%m-%d} 前转接完成（入学之日起{days}天）")
        self.statuses.setText(
            "这些新生已有学籍号（由原学校的学籍带来，终身不变），不再走新建学籍的步骤：导入后在“新生建籍”页"
            "逐人跟进，在省级学籍系统中接收并审核通过后，标记“转接完成”。"
        )

    def isComplete(self) -> bool:
        plan = self.owner.plan
        return isinstance(plan, ContinuationPlan) and bool(plan.new_records)


class ContinuationImportWizard(ExistingImportWizard):
    """ExistingImportWizard with the 转接 plan, its check page and its 入学日期与班级 page."""

    TITLE = WINDOW_TITLE
    FILE_SUBTITLE = (
        "选择省级学籍系统中分配到本校的初一/高一新生名单，或按学生信息模板填写、另加学籍号和班级两列的表格"
        "（可再加年级、原学校）。此时不会写入任何数据。"
    )

    def make_check_page(self) -> QWizardPage:
        return ContinuationCheckPage(self)

    def make_class_page(self) -> QWizardPage:
        self.continuation_page = ContinuationPage(self)
        return self.continuation_page

    @property
    def entry_date(self) -> date:
        return self.continuation_page.entry_date

    def read_plan(
        self, path: Path, sheet: str | None, columns: list[ColumnSpec | None] | None
    ) -> ContinuationPlan:
        return plan_continuation(self.store, path, sheet=sheet, columns=columns)

    def commit(self, on_refusal: Callable[[DomainError], None]) -> Outcome[ImportResult]:
        plan, valid_only, entry = self.plan, self.valid_only, self.entry_date
        assert isinstance(plan, ContinuationPlan)
        return self._commit(
            "导入新生学籍转接",
            lambda progress: commit_continuation(
                self.store, plan, entry_date=entry, valid_only=valid_only, progress=progress
            ),
            changes={STUDENTS, CLASSES, ENROLMENT},
            on_refusal=on_refusal,
        )

    def describe(self) -> str:
        plan = self.plan
        if not isinstance(plan, ContinuationPlan):
            return ""
        days = continuation_days()
        deadline = continuation_deadline(self.entry_date, days)
        lines = [f"文件：{plan.path.name}（工作表“{plan.table.sheet_name}”）"]
        lines.append(
            f"导入{_names(plan.grades)}新生：{len(plan.new_records)}名（学籍号照文件保留，学籍状态为在读）"
        )
        made = plan.new_classes
        lines.append(f"新建班级：{'、'.join(c.name for c in made)}" if made else "新建班级：无")
        if plan.unplaced:
            lines.append(f"暂不分班：{plan.unplaced}名")
        lines += self.skipped_lines()
        lines.append(
            f"入学日期：{self.entry_date:%Y-%m-%d}。每名新生记一条“新生学籍转接”异动（待审核），"
            f"须在{deadline:%Y-%m-%d}前转接完成（《细则》第十五条：入学之日起{days}天内）；"
            "进度在“新生建籍”页跟进。"
        )
        return "\n\n".join(lines)

    @staticmethod
    def done_text(result: ImportResult) -> str:
        return f"已导入初一/高一新生{result.created}名（学籍转接）"


def open_continuation_import(store: Store, parent: QWidget) -> ContinuationImportWizard | None:
    """The wizard, once the school is known to take 初一/高一新生 by 转接 (a primary school is told why not, R15.1)."""
    if not run(parent, WINDOW_TITLE, lambda: school_grades(store)).ok:
        return None
    wizard = ContinuationImportWizard(store, parent=parent)
    wizard.exec()  # announces STUDENTS, CLASSES and ENROLMENT
    return wizard
