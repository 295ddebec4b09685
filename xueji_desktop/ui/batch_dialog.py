"""「导出上报批次」: the new students (新生) or the status changes (异动) the provincial system still lacks, as its
upload template (services.upload_batches), only for those whose data pass every check; what blocks the others
listed in the dialog — a double-click opens the student at that field, 「导出 Excel…」 writes the list for the class
teachers — and the history of past exports of that kind."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xueji_desktop.errors import DomainError
from xueji_desktop.rules.enrolment import STEPS
from xueji_desktop.services import enrolment, upload_batches
from xueji_desktop.services.upload_batches import BatchBlocked, BatchResult, BlockedStudent
from xueji_desktop.store import Store
from xueji_desktop.ui.common.messages import ask
from xueji_desktop.ui.common.operations import BATCHES, run
from xueji_desktop.ui.common.tables import RowsModel, table_view
from xueji_desktop.ui.roster.completion_actions import add_pending_button

ERROR_STYLE = "QLabel { color: #c0392b; }"
DONE_STYLE = "QLabel { color: #1e7e34; }"


def default_output_path(today: date | None = None, prefix: str = "新生上报") -> Path:
    """新生上报_YYYYMMDD.xlsx in the user's Documents folder; an earlier export of the same day is never replaced."""
    folder = Path(
        QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or Path.home()
    )
    stem = f"{prefix}_{(today or date.today()):%Y%m%d}"
    path, number = folder / f"{stem}.xlsx", 1
    while path.exists():
        number += 1
        path = folder / f"{stem}（{number}）.xlsx"
    return path


def _problem_rows(blocked: list[BlockedStudent]) -> list[tuple[str, str, str, int, str]]:
    """One row per problem ("字段：说明" split in two), the student's name on the first of theirs; then the student's
    id and name for every row (the double-click and the export)."""
    rows = []
    for student in blocked:
        for number, problem in enumerate(student.problems):
            field, _, message = problem.partition("：")
            if not message:  # no field named: the whole text is the problem
                field, message = "", field
            rows.append((student.name if number == 0 else "", field, message, student.id, student.name))
    return rows


def field_of_problem(item: str) -> str | None:
    """The record's field a problem's 项目 names: a template column (户口性质, 成员1现住址 → family.1.address), a
    record field (出生日期), a family member (家庭成员2 身份证件号 → family.2.id_number, 家庭成员2 → family.2)."""
    from xueji_desktop.reference.student_fields import FAMILY_FIELDS, STUDENT_FIELDS
    from xueji_desktop.spreadsheets.template import load_template

    text = item.strip()
    if not text:
        return None
    column = load_template(upload_batches.KIND_NEW_STUDENTS).column_for_header(text)
    if column is not None:
        return column.field
    spec = next((s for s in STUDENT_FIELDS if s.label == text), None)
    if spec is not None:
        return spec.key
    member, _, label = text.partition(" ")
    if member.startswith("家庭成员"):
        number = member.removeprefix("家庭成员")
        key = next((s.key for s in FAMILY_FIELDS if s.label == label), None)
        return "family" if not number.isdigit() else f"family.{number}" + (f".{key}" if key else "")
    return None


def focus_field(dialog, field: str | None) -> bool:
    """Bring the student dialog's tab holding `field` forward and put the cursor in its editor; False when the dialog
    has no editor for it (then the 家庭成员 tab comes forward for a family problem)."""
    editor = None
    parts = (field or "").split(".")
    try:
        if parts[0] == "family":
            members = dialog.member_forms
            if len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) <= len(members):
                member = members[int(parts[1]) - 1]
                editor = member.editor(parts[2]) if len(parts) == 3 else member
        elif field:
            editor = dialog.editor(field)
    except KeyError:
        editor = None
    tabs = dialog.tabs
    if editor is None:
        if parts[0] == "family":
            tabs.setCurrentIndex(next((i for i in range(tabs.count()) if tabs.tabText(i) == "家庭成员"), 0))
        return False
    for index in range(tabs.count()):
        if tabs.widget(index).isAncestorOf(editor):
            tabs.setCurrentIndex(index)
            break
    editor.setFocus()
    return True


class BatchDialog(QDialog):
    def __init__(
        self, store: Store, parent: QWidget | None = None, *, kind: str = upload_batches.KIND_NEW_STUDENTS
    ):
        super().__init__(parent)
        self.store = store
        self.kind = kind
        self.last_result: BatchResult | None = None
        self.problems_shown: list[tuple[str, str, str, int, str]] = []
        changes = kind == upload_batches.KIND_STATUS_CHANGES
        self.setWindowTitle("导出学籍异动上报表" if changes else "导出新生上报批次")
        self.resize(900, 640)

        if changes:
            self.eligible = upload_batches.pending_status_changes(store)
            intro = (
                f"待上报的学籍异动：<b>{self.eligible}</b> 项（已生效，在省级学籍系统中为“待上报”或“已退回”）。"
                "导出的文件按异动上报的各列整理，便于在省级学籍系统中逐项录入或导入。"
                if self.eligible
                else "没有待上报的学籍异动：已生效的异动都已上报。"
            )
        else:
            pending = [row for row in enrolment.new_students(store) if row.step != STEPS[-1]]
            self.eligible = len(pending)
            if pending:
                intro = (
                    f"待上报的新生：<b>{self.eligible}</b> 名（已导入、尚未审核通过）。导出的文件是省级学籍系统的"
                    "新生导入模板，只有信息全部通过检查的学生才能导出。"
                )
            else:
                intro = "没有待上报的新生：所有新生都已审核通过，或还没有导入新生（名册 → 导入新生）。"
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)

        self.path_edit = QLineEdit(str(default_output_path(prefix="异动上报" if changes else "新生上报")))
        browse = QPushButton("选择…")
        browse.clicked.connect(self.choose_output_path)
        self.valid_only = QCheckBox("只导出检查通过的学生")
        self.valid_only.setToolTip("不勾选时，只要有一名学生未通过检查就不导出任何文件")
        self.export_button = QPushButton("导出")
        self.export_button.setDefault(True)
        self.export_button.setEnabled(bool(self.eligible))
        self.export_button.clicked.connect(self.export)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)

        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.blocked_model = RowsModel(
            [("学生", lambda r: r[0]), ("项目", lambda r: r[1]), ("问题", lambda r: r[2])]
        )
        self.blocked_table = table_view(self.blocked_model, (100, 170))
        self.blocked_table.setVisible(False)
        self.blocked_table.setToolTip("双击一行，打开该学生的信息并定位到这一项")
        self.blocked_table.doubleClicked.connect(lambda index: self.open_problem(index.row()))
        self.export_problems_button = QPushButton("导出 Excel…")
        self.export_problems_button.setToolTip("把未通过检查的学生和问题导出为 Excel，便于交给班主任核对补充")
        self.export_problems_button.clicked.connect(self.choose_problems_path)
        self.export_problems_button.setVisible(False)

        self.history_model = RowsModel(
            [
                ("时间", lambda r: f"{r.created_at:%Y-%m-%d %H:%M}"),
                ("经办人", lambda r: r.actor),
                ("人数", lambda r: len(r.student_ids)),
                ("文件", lambda r: r.file_name),
            ]
        )
        self.history_table = table_view(self.history_model, (140, 80, 50))
        self.history_empty = QLabel("还没有导出过上报批次。")

        where = QHBoxLayout()
        where.addWidget(QLabel("保存到："))
        where.addWidget(self.path_edit, 1)
        where.addWidget(browse)
        buttons = QHBoxLayout()
        buttons.addWidget(self.valid_only)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(where)
        layout.addLayout(buttons)
        outcome_row = QHBoxLayout()
        outcome_row.addWidget(self.outcome, 1)
        outcome_row.addWidget(self.export_problems_button)
        add_pending_button(self, outcome_row)  # 生成补录模板… (ui/roster/completion_actions.py)
        layout.addLayout(outcome_row)
        layout.addWidget(self.blocked_table, 2)
        history_title = QLabel("以往导出（每次导出都记录经办人、时间和学生名单）")
        history_title.setStyleSheet("QLabel { font-weight: bold; margin-top: 8px; }")
        layout.addWidget(history_title)
        layout.addWidget(self.history_empty)
        layout.addWidget(self.history_table, 1)
        self.refresh_history()

    def choose_output_path(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.windowTitle(), self.path_edit.text(), "Excel 文件 (*.xlsx)"
        )
        if path:
            self.set_output_path(Path(path))

    def set_output_path(self, path: Path) -> None:
        self.path_edit.setText(str(path))

    def output_path(self) -> Path:
        path = Path(self.path_edit.text().strip()).expanduser()
        return path if path.suffix.lower() == ".xlsx" else path.with_name(path.name + ".xlsx")

    def refresh_history(self) -> None:
        records = upload_batches.batches(self.store, self.kind)
        self.history_model.set_rows(records)
        self.history_empty.setVisible(not records)
        self.history_table.setVisible(bool(records))

    # --- exporting ------------------------------------------------------------------------------------------------

    def export(self) -> BatchResult | None:
        """Write the batch off the UI thread; blocked students are listed here, nothing written unless 只导出检查
        通过的学生 is checked. Returns the result, or None when nothing was written."""
        out = self.output_path()
        if not self.path_edit.text().strip():
            self._failed("请先选择保存的位置和文件名。")
            return None
        if out.exists() and not self._may_replace(out):
            return None
        valid_only = self.valid_only.isChecked()

        def refused(refusal: DomainError) -> None:
            """Shown here, in the dialog: the blocked students in a table, anything else in the red line."""
            if isinstance(refusal, BatchBlocked):
                self._show_blocked(
                    refusal.blocked,
                    f"{len(refusal.blocked)} 名学生的信息未通过检查，没有导出任何文件。请先在名册中修改这些学生的信息"
                    + ("。" if valid_only else "，或勾选「只导出检查通过的学生」。"),
                )
            else:
                self._failed(f"没有导出：{refusal}")

        def export() -> BatchResult:
            out.parent.mkdir(parents=True, exist_ok=True)
            return self._export(out, valid_only)

        outcome = run(
            self,
            "导出上报批次",
            export,
            long="正在导出上报批次……",
            changes={BATCHES},
            on_refusal=refused,
        )
        if not outcome.ok:
            return None
        result = outcome.value
        self.last_result = result
        files = "<br>".join(f"　{html.escape(str(file))}" for file in result.files)
        self.outcome.setStyleSheet(DONE_STYLE)
        self.outcome.setText(
            f"已导出 {len(result.exported)} 名学生，写入 {len(result.files)} 个文件：<br>{files}"
        )
        if result.blocked:
            self._show_blocked(result.blocked, None)
        else:
            self.blocked_table.setVisible(False)
        self.refresh_history()
        return result

    def _export(self, out: Path, valid_only: bool) -> BatchResult:
        if self.kind == upload_batches.KIND_STATUS_CHANGES:
            return upload_batches.export_status_changes(self.store, out, valid_only=valid_only)
        return upload_batches.export_new_students(self.store, out, valid_only=valid_only)

    def _show_blocked(self, blocked: list[BlockedStudent], message: str | None) -> None:
        if message is not None:
            self.outcome.setStyleSheet(ERROR_STYLE)
            self.outcome.setText(message)
        else:
            self.outcome.setText(
                self.outcome.text()
                + f"<br><span style='color:#c0392b'>以下 {len(blocked)} 名学生未通过检查，"
                "没有导出（修改后可再次导出）：</span>"
            )
        self.problems_shown = _problem_rows(blocked)
        self.blocked_model.set_rows(self.problems_shown)
        self.blocked_table.setVisible(True)
        self.export_problems_button.setVisible(True)

    def _failed(self, message: str) -> None:
        self.outcome.setStyleSheet(ERROR_STYLE)
        self.outcome.setText(message)
        self.blocked_table.setVisible(False)
        self.export_problems_button.setVisible(False)

    # --- the problem list ------------------------------------------------------------------------------------------

    def open_problem(self, row: int):
        """The student of the problem on `row`, in the student dialog at the field it names (modal; a save announces
        STUDENTS). Returns the dialog after it closed."""
        from xueji_desktop.ui.roster.student_dialog import StudentDialog

        _, item, _, student_id, _ = self.problems_shown[row]
        dialog = StudentDialog(self.store, student_id, parent=self)
        focus_field(dialog, field_of_problem(item))
        self.opened_dialog = dialog
        dialog.exec()
        return dialog

    def problem_rows(self) -> list[list[str]]:
        """The list as exported: each row with its student's name."""
        return [[name, item, message] for _, item, message, _, name in self.problems_shown]

    def choose_problems_path(self) -> None:
        suggested = default_output_path(prefix="未通过检查的学生")
        path, _ = QFileDialog.getSaveFileName(self, "导出问题清单", str(suggested), "Excel 文件 (*.xlsx)")
        if path:
            self.export_problems(Path(path))

    def export_problems(self, out: Path) -> Path | None:
        from xueji_desktop.spreadsheets.table_export import write_rows

        rows = self.problem_rows()
        outcome = run(
            self,
            "导出问题清单",
            lambda: write_rows(
                out,
                title="未通过检查的学生",
                sheet="问题清单",
                headers=["学生", "项目", "问题"],
                rows=rows,
                widths=(12, 26, 60),
            ),
        )
        return outcome.value if outcome.ok else None

    def _may_replace(self, out: Path) -> bool:
        return ask(self, "导出新生上报批次", f"“{out.name}”已经存在。要用这次导出的内容替换它吗？")
