"""Small layout pieces every form and certificate is built from: a title block, a grid of labelled fields, a body
paragraph, signature lines, a seal area and a QR code. A document is a short list of these, top to bottom, on an A4
page; positions are in millimetres from the top-left corner, as forms are measured.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from xueji_desktop.documents import fonts

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
NO_LINE_START = frozenset("。，、；：？！）」』》〉】”’…")  # never the first character of a line


@dataclass(slots=True)
class Page:
    """A cursor down an A4 page: each piece draws at `top` (mm from the page's top) and moves it on."""

    canvas: Canvas
    top: float = 20.0  # mm

    def y(self, below: float = 0.0) -> float:
        """The baseline `below` mm under the cursor, in PDF points from the bottom."""
        return PAGE_HEIGHT - (self.top + below) * mm


def title(page: Page, text: str, *, size: float = 20, subtitle: str = "") -> None:
    fonts.draw(page.canvas, PAGE_WIDTH / 2, page.y(8), text, size, align="centre")
    page.top += 14
    if subtitle:
        fonts.draw(page.canvas, PAGE_WIDTH / 2, page.y(4), subtitle, 11, align="centre")
        page.top += 8


def right_note(page: Page, text: str, size: float = 10) -> None:
    fonts.draw(page.canvas, PAGE_WIDTH - MARGIN, page.y(4), text, size, align="right")
    page.top += 7


def paragraph(page: Page, text: str, *, size: float = 13, indent: int = 2, leading: float = 9.0) -> None:
    """A body paragraph wrapped to the text width, its first line indented by `indent` characters (中文 style)."""
    usable = PAGE_WIDTH - 2 * MARGIN
    lines, line = [], "\u3000" * indent
    used = fonts.width(line, size)
    for char in text:
        step = fonts.char_width(char, size)
        if used + step > usable and char not in NO_LINE_START:  # 避头点: closing punctuation hangs on the line
            lines.append(line)
            line, used = char, step
        else:
            line, used = line + char, used + step
    lines.append(line)
    for each in lines:
        fonts.draw(page.canvas, MARGIN, page.y(leading * 0.7), each, size)
        page.top += leading


def field_grid(page: Page, fields: Sequence[tuple[str, str]], *, columns: int = 2, size: float = 11,
               row_height: float = 9.0) -> None:  # fmt: skip
    """Label: value pairs in ruled cells, `columns` pairs a row."""
    canvas = page.canvas
    usable = PAGE_WIDTH - 2 * MARGIN
    cell = usable / columns
    label_width = 26 * mm
    rows = [fields[i : i + columns] for i in range(0, len(fields), columns)]
    canvas.setLineWidth(0.5)
    for row in rows:
        top, bottom = page.y(), page.y(row_height)
        for index, (label, value) in enumerate(row):
            left = MARGIN + index * cell
            canvas.rect(left, bottom, label_width, top - bottom)
            canvas.rect(left + label_width, bottom, cell - label_width, top - bottom)
            fonts.draw(canvas, left + 2 * mm, bottom + 2.8 * mm, label, size)
            fonts.draw(canvas, left + label_width + 2 * mm, bottom + 2.8 * mm, value, size)
        page.top += row_height


def signatures(page: Page, roles: Sequence[str], *, size: float = 11) -> None:
    """Signature lines side by side: 「监护人签字：＿＿＿」 …, with a date line under each."""
    usable = PAGE_WIDTH - 2 * MARGIN
    each = usable / len(roles)
    canvas = page.canvas
    for index, role in enumerate(roles):
        left = MARGIN + index * each
        drawn = fonts.draw(canvas, left, page.y(6), f"{role}：", size)
        canvas.line(left + drawn, page.y(6) - 1, left + each - 6 * mm, page.y(6) - 1)
        fonts.draw(canvas, left, page.y(14), "日期：　　年　　月　　日", size)
    page.top += 18


def seal_area(page: Page, issuer: str, day: str, *, size: float = 12) -> None:
    """The issuer and date on the right, with a dashed circle where the seal goes."""
    canvas = page.canvas
    x = PAGE_WIDTH - MARGIN - 30 * mm
    canvas.saveState()
    canvas.setDash(2, 2)
    canvas.setLineWidth(0.4)
    canvas.circle(x, page.y(10), 19 * mm)
    canvas.restoreState()
    fonts.draw(canvas, x, page.y(8), issuer, size, align="centre")
    fonts.draw(canvas, x, page.y(16), day, size, align="centre")
    fonts.draw(canvas, x, page.y(22), "（盖章）", 9, align="centre")
    page.top += 30


def qr(page: Page, payload: str, *, left_mm: float, top_mm: float, size_mm: float = 24) -> None:
    """A QR code of `payload` (a certificate's number and digest) drawn as vector squares at a fixed spot."""
    # a fixed mask: segno's search for the best of eight takes most of the encoding time; any mask reads
    code = segno.make(payload, error="m", micro=False, mask=2)
    matrix = list(code.matrix)
    modules = len(matrix)
    cell = size_mm * mm / modules
    x0, y0 = left_mm * mm, PAGE_HEIGHT - top_mm * mm
    canvas = page.canvas
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        column = 0
        while column < modules:  # one rectangle per run of dark modules in a row
            if not row[column]:
                column += 1
                continue
            start = column
            while column < modules and row[column]:
                column += 1
            path.rect(x0 + start * cell, y0 - (row_index + 1) * cell, (column - start) * cell, cell)
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    width_mm: float
    align: str = "left"  # left | centre


def table(canvas: Canvas, title_text: str, subtitle: str, columns: Sequence[Column], rows: Sequence[Sequence[str]], *,
          size: float = 10, row_height: float = 7.5) -> int:  # fmt: skip
    """A table over as many A4 pages as it needs: the title on each page, the header row repeated, 「第 n 页 共 m 页」 at
    the foot. Returns the number of pages."""
    header_top = Page(canvas).top + 14 + (8 if subtitle else 0) + 2  # mm: under the title block (see title())
    rows_top = header_top + row_height
    per_page = max(1, int((PAGE_HEIGHT / mm - rows_top - 18) // row_height))
    pages = max(1, -(-len(rows) // per_page))
    left = (PAGE_WIDTH / mm - sum(c.width_mm for c in columns)) / 2
    for number in range(pages):
        title(Page(canvas), title_text, size=16, subtitle=subtitle)
        _table_row(canvas, left, header_top, [c.header for c in columns], columns, size, row_height, header=True)
        chunk = rows[number * per_page : (number + 1) * per_page]
        for index, row in enumerate(chunk):
            _table_row(canvas, left, rows_top + index * row_height, row, columns, size, row_height)
        fonts.draw(canvas, PAGE_WIDTH / 2, 12 * mm, f"第 {number + 1} 页　共 {pages} 页", 9, align="centre")
        canvas.showPage()
    return pages


def _table_row(canvas: Canvas, left_mm: float, top_mm: float, cells: Sequence[str], columns: Sequence[Column],
               size: float, row_height: float, *, header: bool = False) -> None:  # fmt: skip
    x = left_mm * mm
    top, bottom = PAGE_HEIGHT - top_mm * mm, PAGE_HEIGHT - (top_mm + row_height) * mm
    canvas.setLineWidth(0.8 if header else 0.4)
    for text, column in zip(cells, columns, strict=True):
        width = column.width_mm * mm
        canvas.rect(x, bottom, width, top - bottom)
        baseline = bottom + (row_height * mm - size * 0.8) / 2
        if column.align == "centre" or header:
            fonts.draw(canvas, x + width / 2, baseline, text, size, align="centre")
        else:
            fonts.draw(canvas, x + 1.5 * mm, baseline, text, size)
        x += width
