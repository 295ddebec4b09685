"""导入体质健康成绩 (第二十九条, R29.1): the import wizard in its fitness mode, offered from 名册 beside 导入新生 and
导入现有学生, so the registrar brings in each 学年's 《国家学生体质健康标准》 results without the command line.

选择文件 → 检查结果 → 确认导入: the new-student wizard's pages (ui/importing/pages.py) with the plan made by
services.fitness.plan_import — columns are found by their names (身份证件号 or 学籍号, 学年, 总分, 等级), so there is
no 对应列 page — and written by commit_import through the runner, off the UI thread. A file that cannot be read or
lacks a column is one red line on the first page and nothing is written; rows with errors (an unknown student, a 总分
out of range, a 等级 that does not match the 总分) are listed with their row and column, go to the error workbook, and
are left out only when the clerk ticks 「只导入没有错误的行」. The commit announces STUDENTS: an open student dialog's
体质健康 tab shows the new results.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QWidget, QWizardPage

from xueji_desktop.errors import DomainError
from xueji_desktop.models.terms import school_year_name
from xueji_desktop.services import fitness
from xueji_desktop.spreadsheets.template import ColumnSpec
from xueji_desktop.store import Store
from xueji_desktop.ui.common.operations import STUDENTS, Outcome
from xueji_desktop.ui.importing.pages import ERROR, CheckPage, ConfirmPage, FilePage, ProblemRow
from xueji_desktop.ui.importing.wizard import ImportWizard

WINDOW_TITLE = "导入体质健康成绩"


class FitnessFilePage(FilePage):
    CHOOSE_TITLE = "选择体质健康测试成绩"
    TIP = (
        "提示：表格上方的标题行不影响读取。须有“身份证件号”（或“学籍号”）、“学年”、“总分”、“等级”各列，"
        "“身份证号”“全国学籍号”“总分等级”等常见写法也能识别；其他列（姓名、各项目成绩……）不导入。"
    )

    def __init__(self, wizard: FitnessImportWizard):
        super().__init__(wizard)
        self.setSubTitle(
            "选择体育组或上级下发的《国家学生体质健康标准》测试成绩（Excel 文件 .xlsx 或 .xls）。"
            "此时不会写入任何数据。"
        )

    def table_info(self, plan) -> str:
        return (
            f"工作表“{plan.table.sheet_name}”：表头在第{plan.table.header_row_number}行，"
            f"共{len(plan.table.headers)}列，{len(plan.table.rows)}行成绩。"
        )


class FitnessCheckPage(CheckPage):
    """检查结果: each problem with its row, column and message; no 疑似重复 or updates (a result names its student)."""

    def __init__(self, wizard: FitnessImportWizard):
        super().__init__(wizard)
        self.setSubTitle(
            "每一行都已核对：学生是否在本校、学年、总分（0至120分）、等级与总分是否相符。"
            "有错误的行可导出错误清单，改正后重新导入。"
        )
        self.tabs.setTabVisible(1, False)  # 疑似重复
        self.tabs.setTabVisible(2, False)  # 将更新的学生
        self.kind_combo.hide()  # every line is an error: nothing to choose between
        self.problem_view.setColumnHidden(1, True)  # 类型
        self.filter_edit.setPlaceholderText("筛选：输入行号、列名或问题中的字")

    def show_plan(self) -> None:
        plan = self.owner.plan
        if not isinstance(plan, fitness.ImportPlan):
            return
        rows = [ProblemRow(ERROR, p.row_number, p.header, p.value, p.message, p.hint) for p in plan.problems]
        self.model.set_rows(rows)
        self.proxy.sort(
            self.problem_view.horizontalHeader().sortIndicatorSection(),
            self.problem_view.horizontalHeader().sortIndicatorOrder(),
        )
        self.tabs.setTabText(0, f"问题清单（{len(rows)}）")
        unchanged = len(plan.unchanged_rows)
        errors = f"有错误{len(plan.error_rows)}行（{len(rows)}处）" if rows else "没有错误"
        self.summary.setText(
            f"共{len(plan.table.rows)}行：可记录{len(plan.new_rows)}条成绩，{errors}"
            + (f"；另有{unchanged}行与已记录的成绩相同，无需再导入" if unchanged else "")
            + "。"
        )
        self.export_button.setEnabled(bool(rows))
        self.valid_only.setEnabled(bool(rows))
        self._show_state()

    def why_incomplete(self) -> str:
        plan = self.owner.plan
        if not isinstance(plan, fitness.ImportPlan):
            return "请先选择文件。"
        if plan.problems and not self.valid_only.isChecked():
            return (
                f"有{len(plan.error_rows)}行错误，不能全部导入：请导出错误清单、改正后重新选择文件，"
                "或勾选“只导入没有错误的行”（有错误的行这次不导入）。"
            )
        if not plan.new_rows:
            return "没有要记录的新成绩（没有无错误的行，或都与已记录的成绩相同）。"
        return ""


class FitnessConfirmPage(ConfirmPage):
    CANCELLED = "已取消导入，没有写入任何成绩。"

    def __init__(self, wizard: FitnessImportWizard):
        super().__init__(wizard)
        self.setSubTitle("点击“完成”后一次写入；中途取消或出错则一条成绩也不写入。")


class FitnessImportWizard(ImportWizard):
    """ImportWizard with the fitness plan (services/fitness.py) and its three pages."""

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(store, parent)
        self.setWindowTitle(WINDOW_TITLE)
        self.setMinimumSize(760, 520)
        self.resize(900, 640)

    def make_pages(self) -> list[QWizardPage]:
        self.file_page = FitnessFilePage(self)
        self.check_page = FitnessCheckPage(self)
        self.confirm_page = FitnessConfirmPage(self)
        return [self.file_page, self.check_page, self.confirm_page]

    def choose_classes(self, grade_level: int | None, mode: str | None) -> None:
        """Results go to students already in their classes: nothing to choose."""

    def read_plan(
        self, path: Path, sheet: str | None, columns: list[ColumnSpec | None] | None
    ) -> fitness.ImportPlan:
        return fitness.plan_import(self.store, path, sheet=sheet)

    def commit(self, on_refusal: Callable[[DomainError], None]) -> Outcome:
        plan, valid_only = self.plan, self.valid_only
        assert isinstance(plan, fitness.ImportPlan)
        return self._commit(
            WINDOW_TITLE,
            lambda _progress: fitness.commit_import(self.store, plan, valid_only=valid_only),
            changes={STUDENTS},
            on_refusal=on_refusal,
        )

    def describe(self) -> str:
        plan = self.plan
        if not isinstance(plan, fitness.ImportPlan):
            return ""
        rows = plan.new_rows
        years = "、".join(school_year_name(y) for y in sorted({r.school_year for r in rows}))
        students = len({r.student_id for r in rows})
        lines = [f"文件：{plan.path.name}（工作表“{plan.table.sheet_name}”）"]
        lines.append(f"记录成绩：{len(rows)}条，{students}名学生" + (f"（{years}）" if years else ""))
        if plan.unchanged_rows:
            lines.append(f"不再记录：{len(plan.unchanged_rows)}行与已记录的成绩相同")
        lines += self.skipped_lines()
        lines.append(
            "成绩只增不改：同一学生同一学年再次导入的成绩另记一条，以最新的一条为准。"
            "未达体质健康合格标准、又不是体育免修的学生，毕业时不发毕业证书（《细则》第二十九条）。"
        )
        return "\n\n".join(lines)

    def result_text(self, result) -> str:
        """How many results were recorded and how many rows were skipped, in one line."""
        parts = [f"已记录体质健康成绩{result.recorded}条"]
        if result.unchanged:
            parts.append(f"{result.unchanged}行与已记录的成绩相同，未重复记录")
        skipped = len(result.skipped_rows)
        parts.append(f"跳过有错误的{skipped}行" if skipped else "没有跳过的行")
        return "；".join(parts) + "。"
