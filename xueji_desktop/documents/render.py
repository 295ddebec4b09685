"""PDF pages as pixels, for the print preview, printing and proof thumbnails (pypdfium2: QtPdf needs PySide6 6.12).

No Qt here: a page comes back as RGBA bytes (alpha always 255, rows `stride` bytes apart) that the UI wraps in an
image. The file is read into memory once and the PDFium document closed when done, so no file handle stays open: on
Windows the file can be replaced or deleted while a preview shows it. A missing, broken or password-protected file
raises ValueError with one Chinese line for the clerk (「无法打开 PDF 文件：…」).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import pypdfium2
import pypdfium2.raw as pdfium_raw

POINTS_PER_INCH = 72.0
MM_PER_POINT = 25.4 / POINTS_PER_INCH
MAX_DPI = 1200.0
MAX_PIXELS = 200_000_000  # one page's bitmap: 600 dpi A4 is 35 million pixels
WHITE = (255, 255, 255, 255)
_REASONS = {
    pdfium_raw.FPDF_ERR_FILE: "文件不存在或无法读取",
    pdfium_raw.FPDF_ERR_FORMAT: "文件不是 PDF 或已损坏",
    pdfium_raw.FPDF_ERR_PASSWORD: "文件有密码保护",
    pdfium_raw.FPDF_ERR_SECURITY: "文件的加密方式不受支持",
    pdfium_raw.FPDF_ERR_PAGE: "文件中的页面已损坏",
}


@dataclass(frozen=True, slots=True)
class RenderedPage:
    """One page as pixels: `data` holds `height` rows of `stride` bytes, each pixel R, G, B, A (A always 255)."""

    width: int
    height: int
    data: bytes
    stride: int


class PdfFile:
    """An open PDF: page count, page sizes and rendering without opening the file again. Use it as a context manager
    (or call close()); the file itself is read once and not held open."""

    def __init__(self, path: Path | str, data: bytes | None = None) -> None:
        self.path = Path(path)
        if data is None:
            try:
                data = self.path.read_bytes()
            except FileNotFoundError:
                raise ValueError(_cannot_open(self.path, "文件不存在")) from None
            except IsADirectoryError:
                raise ValueError(_cannot_open(self.path, "这是一个文件夹，不是文件")) from None
            except OSError as error:
                raise ValueError(
                    _cannot_open(self.path, f"文件无法读取（{error.strerror or error}）")
                ) from None
        self.data = data
        try:
            self._document = pypdfium2.PdfDocument(data)
        except pypdfium2.PdfiumError as error:
            reason = _REASONS.get(getattr(error, "err_code", None), "文件不是 PDF 或已损坏")
            raise ValueError(_cannot_open(self.path, reason)) from None
        self._sizes: dict[int, tuple[float, float]] = {}

    def __enter__(self) -> PdfFile:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._document is not None:
            self._document.close()
            self._document = None

    @property
    def closed(self) -> bool:
        return self._document is None

    @property
    def page_count(self) -> int:
        return len(self._open())

    def page_size_points(self, index: int) -> tuple[float, float]:
        """Width and height of page `index` (from 0) in PDF points, as it is shown (its /Rotate applied)."""
        if index not in self._sizes:
            self._sizes[index] = self._with_page(index, lambda page: tuple(page.get_size()))
        return self._sizes[index]

    def page_size_mm(self, index: int) -> tuple[float, float]:
        width, height = self.page_size_points(index)
        return width * MM_PER_POINT, height * MM_PER_POINT

    def render(self, index: int, dpi: float) -> RenderedPage:
        """Page `index` (from 0) at `dpi` dots per inch on white."""
        if not 0 < dpi <= MAX_DPI:
            raise ValueError(f"分辨率应在 1 到 {MAX_DPI:.0f} dpi 之间，不能是 {dpi}")
        width, height = self.page_size_points(index)
        scale = dpi / POINTS_PER_INCH
        if width * scale * height * scale > MAX_PIXELS:
            raise ValueError(f"第 {index + 1} 页在 {dpi:.0f} dpi 下太大，无法显示")

        def draw(page) -> RenderedPage:
            bitmap = page.render(scale=scale, fill_color=WHITE, rev_byteorder=True, prefer_bgrx=True)
            try:
                return RenderedPage(bitmap.width, bitmap.height, bytes(bitmap.buffer), bitmap.stride)
            finally:
                bitmap.close()

        return self._with_page(index, draw)

    def _open(self) -> pypdfium2.PdfDocument:
        if self._document is None:
            raise ValueError(f"PDF 文件已关闭：{self.path.name}")
        return self._document

    def _with_page(self, index: int, use):
        document = self._open()
        if not 0 <= index < len(document):
            raise IndexError(f"PDF 文件「{self.path.name}」共 {len(document)} 页，没有第 {index + 1} 页")
        try:
            page = document[index]
        except pypdfium2.PdfiumError:
            raise ValueError(_cannot_open(self.path, f"第 {index + 1} 页已损坏")) from None
        try:
            return use(page)
        finally:
            page.close()


def open_pdf(path: Path | str) -> PdfFile:
    """The PDF at `path`, open; close it (or use `with`)."""
    return PdfFile(path)


def page_count(path: Path | str) -> int:
    with PdfFile(path) as pdf:
        return pdf.page_count


def page_size_mm(path: Path | str, index: int) -> tuple[float, float]:
    """Width and height of page `index` (from 0) in millimetres."""
    with PdfFile(path) as pdf:
        return pdf.page_size_mm(index)


def render_page(path: Path | str, index: int, dpi: float) -> RenderedPage:
    """Page `index` (from 0) of the PDF at `path`, rendered at `dpi` on white."""
    with PdfFile(path) as pdf:
        return pdf.render(index, dpi)


def render_to_fit(path: Path | str, index: int, width: int, height: int) -> RenderedPage:
    """Page `index` rendered as large as fits in `width` × `height` pixels (a thumbnail)."""
    with PdfFile(path) as pdf:
        page_width, page_height = pdf.page_size_points(index)
        dpi = POINTS_PER_INCH * min(width / page_width, height / page_height)
        return pdf.render(index, min(dpi, MAX_DPI))


def _cannot_open(path: Path, reason: str) -> str:
    return f"无法打开 PDF 文件：{path.name}（{reason}）"
