"""导入本校现有学生: the import wizard in its "existing students" mode (issue 12 §1), offered from 名册 and as the
setup wizard's last page.

选择文件 → 对应列 → 检查结果 → 班级与学籍状态 → 确认: the new-student wizard's pages, with the plan made by
services.existing_import.plan_existing and written by commit_existing. The fourth page shows the classes the file
names — those the commit will create marked 新建 (R12.1) — and how many students each status has; these students keep
their 学籍号 (R10.4) and start no enrolment steps.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget, QWizardPage

from xueji_desktop.errors import DomainError
from xueji_desktop.services.existing_import import ExistingPlan, commit_existing, plan_existing
from xueji_desktop.services.school_setup import GRADE_NAMES
from xueji_desktop.services.student_import import ImportResult
from xueji_desktop.spreadsheets.template import ColumnSpec
from xueji_desktop.store import Store
from xueji_desktop.ui.common.operations import CLASSES, STUDENTS, Outcome
from xueji_desktop.ui.importing.pages import NOTE_COLOUR, CheckPage, SortedRows, _note, _view
from xueji_desktop.ui.importing.wizard import ImportWizard

WINDOW_TITLE = "导入本校现有学生"
NEW_CLASS = "新建"


class ExistingCheckPage(CheckPage):
    """检查结果, counted as existing students (no updates: a stored student's ID number is an error, R13.1)."""

    def show_plan(self) -> None:
        super().show_plan()
        plan = self.owner.plan
        if plan is None:
            return
        self.summary.setText(
            f"共{len(plan.records)}行：可导入{len(plan.new_records)}名{self.who(plan)}、有错误{len(plan.error_rows)}行、"
            f"疑似重复{len(plan.warnings)}条"
        )
        self.tabs.setTabVisible(2, False)  # 将更新的学生: this import updates no one

    def who(self, plan) -> str:
        """Whom the rows bring in, as the summary names them."""
        return "现有学生"


class ExistingClassPage(QWizardPage):
    """The classes the file names (R12.1: those the school lacks are created) and the statuses kept."""

    def __init__(self, wizard: ExistingImportWizard):
        super().__init__()
        self.owner = wizard
        self.setTitle("班级与学籍状态")
        self.setSubTitle(
            "学生编入文件中写明的年级和班级；本校还没有的班级将在导入时新建。学籍状态（在读、休学……）照文件保留。"
        )
        self.preview = SortedRows(
            [
                ("年级", lambda c: GRADE_NAMES.get(c.grade_level, ""), lambda c: c.grade_level),
                ("班级", lambda c: c.name, lambda c: (c.grade_level, c.number)),
                ("说明", lambda c: NEW_CLASS if c.class_id is None else "已有", lambda c: c.class_id is None),
                ("原人数", lambda c: c.size_before, lambda c: c.size_before),
                ("导入人数", lambda c: c.students, lambda c: c.students),
                ("导入后", lambda c: c.size_before + c.students, lambda c: c.size_before + c.students),
            ],
            colour=lambda c, column: NOTE_COLOUR if column == 2 and c.class_id is None else None,
        )
        self.view = _view(self.preview, (90, 170, 60, 80, 80, 80))
        self.overview = QLabel()
        self.overview.setWordWrap(True)
        self.statuses = _note()
        layout = QVBoxLayout(self)
        layout.addWidget(self.overview)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.statuses)

    def initializePage(self) -> None:
        plan = self.owner.plan
        if not isinstance(plan, ExistingPlan):
            return
        self.preview.set_rows(list(plan.classes))
        made = plan.new_classes
        self.overview.setText(
            f"{len(plan.new_records)}名学生编入{len(plan.classes)}个班级，其中新建{len(made)}个"
            + (f"：{'、'.join(c.name for c in made)}。" if made else "。")
        )
        counts = "、".join(f"{status}{n}名" for status, n in plan.status_counts.items())
        self.statuses.setText(
            f"学籍状态：{counts}。这些学生已有学籍号，学籍已经正式建立，不再走新生的建籍步骤。"
        )

    def isComplete(self) -> bool:
        plan = self.owner.plan
        return isinstance(plan, ExistingPlan) and bool(plan.classes)


class ExistingImportWizard(ImportWizard):
    """ImportWizard with the existing-students plan, its check page and its class page."""

    TITLE = WINDOW_TITLE
    FILE_SUBTITLE = "选择省级学籍系统导出的本校学生信息表，或按学生信息模板填写、另加学籍号、年级、班级和学籍状态四列的表格。"

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(store, parent)
        self.setWindowTitle(self.TITLE)
        self.file_page.setSubTitle(self.FILE_SUBTITLE)

    def make_pages(self) -> list[QWizardPage]:
        """The import's pages with this list's check page and its class page (classes come from the file)."""
        pages = super().make_pages()
        self.check_page = pages[2] = self.make_check_page()
        self.existing_class_page = pages[3] = self.make_class_page()
        return pages

    def make_check_page(self) -> QWizardPage:
        return ExistingCheckPage(self)

    def make_class_page(self) -> QWizardPage:
        return ExistingClassPage(self)

    def choose_classes(self, grade_level: int | None, mode: str | None) -> None:
        """The classes come from the file (plan_existing): nothing to choose."""

    def read_plan(
        self, path: Path, sheet: str | None, columns: list[ColumnSpec | None] | None
    ) -> ExistingPlan:
        return plan_existing(self.store, path, sheet=sheet, columns=columns)

    def commit(self, on_refusal: Callable[[DomainError], None]) -> Outcome[ImportResult]:
        plan, valid_only = self.plan, self.valid_only
        assert isinstance(plan, ExistingPlan)
        return self._commit(
            WINDOW_TITLE,
            lambda progress: commit_existing(self.store, plan, valid_only=valid_only, progress=progress),
            changes={STUDENTS, CLASSES},
            on_refusal=on_refusal,
        )

    def describe(self) -> str:
        plan = self.plan
        if not isinstance(plan, ExistingPlan):
            return ""
        lines = [f"文件：{plan.path.name}（工作表“{plan.table.sheet_name}”）"]
        lines.append(f"导入现有学生：{len(plan.new_records)}名（学籍号、学籍状态照文件保留）")
        made = plan.new_classes
        lines.append(f"新建班级：{'、'.join(c.name for c in made)}" if made else "新建班级：无")
        lines += self.skipped_lines()
        lines.append("这些学生的学籍已正式建立，不走新生的建籍步骤；以后的变动请通过学籍异动和信息变更办理。")
        return "\n\n".join(lines)

    @staticmethod
    def done_text(result: ImportResult) -> str:
        return f"已导入本校现有学生{result.created}名"


class SetupImportPage(QWizardPage):
    """The setup wizard's last page (optional): the school now exists; its current students can come in at once, or
    later from 名册 → 导入现有学生…"""

    def __init__(self, store_of: Callable[[], Store], parent: QWidget | None = None):
        super().__init__(parent)
        self.store_of = store_of
        self.setTitle(WINDOW_TITLE)
        self.setSubTitle(
            "学校已经建好。本校已有学籍的学生（二年级及以上，或各年级的在校生）可以现在一次导入；"
            "也可以点“完成”跳过，以后在“名册”页点“导入现有学生…”。"
        )
        self.start = QPushButton("选择文件，导入现有学生…")
        self.start.setMinimumHeight(36)
        self.start.clicked.connect(self.open_import)
        self.result = _note("", NOTE_COLOUR)
        self.result.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(
            _note(
                "可用的文件：省级学籍系统导出的本校学生信息表，或学生信息模板（71列）另加“学籍号”“年级”“班级”"
                "“学籍状态”四列。班级按文件新建，学籍状态（在读、休学……）照文件保留；导入前会先列出所有问题。"
            )
        )
        row = QHBoxLayout()
        row.addWidget(self.start)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.result)
        layout.addStretch(1)

    def open_import(self) -> None:
        wizard = ExistingImportWizard(self.store_of(), parent=self)
        wizard.exec()
        if wizard.import_result is not None:
            self.result.setText(wizard.result_text(wizard.import_result))
            self.result.show()
