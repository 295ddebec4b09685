"""The CJK fonts every PDF embeds, and text split into runs per font so that no character comes out as a box.

reportlab embeds TrueType (and TTC) fonts but has no fallback of its own: a name with a rare character (䶮 U+4DAE in
CJK Extension A, 𠮷 U+20BB7 in Extension B) would print an empty box in WenQuanYi Micro Hei. `runs` gives each stretch of text the first shipped
font that has its glyphs; `draw` writes the runs one after another. The fonts are the ones the UI registers
(resources/fonts, with their licences); HanaMinB is shipped xz-compressed and decompressed into the per-user cache on
the first PDF that needs the fonts (reference/rare_font.py, about 1 s once). When it cannot be made (full disk) the
PDFs are still written, and its characters fall back to the main font (missing() reports them).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from xueji_desktop.reference import rare_font
from xueji_desktop.reference.resources import resource_path

log = logging.getLogger(__name__)

MAIN = "WQY-MicroHei"
RARE = "HanaMinA"  # CJK Extension A (䶮)
RARER = "HanaMinB"  # Extensions B–F (𠮷 U+20BB7, 𫖯 U+2B5AF of the 通用规范汉字表)
# each font and where its file is (None: it cannot be had), in fallback order
_FILES: tuple[tuple[str, Callable[[], Path | None]], ...] = (
    (MAIN, lambda: resource_path("fonts", "wqy-microhei.ttc")),
    (RARE, lambda: resource_path("fonts", "HanaMinA-rare.ttf")),
    (
        RARER,
        lambda: rare_font.rare_font_path(),
    ),  # decompressed from resources/fonts/HanaMinB.ttf.xz on first need
)


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, with each code point written in UTF-16BE as the PDF reference asks: reportlab
    writes `<%04X>`, which puts 𠮷 (U+20BB7) down as five digits that readers take as U+20BB — the glyph prints, but
    copying, searching and text extraction get the wrong character."""
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({fontname})",
            f"/Ordering ({fontname})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{fontname} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
            *(
                f"<{i:02X}> <{chr(v).encode('utf-16-be', 'surrogatepass').hex().upper()}>"
                for i, v in enumerate(subset)
            ),
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


ttfonts.makeToUnicodeCMap = _to_unicode_cmap


@cache
def registered() -> dict[str, frozenset[int]]:
    """Register the shipped fonts once; each font name with the code points it covers, in fallback order. A rare font
    that cannot be had (HanaMinB on a full disk) is left out: its characters fall back to the main font."""
    covered = {}
    for name, locate in _FILES:
        path = locate()
        if path is None:
            log.warning("PDF 中不用字体 %s：%s", name, rare_font.problem())
            continue
        options = {"subfontIndex": 0} if path.suffix == ".ttc" else {}
        font = TTFont(name, str(path), **options)
        pdfmetrics.registerFont(font)
        covered[name] = frozenset(font.face.charToGlyph)
    return covered


@lru_cache(maxsize=8192)
def runs(text: str) -> tuple[tuple[str, str], ...]:
    """(font, text) runs covering `text`; a character no shipped font has stays in the main font (and is reported by
    missing())."""
    fonts = registered()
    if all(ord(char) in fonts[MAIN] for char in text):
        return ((MAIN, text),)
    result: list[tuple[str, str]] = []
    for char in text:
        point = ord(char)
        font = next((name for name, points in fonts.items() if point in points), MAIN)
        if result and result[-1][0] == font:
            result[-1] = (font, result[-1][1] + char)
        else:
            result.append((font, char))
    return tuple(result)


def missing(text: str) -> str:
    """The characters of `text` no shipped font can show (spaces and control characters aside)."""
    fonts = registered()
    return "".join(
        c for c in text if not c.isspace() and not any(ord(c) in points for points in fonts.values())
    )


def width(text: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(part, font, size) for font, part in runs(text))


@lru_cache(maxsize=16384)
def char_width(char: str, size: float) -> float:
    """One character's width (for wrapping text a character at a time)."""
    return width(char, size)


def put(canvas: Canvas, x: float, y: float, text: str, size: float) -> None:
    """draw() left-aligned without measuring the text: for the many values of a page, where no one needs the width."""
    parts = runs(text)
    if len(parts) == 1:
        canvas.setFont(parts[0][0], size)
        canvas.drawString(x, y, text)
    else:
        draw(canvas, x, y, text, size)


def draw(canvas: Canvas, x: float, y: float, text: str, size: float, *, align: str = "left") -> float:
    """Draw `text` with its runs at (x, y) — left, centre or right aligned; returns the width drawn."""
    parts = runs(text)
    if len(parts) == 1:  # one font: what nearly every string is
        font = parts[0][0]
        total = pdfmetrics.stringWidth(text, font, size)
        canvas.setFont(font, size)
        canvas.drawString(
            x - total / 2 if align == "centre" else x - total if align == "right" else x, y, text
        )
        return total
    total = width(text, size)
    start = x - total / 2 if align == "centre" else x - total if align == "right" else x
    for font, part in parts:
        canvas.setFont(font, size)
        canvas.drawString(start, y, part)
        start += pdfmetrics.stringWidth(part, font, size)
    return total
