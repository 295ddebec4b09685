"""Reading certificate QR codes back: from a scanned or photographed certificate (JPG, PNG, BMP, TIFF) or a PDF (each
page rendered at 150 dpi, enough for a 24 mm code), with zxing-cpp — the check behind 「核验证明」."""

from __future__ import annotations

from pathlib import Path

import zxingcpp
from PIL import Image, UnidentifiedImageError

from xueji_desktop.errors import InvalidInput

PDF_DPI = 150
MAX_PDF_PAGES = 20  # a scan of a certificate is a page or two; a long PDF is read only this far


class ScanError(InvalidInput):
    """The file cannot be read as an image or a PDF; the message says so in Chinese."""


def read_codes(path: Path) -> list[str]:
    """The text of every QR code found in the file, in reading order, each once."""
    path = Path(path)
    if not path.is_file():
        raise ScanError(f"找不到文件：{path}")
    images = _pdf_pages(path) if path.suffix.lower() == ".pdf" else [_image(path)]
    found: list[str] = []
    for image in images:
        for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
            if code.valid and code.text not in found:
                found.append(code.text)
    return found


def _image(path: Path) -> Image.Image:
    try:
        with Image.open(path) as opened:
            return opened.convert("L")
    except (UnidentifiedImageError, OSError) as error:
        raise ScanError(f"无法识别的图片文件：{path.name}（请选择 JPG、PNG 或 PDF 格式的扫描件）") from error


def _pdf_pages(path: Path) -> list[Image.Image]:
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as error:
        raise ScanError(f"无法打开 PDF 文件：{path.name}（文件可能已损坏）") from error
    try:
        return [
            document[index].render(scale=PDF_DPI / 72).to_pil().convert("L")
            for index in range(min(len(document), MAX_PDF_PAGES))
        ]
    finally:
        document.close()
