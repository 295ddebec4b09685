"""学历证明书 (第三十条): issued by the school that graduated the student when the diploma is lost, valid once the
education authority has stamped it — so the page has the school's seal area and the authority's, the number and a
QR code holding number and digest."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from xueji_desktop.documents import fonts, pieces
from xueji_desktop.documents.pieces import A4, PAGE_WIDTH, Page


@dataclass(frozen=True, slots=True)
class EducationCertificate:
    number: str
    letterhead: str
    title: str
    body: str  # the clerk's wording, filled in
    note: str  # 本证明书经主管教育行政部门验印后生效。
    issuer: str
    issued_on: str
    authority: str
    qr_payload: str


def draw(canvas: Canvas, certificate: EducationCertificate) -> None:
    page = Page(canvas)
    pieces.letterhead(page, certificate.letterhead)
    pieces.right_note(page, f"编号：{certificate.number}")
    page.top = 34
    pieces.title(page, certificate.title, size=24)
    page.top += 8
    pieces.paragraph(page, certificate.body)
    pieces.paragraph(page, certificate.note)
    page.top += 14
    top = page.top
    pieces.seal_area(page, certificate.issuer, certificate.issued_on)
    authority = Page(canvas, top)
    fonts.draw(canvas, 60 * mm, authority.y(8), "主管教育行政部门验印：", 12, align="centre")
    fonts.draw(canvas, 60 * mm, authority.y(16), certificate.authority, 11, align="centre")
    fonts.draw(canvas, 60 * mm, authority.y(24), "年　　月　　日", 11, align="centre")
    pieces.qr(page, certificate.qr_payload, left_mm=PAGE_WIDTH / mm / 2 - 12, top_mm=page.top + 4)


def write(out: Path, certificate: EducationCertificate) -> Path:
    fonts.registered()
    canvas = Canvas(str(out), pagesize=A4, pageCompression=1)
    canvas.setTitle(certificate.title.replace(" ", ""))
    canvas.setAuthor("学籍桌面")
    draw(canvas, certificate)
    canvas.showPage()
    canvas.save()
    return out
