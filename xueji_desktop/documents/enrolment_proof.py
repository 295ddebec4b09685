"""在读证明 (proof of enrolment): one A4 page per student — the school as header, the number, the student's name,
gender, ID number, grade and class and enrolment date in a sentence and a grid, the purpose, the school's seal area
and date, and a QR code holding the number and a digest of the content (services.certificates checks it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from xueji_desktop.documents import pieces
from xueji_desktop.documents.pieces import A4, Page


@dataclass(frozen=True, slots=True)
class EnrolmentProof:
    number: str  # 在读证明编号, e.g. 2026-0001
    school_name: str
    student_name: str
    gender: str  # 男 / 女
    id_number: str
    birth_date: str  # 2019年3月14日
    grade_class: str  # 三年级(2)班
    entry: str  # 2023年9月
    purpose: str  # 用于办理……
    issued_on: str  # 2026年11月29日
    qr_payload: str


def body_text(proof: EnrolmentProof) -> str:
    """The sentence the certificate states (also what its digest covers, with the number and the date)."""
    return (f"兹证明{proof.student_name}，{proof.gender}，{proof.birth_date}出生，身份证件号{proof.id_number}，"
            f"于{proof.entry}入学，现为我校{proof.grade_class}在读学生。")  # fmt: skip


def draw(canvas: Canvas, proof: EnrolmentProof) -> None:
    page = Page(canvas)
    pieces.right_note(page, f"编号：{proof.number}")
    page.top += 6
    pieces.title(page, "在 读 证 明", size=24)
    page.top += 8
    pieces.paragraph(page, body_text(proof))
    pieces.paragraph(page, f"此证明{proof.purpose}。" if proof.purpose else "特此证明。")
    page.top += 6
    pieces.field_grid(page, [("姓名", proof.student_name), ("性别", proof.gender), ("身份证件号", proof.id_number),
                             ("年级班级", proof.grade_class), ("入学年月", proof.entry), ("出生日期", proof.birth_date)])  # fmt: skip
    page.top += 16
    pieces.seal_area(page, proof.school_name, proof.issued_on)
    pieces.qr(page, proof.qr_payload, left_mm=20, top_mm=page.top - 28)
    pieces.paragraph(page, "扫描二维码或在学籍桌面“核验证明”中输入编号，可核验本证明是否由本校开具、内容是否被改动。",
                     size=8, indent=0, leading=5)  # fmt: skip


def write(out: Path, proofs: Iterable[EnrolmentProof]) -> Path:
    """All the proofs in one PDF, one per page (the caller writes it to a temporary name and moves it into place)."""
    from xueji_desktop.documents import fonts

    fonts.registered()
    canvas = Canvas(str(out), pagesize=A4, pageCompression=1)
    canvas.setTitle("在读证明")
    canvas.setAuthor("学籍桌面")
    for proof in proofs:
        draw(canvas, proof)
        canvas.showPage()
    canvas.save()
    return out
