"""The 在办业务清理 list as the clerk sees it, in cells: the columns of the wizard's table and the name of its
exported file; the copied rows and the workbook are the table's own (ui/common/tables.py), so they say the same."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from xueji_desktop.rules.findings import Finding, Severity, article_name
from xueji_desktop.services.year_end import Check, Item

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


def default_file_name(check: Check, today: date) -> str:
    return f"{check.school_year}学年结束待办结业务_{today:%Y%m%d}.xlsx"
