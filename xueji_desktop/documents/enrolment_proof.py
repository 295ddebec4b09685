"""在读证明 (proof of enrolment): one A4 page per student — the school's letterhead, the number, a sentence saying who
the student is and where (the clerk's wording), the purpose, a grid of the particulars, the school's seal area and
date, and a QR code holding the number and a digest of the content (services.certificates checks it).

Everything at fixed places, so what is the same on every copy of a batch — letterhead, title, closing line, the grid's
rules and labels, the seal area, the note — is drawn once into a PDF form and placed on each page; only the student's
own values are drawn per page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from xueji_desktop.documents import fonts, pieces
from xueji_desktop.documents.pieces import A4, Page

BODY_TOP = 56.0  # mm: the sentence, up to three lines
CLOSING_TOP = BODY_TOP + 3 * 9.0
GRID_TOP = CLOSING_TOP + 15
GRID_LABELS = ("姓名", "性别", "身份证件号", "年级班级", "入学年月", "出生日期")
SEAL_TOP = GRID_TOP + 3 * 9.0 + 16
QR_TOP = SEAL_TOP + 2
NOTE_TOP = SEAL_TOP + 32


@dataclass(frozen=True, slots=True)
class ProofBatch:
    """What every proof of one batch shares: the wording in force, the purpose's closing line and the date."""

    letterhead: str
    title: str
    closing: str  # 此证明用于办理医保。 / 特此证明。
    issuer: str
    issued_on: str  # 2026年11月29日


@dataclass(frozen=True, slots=True)
class EnrolmentProof:
    number: str  # 在读证明编号, e.g. 2026-0001
    body: str  # the sentence, the clerk's wording filled in
    particulars: Sequence[str]  # the grid's values, in GRID_LABELS order
    qr_payload: str


def draw_shared(canvas: Canvas, batch: ProofBatch) -> None:
    """The part of the page every proof of the batch has."""
    page = Page(canvas)
    pieces.letterhead(page, batch.letterhead)
    page.top = 34
    pieces.title(page, batch.title, size=24)
    page.top = CLOSING_TOP
    pieces.paragraph(page, batch.closing)
    page.top = GRID_TOP
    pieces.field_grid(page, [(label, "") for label in GRID_LABELS], show="frame")
    page.top = SEAL_TOP
    pieces.seal_area(page, batch.issuer, batch.issued_on)
    page.top = NOTE_TOP
    pieces.paragraph(
        page,
        "扫描二维码或在学籍桌面“核验证明”中输入编号，可核验本证明是否由本校开具、内容是否被改动。",
        size=8,
        indent=0,
        leading=5,
    )


def draw_own(canvas: Canvas, proof: EnrolmentProof) -> None:
    """The student's own part: number, sentence, particulars, QR code."""
    text = pieces.TextBatch(canvas)
    page = Page(text, top=24)  # type: ignore[arg-type] - draws like a canvas
    pieces.right_note(page, f"编号：{proof.number}")
    page.top = BODY_TOP
    pieces.paragraph(page, proof.body, max_lines=3)
    page.top = GRID_TOP
    pieces.field_grid(page, list(zip(GRID_LABELS, proof.particulars, strict=True)), show="values")
    text.close()
    pieces.qr(Page(canvas), proof.qr_payload, left_mm=22, top_mm=QR_TOP)


def write(out: Path, batch: ProofBatch, proofs: Iterable[EnrolmentProof]) -> Path:
    """All the proofs in one PDF, one per page (the caller writes it to a temporary name and moves it into place)."""
    fonts.registered()
    canvas = Canvas(str(out), pagesize=A4, pageCompression=1)
    canvas.setTitle(batch.title.replace(" ", ""))
    canvas.setAuthor("学籍桌面")
    canvas.beginForm("shared")
    draw_shared(canvas, batch)
    canvas.endForm()
    for proof in proofs:
        canvas.doForm("shared")
        draw_own(canvas, proof)
        canvas.showPage()
    canvas.save()
    return out
