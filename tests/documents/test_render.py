"""PDF pages as pixels (documents/render.py, pypdfium2): page count and size, ink where the text is and none where the
page is blank, a real 在校生名册 drawn with its Chinese, the file never held open, and one Chinese line for a file
that is missing, broken or not a PDF."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import psutil
import pytest
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select

from tests.factories import add_student
from xueji_desktop.documents import render
from xueji_desktop.documents.render import PdfFile, RenderedPage, page_count, page_size_mm, render_page

PAGE_W, PAGE_H = A4


def ink(page: RenderedPage, box: tuple[float, float, float, float]) -> int:
    """Dark pixels (R, G and B under 128) inside `box`, given as fractions (left, top, right, bottom) of the page."""
    left, top, right, bottom = (round(f * n) for f, n in zip(box, (page.width, page.height) * 2, strict=True))
    dark = 0
    for y in range(top, bottom):
        row = page.data[y * page.stride + left * 4 : y * page.stride + right * 4]
        dark += sum(
            1 for x in range(0, len(row), 4) if row[x] < 128 and row[x + 1] < 128 and row[x + 2] < 128
        )
    return dark


def marked_pdf(path: Path, pages: int = 3) -> Path:
    """A4 pages, each with its number in large letters in the top left and a black block whose place moves along the
    top from page to page (page n: the n-th fifth of the width); the lower half is blank."""
    canvas = Canvas(str(path), pagesize=A4)
    for n in range(pages):
        canvas.setFont("Helvetica-Bold", 48)
        canvas.drawString(60, PAGE_H - 120, f"Page {n + 1}")
        canvas.rect(PAGE_W * n / 5 + 10, PAGE_H - 200, PAGE_W / 5 - 20, 40, stroke=0, fill=1)
        canvas.showPage()
    canvas.save()
    return path


@pytest.fixture
def pdf(tmp_path) -> Path:
    return marked_pdf(tmp_path / "三页.pdf")


def test_page_count_and_size(pdf, tmp_path):
    assert page_count(pdf) == 3
    width, height = page_size_mm(pdf, 0)
    assert width == pytest.approx(210, abs=0.5) and height == pytest.approx(297, abs=0.5)
    mixed = tmp_path / "mixed.pdf"
    canvas = Canvas(str(mixed), pagesize=A4)
    canvas.showPage()
    canvas.setPageSize(landscape(A5))
    canvas.showPage()
    canvas.save()
    assert page_count(mixed) == 2
    assert page_size_mm(mixed, 1) == (pytest.approx(210, abs=0.5), pytest.approx(148, abs=0.5))


def test_a_page_rendered_at_a_resolution_has_ink_where_its_text_is(pdf):
    page = render_page(pdf, 0, 72)
    assert (page.width, page.height) == (math.ceil(PAGE_W), math.ceil(PAGE_H))  # 595.3 × 841.9 points
    assert page.stride >= page.width * 4 and len(page.data) == page.stride * page.height
    assert set(page.data[3::4]) == {255}  # opaque: alpha always 255
    text_box = (60 / PAGE_W, 60 / PAGE_H, 300 / PAGE_W, 130 / PAGE_H)  # 「Page 1」 in the top left
    assert ink(page, text_box) > 300
    assert ink(page, (0, 0.5, 1, 1)) == 0  # the lower half is blank
    sharper = render_page(pdf, 0, 144)
    assert (sharper.width, sharper.height) == (math.ceil(2 * PAGE_W), math.ceil(2 * PAGE_H))


def test_each_page_is_its_own(pdf):
    """The block moves along the top: on page n it is in the n-th fifth of the width, and in no other fifth."""
    block_band = (160 + 40 / 2) / PAGE_H  # the middle of the block, from the top (160 to 200 points down)
    for n in range(3):
        page = render_page(pdf, n, 50)
        fifths = [
            ink(page, (f / 5 + 0.05, block_band - 0.01, (f + 1) / 5 - 0.05, block_band + 0.01))
            for f in range(5)
        ]
        assert [f for f, dark in enumerate(fifths) if dark] == [n], fifths


def test_a_real_class_roster_is_drawn_with_its_chinese(school, tmp_path):
    from xueji_desktop.models import SchoolClass
    from xueji_desktop.services.printing.rosters import class_roster

    with school.read() as session:
        class_id = next(c.id for c in session.scalars(select(SchoolClass)) if c.grade.level == 3)
    for n in range(45):
        add_student(school, class_id, name=f"学生{n:02d}", birth=date(2018, 1 + n % 12, 1 + n % 28))
    out = tmp_path / "名册.pdf"
    pages = class_roster(school, class_id, out)
    assert page_count(out) == pages == 2
    for index in range(pages):
        page = render_page(out, index, 60)
        assert ink(page, (0.3, 0.03, 0.7, 0.12)) > 100  # the title 「三年级(1)班在校生名册」 at the top
        assert ink(page, (0.1, 0.15, 0.9, 0.6)) > 1000  # the table


def test_the_file_is_never_held_open(pdf):
    """So that on Windows the file can be replaced or deleted while a preview shows it."""

    def open_files() -> set[str]:
        return {Path(f.path).name for f in psutil.Process().open_files()}

    with PdfFile(pdf) as opened:
        opened.render(1, 30)
        assert pdf.name not in open_files()
        pdf.unlink()  # gone from the disk: the open document still draws
        assert opened.render(2, 30).width > 0
    assert opened.closed


@pytest.mark.parametrize(
    "content", [b"", b"%PDF-1.4\n%%EOF\n", b"not a pdf at all", b"\x89PNG\r\n\x1a\n" + b"\0" * 64]
)
def test_a_broken_file_is_told_in_chinese(tmp_path, content):
    broken = tmp_path / "坏文件.pdf"
    broken.write_bytes(content)
    for call in (
        lambda: page_count(broken),
        lambda: render_page(broken, 0, 72),
        lambda: page_size_mm(broken, 0),
    ):
        with pytest.raises(ValueError, match="无法打开 PDF 文件：坏文件.pdf"):
            call()


def test_a_truncated_real_pdf_is_told_in_chinese_or_drawn(pdf, tmp_path):
    """PDFium repairs what it can: half a file either opens with its pages or fails with the Chinese line, never
    anything else."""
    truncated = tmp_path / "半个.pdf"
    truncated.write_bytes(pdf.read_bytes()[: len(pdf.read_bytes()) // 3])
    try:
        count = page_count(truncated)
    except ValueError as error:
        assert str(error).startswith("无法打开 PDF 文件：半个.pdf")
    else:
        assert 0 < count <= 3


def test_a_missing_file_or_a_folder_is_told_in_chinese(tmp_path):
    with pytest.raises(ValueError, match="无法打开 PDF 文件：没有.pdf（文件不存在）"):
        render_page(tmp_path / "没有.pdf", 0, 72)
    with pytest.raises(ValueError, match="无法打开 PDF 文件"):
        page_count(tmp_path)


def test_a_page_that_is_not_there_and_a_silly_resolution_are_refused(pdf):
    with pytest.raises(IndexError, match="共 3 页，没有第 4 页"):
        render_page(pdf, 3, 72)
    with pytest.raises(IndexError):
        render_page(pdf, -1, 72)
    with pytest.raises(ValueError, match="分辨率"):
        render_page(pdf, 0, 0)
    with pytest.raises(ValueError, match="分辨率"):
        render_page(pdf, 0, render.MAX_DPI + 1)


def test_render_to_fit_keeps_the_page_within_the_box(pdf):
    page = render.render_to_fit(pdf, 0, 64, 64)
    assert page.height == 64 and abs(page.width - 64 * PAGE_W / PAGE_H) <= 1
    wide = render.render_to_fit(pdf, 0, 400, 100)
    assert wide.height == 100 and wide.width < 80
