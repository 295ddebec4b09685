"""A table as the clerk sees it, written as .xlsx for Excel/WPS: 序号 and the table's columns, a bold frozen header,
wrapped cells, set widths; through spreadsheets/saving.py (a temporary file moved into place, never half a file).
The screens that offer 导出 Excel… give their headers and cells (so the copied rows, the file and the screen agree)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from xueji_desktop.spreadsheets.saving import save_workbook


def write_rows(
    out: Path,
    *,
    title: str,
    sheet: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    empty_note: str = "",
) -> Path:
    """Write the rows under their headers as `out` (.xlsx added when missing); `widths` in characters, one per
    header; `empty_note` fills the first row when there are none. An OSError (folder not writable, the file open in
    Excel, a full disk) is the caller's to tell; no partial file is left."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        out = out.with_name(out.name + ".xlsx")
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    workbook.properties.title = title
    workbook.properties.creator = "学籍桌面"
    worksheet.append(["序号", *headers])
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for number, row in enumerate(rows, start=1):
        worksheet.append([number, *row])
    if not rows and empty_note:
        worksheet.append(["", empty_note])
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in worksheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    for index, width in enumerate((6, *widths), start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = width
    worksheet.freeze_panes = "A2"
    return save_workbook(workbook, out)
