"""The 在办业务清理 list as the clerk sees it, in cells: the columns of the wizard's table (so the copied rows, the
exported workbook and the screen say the same), written by spreadsheets/table_export.py."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from xueji_desktop.rules.findings import Finding, Severity, article_name
from xueji_desktop.services.year_end import Check, Item
from xueji_desktop.spreadsheets.table_export import write_rows

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
    """Write the list (序号 and the table's columns) as `out` (.xlsx added when missing); spreadsheets/table_export.py
    writes it. An OSError (folder not writable, file open in Excel, disk full) is the runner's to tell."""
    chosen = check.items if items is None else items
    return write_rows(
        out,
        title=f"{check.school_year}学年结束待办结业务",
        sheet="待办结业务",
        headers=[header for header, _cell, _width in COLUMNS],
        rows=[cells(item) for item in chosen],
        widths=[width / 7 for _header, _cell, width in COLUMNS],
        empty_note=f"{check.school_year}没有待办结的业务",
    )
