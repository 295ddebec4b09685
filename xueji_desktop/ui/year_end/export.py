"""The 在办业务清理 list as the clerk sees it, in cells: the columns of the wizard's table (so the copied rows, the
exported workbook and the screen say the same), and the .xlsx written through spreadsheets/saving.py (a temporary file
moved into place, never half a file)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from xueji_desktop.rules.findings import Finding, Severity, article_name
from xueji_desktop.services.year_end import Check, Item
from xueji_desktop.spreadsheets.saving import save_workbook

BLOCKS = "是"


def basis(item: Item) -> str:
    """The article an item rests on (《细则》第七条), as the clerk reads it."""
    return f"《细则》{article_name(Finding(item.rule_id, Severity.WARN, '').article)}"


COLUMNS: tuple[tuple[str, Callable[[Item], str], int], ...] = (  # header, cell, width on screen
    ("类别", lambda i: i.problem, 110),
    ("学生", lambda i: i.student_name, 64),
    ("班级", lambda i: i.class_name, 96),
    ("情况", lambda i: i.detail, 262),
    ("处理", lambda i: i.advice, 290),
    ("依据", basis, 130),
    ("阻止毕业", lambda i: BLOCKS if i.graduating else "", 70),
)


def cells(item: Item) -> list[str]:
    return [cell(item) for _header, cell, _width in COLUMNS]


def default_file_name(check: Check, today: date) -> str:
    return f"{check.school_year}学年结束待办结业务_{today:%Y%m%d}.xlsx"


def export_items(check: Check, out: Path, items: Sequence[Item] | None = None) -> Path:
    """Write the list (序号 and the table's columns, bold frozen header) as `out` (.xlsx added when missing). An OSError
    (folder not writable, file open in Excel, disk full) is the runner's to tell; no partial file is left."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        out = out.with_name(out.name + ".xlsx")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "待办结业务"
    workbook.properties.title = f"{check.school_year}学年结束待办结业务"
    workbook.properties.creator = "学籍桌面"
    sheet.append(["序号", *(header for header, _cell, _width in COLUMNS)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
    chosen = check.items if items is None else items
    for number, item in enumerate(chosen, start=1):
        sheet.append([number, *cells(item)])
    if not chosen:
        sheet.append(["", "", "", "", f"{check.school_year}没有待办结的业务", "", "", ""])
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    for index, width in enumerate((6, *(width / 7 for _h, _c, width in COLUMNS)), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    return save_workbook(workbook, out)
