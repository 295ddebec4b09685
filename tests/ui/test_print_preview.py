"""打印预览 driven with qtbot: the pages of a real PDF, the page number and the buttons at both ends, zoom, ink where
the text is; printing into a PDF file in place of a printer (every page, a page range, copies), failures told in
Chinese; 另存为 PDF byte for byte, or a Chinese message and nothing lost; a broken PDF; a PDF proof's thumbnail."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QLabel
from sqlalchemy import select

from tests.documents.test_render import PAGE_H, PAGE_W, ink, marked_pdf
from tests.factories import add_student
from xueji_desktop.documents.render import PdfFile, RenderedPage, page_count, render_page
from xueji_desktop.models import SchoolClass
from xueji_desktop.ui.printing import preview as print_preview
from xueji_desktop.ui.printing.preview import PrintPreviewDialog, print_pdf, show_preview

TITLE = "三年级(1)班在校生名册"
BLOCK_BAND = (160 + 40 / 2) / PAGE_H  # the middle of each marked page's black block, from the top


@pytest.fixture
def pdf(tmp_path) -> Path:
    return marked_pdf(tmp_path / "五页.pdf", pages=5)


def _dialog(qtbot, path: Path, title: str = TITLE, **options) -> PrintPreviewDialog:
    dialog = PrintPreviewDialog(path, title, **options)
    qtbot.addWidget(dialog)
    dialog.resize(700, 760)
    dialog.show()
    dialog.windowHandle().requestActivate()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)  # its shortcuts work only in the active window
    return dialog


def _as_page(image: QImage) -> RenderedPage:
    image = image.convertToFormat(QImage.Format.Format_RGBX8888)
    return RenderedPage(image.width(), image.height(), bytes(image.constBits()), image.bytesPerLine())


def _block_page(page: RenderedPage) -> int:
    """Which marked page this is: the fifth of the width where its black block is."""
    fifths = [
        ink(page, (f / 5 + 0.05, BLOCK_BAND - 0.01, (f + 1) / 5 - 0.05, BLOCK_BAND + 0.01)) for f in range(5)
    ]
    found = [f for f, dark in enumerate(fifths) if dark]
    assert len(found) == 1, fifths
    return found[0]


def _pdf_printer(out: Path, resolution: int = 100, printer: QPrinter | None = None) -> QPrinter:
    """A new printer, or the one given (the session's), printing to the PDF file `out`."""
    if printer is None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    printer.setResolution(resolution)  # coarse, so that the test is quick
    return printer


def _printed(out: Path) -> list[int]:
    """The marked pages in a printed PDF, in order."""
    return [_block_page(render_page(out, index, 40)) for index in range(page_count(out))]


def _roster(store, tmp_path, students: int = 45) -> Path:
    from xueji_desktop.services.printing.rosters import class_roster

    with store.read() as session:
        class_id = next(c.id for c in session.scalars(select(SchoolClass)) if c.grade.level == 3)
    for n in range(students):
        add_student(store, class_id, name=f"学生{n:02d}", birth=date(2018, 1 + n % 12, 1 + n % 28))
    out = tmp_path / "名册.pdf"
    class_roster(store, class_id, out)
    return out


# --- looking at the pages ---------------------------------------------------------------------------------------


def test_the_title_the_page_count_and_the_buttons_at_both_ends(qtbot, pdf):
    dialog = _dialog(qtbot, pdf)
    assert dialog.windowTitle() == f"打印预览 — {TITLE}"
    assert dialog.count_label.text().strip() == "/ 共 5 页"
    assert dialog.page_box.text() == "第 1 页" and dialog.page_box.maximum() == 5
    assert not dialog.previous_action.isEnabled() and dialog.next_action.isEnabled()
    dialog.next_action.trigger()
    assert dialog.current == 1 and dialog.page_box.value() == 2
    assert dialog.previous_action.isEnabled() and dialog.next_action.isEnabled()
    dialog.page_box.setValue(5)
    assert dialog.current == 4 and dialog.previous_action.isEnabled() and not dialog.next_action.isEnabled()
    dialog.next_action.trigger()  # past the end: stays on the last page
    assert dialog.current == 4
    dialog.previous_action.trigger()
    assert dialog.current == 3 and dialog.next_action.isEnabled()
    assert [dialog.toolbar.widgetForAction(a).text() for a in (dialog.print_action, dialog.save_action)] == [
        "打印…",
        "另存为 PDF…",
    ]


def test_the_page_keys_move_a_page_and_scrolling_follows_the_page_number(qtbot, pdf):
    dialog = _dialog(qtbot, pdf)
    dialog.scroll.setFocus()
    qtbot.keyClick(dialog.scroll, Qt.Key.Key_PageDown)
    qtbot.keyClick(dialog.scroll, Qt.Key.Key_PageDown)
    assert dialog.current == 2 and dialog.page_box.value() == 3
    qtbot.keyClick(dialog.scroll, Qt.Key.Key_PageUp)
    assert dialog.current == 1
    bar = dialog.scroll.verticalScrollBar()
    bar.setValue(dialog.canvas.rects[3].top() + 10)  # the clerk scrolls into page 4
    assert dialog.current == 3 and dialog.page_box.value() == 4
    bar.setValue(bar.maximum())
    assert dialog.current == 4 and not dialog.next_action.isEnabled()
    bar.setValue(0)
    assert dialog.current == 0 and not dialog.previous_action.isEnabled()


def test_the_shown_page_is_the_right_page_with_ink_where_its_text_is(qtbot, pdf):
    dialog = _dialog(qtbot, pdf)
    for index in range(5):
        page = _as_page(dialog.page_image(index))
        assert _block_page(page) == index
        assert ink(page, (60 / PAGE_W, 60 / PAGE_H, 300 / PAGE_W, 130 / PAGE_H)) > 200  # 「Page n」
        assert ink(page, (0, 0.5, 1, 1)) == 0
    shown = _as_page(dialog.canvas.grab().toImage())  # what is on the screen: the first page, drawn
    rect = dialog.canvas.rects[0]
    title = (
        rect.left() + 60 / PAGE_W * rect.width(),
        rect.top() + 60 / PAGE_H * rect.height(),
        rect.left() + 300 / PAGE_W * rect.width(),
        rect.top() + 130 / PAGE_H * rect.height(),
    )
    assert ink(shown, tuple(v / n for v, n in zip(title, (shown.width, shown.height) * 2, strict=True))) > 200


def test_pages_are_drawn_when_shown_and_only_a_few_are_kept(qtbot, tmp_path):
    dialog = _dialog(qtbot, marked_pdf(tmp_path / "many.pdf", pages=12))
    qtbot.wait(10)
    drawn = {index for index, _ in dialog.canvas._cache}
    assert drawn and drawn <= {0, 1}  # the first page (and the top of the second) only
    for index in range(12):
        dialog.go_to(index)
        dialog.canvas.repaint()
    assert len(dialog.canvas._cache) <= print_preview.CACHED_PAGES
    assert 11 in {index for index, _ in dialog.canvas._cache}


def test_fit_to_width_by_default_then_zoom(qtbot, pdf):
    dialog = _dialog(qtbot, pdf)
    viewport = dialog.scroll.viewport().width()
    assert dialog.fit_width and dialog.fit_action.isChecked()
    assert abs(dialog.canvas.rects[0].width() - (viewport - 2 * print_preview.MARGIN)) <= 2
    assert dialog.scroll.horizontalScrollBar().maximum() == 0
    fitted = dialog.canvas.zoom
    dialog.zoom_in_action.trigger()
    assert dialog.canvas.zoom > fitted and not dialog.fit_width and not dialog.fit_action.isChecked()
    assert dialog.zoom_label.text() == f"{round(dialog.canvas.zoom * 100)}%"
    while dialog.canvas.rects[0].width() <= viewport:  # one step may stay inside the window's margins
        dialog.zoom_in_action.trigger()
    assert dialog.scroll.horizontalScrollBar().maximum() > 0
    assert dialog.page_image(0).width() > round(
        dialog.canvas.rects[0].width() * 0.95
    )  # drawn at the new size
    for _ in range(20):
        dialog.zoom_out_action.trigger()
    assert dialog.canvas.zoom == print_preview.ZOOM_STEPS[0] and not dialog.zoom_out_action.isEnabled()
    dialog.page_box.setValue(3)
    dialog.fit_action.trigger()
    assert dialog.canvas.zoom == pytest.approx(fitted) and dialog.current == 2  # still on page 3
    dialog.resize(dialog.width() + 150, dialog.height())
    qtbot.waitUntil(lambda: dialog.canvas.zoom > fitted * 1.1)  # fitted again to the wider window


def test_a_real_class_roster_shows_with_its_chinese(qtbot, school, tmp_path):
    dialog = _dialog(qtbot, _roster(school, tmp_path))
    assert dialog.count_label.text().strip() == "/ 共 2 页"
    page = _as_page(dialog.page_image(0))
    assert ink(page, (0.3, 0.03, 0.7, 0.12)) > 100 and ink(page, (0.1, 0.15, 0.9, 0.6)) > 1000


# --- printing ---------------------------------------------------------------------------------------------------


def test_print_pdf_prints_every_page_with_ink(qtbot, pdf, tmp_path):
    out = tmp_path / "printed.pdf"
    assert print_pdf(pdf, _pdf_printer(out)) == 5
    assert _printed(out) == [0, 1, 2, 3, 4]
    page = render_page(out, 0, 40)
    assert (
        ink(page, (60 / PAGE_W, 60 / PAGE_H, 300 / PAGE_W, 130 / PAGE_H)) > 50
        and ink(page, (0, 0.5, 1, 1)) == 0
    )


def test_a_page_range_prints_only_those_pages(qtbot, pdf, tmp_path):
    printer = _pdf_printer(tmp_path / "range.pdf")
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 4)
    assert print_pdf(pdf, printer) == 3
    assert _printed(tmp_path / "range.pdf") == [1, 2, 3]
    assert print_pdf(pdf, _pdf_printer(tmp_path / "chosen.pdf"), pages=[4, 0]) == 2
    assert _printed(tmp_path / "chosen.pdf") == [4, 0]


def test_copies_last_page_first_and_pages_that_are_not_there(qtbot, pdf, tmp_path):
    printer = _pdf_printer(tmp_path / "copies.pdf")
    assert not printer.supportsMultipleCopies()  # a PDF file: the copies are made here
    printer.setCopyCount(2)
    printer.setCollateCopies(False)
    printer.setPageOrder(QPrinter.PageOrder.LastPageFirst)
    assert print_pdf(pdf, printer, pages=[0, 1]) == 4
    assert _printed(tmp_path / "copies.pdf") == [1, 1, 0, 0]
    with pytest.raises(print_preview.PrintFailed, match="共 5 页"):
        print_pdf(pdf, _pdf_printer(tmp_path / "none.pdf"), pages=[7])


def test_printing_can_be_cancelled_between_pages(qtbot, pdf, tmp_path):
    seen = []

    def stop_after_two(done: int, total: int) -> bool:
        seen.append((done, total))
        return done < 2

    printer = _pdf_printer(tmp_path / "cancelled.pdf")
    assert print_pdf(pdf, printer, progress=stop_after_two) == 0
    assert seen == [(1, 5), (2, 5)]  # asked after each page, and no page drawn after the answer no
    out = tmp_path / "cancelled.pdf"
    assert not out.exists() or page_count(out) <= 2  # a PDF file cannot be aborted: at most the pages before


def test_a_landscape_page_is_turned_onto_portrait_paper(qtbot, tmp_path):
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas

    wide = tmp_path / "wide.pdf"
    canvas = Canvas(str(wide), pagesize=landscape(A4))
    canvas.rect(0, 0, landscape(A4)[0] / 2, landscape(A4)[1], stroke=0, fill=1)  # the left half black
    canvas.save()
    out = tmp_path / "turned.pdf"
    print_pdf(wide, _pdf_printer(out))
    page = render_page(out, 0, 30)
    assert page.height > page.width  # portrait paper
    top, bottom = ink(page, (0.1, 0.05, 0.9, 0.45)), ink(page, (0.1, 0.55, 0.9, 0.95))
    assert (top > 1000 and bottom == 0) or (bottom > 1000 and top == 0), (
        top,
        bottom,
    )  # the whole page, turned


def test_print_from_the_dialog_remembers_the_printer_and_honours_its_choices(
    qtbot, pdf, tmp_path, monkeypatch
):
    monkeypatch.setattr(print_preview, "_session_printer", None)
    printer = print_preview.session_printer()
    assert print_preview.session_printer() is printer  # the same printer for the next document
    assert (
        printer.pageLayout().pageSize().id() == print_preview.QPageSize.PageSizeId.A4 and printer.fullPage()
    )
    out = tmp_path / "from-dialog.pdf"
    _pdf_printer(out, 100, printer)
    asked = []

    def clerk_chooses_pages_2_to_3(self):
        asked.append((self.minPage(), self.maxPage(), self.printer().printRange()))
        self.printer().setPrintRange(QPrinter.PrintRange.PageRange)
        self.printer().setFromTo(2, 3)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", clerk_chooses_pages_2_to_3)
    dialog = _dialog(qtbot, pdf)
    qtbot.keyClick(dialog.scroll, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)  # Ctrl+P
    assert asked == [(1, 5, QPrinter.PrintRange.AllPages)]  # a fresh range each time
    assert _printed(out) == [1, 2] and "已打印 2 页" in dialog.status.currentMessage()

    def clerk_chooses_the_current_page(self):
        self.printer().setPrintRange(QPrinter.PrintRange.CurrentPage)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", clerk_chooses_the_current_page)
    dialog.page_box.setValue(4)
    assert dialog.print_document() == 1 and _printed(out) == [3]
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    out.unlink()
    assert dialog.print_document() == 0 and not out.exists()  # 取消: nothing printed


def _dark_box_mm(path: Path, dpi: float = 100) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) in mm of the dark pixels on the first page of a PDF."""
    page = render_page(path, 0, dpi)
    xs, ys = [], []
    for y in range(page.height):
        row = page.data[y * page.stride : y * page.stride + page.width * 4]
        for x in range(0, len(row), 4):
            if row[x] < 128 and row[x + 1] < 128 and row[x + 2] < 128:
                xs.append(x // 4)
                ys.append(y)
    assert xs, "no ink"
    return tuple(v * 25.4 / dpi for v in (min(xs), min(ys), max(xs) + 1, max(ys) + 1))  # type: ignore[return-value]


def test_a_paper_size_prints_the_page_on_that_paper_at_full_size(qtbot, tmp_path, monkeypatch):
    """套打: a 297 × 210 mm page with a 5 mm square 30 mm from the left and top edges prints on paper of exactly that
    size, landscape, the square where it was (not turned, not shrunk); the session's A4 paper comes back afterwards.
    Without the paper size the same page is turned onto the A4 portrait paper."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    blank = tmp_path / "套打.pdf"
    canvas = Canvas(str(blank), pagesize=(297 * mm, 210 * mm))
    canvas.rect(30 * mm, (210 - 35) * mm, 5 * mm, 5 * mm, stroke=0, fill=1)
    canvas.save()
    monkeypatch.setattr(print_preview, "_session_printer", None)
    out = tmp_path / "printed.pdf"
    printer = _pdf_printer(out, 150, print_preview.session_printer())
    offered = []

    def accept(self):
        offered.append(self.printer().pageLayout().fullRect(QPageLayout.Unit.Millimeter).size().toTuple())
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    dialog = _dialog(qtbot, blank, paper_mm=(297, 210))
    assert dialog.print_document() == 1
    assert offered[0] == pytest.approx((297, 210), abs=0.5)  # the print dialog offers the blank's paper
    with PdfFile(out) as printed:
        assert printed.page_size_mm(0) == pytest.approx((297, 210), abs=0.5)
    left, top, right, bottom = _dark_box_mm(out)
    assert (left, top, right - left, bottom - top) == pytest.approx((30, 30, 5, 5), abs=0.4)
    layout = printer.pageLayout()
    assert (
        layout.pageSize().id() == QPageSize.PageSizeId.A4
        and layout.orientation() == QPageLayout.Orientation.Portrait
    )
    plain = _dialog(qtbot, blank)  # no paper size: A4 portrait, the page turned
    out.unlink()
    assert plain.print_document() == 1
    with PdfFile(out) as printed:
        assert printed.page_size_mm(0) == pytest.approx((210, 297), abs=0.5)


def test_no_printer_is_told_in_chinese(qtbot, pdf, monkeypatch, messages):
    monkeypatch.setattr(print_preview, "_session_printer", QPrinter(QPrinter.PrinterMode.HighResolution))
    monkeypatch.setattr(print_preview.QPrinterInfo, "availablePrinters", staticmethod(lambda: []))
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: pytest.fail("no print dialog without a printer"))
    dialog = _dialog(qtbot, pdf)
    assert dialog.print_document() == 0
    assert len(messages) == 1 and "没有找到打印机" in messages[0] and dialog.isVisible()


def test_a_printer_that_cannot_start_is_told_in_chinese(qtbot, pdf, tmp_path, messages):
    dialog = _dialog(qtbot, pdf)
    assert dialog.print_on(_pdf_printer(tmp_path / "no-such-folder" / "x" / "out.pdf")) == 0
    assert len(messages) == 1 and "无法开始打印" in messages[0] and dialog.isVisible()


# --- save as ------------------------------------------------------------------------------------------------------


def test_save_as_copies_the_file_byte_for_byte(qtbot, pdf, tmp_path, monkeypatch):
    target = tmp_path / "saved" / "名册副本"  # no .pdf: it is added
    target.parent.mkdir()
    proposed = []

    def choose(parent, caption, directory, filter_):
        proposed.append(directory)
        return str(target), filter_

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    dialog = _dialog(qtbot, pdf)
    saved = dialog.save_as()
    assert saved == target.with_name("名册副本.pdf") and saved.read_bytes() == pdf.read_bytes()
    assert Path(proposed[0]).name == f"{TITLE}.pdf"
    assert [p.name for p in target.parent.iterdir()] == ["名册副本.pdf"]  # no temporary left beside it
    saved.write_bytes(b"old")  # saving again replaces the file whole
    qtbot.keyClick(dialog.scroll, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert saved.read_bytes() == pdf.read_bytes()
    assert Path(proposed[1]).parent == target.parent  # the folder used last is offered next
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: ("", ""))
    assert dialog.save_as() is None  # 取消


def test_the_default_name_is_safe_for_windows(qtbot, pdf, monkeypatch):
    proposed = []
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        lambda parent, caption, directory, f: proposed.append(directory) or ("", ""),
    )
    dialog = _dialog(qtbot, pdf, title="在读证明 2026/11 李明?", default_name=None)
    dialog.save_as()
    assert Path(proposed[0]).name == "在读证明 2026_11 李明_.pdf"
    named = _dialog(qtbot, pdf, default_name="在读证明-李明")
    named.save_as()
    assert Path(proposed[1]).name == "在读证明-李明.pdf"


def test_save_as_to_a_place_that_cannot_be_written_is_told_and_loses_nothing(
    qtbot, pdf, tmp_path, monkeypatch, messages
):
    blocker = tmp_path / "一个文件"
    blocker.write_text("不是文件夹", encoding="utf-8")
    original = pdf.read_bytes()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(blocker / "名册.pdf"), ""))
    dialog = _dialog(qtbot, pdf)
    assert dialog.save_as() is None
    assert len(messages) == 1 and messages[0].startswith("无法保存到") and "预览仍然打开" in messages[0]
    assert (
        dialog.isVisible()
        and pdf.read_bytes() == original
        and blocker.read_text(encoding="utf-8") == "不是文件夹"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["一个文件", pdf.name])
    readonly = tmp_path / "只读"
    readonly.mkdir()
    existing = readonly / "名册.pdf"
    existing.write_bytes(b"keep me")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(existing), ""))
    monkeypatch.setattr(
        print_preview.os, "replace", refuse
    )  # as Windows does when the file is open elsewhere
    assert dialog.save_as() is None
    assert "没有写入这个文件夹的权限" in messages[1] and existing.read_bytes() == b"keep me"
    assert [p.name for p in readonly.iterdir()] == ["名册.pdf"]
    assert dialog.page_count == 5 and dialog.isVisible()


# --- a broken PDF ---------------------------------------------------------------------------------------------------


def test_a_broken_pdf_is_told_in_chinese(qtbot, tmp_path, messages, monkeypatch):
    broken = tmp_path / "坏的.pdf"
    broken.write_bytes(b"%PDF-1.4\n%%EOF\n")
    dialog = _dialog(qtbot, broken)
    assert dialog.error.startswith("无法打开 PDF 文件：坏的.pdf")
    assert (
        not dialog.problem.isHidden()
        and dialog.problem.text().startswith(dialog.error)
        and dialog.scroll.isHidden()
    )
    assert not dialog.print_action.isEnabled() and not dialog.save_action.isEnabled()
    assert dialog.print_document() == 0 and dialog.save_as() is None
    monkeypatch.setattr(PrintPreviewDialog, "exec", lambda self: pytest.fail("no preview of a broken file"))
    assert show_preview(None, broken, "坏的") is False
    assert messages == ["无法打开 PDF 文件：坏的.pdf（文件不是 PDF 或已损坏）"]
    assert show_preview(None, tmp_path / "不存在.pdf", "不存在") is False
    assert "文件不存在" in messages[1]


def test_show_preview_opens_the_dialog_and_waits(qtbot, pdf, monkeypatch):
    shown = []
    monkeypatch.setattr(PrintPreviewDialog, "exec", lambda self: shown.append(self.windowTitle()) or 0)
    assert show_preview(None, pdf, "在读证明") is True
    assert shown == ["打印预览 — 在读证明"]


def test_the_file_can_go_while_the_preview_shows_it(qtbot, pdf, tmp_path, monkeypatch):
    """The preview keeps the file in memory: replaced or deleted on the disk (as Windows allows only when no one holds
    it open), the preview still draws, prints and saves what it showed."""
    original = pdf.read_bytes()
    dialog = _dialog(qtbot, pdf)
    pdf.unlink()
    assert _block_page(_as_page(dialog.page_image(4))) == 4
    assert dialog.print_on(_pdf_printer(tmp_path / "after.pdf"), pages=[3]) == 1
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(tmp_path / "copy.pdf"), ""))
    assert dialog.save_as().read_bytes() == original
    dialog.close()
    dialog.show()  # shown again after closing: opened again from memory
    assert _block_page(_as_page(dialog.page_image(2))) == 2


# --- the thumbnail of a PDF proof ---------------------------------------------------------------------------------


def test_a_pdf_proof_shows_a_thumbnail_of_its_first_page(qtbot, school, tmp_path):
    from tests.factories import class_id_of
    from tests.ui.test_procedure_wizard import _tab

    scan = marked_pdf(tmp_path / "申请表.pdf", pages=2)
    broken = tmp_path / "坏的申请表.pdf"
    broken.write_bytes(b"%PDF-1.4\n%%EOF\n")
    student = add_student(school, class_id_of(school, 3))
    wizard = _tab(qtbot, school).start("suspension", student_id=student)
    wizard.next()
    wizard.next()
    page = wizard.proofs_page
    thumb = page.grid.itemAtPosition(1, 2).widget()  # row 0: 打印《休学、复学申请表》 to be signed first
    assert isinstance(thumb, QLabel)
    assert page.attach(0, scan, thumb=thumb)
    picture = thumb.pixmap()
    assert not picture.isNull() and thumb.text() == ""
    assert picture.height() == 64 and picture.width() < 64  # the A4 page, upright
    shown = _as_page(picture.toImage())
    assert _block_page(shown) == 0  # the first page: its block in the first fifth
    other = page.grid.itemAtPosition(2, 2).widget()
    assert page.attach(1, broken, thumb=other)
    assert other.pixmap().isNull() and other.text() == "PDF"  # cannot be drawn: the word, as before
