"""The QR code on a certificate read back: from the PDF as issued, from a scan as a PNG or JPG, and from a
scan of an altered or foreign certificate; the code on the paper is the exact payload logged."""

from __future__ import annotations

from datetime import date

import pypdfium2
import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from tests.factories import add_student
from xueji_desktop.documents import pieces, qr_scan
from xueji_desktop.models import CertificateIssue, School, SchoolClass
from xueji_desktop.services.printing import certificates

TODAY = date(2026, 11, 29)


def _proof(store, tmp_path, name="赵小芸"):
    with store.read() as session:
        class_id = session.scalars(select(SchoolClass.id)).first()
    student = add_student(store, class_id, name=name)
    return certificates.issue_enrolment_proofs(
        store, [student], tmp_path / "在读证明.pdf", purpose="用于办理医保", today=TODAY
    )


def _scan(pdf, out, dpi=150, page=0):
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        document[page].render(scale=dpi / 72).to_pil().convert("L").save(out)
    finally:
        document.close()
    return out


def test_the_printed_code_is_the_logged_number_and_digest(school, tmp_path):
    issued = _proof(school, tmp_path)
    with school.read() as session:
        number, digest = session.execute(select(CertificateIssue.number, CertificateIssue.digest)).one()
        code = session.scalar(select(School.code))
    assert qr_scan.read_codes(issued.path) == [certificates.qr_payload(code, number, digest)]


def test_a_scan_of_the_certificate_verifies(school, tmp_path):
    issued = _proof(school, tmp_path)
    for suffix, dpi in ((".png", 150), (".jpg", 100)):  # a phone photo is often no better than 100 dpi
        results = certificates.verify_scan(school, _scan(issued.path, tmp_path / f"scan{suffix}", dpi))
        assert [r.ok for r in results] == [True], suffix
        assert "核验通过" in results[0].message and "赵小芸" in results[0].message


def test_a_code_whose_digest_was_changed_is_told_apart(school, tmp_path):
    _proof(school, tmp_path)
    with school.read() as session:
        number, digest = session.execute(select(CertificateIssue.number, CertificateIssue.digest)).one()
        code = session.scalar(select(School.code))
    forged = certificates.qr_payload(code, number, "F" * 16)
    modules, matrix = pieces.qr_modules(forged)
    Image.frombytes("L", (modules, modules), matrix).resize((modules * 8, modules * 8), Image.NEAREST).save(
        tmp_path / "forged.png"
    )
    [result] = certificates.verify_scan(school, tmp_path / "forged.png")
    assert not result.ok and "可能被改动" in result.message


def test_a_file_with_no_code_or_not_an_image_says_so(school, tmp_path):
    Image.new("L", (200, 200), 255).save(tmp_path / "blank.png")
    [result] = certificates.verify_scan(school, tmp_path / "blank.png")
    assert not result.ok and "没有在这个文件中找到二维码" in result.message
    (tmp_path / "not.png").write_bytes(b"this is no picture")
    with pytest.raises(qr_scan.ScanError, match="无法识别的图片文件"):
        certificates.verify_scan(school, tmp_path / "not.png")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 broken")
    with pytest.raises(qr_scan.ScanError, match="无法打开 PDF 文件"):
        certificates.verify_scan(school, tmp_path / "broken.pdf")


def test_the_qr_modules_are_drawn_where_the_matrix_says(tmp_path):
    """Every module of the drawn code, sampled at its centre on a 300 dpi render, is dark exactly where the matrix is."""
    from reportlab.pdfgen.canvas import Canvas

    payload = "XJ1:2140406999:2026-0001:0123456789ABCDEF"
    canvas = Canvas(str(tmp_path / "qr.pdf"), pagesize=pieces.A4)
    pieces.qr(pieces.Page(canvas), payload, left_mm=30, top_mm=40, size_mm=29)
    canvas.showPage()
    canvas.save()
    modules, matrix = pieces.qr_modules(payload)
    document = pypdfium2.PdfDocument(str(tmp_path / "qr.pdf"))
    image = document[0].render(scale=300 / 72).to_pil().convert("L")
    document.close()
    per_mm = 300 / 25.4
    cell = 29 / modules
    wrong = [
        (row, column)
        for row in range(modules)
        for column in range(modules)
        if (
            image.getpixel(
                (round((30 + (column + 0.5) * cell) * per_mm), round((40 + (row + 0.5) * cell) * per_mm))
            )
            < 128
        )
        != (matrix[row * modules + column] == 0)
    ]
    assert wrong == []
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [payload]
