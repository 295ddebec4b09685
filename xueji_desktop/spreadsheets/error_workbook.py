"""The error workbook: the file's own rows with each bad cell highlighted and a 「错误说明」 column, so the clerk fixes
the file in Excel and imports it again. Written atomically; formulas in names are never made live."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from xueji_desktop.spreadsheets.normalise import CellProblem
from xueji_desktop.spreadsheets.reader import SheetTable
from xueji_desktop.spreadsheets.saving import MAX_CELL_CHARS, UNWRITABLE, save_workbook

BAD_FILL = PatternFill("solid", start_color="FFF4B6B0", end_color="FFF4B6B0")
HEADER_FONT = Font(bold=True)
EXPLANATION = "错误说明"
_BAD_TITLE = re.compile(r"[\\*?:/\[\]]")


def write_error_workbook(
    out: Path, table: SheetTable, problems: Iterable[CellProblem], *, only_bad: bool = True
) -> Path:
    """Rows with problems (or all rows), bad cells filled red with the message as a comment, and the explanation."""
    by_row: dict[int, list[CellProblem]] = defaultdict(list)
    for problem in problems:
        by_row[problem.row_number].append(problem)
    column_of = {header: index for index, header in enumerate(table.headers)}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_BAD_TITLE.sub("_", _writable(table.sheet_name))[:31] or "Sheet1")
    header_cells = []
    for text in ["原行号", *table.headers, EXPLANATION]:
        cell = WriteOnlyCell(sheet, value=_writable(text))
        cell.font = HEADER_FONT
        header_cells.append(cell)
    sheet.append(header_cells)
    sheet.freeze_panes = "B2"
    for row in table.rows:
        row_problems = by_row.get(row.row_number, [])
        if only_bad and not row_problems:
            continue
        bad_columns = {
            p.column if p.column is not None else column_of[p.header]: p
            for p in row_problems
            if p.column is not None or p.header in column_of
        }
        cells = [WriteOnlyCell(sheet, value=row.row_number)]
        for index, value in enumerate(row.cells):
            cell = WriteOnlyCell(sheet, value=_writable(value))
            if isinstance(value, str):
                cell.data_type = "s"  # a name like =1+1 stays text (RELIABILITY.md, T11)
                cell.number_format = "@"
            if index in bad_columns:
                cell.fill = BAD_FILL
                cell.comment = Comment(_writable(bad_columns[index].message), "学籍桌面")
            cells.append(cell)
        explanation = "；".join(
            f"{p.header}：{p.message}" + (f"（{p.hint}）" if p.hint else "") for p in row_problems
        )
        cells.append(WriteOnlyCell(sheet, value=_writable(explanation)))
        sheet.append(cells)
    out.parent.mkdir(parents=True, exist_ok=True)
    return save_workbook(workbook, out)


def _writable(value: object) -> object:
    """A value an .xlsx can hold: characters XML forbids shown as U+FFFD, text cut to Excel's 32,767 characters, NaN
    and infinities as text (the clerk still sees what the damaged cell held)."""
    if isinstance(value, str):
        return UNWRITABLE.sub("\ufffd", value)[:MAX_CELL_CHARS]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value
