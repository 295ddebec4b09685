"""打印预览: the window a clerk sees after choosing 打印 for any document — the PDF's pages on grey, fitted to the
window's width, with 上一页 / 下一页, the page number, 放大 / 缩小 / 适合宽度, 打印…, 另存为 PDF… and 关闭.

Pages are drawn by pypdfium2 (documents/render.py; QtPdf needs PySide6 6.12) when they come into view, and the last
few are kept. Printing draws each page as an image at the printer's resolution (at most 600 dpi) onto the paper, one
page after another: `print_pdf` does it, so a test can print into a PDF file instead of a printer. The QPrinter is
kept for the session, so the next 打印… offers the printer chosen last.
"""

from __future__ import annotations

import os
import sys
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QEvent, QMarginsF, QObject, QRect, QRectF, QSize, QSizeF, QStandardPaths, Qt
from PySide6.QtGui import (
    QAction,
    QColor,
    QGuiApplication,
    QImage,
    QKeySequence,
    QPageLayout,
    QPageSize,
    QPainter,
    QPen,
    QPixmap,
)
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QLabel,
    QProgressDialog,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QStatusBar,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from xueji_desktop.documents.files import placed
from xueji_desktop.documents.render import PdfFile, RenderedPage, render_to_fit
from xueji_desktop.ui.common.messages import show_error

PRINT_DPI_CAP = 600  # a page image finer than this only costs memory and time
SCREEN_DPI_CAP = 400
ZOOM_STEPS = (0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0)
CACHED_PAGES = 6
MARGIN, GAP = 24, 16  # around the pages and between them, in pixels
BACKGROUND = QColor("#dfe1e5")
PAGE_BORDER = QColor("#b9bdc4")
NO_PRINTER = (
    "没有找到打印机。请先在 Windows 的「设置 → 打印机和扫描仪」中添加打印机，"
    "或用「另存为 PDF…」保存后到有打印机的电脑上打印。"
)
CANNOT_START = (
    "无法开始打印：没有找到打印机，或打印机不可用。请检查打印机是否已连接并开机，或先「另存为 PDF…」保存。"
)

_session_printer: QPrinter | None = None
_last_save_folder: Path | None = None


class PrintFailed(RuntimeError):
    """Printing stopped; the message says why, in Chinese."""


def session_printer() -> QPrinter:
    """The QPrinter of this session (A4, full page, high resolution): the printer chosen last is offered again."""
    global _session_printer
    if _session_printer is None:
        _session_printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        _session_printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        _session_printer.setFullPage(True)
    return _session_printer


def paper_layout(paper_mm: tuple[float, float]) -> QPageLayout:
    """Paper of exactly `paper_mm` (width, height in millimetres), landscape when wider than tall, with no margins: a
    PDF page of that size prints on it at 100 %, corner on corner."""
    width, height = paper_mm
    size = QPageSize(
        QSizeF(min(width, height), max(width, height)),
        QPageSize.Unit.Millimeter,
        "",
        QPageSize.SizeMatchPolicy.ExactMatch,
    )
    orientation = QPageLayout.Orientation.Landscape if width > height else QPageLayout.Orientation.Portrait
    return QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)


def qimage(page: RenderedPage) -> QImage:
    """The rendered page as a QImage that owns its pixels."""
    return QImage(page.data, page.width, page.height, page.stride, QImage.Format.Format_RGBX8888).copy()


def pdf_thumbnail(path: Path, width: int, height: int) -> QPixmap:
    """The first page of the PDF at `path` as large as fits in `width` × `height`, with a thin grey edge (a white page
    on a white window shows otherwise as nothing); a null pixmap when the file cannot be drawn."""
    try:
        page = render_to_fit(path, 0, width, height)
    except (ValueError, IndexError):
        return QPixmap()
    image = qimage(page)
    painter = QPainter(image)
    painter.setPen(QPen(PAGE_BORDER, 1))
    painter.drawRect(0, 0, image.width() - 1, image.height() - 1)
    painter.end()
    return QPixmap.fromImage(image)


def printer_pages(printer: QPrinter, count: int) -> list[int]:
    """The pages (from 0) the print dialog asked for: its page range, or every page."""
    if printer.printRange() == QPrinter.PrintRange.PageRange:
        ranges = printer.pageRanges()
        if not ranges.isEmpty():
            return [n - 1 for r in ranges.toRangeList() for n in range(r.from_, r.to + 1) if 1 <= n <= count]
        if printer.fromPage() > 0:
            return [
                n - 1
                for n in range(printer.fromPage(), max(printer.toPage(), printer.fromPage()) + 1)
                if n <= count
            ]
    return list(range(count))


def print_pdf(
    path: Path,
    printer: QPrinter,
    pages: Iterable[int] | None = None,
    *,
    progress: Callable[[int, int], bool] | None = None,
    pdf: PdfFile | None = None,
) -> int:
    """Print the PDF at `path` on `printer`: each page rendered at the printer's resolution (at most 600 dpi) and drawn
    onto the paper, shrunk to fit if larger, centred, turned when its orientation differs from the paper's.

    `pages` are page indexes from 0; None takes the printer's page range (or every page). Copies are made here when the
    printer cannot make them itself, collated as the printer says; 「逆序」 is honoured. `progress(done, total)` is
    called after each page and may return False to cancel (the job is aborted, 0 is returned). The printer is set to
    full page.
    Returns the number of pages drawn; raises PrintFailed (or ValueError for a broken PDF) with a Chinese message."""
    owned = pdf is None
    pdf = PdfFile(path) if pdf is None else pdf
    try:
        count = pdf.page_count
        chosen = printer_pages(printer, count) if pages is None else [int(p) for p in pages]
        outside = [p + 1 for p in chosen if not 0 <= p < count]
        if outside or not chosen:
            raise PrintFailed(
                f"要打印的页码不在文件中（本文件共 {count} 页）：{', '.join(map(str, outside)) or '没有选择页'}"
            )
        copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
        if printer.pageOrder() == QPrinter.PageOrder.LastPageFirst:
            chosen.reverse()
        if printer.collateCopies():
            sequence = chosen * copies
        else:
            sequence = [p for p in chosen for _ in range(copies)]
        printer.setFullPage(True)
        painter = QPainter()
        if not painter.begin(printer):
            raise PrintFailed(CANNOT_START)
        printed = 0
        try:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            resolution = printer.resolution()
            paper = QRectF(printer.pageLayout().fullRectPixels(resolution))
            for n, index in enumerate(sequence):
                if n and not printer.newPage():
                    raise PrintFailed(f"打印第 {index + 1} 页时出错：打印机不再接受新的页面。")
                _draw_page(painter, pdf, index, paper, resolution)
                printed += 1
                if progress is not None and not progress(printed, len(sequence)):
                    printer.abort()  # the clerk cancelled: the job is thrown away, nothing is printed
                    printed = 0
                    break
        except BaseException:
            printer.abort()  # never half a job on the printer
            raise
        finally:
            painter.end()
        if printer.printerState() == QPrinter.PrinterState.Error:
            raise PrintFailed("打印机报告了错误，打印没有完成。请检查打印机后再试。")
        return printed
    finally:
        if owned:
            pdf.close()


def _draw_page(painter: QPainter, pdf: PdfFile, index: int, paper: QRectF, resolution: int) -> None:
    width_pt, height_pt = pdf.page_size_points(index)
    turned = (width_pt > height_pt) != (paper.width() > paper.height())
    if turned:
        width_pt, height_pt = height_pt, width_pt
    natural_w, natural_h = width_pt / 72 * resolution, height_pt / 72 * resolution
    fit = min(1.0, paper.width() / natural_w, paper.height() / natural_h)
    target_w, target_h = natural_w * fit, natural_h * fit
    dpi = min(resolution, PRINT_DPI_CAP) * fit
    page = pdf.render(index, max(dpi, 1.0))
    image = QImage(page.data, page.width, page.height, page.stride, QImage.Format.Format_RGBX8888)
    painter.save()
    painter.translate(paper.center())
    if turned:
        painter.rotate(90)
        target = QRectF(-target_h / 2, -target_w / 2, target_h, target_w)
    else:
        target = QRectF(-target_w / 2, -target_h / 2, target_w, target_h)
    painter.drawImage(target, image)
    painter.restore()
    del image, page  # the image borrows the page's bytes: both go together, after drawing


class PageCanvas(QWidget):
    """Every page of the document one under the other on grey, each drawn when it comes into view."""

    def __init__(self, preview: PrintPreviewDialog) -> None:
        super().__init__()
        self.preview = preview
        self.sizes: list[tuple[float, float]] = []
        self.zoom = 1.0
        self.rects: list[QRect] = []
        self._cache: OrderedDict[tuple[int, int], QImage] = OrderedDict()
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def pixels_per_point(self) -> float:
        return self.zoom * self.logicalDpiX() / 72

    def set_pages(self, sizes: list[tuple[float, float]]) -> None:
        self.sizes = sizes
        self._cache.clear()
        self.relayout()

    def set_zoom(self, zoom: float) -> None:
        self.zoom = zoom
        self.relayout()

    def relayout(self) -> None:
        scale = self.pixels_per_point()
        widest = max((round(w * scale) for w, _ in self.sizes), default=0)
        y, self.rects = MARGIN, []
        for w, h in self.sizes:
            width, height = round(w * scale), round(h * scale)
            self.rects.append(QRect(MARGIN + (widest - width) // 2, y, width, height))
            y += height + GAP
        self.setFixedSize(widest + 2 * MARGIN, y - GAP + MARGIN if self.sizes else 2 * MARGIN)
        self.update()

    def page_at(self, y: int) -> int:
        """The page at height `y` (the one above when `y` falls in a gap)."""
        for index, rect in enumerate(self.rects):
            if y < rect.bottom() + GAP:
                return index
        return max(len(self.rects) - 1, 0)

    def image(self, index: int) -> QImage:
        """Page `index` at the current zoom (rendered now unless it is among the last few); raises ValueError."""
        ratio = self.devicePixelRatioF()
        dpi = min(self.zoom * self.logicalDpiX() * ratio, SCREEN_DPI_CAP)
        key = (index, round(dpi * 100))
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        image = qimage(self.preview.pdf().render(index, dpi))
        self._cache[key] = image
        while len(self._cache) > CACHED_PAGES:
            self._cache.popitem(last=False)
        return image

    def wheelEvent(self, event) -> None:
        """Ctrl + wheel zooms; the wheel alone scrolls (the scroll area's)."""
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier and event.angleDelta().y():
            (self.preview.zoom_in if event.angleDelta().y() > 0 else self.preview.zoom_out)()
            event.accept()
        else:
            event.ignore()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(event.rect(), BACKGROUND)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        for index, rect in enumerate(self.rects):
            if not rect.adjusted(-4, -4, 6, 6).intersects(event.rect()):
                continue
            for spread, alpha in ((4, 10), (3, 16), (2, 24), (1, 36)):  # a soft shadow, a little below
                painter.fillRect(
                    rect.adjusted(-spread + 1, -spread + 2, spread + 1, spread + 2), QColor(0, 0, 0, alpha)
                )
            painter.fillRect(rect, QColor("white"))
            try:
                painter.drawImage(QRectF(rect), self.image(index))
            except (ValueError, IndexError) as error:
                painter.setPen(QColor("#b3261e"))
                painter.drawText(
                    rect.adjusted(24, 24, -24, -24),
                    Qt.TextFlag.TextWordWrap,
                    f"第 {index + 1} 页无法显示：{error}",
                )
            painter.setPen(QPen(PAGE_BORDER, 1))
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
        painter.end()


class PrintPreviewDialog(QDialog):
    def __init__(
        self,
        pdf_path: Path,
        title: str,
        parent: QWidget | None = None,
        *,
        default_name: str | None = None,
        paper_mm: tuple[float, float] | None = None,
    ) -> None:
        """`paper_mm`: print on paper of exactly this size (width, height in mm; 套打 onto a blank), whatever paper
        the printer had; the printer's paper is put back afterwards."""
        super().__init__(parent)
        self.pdf_path = Path(pdf_path)
        self.paper_mm = paper_mm
        self.title = title
        self.default_name = _file_name(default_name or title)
        self.current = 0
        self.fit_width = True
        self.error = ""
        self._pdf: PdfFile | None = None
        self._scrolling = False
        self.setWindowTitle(f"打印预览 — {title}")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.setModal(True)

        self.canvas = PageCanvas(self)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.canvas)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.viewport().setStyleSheet(f"background: {BACKGROUND.name()};")
        self.scroll.viewport().installEventFilter(self)
        self.scroll.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.problem.setWordWrap(True)
        self.problem.hide()

        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.setMovable(False)
        self.previous_action = self._action(
            "上一页", self.previous_page, QKeySequence(Qt.Key.Key_PageUp), "上一页（PageUp）"
        )
        self.next_action = self._action(
            "下一页", self.next_page, QKeySequence(Qt.Key.Key_PageDown), "下一页（PageDown）"
        )
        self.page_box = QSpinBox()
        self.page_box.setPrefix("第 ")
        self.page_box.setSuffix(" 页")
        self.page_box.setKeyboardTracking(False)
        self.page_box.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page_box.setMinimumWidth(84)
        self.page_box.valueChanged.connect(lambda value: self.go_to(value - 1))
        self.toolbar.addWidget(self.page_box)
        self.count_label = QLabel()
        self.count_label.setObjectName("count")
        self.toolbar.addWidget(self.count_label)
        self.toolbar.addSeparator()
        self.zoom_out_action = self._action(
            "缩小", self.zoom_out, QKeySequence(QKeySequence.StandardKey.ZoomOut), "缩小（Ctrl+-）"
        )
        self.zoom_label = QLabel()
        self.zoom_label.setObjectName("zoom")
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_label.setMinimumWidth(48)
        self.toolbar.addWidget(self.zoom_label)
        self.zoom_in_action = self._action(
            "放大", self.zoom_in, QKeySequence(QKeySequence.StandardKey.ZoomIn), "放大（Ctrl++）"
        )
        self.fit_action = self._action("适合宽度", self.fit_to_width, None, "页面宽度适合窗口")
        self.fit_action.setCheckable(True)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.toolbar.addWidget(spacer)
        self.save_action = self._action(
            "另存为 PDF…",
            self.save_as,
            QKeySequence(QKeySequence.StandardKey.Save),
            "另存为 PDF 文件（Ctrl+S）",
        )
        self.print_action = self._action(
            "打印…", self.print_document, QKeySequence(QKeySequence.StandardKey.Print), "打印（Ctrl+P）"
        )
        self.toolbar.widgetForAction(self.print_action).setObjectName("printButton")
        self.close_action = self._action("关闭", self.reject, None, "关闭预览（Esc）")
        self.status = QStatusBar()
        self.status.setSizeGripEnabled(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.problem, 1)
        layout.addWidget(self.status)
        self.setStyleSheet(
            "QToolBar { background: #f6f7f8; border: none; border-bottom: 1px solid #d0d3d8; padding: 4px 6px;"
            " spacing: 2px; }"
            " QToolBar QToolButton { padding: 4px 7px; }"
            " QToolButton#printButton { background: #1f5fbf; color: white; border: 1px solid #1a4f9f;"
            " border-radius: 3px; font-weight: bold; padding: 4px 12px; margin: 0 4px; }"
            " QToolButton#printButton:hover { background: #2a6fd6; }"
            " QToolButton#printButton:disabled { background: #9fb4d6; border-color: #9fb4d6; }"
            f" QLabel#problem {{ background: {BACKGROUND.name()}; color: #b3261e; padding: 40px; }}"
            " QStatusBar { background: #f6f7f8; border-top: 1px solid #d0d3d8; color: #555; }"
        )
        self._resize_to_screen()
        self._load()
        self.scroll.setFocus()

    # --- the document --------------------------------------------------------------------------------------------

    def _load(self) -> None:
        try:
            self._pdf = PdfFile(self.pdf_path)
            sizes = [self._pdf.page_size_points(i) for i in range(self._pdf.page_count)]
        except (ValueError, IndexError) as error:
            self._show_problem(str(error))
            return
        self.data = self._pdf.data
        self.page_count = len(sizes)
        self.canvas.set_pages(sizes)
        self.page_box.setRange(1, self.page_count)
        self.count_label.setText(f" / 共 {self.page_count} 页 ")
        width, height = self._pdf.page_size_mm(0)
        paper = (
            "A4 纸" if abs(width - 210) < 2 and abs(height - 297) < 2 else f"{width:.0f} × {height:.0f} 毫米"
        )
        self.status.showMessage(f"{self.pdf_path.name}　共 {self.page_count} 页　{paper}")
        self._apply_fit()
        self._update_controls()

    def _show_problem(self, message: str) -> None:
        self.error = message
        self.data = b""
        self.page_count = 0
        self.problem.setText(f"{message}\n\n请关闭预览，重新生成这份文件后再试。")
        self.problem.show()
        self.status.showMessage(str(self.pdf_path))
        self.scroll.hide()
        for action in (
            self.previous_action,
            self.next_action,
            self.zoom_in_action,
            self.zoom_out_action,
            self.fit_action,
            self.save_action,
            self.print_action,
        ):
            action.setEnabled(False)
        self.page_box.setRange(0, 0)
        self.page_box.setSpecialValueText("—")
        self.page_box.setEnabled(False)
        self.count_label.setText(" / 共 0 页 ")
        self.zoom_label.setText("")

    def pdf(self) -> PdfFile:
        """The open document (opened again from memory after the dialog was closed and shown again)."""
        if self._pdf is None or self._pdf.closed:
            self._pdf = PdfFile(self.pdf_path, self.data)
        return self._pdf

    def page_image(self, index: int) -> QImage:
        """Page `index` (from 0) as it is shown at the current zoom."""
        return self.canvas.image(index)

    def done(self, result: int) -> None:
        if self._pdf is not None:
            self._pdf.close()
        super().done(result)

    # --- pages and zoom ------------------------------------------------------------------------------------------

    def go_to(self, index: int) -> None:
        if not self.page_count:
            return
        self.current = max(0, min(index, self.page_count - 1))
        self._scrolling = True
        try:
            self.scroll.verticalScrollBar().setValue(self.canvas.rects[self.current].top() - GAP // 2)
        finally:
            self._scrolling = False
        self._update_controls()

    def previous_page(self) -> None:
        self.go_to(self.current - 1)

    def next_page(self) -> None:
        self.go_to(self.current + 1)

    def zoom_in(self) -> None:
        larger = [z for z in ZOOM_STEPS if z > self.canvas.zoom * 1.01]
        if larger:
            self.set_zoom(larger[0])

    def zoom_out(self) -> None:
        smaller = [z for z in ZOOM_STEPS if z < self.canvas.zoom * 0.99]
        if smaller:
            self.set_zoom(smaller[-1])

    def set_zoom(self, zoom: float, *, fit: bool = False) -> None:
        self.fit_width = fit
        self._zoom_keeping_place(max(ZOOM_STEPS[0], min(zoom, ZOOM_STEPS[-1])))

    def fit_to_width(self) -> None:
        self.fit_width = True
        self._apply_fit()

    def _fit_zoom(self) -> float:
        widest = max((w for w, _ in self.canvas.sizes), default=0)
        if not widest:
            return 1.0
        available = self.scroll.viewport().width() - 2 * MARGIN
        return max(ZOOM_STEPS[0], min(available / (widest * self.canvas.logicalDpiX() / 72), ZOOM_STEPS[-1]))

    def _apply_fit(self) -> None:
        if self.page_count:
            self._zoom_keeping_place(self._fit_zoom())

    def _zoom_keeping_place(self, zoom: float) -> None:
        bar = self.scroll.verticalScrollBar()
        rect = self.canvas.rects[self.current] if self.canvas.rects else QRect()
        into = (bar.value() - rect.top()) / rect.height() if rect.height() else 0.0
        self.canvas.set_zoom(zoom)
        rect = self.canvas.rects[self.current]
        self._scrolling = True
        try:
            bar.setRange(0, max(0, self.canvas.height() - self.scroll.viewport().height()))
            bar.setValue(round(rect.top() + into * rect.height()))
        finally:
            self._scrolling = False
        self._update_controls()

    def _scrolled(self, value: int) -> None:
        if self._scrolling or not self.page_count:
            return
        bar = self.scroll.verticalScrollBar()
        self.current = self.page_count - 1 if 0 < bar.maximum() == value else self.canvas.page_at(value + GAP)
        self._update_controls()

    def _update_controls(self) -> None:
        if not self.page_count:
            return
        self.previous_action.setEnabled(self.current > 0)
        self.next_action.setEnabled(self.current < self.page_count - 1)
        self.page_box.blockSignals(True)
        self.page_box.setValue(self.current + 1)
        self.page_box.blockSignals(False)
        self.zoom_label.setText(f"{round(self.canvas.zoom * 100)}%")
        self.zoom_in_action.setEnabled(self.canvas.zoom < ZOOM_STEPS[-1] * 0.99)
        self.zoom_out_action.setEnabled(self.canvas.zoom > ZOOM_STEPS[0] * 1.01)
        self.fit_action.setChecked(self.fit_width)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.scroll.viewport() and event.type() == QEvent.Type.Resize and self.fit_width:
            self._apply_fit()
        return super().eventFilter(watched, event)

    # --- print and save ------------------------------------------------------------------------------------------

    def print_document(self) -> int:
        """打印…: the print dialog on the session's printer, then every chosen page. Returns the pages printed."""
        if not self.page_count:
            return 0
        printer = session_printer()
        if (
            not printer.outputFileName() and not QPrinterInfo.availablePrinters()
        ):  # (Qt prints to a PDF file then)
            show_error(self, "打印", NO_PRINTER)
            return 0
        before = printer.pageLayout()
        try:
            return self._print_document(printer)
        finally:
            if self.paper_mm is not None:
                printer.setPageLayout(before)  # the next document gets the paper it had

    def _print_document(self, printer: QPrinter) -> int:
        self._fit_paper(printer)
        printer.setDocName(self.title)
        printer.setCopyCount(1)
        printer.setPrintRange(QPrinter.PrintRange.AllPages)
        printer.setFromTo(0, 0)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(f"打印 — {self.title}")
        dialog.setMinMax(1, self.page_count)
        option = QAbstractPrintDialog.PrintDialogOption
        dialog.setOptions(
            option.PrintPageRange
            | option.PrintCurrentPage
            | option.PrintCollateCopies
            | option.PrintShowPageSize
            | option.PrintToFile
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return 0
        self._fit_paper(printer)  # again: the paper may have been changed in the dialog
        pages = [self.current] if printer.printRange() == QPrinter.PrintRange.CurrentPage else None
        return self.print_on(printer, pages)

    def _fit_paper(self, printer: QPrinter) -> None:
        if self.paper_mm is not None:
            printer.setFullPage(True)
            printer.setPageLayout(paper_layout(self.paper_mm))

    def print_on(self, printer: QPrinter, pages: Iterable[int] | None = None) -> int:
        """Print on a printer already chosen, with a progress window; a failure is told in Chinese. Returns the pages
        printed (0 when it failed)."""
        progress = QProgressDialog("正在打印…", "取消", 0, 0, self)
        progress.setWindowTitle("打印")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(800)

        def advance(done: int, total: int) -> bool:
            progress.setMaximum(total)
            progress.setValue(done)
            progress.setLabelText(f"正在打印第 {done} 页，共 {total} 页…")
            QGuiApplication.processEvents()
            return not progress.wasCanceled()

        try:
            printed = print_pdf(self.pdf_path, printer, pages, progress=advance, pdf=self.pdf())
        except (PrintFailed, ValueError) as error:
            show_error(self, "打印", str(error))
            return 0
        finally:
            progress.reset()
            progress.deleteLater()
        if not printed:
            self.status.showMessage("已取消打印", 10_000)
            return 0
        name = printer.printerName() or printer.outputFileName()
        self.status.showMessage(f"已打印 {printed} 页" + (f"（{name}）" if name else ""), 10_000)
        return printed

    def save_as(self) -> Path | None:
        """另存为 PDF…: a copy of the document where the clerk says (written whole, then moved into place). A failure
        is told in Chinese and the preview stays open; returns the path saved to, or None."""
        if not self.page_count:
            return None
        global _last_save_folder
        folder = _last_save_folder or _documents_folder()
        chosen, _ = QFileDialog.getSaveFileName(
            self, "另存为 PDF", str(folder / self.default_name), "PDF 文件 (*.pdf)"
        )
        if not chosen:
            return None
        target = Path(chosen)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        try:
            with placed(target) as temporary:
                with open(temporary, "wb") as handle:
                    handle.write(self.data)
                    handle.flush()
                    os.fsync(handle.fileno())
        except OSError as error:
            show_error(
                self,
                "另存为 PDF",
                f"无法保存到「{target}」：{_why(error)}。\n预览仍然打开，可以换一个文件夹再保存。",
            )
            return None
        _last_save_folder = target.parent
        self.status.showMessage(f"已保存到 {target}", 10_000)
        return target

    # --- helpers -------------------------------------------------------------------------------------------------

    def _action(self, text: str, slot, shortcut: QKeySequence | None, tip: str) -> QAction:
        action = QAction(text, self)
        action.setIconText(text)  # keep 「…」: the button opens a dialog
        action.setToolTip(tip)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(lambda *_: slot())
        self.addAction(action)
        self.toolbar.addAction(action)
        return action

    def _resize_to_screen(self) -> None:
        size = QSize(900, 1000)
        screen = (
            self.parentWidget().screen() if self.parentWidget() else None
        ) or QGuiApplication.primaryScreen()
        needed = self.toolbar.sizeHint().width()  # every button visible, none behind 「»」
        if screen is not None:
            available = screen.availableGeometry()
            size = size.boundedTo(QSize(int(available.width() * 0.9), int(available.height() * 0.92)))
            needed = min(needed, available.width())
        self.setMinimumWidth(needed)
        self.resize(size.expandedTo(QSize(needed, 0)))


def show_preview(
    parent: QWidget | None, pdf_path: Path, title: str, *, default_name: str | None = None
) -> bool:
    """Open the preview of `pdf_path` and wait until it is closed; a PDF that cannot be opened is told in Chinese
    instead (False)."""
    dialog = PrintPreviewDialog(Path(pdf_path), title, parent, default_name=default_name)
    try:
        if dialog.error:
            show_error(parent, "打印预览", dialog.error)
            return False
        dialog.exec()
        return True
    finally:
        dialog.deleteLater()


def _documents_folder() -> Path:
    located = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(located) if located else Path.home()
    return folder if folder.is_dir() else Path.home()


def _file_name(name: str) -> str:
    """`name` as a file name Windows takes, ending in .pdf."""
    cleaned = "".join("_" if ch in '\\/:*?"<>|' or ord(ch) < 32 else ch for ch in name).strip().rstrip(". ")
    cleaned = cleaned[:120] or "打印文件"
    return cleaned if cleaned.lower().endswith(".pdf") else f"{cleaned}.pdf"


def _why(error: OSError) -> str:
    if isinstance(error, PermissionError):
        return "没有写入这个文件夹的权限，或同名文件正被其他程序打开"
    if isinstance(error, FileNotFoundError):
        return "文件夹不存在"
    if getattr(error, "errno", None) == 28:
        return "磁盘空间不足"
    if sys.platform == "win32" and getattr(error, "winerror", None) == 32:
        return "同名文件正被其他程序打开"
    return error.strerror or str(error)
