"""套打: values printed onto a pre-printed blank the authority supplies (a diploma), nothing else — each at its place
on the blank, shifted by the printer's own offset — and the calibration page from which the clerk measures that offset
once per printer.

A layout (resources/templates/overlays/*.json) gives the paper size and, for each value, its place in millimetres from
the paper's top-left corner. A printer that feeds the sheet 1.5 mm to the right and 2 mm low puts everything there; the
offset (dx, dy) moves every value back by the same amount.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from xueji_desktop.documents import fonts
from xueji_desktop.errors import InvalidInput
from xueji_desktop.reference.resources import resource_path

CALIBRATION_MARK_MM = (30.0, 30.0)  # the cross the clerk measures, from the paper's top-left corner
MAX_OFFSET_MM = 20.0


@dataclass(frozen=True, slots=True)
class Place:
    key: str
    x: float  # mm from the left edge: the value's left end, or its centre when align is centre
    y: float  # mm from the top edge to the baseline
    align: str = "left"
    width: float = 0.0  # mm the value may take: a longer one is set smaller
    size: float = 0.0  # pt; 0 = the layout's size


@dataclass(frozen=True, slots=True)
class Layout:
    key: str
    title: str
    page_mm: tuple[float, float]
    font_size: float
    places: tuple[Place, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(place.key for place in self.places)


@dataclass(frozen=True, slots=True)
class Offset:
    """The printer's own shift, in mm: positive dx moves the values right, positive dy down."""

    dx: float = 0.0
    dy: float = 0.0

    def __post_init__(self) -> None:
        if abs(self.dx) > MAX_OFFSET_MM or abs(self.dy) > MAX_OFFSET_MM:
            raise InvalidInput(f"偏移量不能超过 {MAX_OFFSET_MM:g} 毫米：请检查校准页的量取结果")

    @classmethod
    def from_calibration(
        cls, measured_left: float, measured_top: float, current: Offset | None = None
    ) -> Offset:
        """The offset after a calibration page printed with `current`: the cross should stand CALIBRATION_MARK_MM from
        the paper's left and top edges; it stood where the clerk measured it."""
        current = current or cls()
        expected_left, expected_top = CALIBRATION_MARK_MM
        return cls(
            round(current.dx + expected_left - measured_left, 1),
            round(current.dy + expected_top - measured_top, 1),
        )


@cache
def layouts() -> dict[str, Layout]:
    """The shipped layouts by key."""
    found = {}
    for path in sorted(resource_path("templates", "overlays").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        places = tuple(
            Place(
                p["key"],
                float(p["x"]),
                float(p["y"]),
                p.get("align", "left"),
                float(p.get("width", 0)),
                float(p.get("size", 0)),
            )
            for p in data["fields"]
        )
        found[data["key"]] = Layout(
            data["key"], data["title"], tuple(data["page_mm"]), float(data["font_size"]), places
        )
    return found


def write(
    out: Path, layout: Layout, sheets: Iterable[Mapping[str, str]], offset: Offset | None = None
) -> int:
    """One page per sheet, each value at its place shifted by `offset`; returns the number of pages."""
    offset = offset or Offset()
    fonts.registered()
    width, height = layout.page_mm
    canvas = Canvas(str(out), pagesize=(width * mm, height * mm), pageCompression=1)
    canvas.setTitle(layout.title)
    canvas.setAuthor("学籍桌面")
    pages = 0
    for values in sheets:
        for place in layout.places:
            text = values.get(place.key, "")
            if not text:
                continue
            size = place.size or layout.font_size
            if place.width and fonts.width(text, size) > place.width * mm:
                size = max(6.0, size * place.width * mm / fonts.width(text, size))
            x = (place.x + offset.dx) * mm
            y = (height - place.y - offset.dy) * mm
            fonts.draw(canvas, x, y, text, size, align="centre" if place.align == "centre" else "left")
        canvas.showPage()
        pages += 1
    canvas.save()
    return pages


def write_calibration(
    out: Path, page_mm: tuple[float, float], offset: Offset | None = None, printer: str = ""
) -> None:
    """The test page: a millimetre grid (a line every 5 mm, numbered every 10 mm) and a cross CALIBRATION_MARK_MM
    from the top-left corner, all shifted by `offset` as the values would be; the clerk measures where the cross
    landed with a ruler."""
    offset = offset or Offset()
    fonts.registered()
    width, height = page_mm
    canvas = Canvas(str(out), pagesize=(width * mm, height * mm), pageCompression=1)
    canvas.setTitle("套打校准页")
    canvas.setAuthor("学籍桌面")
    canvas.translate(offset.dx * mm, -offset.dy * mm)

    def y(top: float) -> float:
        return (height - top) * mm

    for x_mm in range(0, int(width) + 1, 5):
        canvas.setLineWidth(0.5 if x_mm % 10 == 0 else 0.2)
        canvas.setStrokeGray(0.35 if x_mm % 10 == 0 else 0.7)
        canvas.line(x_mm * mm, y(0), x_mm * mm, y(12 if x_mm % 10 == 0 else 8))
        if x_mm % 10 == 0 and 0 < x_mm < width:
            fonts.draw(canvas, x_mm * mm, y(16), str(x_mm), 7, align="centre")
    for y_mm in range(0, int(height) + 1, 5):
        canvas.setLineWidth(0.5 if y_mm % 10 == 0 else 0.2)
        canvas.setStrokeGray(0.35 if y_mm % 10 == 0 else 0.7)
        canvas.line(0, y(y_mm), (12 if y_mm % 10 == 0 else 8) * mm, y(y_mm))
        if y_mm % 10 == 0 and 0 < y_mm < height:
            fonts.draw(canvas, 14 * mm, y(y_mm) - 1 * mm, str(y_mm), 7)
    canvas.setStrokeGray(0.85)
    canvas.setLineWidth(0.15)
    for x_mm in range(20, int(width), 10):
        canvas.line(x_mm * mm, y(20), x_mm * mm, y(height - 10))
    for y_mm in range(20, int(height) - 9, 10):
        canvas.line(20 * mm, y(y_mm), (width - 10) * mm, y(y_mm))
    mark_x, mark_y = CALIBRATION_MARK_MM
    canvas.setStrokeGray(0)
    canvas.setLineWidth(0.3)
    canvas.line((mark_x - 8) * mm, y(mark_y), (mark_x + 8) * mm, y(mark_y))
    canvas.line(mark_x * mm, y(mark_y - 8), mark_x * mm, y(mark_y + 8))
    canvas.circle(mark_x * mm, y(mark_y), 3 * mm)
    lines = [
        "套打校准页" + (f"（{printer}）" if printer else ""),
        f"1. 用要套打的同一台打印机、同样的纸张和进纸方式打印本页。当前偏移：向右 {offset.dx:g} 毫米，向下 {offset.dy:g} 毫米。",
        f"2. 用直尺量出十字中心到纸张左边缘、上边缘的距离（毫米）。打印准确时两者都是 {mark_x:g} 毫米。",
        "3. 把量得的两个数填入“套打设置”并保存；学籍桌面会记住这台打印机的偏移，以后套打自动校正。",
    ]
    for index, text in enumerate(lines):
        fonts.draw(canvas, 50 * mm, y(mark_y - 4 + index * 8), text, 12 if index == 0 else 9)
    canvas.showPage()
    canvas.save()
