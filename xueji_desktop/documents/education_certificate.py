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
    school_name: str
    student_name: str
    gender: str
    id_number: str
    birth_date: str
    entry: str  # 2017年9月
    studied_until: str  # 2023年7月
    issued_on: str
    authority: str
    qr_payload: str


def draw(canvas: Canvas, certificate: EducationCertificate) -> None:
    page = Page(canvas)
    pieces.right_note(page, f"编号：{certificate.number}")
    page.top += 6
    pieces.title(page, "学 历 证 明 书", size=24)
    page.top += 8
    pieces.paragraph(page, f"{certificate.student_name}，{certificate.gender}，{certificate.birth_date}出生，身份证件号"
                           f"{certificate.id_number}，于{certificate.entry}至{certificate.studied_until}在我校学习，"
                           "学习期满，准予毕业。其毕业证书遗失，特发此证明。")  # fmt: skip
    pieces.paragraph(page, "本证明书经主管教育行政部门验印后生效。")
    page.top += 14
    top = page.top
    pieces.seal_area(page, certificate.school_name, certificate.issued_on)
    authority = Page(canvas, top)
    fonts.draw(canvas, 60 * mm, authority.y(8), "主管教育行政部门验印：", 12, align="centre")
    fonts.draw(canvas, 60 * mm, authority.y(16), certificate.authority, 11, align="centre")
    fonts.draw(canvas, 60 * mm, authority.y(24), "年　　月　　日", 11, align="centre")
    pieces.qr(page, certificate.qr_payload, left_mm=PAGE_WIDTH / mm / 2 - 12, top_mm=page.top + 4)


def write(out: Path, certificate: EducationCertificate) -> Path:
    fonts.registered()
    canvas = Canvas(str(out), pagesize=A4, pageCompression=1)
    canvas.setTitle("学历证明书")
    canvas.setAuthor("学籍桌面")
    draw(canvas, certificate)
    canvas.showPage()
    canvas.save()
    return out
