"""「套打设置与打印」 driven with qtbot on a real data folder, with made-up printers: the layouts and printers listed,
each printer's offset loaded and saved, the offset worked out from the distances measured on the calibration page, the
calibration page and a graduate's diploma generated and handed to the print preview (on paper of the layout's size,
at 100 %), and no printer at all explained."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QDialog, QMessageBox

from tests.documents.test_overlay import _all_text, _graduate, _where
from xueji_desktop.documents.overlay import Offset
from xueji_desktop.documents.render import PdfFile
from xueji_desktop.services.printing import overlay_printing
from xueji_desktop.ui.printing import preview as print_preview
from xueji_desktop.ui.printing.overlay_dialog import NO_PRINTER_ENTRY, UNCONFIRMED, OverlayDialog
from xueji_desktop.ui.printing.preview import PrintPreviewDialog

HP, CANON = "HP LaserJet 1020", "Canon LBP2900"
LAYOUT = "diploma_primary"


@pytest.fixture
def printers(monkeypatch):
    """Two printers, the Canon the default; returns a function to change them."""

    def use(names, default=""):
        monkeypatch.setattr(QPrinterInfo, "availablePrinterNames", staticmethod(lambda: list(names)))
        monkeypatch.setattr(QPrinterInfo, "defaultPrinterName", staticmethod(lambda: default))

    use([HP, CANON], CANON)
    monkeypatch.setattr(print_preview, "_session_printer", None)  # this test's own printer for the session
    return use


@pytest.fixture
def previews(monkeypatch, tmp_path) -> list[dict]:
    """What was handed to the print preview: its title, paper and a copy of the PDF (the dialog removes its own)."""
    shown: list[dict] = []

    def capture(self):
        copy = tmp_path / f"preview-{len(shown)}.pdf"
        shutil.copy(self.pdf_path, copy)
        shown.append({"title": self.title, "paper_mm": self.paper_mm, "pdf": copy, "path": self.pdf_path})
        return 0

    monkeypatch.setattr(PrintPreviewDialog, "exec", capture)
    return shown


def _dialog(qtbot, store, **options) -> OverlayDialog:
    dialog = OverlayDialog(store, **options)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _boxes(dialog) -> tuple[float, float]:
    return round(dialog.dx_box.value(), 1), round(dialog.dy_box.value(), 1)


def test_the_layouts_and_the_printers_the_default_chosen(qtbot, school, printers):
    dialog = _dialog(qtbot, school)
    titles = [dialog.layout_combo.itemText(i) for i in range(dialog.layout_combo.count())]
    assert sorted(titles) == sorted(layout.title for layout in overlay_printing.layouts().values())
    assert dialog.layout_key() == LAYOUT  # a primary school: the 小学 layout
    assert "297 × 210 毫米（横向）" in dialog.paper_label.text()
    assert [dialog.printer_combo.itemData(i) for i in range(dialog.printer_combo.count())] == [HP, CANON]
    assert dialog.printer() == CANON and dialog.printer_combo.currentText() == f"{CANON}（默认）"
    assert dialog.printer_note.isHidden() and dialog.save_offset_button.isEnabled()
    assert dialog.findChild(type(dialog.paper_label), "unconfirmed").text() == UNCONFIRMED
    assert dialog.diplomas_button.isHidden()  # opened without students: settings only
    assert dialog.set_layout("diploma_junior") and dialog.current_layout().title == "初中毕业证书（套打）"


def test_each_printers_offset_is_loaded_and_saved(qtbot, school, printers):
    overlay_printing.save_printer_offset(school, HP, Offset(1.0, -0.5))
    dialog = _dialog(qtbot, school)
    assert dialog.printer() == CANON and _boxes(dialog) == (0.0, 0.0)
    assert (
        dialog.dx_box.minimum() == -20 and dialog.dx_box.maximum() == 20 and dialog.dy_box.singleStep() == 0.1
    )
    dialog.set_printer(HP)
    assert _boxes(dialog) == (1.0, -0.5) and "已保存" in dialog.offset_state.text()
    dialog.dx_box.setValue(1.2)
    dialog.dy_box.setValue(-0.4)
    assert "尚未保存" in dialog.offset_state.text()
    assert overlay_printing.printer_offset(school, HP) == Offset(1.0, -0.5)  # nothing saved yet
    qtbot.mouseClick(dialog.save_offset_button, Qt.MouseButton.LeftButton)
    assert overlay_printing.printer_offset(school, HP) == Offset(1.2, -0.4)
    assert overlay_printing.printer_offset(school, CANON) == Offset()
    assert "已保存" in dialog.offset_state.text()
    dialog.set_printer(CANON)
    assert _boxes(dialog) == (0.0, 0.0)
    dialog.dy_box.setValue(2.5)
    dialog.save_offset()
    dialog.set_printer(HP)
    assert _boxes(dialog) == (1.2, -0.4)
    again = _dialog(qtbot, school)  # opened again: each printer's own
    assert again.printer() == CANON and _boxes(again) == (0.0, 2.5)


def test_the_offset_from_the_distances_measured_on_the_calibration_page(
    qtbot, school, printers, messages, previews
):
    dialog = _dialog(qtbot, school)
    dialog.set_offset(Offset(1.0, 0.0))
    dialog.measured_left.setValue(31.5)  # the cross landed 1.5 mm right and 2 mm high
    dialog.measured_top.setValue(28.0)
    qtbot.mouseClick(dialog.compute_button, Qt.MouseButton.LeftButton)
    assert _boxes(dialog) == (-0.5, 2.0)
    assert "向右 -0.5 毫米" in dialog.compute_note.text() and "尚未保存" in dialog.offset_state.text()
    assert overlay_printing.printer_offset(school, CANON) == Offset()  # not saved until 保存偏移
    dialog.set_offset(Offset(3.0, 3.0))
    dialog.print_calibration_page()  # printed with (3, 3)
    dialog.set_offset(Offset(0.0, 0.0))  # the boxes changed afterwards: the page's own offset counts
    dialog.measured_left.setValue(30.5)
    dialog.measured_top.setValue(30.0)
    assert dialog.compute_offset() == Offset(2.5, 3.0) and _boxes(dialog) == (2.5, 3.0)
    dialog.measured_left.setValue(55.0)  # a measuring slip
    assert dialog.compute_offset() is None
    assert messages == ["偏移量不能超过 20 毫米：请检查校准页的量取结果"] and _boxes(dialog) == (2.5, 3.0)


def test_the_calibration_page_goes_to_the_preview_and_prints_on_the_layouts_paper(
    qtbot, school, printers, previews, tmp_path, monkeypatch
):
    dialog = _dialog(qtbot, school)
    dialog.set_printer(HP)
    dialog.set_offset(Offset(1.5, -2.0))
    qtbot.mouseClick(dialog.calibration_button, Qt.MouseButton.LeftButton)
    [shown] = previews
    assert shown["paper_mm"] == (297, 210) and shown["title"] == f"套打校准页（{HP}）"
    with PdfFile(shown["pdf"]) as pdf:
        assert pdf.page_count == 1 and pdf.page_size_mm(0) == pytest.approx((297, 210), abs=0.1)
    text = _all_text(shown["pdf"])
    assert "套打校准页（HP LaserJet 1020）" in text and "向右 1.5 毫米，向下 -2 毫米" in text
    assert not shown["path"].exists()  # the temporary file goes once the preview is closed
    # printing from that preview: on 297 × 210 mm paper, not the session's A4
    printer = print_preview.session_printer()
    out = tmp_path / "printed.pdf"
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    printer.setResolution(100)
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    preview = PrintPreviewDialog(shown["pdf"], shown["title"], paper_mm=shown["paper_mm"])
    qtbot.addWidget(preview)
    assert preview.print_document() == 1
    with PdfFile(out) as pdf:
        assert pdf.page_size_mm(0) == pytest.approx((297, 210), abs=0.5)


def test_diplomas_with_the_saved_offset_go_to_the_preview(
    qtbot, school, printers, previews, messages, tmp_path, monkeypatch
):
    graduate = _graduate(school, name="林小满")
    overlay_printing.save_printer_offset(school, CANON, Offset(-1.5, 2.0))
    dialog = _dialog(qtbot, school, student_ids=[graduate], issued_on=date(2026, 7, 5))
    assert dialog.diplomas_button.isVisible() and dialog.diplomas_button.text() == "打印毕业证书（1 人）…"
    qtbot.mouseClick(dialog.diplomas_button, Qt.MouseButton.LeftButton)
    [shown] = previews
    assert shown["paper_mm"] == (297, 210) and shown["title"] == "小学毕业证书（套打） 1 人"
    plain = tmp_path / "plain.pdf"
    overlay_printing.diplomas(school, [graduate], plain, layout_key=LAYOUT, issued_on=date(2026, 7, 5))
    for value in ("林小满", "潞城区实验小学"):
        (a_left, _, a_base), (b_left, _, b_base) = _where(plain, value), _where(shown["pdf"], value)
        assert (b_left - a_left, b_base - a_base) == pytest.approx((-1.5, 2.0), abs=0.05)  # the saved offset
    assert messages == [] and not shown["path"].exists()


def test_the_first_number_numbers_the_diplomas(qtbot, school, printers, previews, messages):
    from sqlalchemy import select

    from xueji_desktop.models import CertificateIssue

    graduate = _graduate(school, name="林小满")
    dialog = _dialog(qtbot, school, student_ids=[graduate], issued_on=date(2026, 7, 5))
    assert dialog.first_number.isVisible()
    dialog.first_number.setText("潞小毕2026001")
    assert dialog.print_diplomas() is True
    assert "潞小毕2026001" in _all_text(previews[0]["pdf"])
    with school.read() as session:
        assert session.scalars(select(CertificateIssue.number)).all() == ["潞小毕2026001"]
    assert dialog.print_diplomas() is False and "已经用过" in messages[0]  # the same blank number twice


def test_an_unsaved_offset_is_asked_about_before_the_diplomas(
    qtbot, school, printers, previews, monkeypatch, tmp_path
):
    graduate = _graduate(school)
    dialog = _dialog(qtbot, school, student_ids=[graduate])
    dialog.set_offset(Offset(1.0, 1.0))
    answers = [
        QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    ]
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda parent, title, text, *rest: asked.append(text) or answers.pop(0)
    )
    assert dialog.print_diplomas() is False and previews == []  # 取消
    assert "还没有保存" in asked[0]
    assert dialog.print_diplomas() is True  # 否: the saved offset (none), the boxes left as they are
    assert overlay_printing.printer_offset(school, CANON) == Offset()
    assert dialog.print_diplomas() is True  # 是: saved first, then used
    assert overlay_printing.printer_offset(school, CANON) == Offset(1.0, 1.0)
    (left_no, _, base_no), (left_yes, _, base_yes) = (
        _where(previews[0]["pdf"], "潞城区实验小学"),
        _where(previews[1]["pdf"], "潞城区实验小学"),
    )
    assert (left_yes - left_no, base_yes - base_no) == pytest.approx((1.0, 1.0), abs=0.05)
    assert len(asked) == 3


def test_a_student_who_has_not_graduated_gets_no_diploma(qtbot, school, printers, previews, messages):
    from sqlalchemy import select

    from tests.factories import add_student
    from xueji_desktop.models import SchoolClass

    with school.read() as session:
        class_id = session.scalars(select(SchoolClass.id)).first()
    pupil = add_student(school, class_id, name="在读生")
    dialog = _dialog(qtbot, school)
    assert dialog.print_diplomas([_graduate(school), pupil]) is False
    assert previews == [] and len(messages) == 1
    assert messages[0].startswith("没有生成毕业证书：在读生当前状态为“在读”")
    assert dialog.print_diplomas([]) is False and "没有选择学生" in messages[1]


def test_no_printer_is_explained(qtbot, school, printers, previews, messages):
    printers([])
    dialog = _dialog(qtbot, school)
    assert dialog.printer_combo.count() == 1 and dialog.printer_combo.currentText() == NO_PRINTER_ENTRY
    assert dialog.printer() == "" and not dialog.printer_combo.isEnabled()
    assert dialog.printer_note.isVisible() and "没有找到打印机" in dialog.printer_note.text()
    assert not dialog.save_offset_button.isEnabled() and "不能保存" in dialog.offset_state.text()
    assert dialog.save_offset() is False and "没有找到打印机" in messages[0]
    assert dialog.print_calibration_page() is True  # still made, to look at or save as PDF
    assert previews[0]["title"] == "套打校准页（未选打印机）" and Path(previews[0]["pdf"]).exists()
