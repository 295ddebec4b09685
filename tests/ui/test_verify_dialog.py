"""「核验证明」 driven with qtbot on a real data folder: a real issued 在读证明 checked by its number, by the code a
scanner gun types (Enter), and from a PNG scan of the issued PDF picked in the file dialog; an unknown number, a file
that is not a picture and a scan with no code are told in red, in Chinese."""

from __future__ import annotations

from datetime import date

import pypdfium2
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select

from tests.factories import add_student
from xueji_desktop.models import CertificateIssue, School, SchoolClass
from xueji_desktop.services.printing import certificates
from xueji_desktop.ui.printing.verify_dialog import PASSED_STYLE, VerifyDialog, typed_code

TODAY = date(2026, 11, 29)


@pytest.fixture
def issued(school, tmp_path):
    """A 在读证明 issued to 赵小芸: (its PDF, its number, the code on its QR)."""
    with school.read() as session:
        class_id = session.scalars(select(SchoolClass.id)).first()
    student = add_student(school, class_id, name="赵小芸")
    proof = certificates.issue_enrolment_proofs(
        school, [student], tmp_path / "在读证明.pdf", purpose="用于办理医保", today=TODAY
    )
    with school.read() as session:
        number, digest = session.execute(select(CertificateIssue.number, CertificateIssue.digest)).one()
        code = session.scalar(select(School.code))
    return proof.path, number, certificates.qr_payload(code, number, digest)


def _dialog(qtbot, store) -> VerifyDialog:
    dialog = VerifyDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _png(pdf, out, dpi=150):
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        document[0].render(scale=dpi / 72).to_pil().convert("L").save(out)
    finally:
        document.close()
    return out


def test_an_issued_number_typed_and_the_button_pressed(qtbot, school, issued):
    _, number, _ = issued
    dialog = _dialog(qtbot, school)
    qtbot.keyClicks(dialog.code_edit, number)
    qtbot.mouseClick(dialog.verify_button, Qt.MouseButton.LeftButton)
    assert [r.ok for r in dialog.results] == [True]
    [line] = dialog.result_texts()
    assert line.startswith("✓ 本校开具过此编号的证明") and "赵小芸" in line and number in line
    [label] = dialog.result_labels
    assert label.styleSheet() == PASSED_STYLE and "✓" in label.text() and "赵小芸" in label.text()
    assert dialog.code_edit.selectedText() == number  # the next scan replaces it


def test_the_code_a_scanner_gun_types_with_enter(qtbot, school, issued, monkeypatch):
    _, number, payload = issued
    checked = []
    real = certificates.verify
    monkeypatch.setattr(certificates, "verify", lambda store, code: checked.append(code) or real(store, code))
    dialog = _dialog(qtbot, school)
    qtbot.keyClicks(dialog.code_edit, payload.lower())  # Caps Lock on: the gun sends small letters
    qtbot.keyClick(dialog.code_edit, Qt.Key.Key_Return)
    assert checked == [payload]  # once, as the code it is
    assert [r.ok for r in dialog.results] == [True]
    assert dialog.result_texts()[0].startswith("✓ 核验通过") and "内容未被改动" in dialog.result_texts()[0]
    assert len(dialog.result_labels) == 1
    qtbot.keyClicks(dialog.code_edit, payload[:-4] + "0000")  # replaces the selected code: a changed digest
    qtbot.keyClick(dialog.code_edit, Qt.Key.Key_Return)
    [result] = dialog.results
    assert not result.ok and "可能被改动" in result.message
    assert typed_code(f"ｘｊ１：{payload[4:]} ") == payload  # full-width from a Chinese input method


def test_an_unknown_number_and_nothing_typed_are_red(qtbot, school, issued):
    dialog = _dialog(qtbot, school)
    dialog.code_edit.setText("2026-0099")
    dialog.verify_typed()
    [result] = dialog.results
    assert not result.ok and result.message == "本校没有开具过编号为 2026-0099 的证明"
    [label] = dialog.result_labels
    assert label.objectName() == "failed" and "✗" in label.text() and "#b3261e" in label.styleSheet()
    dialog.code_edit.clear()
    dialog.verify_typed()
    assert dialog.result_texts() == ["✗ 请先扫描证明上的二维码，或输入证明编号（如 2026-0001）"]
    assert len(dialog.result_labels) == 1  # the lines of the last check only


def test_a_png_scan_picked_in_the_file_dialog(qtbot, school, issued, tmp_path, monkeypatch):
    pdf, number, _ = issued
    scan = _png(pdf, tmp_path / "扫描件.png")
    asked = []

    def choose(parent, caption, folder, filters):
        asked.append(filters)
        return str(scan), filters

    monkeypatch.setattr(QFileDialog, "getOpenFileName", choose)
    dialog = _dialog(qtbot, school)
    qtbot.mouseClick(dialog.scan_button, Qt.MouseButton.LeftButton)
    assert all(f"*.{ext}" in asked[0] for ext in ("jpg", "png", "bmp", "tif", "tiff", "pdf"))
    assert [r.ok for r in dialog.results] == [True]
    assert dialog.result_texts()[0].startswith("✓ 核验通过") and number in dialog.result_texts()[0]
    assert dialog.source.text() == "扫描件：扫描件.png"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: ("", ""))
    assert dialog.choose_scan() is None and [r.ok for r in dialog.results] == [True]  # 取消: the lines stay


def test_a_bad_file_or_a_scan_without_a_code_is_told_in_chinese(qtbot, school, tmp_path, monkeypatch):
    not_a_picture = tmp_path / "not.png"
    not_a_picture.write_bytes(b"this is no picture")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(not_a_picture), ""))
    dialog = _dialog(qtbot, school)
    dialog.choose_scan()
    [line] = dialog.result_texts()
    assert line == "✗ 无法识别的图片文件：not.png（请选择 JPG、PNG 或 PDF 格式的扫描件）"
    assert "无法识别的图片文件" in dialog.result_labels[0].text()
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 broken")
    assert [r.message for r in dialog.verify_file(broken)] == [
        "无法打开 PDF 文件：broken.pdf（文件可能已损坏）"
    ]
    Image.new("L", (200, 200), 255).save(tmp_path / "blank.png")
    [result] = dialog.verify_file(tmp_path / "blank.png")
    assert not result.ok and "没有在这个文件中找到二维码" in dialog.result_texts()[0]
