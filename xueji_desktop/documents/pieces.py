"""Small layout pieces every form and certificate is built from: a title block, a grid of labelled fields, a body
paragraph, signature lines, a seal area and a QR code. A document is a short list of these, top to bottom, on an A4
page; positions are in millimetres from the top-left corner, as forms are measured.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import zxingcpp
from PIL import Image
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


class TextBatch:
    """A canvas stand-in that puts every string drawn through it into one PDF text object (one BT … ET, not one a
    string): for the many short values of a page. Shapes go straight to the canvas; close() writes the text."""

    def __init__(self, canvas: Canvas) -> None:
        self._canvas = canvas
        self._text = canvas.beginText()

    def setFont(self, name: str, size: float) -> None:
        self._text.setFont(name, size)

    def drawString(self, x: float, y: float, text: str) -> None:
        self._text.setTextOrigin(x, y)
        self._text.textOut(text)

    def __getattr__(self, name: str):
        return getattr(self._canvas, name)

    def close(self) -> None:
        self._canvas.drawText(self._text)


def title(page: Page, text: str, *, size: float = 20, subtitle: str = "") -> None:
    fonts.draw(page.canvas, PAGE_WIDTH / 2, page.y(8), text, size, align="centre")
    page.top += 14
    if subtitle:
        fonts.draw(page.canvas, PAGE_WIDTH / 2, page.y(4), subtitle, 11, align="centre")
        page.top += 8


def right_note(page: Page, text: str, size: float = 10) -> None:
    fonts.draw(page.canvas, PAGE_WIDTH - MARGIN, page.y(4), text, size, align="right")
    page.top += 7


def wrap(text: str, size: float, *, indent: int = 2, width: float = PAGE_WIDTH - 2 * MARGIN) -> list[str]:
    """A paragraph's lines (wrap_lines), the first indented by `indent` characters (中文 style)."""
    return wrap_lines("\u3000" * indent + text, width, size)


def letterhead(page: Page, text: str) -> None:
    """The school's name centred over a heavy rule at the top of a certificate."""
    page.top = 14
    fonts.draw(page.canvas, PAGE_WIDTH / 2, page.y(6), text, 15, align="centre")
    page.canvas.setLineWidth(1.2)
    page.canvas.line(MARGIN, page.y(9), PAGE_WIDTH - MARGIN, page.y(9))
    page.top = 24


def paragraph(
    page: Page,
    text: str,
    *,
    size: float = 13,
    indent: int = 2,
    leading: float = 9.0,
    max_lines: int | None = None,
) -> None:
    """A body paragraph wrapped to the text width; with `max_lines`, the type shrinks (to 9 pt at least) until it fits
    them, for a paragraph that has a fixed space on the page."""
    lines = wrap(text, size, indent=indent)
    while max_lines is not None and len(lines) > max_lines and size > 9:
        size -= 0.5
        leading = leading * size / (size + 0.5)
        lines = wrap(text, size, indent=indent)
    for each in lines:
        fonts.put(page.canvas, MARGIN, page.y(leading * 0.7), each, size)
        page.top += leading


def field_grid(
    page: Page,
    fields: Sequence[tuple[str, str]],
    *,
    columns: int = 2,
    size: float = 11,
    row_height: float = 9.0,
    show: str = "all",
) -> None:
    """Label: value pairs in ruled cells, `columns` pairs a row. `show` draws only the "frame" (rules and labels, the
    same on every copy: drawn once into a form) or only the "values", or "all"."""
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
            if show != "values":
                canvas.rect(left, bottom, label_width, top - bottom)
                canvas.rect(left + label_width, bottom, cell - label_width, top - bottom)
                fonts.draw(canvas, left + 2 * mm, bottom + 2.8 * mm, label, size)
            if show != "frame":
                fonts.put(canvas, left + label_width + 2 * mm, bottom + 2.8 * mm, value, size)
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


def qr_modules(payload: str) -> tuple[int, bytes]:
    """The QR code of `payload` (error correction M) as its size in modules and one byte a module, row by row from the
    top, 0 for dark."""
    code = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = code.to_image(scale=1, add_quiet_zones=False)
    return image.shape[0], bytes(memoryview(image))


def qr(page: Page, payload: str, *, left_mm: float, top_mm: float, size_mm: float = 24) -> None:
    """A QR code of `payload` (a certificate's number and digest) at a fixed spot: a one-bit image mask, one bit a
    module, painted in black where a module is dark — crisp at any scale (a mask is never smoothed), and written as
    an inline image of a few hundred bytes rather than hundreds of path rectangles."""
    modules, matrix = qr_modules(payload)
    packed = Image.frombytes("L", (modules, modules), matrix).convert("1", dither=Image.Dither.NONE).tobytes()
    side = size_mm * mm
    x0, y0 = left_mm * mm, PAGE_HEIGHT - top_mm * mm - side
    page.canvas.addLiteral(
        f"q 0 g {side:.3f} 0 0 {side:.3f} {x0:.3f} {y0:.3f} cm\n"
        f"BI /W {modules} /H {modules} /IM true /BPC 1 /F /AHx ID\n{packed.hex()}>\nEI Q"
    )


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    width_mm: float
    align: str = "left"  # left | centre


def table(
    canvas: Canvas,
    title_text: str,
    subtitle: str,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    *,
    size: float = 10,
    row_height: float = 7.5,
) -> int:
    """A table over as many A4 pages as it needs: the title on each page, the header row repeated, 「第 n 页 共 m 页」 at
    the foot. Returns the number of pages."""
    header_top = Page(canvas).top + 14 + (8 if subtitle else 0) + 2  # mm: under the title block (see title())
    rows_top = header_top + row_height
    per_page = max(1, int((PAGE_HEIGHT / mm - rows_top - 18) // row_height))
    pages = max(1, -(-len(rows) // per_page))
    left = (PAGE_WIDTH / mm - sum(c.width_mm for c in columns)) / 2
    for number in range(pages):
        title(Page(canvas), title_text, size=16, subtitle=subtitle)
        _table_row(
            canvas, left, header_top, [c.header for c in columns], columns, size, row_height, header=True
        )
        chunk = rows[number * per_page : (number + 1) * per_page]
        for index, row in enumerate(chunk):
            _table_row(canvas, left, rows_top + index * row_height, row, columns, size, row_height)
        _rules(canvas, left, header_top, columns, row_height, len(chunk) + 1)
        fonts.draw(canvas, PAGE_WIDTH / 2, 12 * mm, f"第 {number + 1} 页　共 {pages} 页", 9, align="centre")
        canvas.showPage()
    return pages


def _rules(
    canvas: Canvas, left_mm: float, top_mm: float, columns: Sequence[Column], row_height: float, rows: int
) -> None:
    """The table's rules as whole lines (one a row boundary, one a column boundary), not a box a cell; the header's
    underline heavier."""
    x0, x1 = left_mm * mm, (left_mm + sum(c.width_mm for c in columns)) * mm
    top, bottom = PAGE_HEIGHT - top_mm * mm, PAGE_HEIGHT - (top_mm + rows * row_height) * mm
    canvas.setLineWidth(0.4)
    lines = [(x0, top - n * row_height * mm, x1, top - n * row_height * mm) for n in range(2, rows + 1)]
    x = x0
    for column in columns:
        lines.append((x, top, x, bottom))
        x += column.width_mm * mm
    lines.append((x1, top, x1, bottom))
    canvas.lines(lines)
    canvas.setLineWidth(0.8)
    canvas.lines([(x0, top, x1, top), (x0, top - row_height * mm, x1, top - row_height * mm)])


def _table_row(
    canvas: Canvas,
    left_mm: float,
    top_mm: float,
    cells: Sequence[str],
    columns: Sequence[Column],
    size: float,
    row_height: float,
    *,
    header: bool = False,
) -> None:
    x = left_mm * mm
    bottom = PAGE_HEIGHT - (top_mm + row_height) * mm
    baseline = bottom + (row_height * mm - size * 0.8) / 2
    for text, column in zip(cells, columns, strict=True):
        width = column.width_mm * mm
        room = width - 2 * mm
        needed = fonts.width(text, size)
        fitted = (
            size if needed <= room else max(5.0, size * room / needed)
        )  # a long value shrinks, never overflows
        if column.align == "centre" or header:
            fonts.draw(canvas, x + width / 2, baseline, text, fitted, align="centre")
        else:
            fonts.draw(canvas, x + 1 * mm, baseline, text, fitted)
        x += width


# --- pieces of the printable forms (学生基本信息表, 申请表, 联系函, 报告): cells whose text always fits, a shaded band,
# a photo box, ticked choices, a boxed text area, approval blocks, a ruled table at the cursor, a tear-off line --------

LABEL_GREY = 0.93  # the fill of label cells and bands
BOTTOM = 285.0  # mm: the lowest a piece may reach on a page


_WORD_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz@._:/-")


def _units(text: str) -> list[str]:
    """`text` as the pieces a line may break between: a run of Latin letters and digits (a number, a file name) is one,
    any other character is one."""
    units: list[str] = []
    for char in text:
        if char in _WORD_CHARS and units and units[-1][-1] in _WORD_CHARS:
            units[-1] += char
        else:
            units.append(char)
    return units


def wrap_lines(text: str, width: float, size: float) -> list[str]:
    """`text` broken into lines at most `width` points wide: a newline in the text starts one, closing punctuation
    never does, and a number (an ID number, a phone) is not broken unless it is longer than a whole line."""
    lines = _wrap(text, width, size, break_words=True)
    assert lines is not None
    return lines


def _wrap(text: str, width: float, size: float, *, break_words: bool) -> list[str] | None:
    """wrap_lines(); None instead when a number does not fit on a line and `break_words` is false."""
    lines: list[str] = []
    for part in text.split("\n"):
        line, used = "", 0.0
        for unit in _units(part):
            if len(unit) > 1 and fonts.width(unit, size) > width:
                if not break_words:
                    return None
                units = list(unit)
            else:
                units = [unit]
            for piece in units:
                step = fonts.char_width(piece, size) if len(piece) == 1 else fonts.width(piece, size)
                if used + step > width and line and piece[0] not in NO_LINE_START:
                    lines.append(line)
                    line, used = piece, step
                else:
                    line, used = line + piece, used + step
        lines.append(line)
    return lines


def fit_text(
    canvas: Canvas,
    text: str,
    x: float,
    bottom: float,
    width: float,
    height: float,
    size: float,
    *,
    align: str = "left",
) -> float:
    """`text` inside the box (x, bottom, width, height, in points), vertically centred: on one line at `size` or a
    little smaller, else wrapped over as many lines as the box holds at the largest size that fits — a long address
    shrinks, it never runs out of its cell. Returns the size used."""
    if not text:
        return size
    pad = 1.2 * mm
    room = width - 2 * pad
    sizes = [size - 0.25 * step for step in range(max(1, int(size * 4) - 15))]  # down to 4 pt
    chosen, lines = sizes[-1], wrap_lines(text, room, sizes[-1])
    for trial in sizes:
        if trial >= size * 0.8 and fonts.width(text, trial) <= room and "\n" not in text:
            chosen, lines = trial, [text]
            break
        wrapped = _wrap(text, room, trial, break_words=False)  # smaller type rather than a number cut in two
        if wrapped is not None and (len(wrapped) == 1 or len(wrapped) * trial * 1.15 <= height - 0.8 * mm):
            chosen, lines = trial, wrapped
            break
    leading = chosen * 1.15
    top = bottom + (height + len(lines) * leading) / 2
    for index, line in enumerate(lines):
        baseline = top - (index + 0.82) * leading
        if align == "centre":
            fonts.draw(canvas, x + width / 2, baseline, line, chosen, align="centre")
        else:
            fonts.draw(canvas, x + pad, baseline, line, chosen)
    return chosen


def _label_cell(canvas: Canvas, x: float, bottom: float, width: float, height: float) -> None:
    canvas.saveState()
    canvas.setFillGray(LABEL_GREY)
    canvas.rect(x, bottom, width, height, stroke=1, fill=1)
    canvas.restoreState()


@dataclass(frozen=True, slots=True)
class Cell:
    """One label | value pair of a grid; `span` is how many of the grid's columns it takes."""

    label: str
    value: str = ""
    span: int = 1


def grid(
    page: Page,
    cells: Sequence[Cell],
    *,
    columns: int = 3,
    label_mm: float = 22.0,
    size: float = 9.0,
    row_height: float = 6.5,
    left_mm: float | None = None,
    width_mm: float | None = None,
) -> None:
    """Label | value cells in ruled rows, `columns` pairs a row (a cell may span several; the last cell of a row that
    is not full widens to its end). Labels are shaded; every text is fitted to its cell."""
    canvas = page.canvas
    left = MARGIN / mm if left_mm is None else left_mm
    width = (PAGE_WIDTH - 2 * MARGIN) / mm if width_mm is None else width_mm
    column = width / columns
    rows: list[list[list]] = [[]]
    used = 0
    for cell in cells:
        span = max(1, min(cell.span, columns))
        if used + span > columns:
            rows[-1][-1][1] += columns - used
            rows.append([])
            used = 0
        rows[-1].append([cell, span])
        used += span
    if rows[-1]:
        rows[-1][-1][1] += columns - used
    canvas.setLineWidth(0.5)
    for row in rows:
        if not row:
            continue
        bottom, height = page.y(row_height), row_height * mm
        start = 0
        for cell, span in row:
            x = (left + start * column) * mm
            total = span * column * mm
            _label_cell(canvas, x, bottom, label_mm * mm, height)
            canvas.rect(x + label_mm * mm, bottom, total - label_mm * mm, height)
            fit_text(canvas, cell.label, x, bottom, label_mm * mm, height, size, align="centre")
            fit_text(canvas, cell.value, x + label_mm * mm, bottom, total - label_mm * mm, height, size)
            start += span
        page.top += row_height


def band(page: Page, text: str, *, size: float = 10.0, height: float = 6.5) -> None:
    """A shaded full-width row naming the section below it (基本信息, 家庭成员 …)."""
    canvas = page.canvas
    canvas.setLineWidth(0.5)
    _label_cell(canvas, MARGIN, page.y(height), PAGE_WIDTH - 2 * MARGIN, height * mm)
    fonts.draw(canvas, MARGIN + 2 * mm, page.y(height) + (height * mm - size * 0.75) / 2, text, size)
    page.top += height


def photo_box(
    page: Page,
    image: str | None,
    *,
    left_mm: float,
    top_mm: float,
    width_mm: float = 26.0,
    height_mm: float = 35.0,
    label: str = "照片",
) -> bool:
    """A ruled box (a one-inch photo is 25 × 35 mm) with the image in it, its proportions kept; the label instead
    when there is no image or it cannot be read. Does not move the cursor. True when the image was drawn."""
    from reportlab.lib.utils import ImageReader

    canvas = page.canvas
    x, bottom = left_mm * mm, PAGE_HEIGHT - (top_mm + height_mm) * mm
    canvas.setLineWidth(0.5)
    canvas.rect(x, bottom, width_mm * mm, height_mm * mm)
    if image:
        try:
            reader = ImageReader(image)
            reader.getSize()  # reads the header: a file that is no image fails here, not half-way through the page
            canvas.drawImage(
                reader,
                x + 0.8 * mm,
                bottom + 0.8 * mm,
                (width_mm - 1.6) * mm,
                (height_mm - 1.6) * mm,
                preserveAspectRatio=True,
                anchor="c",
                mask="auto",
            )
            return True
        except (
            OSError,
            ValueError,
            SyntaxError,
        ) as error:  # missing, truncated or no image: an empty box instead
            logging.getLogger(__name__).warning("照片无法读取，留空照片框：%s（%s）", image, error)
    fonts.draw(canvas, x + width_mm * mm / 2, bottom + height_mm * mm / 2, label, 11, align="centre")
    fonts.draw(
        canvas, x + width_mm * mm / 2, bottom + height_mm * mm / 2 - 5 * mm, "（一寸免冠）", 7, align="centre"
    )
    return False


def _tick_box(canvas: Canvas, x: float, baseline: float, size: float, ticked: bool) -> float:
    """A square the height of the text at (x, baseline), ticked or empty; returns its width."""
    side = size * 0.8
    canvas.setLineWidth(0.6)
    canvas.rect(x, baseline - size * 0.05, side, side)
    if ticked:
        canvas.saveState()
        canvas.setLineWidth(1.1)
        path = canvas.beginPath()
        path.moveTo(x + side * 0.18, baseline + side * 0.45)
        path.lineTo(x + side * 0.42, baseline + side * 0.15)
        path.lineTo(x + side * 0.9, baseline + side * 0.9)
        canvas.drawPath(path, stroke=1, fill=0)
        canvas.restoreState()
    return side


def choices(
    page: Page,
    label: str,
    options: Sequence[str],
    chosen: Sequence[str] = (),
    *,
    size: float = 11.0,
    line_height: float = 8.0,
) -> None:
    """「申请类别：☑休学　□延长休学　□复学」: a box before each option, ticked for those chosen; options that do not fit
    on the line go on to the next, under the first."""
    canvas = page.canvas
    right = PAGE_WIDTH - MARGIN
    baseline = page.y(line_height * 0.7)
    start = MARGIN + fonts.draw(canvas, MARGIN, baseline, f"{label}：", size)
    x = start
    for option in options:
        needed = size * 0.8 + 1.5 * mm + fonts.width(option, size)
        if x > start and x + needed > right:
            page.top += line_height
            baseline, x = page.y(line_height * 0.7), start
        x += _tick_box(canvas, x, baseline, size, option in chosen) + 1.5 * mm
        x += fonts.draw(canvas, x, baseline, option, size) + 6 * mm
    page.top += line_height


def boxed_text(
    page: Page,
    label: str,
    text: str,
    *,
    height_mm: float = 20.0,
    label_mm: float = 26.0,
    size: float = 11.0,
    ruled: bool = False,
) -> None:
    """A label cell and a box of text beside it, wrapped from the top; the box grows to hold the text, and with `ruled`
    its empty part gets faint lines to write on by hand."""
    canvas = page.canvas
    value_left = MARGIN + label_mm * mm
    value_width = PAGE_WIDTH - MARGIN - value_left
    leading = size * 1.5
    lines = wrap_lines(text, value_width - 4 * mm, size) if text else []
    height = max(height_mm * mm, len(lines) * leading + 4 * mm)
    top, bottom = page.y(), page.y() - height
    canvas.setLineWidth(0.5)
    _label_cell(canvas, MARGIN, bottom, label_mm * mm, height)
    canvas.rect(value_left, bottom, value_width, height)
    fit_text(canvas, label, MARGIN, bottom, label_mm * mm, height, size, align="centre")
    baseline = top - 2 * mm - size * 0.9
    for line in lines:
        fonts.draw(canvas, value_left + 2 * mm, baseline, line, size)
        baseline -= leading
    if ruled:
        canvas.saveState()
        canvas.setStrokeGray(0.75)
        canvas.setLineWidth(0.3)
        y = baseline - 1.2 * mm
        while y > bottom + 2 * mm:
            canvas.line(value_left + 2 * mm, y, PAGE_WIDTH - MARGIN - 2 * mm, y)
            y -= leading
        canvas.restoreState()
    page.top += height / mm


@dataclass(frozen=True, slots=True)
class Approval:
    """One opinion block of an application form: who gives it, what was recorded (an opinion, an approval number, the
    day) — what is not yet recorded stays blank for the pen."""

    heading: str  # 学校意见, 学籍管理部门意见 …
    opinion: str = ""
    number: str = ""  # 审批文号
    day: str = ""  # 2026年10月8日; blank: 「　　年　　月　　日」 to write in
    signer: str = "负责人签字"


def approvals(page: Page, blocks: Sequence[Approval], *, height_mm: float = 42.0, size: float = 10.5) -> None:
    """Opinion blocks side by side, each with its heading, the recorded opinion and 审批文号, then a signature line,
    「（盖章）」 and the date at its foot."""
    canvas = page.canvas
    each = (PAGE_WIDTH - 2 * MARGIN) / len(blocks)
    top, bottom = page.y(), page.y(height_mm)
    canvas.setLineWidth(0.5)
    for index, block in enumerate(blocks):
        left = MARGIN + index * each
        canvas.rect(left, bottom, each, top - bottom)
        x = left + 2.5 * mm
        fonts.draw(canvas, x, top - 6 * mm, f"{block.heading}：", size + 0.5)
        baseline = top - 12.5 * mm
        lines = wrap_lines(block.opinion, each - 5 * mm, size) if block.opinion else []
        if block.number:
            lines += wrap_lines(f"审批文号：{block.number}", each - 5 * mm, size)
        for line in lines:
            fonts.draw(canvas, x, baseline, line, size)
            baseline -= size * 1.45
        signed = fonts.draw(canvas, x, bottom + 17 * mm, f"{block.signer}：", size)
        canvas.line(x + signed, bottom + 16.6 * mm, left + each - 2.5 * mm, bottom + 16.6 * mm)
        fonts.draw(canvas, left + each - 2.5 * mm, bottom + 10.5 * mm, "（盖章）", size - 1, align="right")
        fonts.draw(
            canvas,
            left + each - 2.5 * mm,
            bottom + 4 * mm,
            f"日期：{block.day or '　　年　　月　　日'}",
            size,
            align="right",
        )
    page.top += height_mm


def ruled_table(
    page: Page,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    *,
    size: float = 9.0,
    row_height: float = 6.5,
    min_rows: int = 0,
) -> None:
    """A table at the cursor, centred on the page: a shaded header row, then the rows (blank ones up to `min_rows`,
    to fill in by hand); every text fitted to its cell."""
    canvas = page.canvas
    left = (PAGE_WIDTH - sum(c.width_mm for c in columns) * mm) / 2
    blank = [""] * len(columns)
    canvas.setLineWidth(0.5)
    for index, cells in enumerate([[c.header for c in columns], *rows, *[blank] * (min_rows - len(rows))]):
        bottom, height = page.y(row_height), row_height * mm
        x = left
        for text, column in zip(cells, columns, strict=True):
            width = column.width_mm * mm
            if index == 0:
                _label_cell(canvas, x, bottom, width, height)
            else:
                canvas.rect(x, bottom, width, height)
            fit_text(
                canvas,
                text,
                x,
                bottom,
                width,
                height,
                size,
                align="centre" if index == 0 or column.align == "centre" else "left",
            )
            x += width
        page.top += row_height


def cut_line(page: Page, text: str = "（请沿此线剪下）", *, size: float = 8.0) -> None:
    """A dashed line across the page with a note in a gap at its middle: where a tear-off part (回执) begins."""
    canvas = page.canvas
    y = page.y(5)
    gap = fonts.width(text, size) / 2 + 2 * mm
    canvas.saveState()
    canvas.setDash(3, 2)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN - 8 * mm, y, PAGE_WIDTH / 2 - gap, y)
    canvas.line(PAGE_WIDTH / 2 + gap, y, PAGE_WIDTH - MARGIN + 8 * mm, y)
    canvas.restoreState()
    fonts.draw(canvas, PAGE_WIDTH / 2, y - size * 0.3, text, size, align="centre")
    page.top += 10


def text_line(page: Page, left: str, right: str = "", *, size: float = 10.0, height: float = 7.0) -> None:
    """One line of small text: `left` at the left margin and `right` flush right (学校 …　申请日期 …)."""
    baseline = page.y(height * 0.7)
    fonts.draw(page.canvas, MARGIN, baseline, left, size)
    if right:
        fonts.draw(page.canvas, PAGE_WIDTH - MARGIN, baseline, right, size, align="right")
    page.top += height
