"""导入新生名单: the wizard that turns an admissions list in Excel into new students.

选择文件 → 对应列 → 检查结果 → 编班 → 确认. The wizard keeps the current plan (services.student_import.plan_import) and
the class plan (plan_classes), each made off the UI thread through the one runner (ui/common/operations.py); the pages
(ui/importing/pages.py) show them and ask, and show a refusal on the page that asked. Nothing is written until 完成, and then all rows — or only the valid ones — go in
one transaction (commit_import); cancelling at any point, or during the commit, writes no student. Only the column
mapping is kept as soon as the clerk confirms it (对应列's 下一步), so a cancelled import still remembers it. The 编班
page asks the 入学日期 (R10.3's 30 days count from it) and the 学号 scheme.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

from PySide6.QtWidgets import QWidget, QWizard, QWizardPage

from xueji_desktop.errors import DomainError
from xueji_desktop.services.student_import import (
    ClassPlan,
    ImportPlan,
    ImportResult,
    commit_import,
    default_enrolment_date,
    number_scheme,
    plan_classes,
    plan_import,
    remember_mapping,
)
from xueji_desktop.spreadsheets.template import ColumnSpec
from xueji_desktop.store import Store
from xueji_desktop.ui.common.messages import show_error
from xueji_desktop.ui.common.operations import CLASSES, ENROLMENT, STUDENTS, Outcome, run
from xueji_desktop.ui.importing.pages import CheckPage, ClassPage, ConfirmPage, FilePage, MappingPage

WINDOW_TITLE = "导入新生名单"
T = TypeVar("T")


class ImportWizard(QWizard):
    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.path: Path | None = None
        self.sheet: str | None = None
        self.columns: list[ColumnSpec | None] | None = (
            None  # the clerk's mapping; None: found by name/remembered
        )
        self.plan: ImportPlan | None = None
        self.class_plan: ClassPlan | None = None
        self.import_result: ImportResult | None = None
        self.enrolment_date: date | None = None  # asked on the 编班 page; None: default_enrolment_date
        self.number_scheme: str | None = None  # the 学号 scheme the clerk set; None: the school's, unchanged

        self.setWindowTitle(WINDOW_TITLE)
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        for page in self.make_pages():
            self.addPage(page)
        self.setMinimumSize(860, 600)
        self.resize(1000, 700)

    def make_pages(self) -> list[QWizardPage]:
        """The pages in order, each kept as an attribute (another kind of list makes its own: ui/importing/fitness.py)."""
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.check_page = CheckPage(self)
        self.class_page = ClassPage(self)
        self.confirm_page = ConfirmPage(self)
        return [self.file_page, self.mapping_page, self.check_page, self.class_page, self.confirm_page]

    # --- choices (the pages call these; so do tests) --------------------------------------------------------------

    def choose_file(self, path: Path | str) -> bool:
        """Read and check the file; its one-line reason shows in red on page 1 when it cannot be read."""
        self.path, self.sheet, self.columns = Path(path), None, None
        message = self._plan()
        self.file_page.show_plan(message)
        return self.plan is not None

    def choose_sheet(self, name: str) -> bool:
        self.sheet, self.columns = name, None
        message = self._plan()
        self.file_page.show_plan(message)
        return self.plan is not None

    def choose_columns(self, columns: list[ColumnSpec | None]) -> None:
        """Plan again with the clerk's mapping; on failure the previous mapping and plan stay."""
        before = (self.columns, self.plan, self.class_plan)
        self.columns = list(columns)
        message = self._plan()
        if self.plan is None:
            self.columns, self.plan, self.class_plan = before
            if message:
                show_error(self, "对应列", message)
        self.mapping_page.show_plan()

    def confirm_columns(self) -> bool:
        """The clerk confirmed the mapping (对应列's 下一步): remember it now, for the next file of the same shape,
        whatever happens to this import. A failure to keep it is told but does not hold the clerk back."""
        plan = self.plan
        if plan is not None:
            run(self, "记住列对应关系", lambda: remember_mapping(self.store, plan))
        return True

    def proposed_enrolment_date(self) -> date:
        """The 入学日期 proposed: the current term's first day (default_enrolment_date), else today."""
        outcome = run(self, "入学日期", lambda: default_enrolment_date(self.store))
        return outcome.value if outcome.ok else date.today()

    def school_number_scheme(self) -> str:
        """The 学号 scheme in force (「」: none)."""
        if self.number_scheme is not None:
            return self.number_scheme
        outcome = run(self, "学号编排", lambda: number_scheme(self.store))
        return outcome.value if outcome.ok else ""

    def choose_classes(self, grade_level: int | None, mode: str | None) -> None:
        plan = self.plan
        if plan is None:
            return
        outcome = run(
            self,
            "编班",
            _checked(lambda progress: plan_classes(self.store, plan, grade_level=grade_level, mode=mode)),
            long="正在编班",
        )
        if outcome.ok:
            self.class_plan = outcome.value

    @property
    def valid_only(self) -> bool:
        return self.check_page.valid_only.isChecked()

    # --- work off the UI thread -----------------------------------------------------------------------------------

    def _plan(self) -> str | None:
        """Plan the current file/sheet/columns; None when done, else why not (self.plan is then None)."""
        path, sheet, columns = self.path, self.sheet, self.columns
        self.class_plan = None
        if path is None:
            self.plan = None
            return None
        refused: list[DomainError] = []  # shown on the page that asked, not in a box
        outcome = run(
            self,
            "读取文件",
            _checked(lambda progress: self.read_plan(path, sheet, columns)),
            long="正在读取文件",
            on_refusal=refused.append,
        )
        self.plan = outcome.value if outcome.ok else None
        if refused:
            return f"无法读取：{refused[0]}"
        if outcome.cancelled:
            return "已取消读取，请重新选择文件。"
        return None  # done, or a fault the runner has logged and told

    def read_plan(self, path: Path, sheet: str | None, columns: list[ColumnSpec | None] | None) -> ImportPlan:
        """The plan of the file (off the UI thread): new students here, existing ones in ExistingImportWizard."""
        return plan_import(self.store, path, sheet=sheet, columns=columns)

    def commit(self, on_refusal: Callable[[DomainError], None]) -> Outcome[ImportResult]:
        """Write everything confirmed, in one transaction; a refusal (ImportRefused, ImportFileError, a full disk)
        goes to `on_refusal`, and nothing is written then, nor when the clerk cancelled."""
        plan, class_plan, valid_only = self.plan, self.class_plan, self.valid_only
        entered, scheme = self.enrolment_date, self.number_scheme
        assert plan is not None
        class_of_row = dict(class_plan.class_of_row) if class_plan else {}
        return self._commit(
            "导入新生",
            lambda progress: commit_import(
                self.store,
                plan,
                valid_only=valid_only,
                class_of_row=class_of_row,
                enrolment_date=entered,
                number_scheme=scheme,
                progress=progress,
            ),
            changes={STUDENTS, CLASSES, ENROLMENT},
            on_refusal=on_refusal,
        )

    def _commit(
        self,
        title: str,
        work: Callable[[Callable[[int, int], None]], ImportResult],
        *,
        changes: set[str],
        on_refusal: Callable[[DomainError], None],
    ) -> Outcome[ImportResult]:
        """Run the commit `work` through the runner (its wait message 正在`title`); its result is kept for the page."""
        outcome = run(self, title, work, long=f"正在{title}", changes=changes, on_refusal=on_refusal)
        if outcome.ok:
            self.import_result = outcome.value
        return outcome

    # --- words ----------------------------------------------------------------------------------------------------

    def describe(self) -> str:
        """What 完成 will write, in the clerk's words."""
        plan = self.plan
        if plan is None:
            return ""
        lines = [f"文件：{plan.path.name}（工作表“{plan.table.sheet_name}”）"]
        created = len(plan.new_records)
        placed = ""
        if self.class_plan is not None and self.class_plan.preview:
            counts = [
                f"{p.name} {p.size_after - p.size_before}名"
                for p in self.class_plan.preview
                if p.size_after > p.size_before
            ]
            unplaced = created - sum(p.size_after - p.size_before for p in self.class_plan.preview)
            placed = "，编入" + "、".join(counts) if counts else ""
            if unplaced > 0:
                placed += f"；{unplaced}名暂不分班"
        elif created:
            placed = "，暂不分班"
        lines.append(f"新建学生：{created}名{placed}")
        lines.append(f"更新学生：{len(plan.updates)}名（仍在学籍建立手续中的学生，按上一步列出的改动）")
        lines += self.skipped_lines()
        if created:
            lines.append(
                "每名新生从“信息表已下发”开始学籍建立手续（已签字回收 → 已录入系统 → 审核通过），"
                "须在入学之日起30日内建立学籍（《细则》第十条）。"
            )
            if self.enrolment_date is not None:
                from xueji_desktop.rules.enrolment import enrolment_deadline

                deadline = enrolment_deadline(self.enrolment_date)
                lines.append(f"入学日期：{self.enrolment_date:%Y-%m-%d}，建立学籍期限：{deadline:%Y-%m-%d}")
            if self.number_scheme:
                lines.append(f"学号：编入班级的新生按“{self.number_scheme}”编排")
        lines.append("列对应关系已在“对应列”一步记住，下次同样格式的表格自动套用。")
        return "\n\n".join(lines)

    def skipped_lines(self) -> list[str]:
        """The rows left out, when the clerk chose to import only the valid ones (for describe)."""
        plan = self.plan
        if plan is None or not plan.problems or not self.valid_only:
            return []
        rows = sorted(plan.error_rows)
        shown = "、".join(str(r) for r in rows[:20]) + ("…" if len(rows) > 20 else "")
        return [f"不导入：有错误的{len(rows)}行（第{shown}行）"]

    def result_text(self, result: ImportResult) -> str:
        text = self.done_text(result)
        if result.skipped_rows:
            text += f"；有错误的{len(result.skipped_rows)}行未导入"
        return text + "。"

    @staticmethod
    def done_text(result: ImportResult) -> str:
        """What was written (result_text adds the rows left out)."""
        return f"已导入{result.created}名、更新{result.updated}名"


def _checked(work: Callable[[Callable[[int, int], None]], T]) -> Callable[[Callable[[int, int], None]], T]:
    """`work`, then one more look at 取消: a cancel pressed while the work ran takes effect here (writes nothing)."""

    def checked(progress: Callable[[int, int], None]) -> T:
        result = work(progress)
        progress(0, 0)
        return result

    return checked
