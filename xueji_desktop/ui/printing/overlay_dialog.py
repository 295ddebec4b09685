"""「套打设置与打印」: printing graduates' values onto the authority's pre-printed 毕业证书 blanks
(services.overlay_printing). The clerk picks the layout and the printer, prints a calibration page once per printer,
measures where its cross landed, and the printer's offset is worked out from that and remembered; the diplomas are then
generated with that offset and printed from the preview on paper of the layout's own size, at 100 %.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinterInfo
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xueji_desktop.documents.overlay import CALIBRATION_MARK_MM, MAX_OFFSET_MM, Layout, Offset
from xueji_desktop.services import school_setup
from xueji_desktop.services.printing import overlay_printing
from xueji_desktop.store import Store
from xueji_desktop.ui.common.messages import show_error
from xueji_desktop.ui.common.operations import CERTIFICATES, run
from xueji_desktop.ui.printing import preview as print_preview
from xueji_desktop.ui.printing.preview import PrintPreviewDialog

TITLE = "套打设置与打印"
NO_PRINTER_ENTRY = "（未找到打印机）"
UNCONFIRMED = "版式位置为示例（尚未按实物核实），请按教育局下发的空白证书核对"
NO_PRINTER_NOTE = (
    "没有找到打印机：可以先生成并预览、另存为 PDF；请在 Windows 的「设置 → 打印机和扫描仪」中添加打印机后"
    "再打印校准页和套打，偏移按打印机分别保存。"
)
NOTE_STYLE = "QLabel { color: #666666; }"
WARNING_STYLE = "QLabel { color: #b3261e; }"
DONE_STYLE = "QLabel { color: #1b5e20; }"


def _millimetres(low: float, high: float, value: float = 0.0) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setDecimals(1)
    box.setSingleStep(0.1)
    box.setSuffix(" 毫米")
    box.setValue(value)
    box.setAlignment(Qt.AlignmentFlag.AlignRight)
    box.setMinimumWidth(110)
    return box


def paper_text(layout: Layout) -> str:
    width, height = layout.page_mm
    turned = "横向" if width > height else "纵向"
    return f"纸张 {width:g} × {height:g} 毫米（{turned}），按 100% 原大打印"


class OverlayDialog(QDialog):
    """Layout, printer and that printer's offset; the calibration page; the diplomas of `student_ids` (graduates)."""

    def __init__(
        self,
        store: Store,
        parent: QWidget | None = None,
        *,
        student_ids: Sequence[int] = (),
        issued_on: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.student_ids = list(student_ids)
        self.issued_on = issued_on
        self.saved_offset = Offset()
        self.calibrated_with: tuple[str, Offset] | None = (
            None  # (printer, offset) of the last calibration page
        )
        self._folder: Path | None = None
        self.setWindowTitle(TITLE)

        self.layout_combo = QComboBox()
        for key, layout in overlay_printing.layouts().items():
            self.layout_combo.addItem(layout.title, key)
        self.paper_label = QLabel()
        self.paper_label.setStyleSheet(NOTE_STYLE)
        self.printer_combo = QComboBox()
        self.printer_combo.setMinimumWidth(260)
        self.printer_note = QLabel(NO_PRINTER_NOTE)
        self.printer_note.setObjectName("noPrinter")
        self.printer_note.setWordWrap(True)
        self.printer_note.setStyleSheet(WARNING_STYLE)
        self.printer_note.hide()
        unconfirmed = QLabel(UNCONFIRMED)
        unconfirmed.setObjectName("unconfirmed")
        unconfirmed.setWordWrap(True)
        unconfirmed.setStyleSheet("QLabel { color: #8a6d00; font-size: 9pt; }")

        self.dx_box = _millimetres(-MAX_OFFSET_MM, MAX_OFFSET_MM)
        self.dy_box = _millimetres(-MAX_OFFSET_MM, MAX_OFFSET_MM)
        self.dx_box.setToolTip("正数：文字向右移；负数：向左移")
        self.dy_box.setToolTip("正数：文字向下移；负数：向上移")
        self.save_offset_button = QPushButton("保存偏移")
        self.save_offset_button.setAutoDefault(False)
        self.save_offset_button.clicked.connect(self.save_offset)
        self.offset_state = QLabel()
        self.offset_state.setObjectName("offsetState")
        self.offset_state.setWordWrap(True)
        for box in (self.dx_box, self.dy_box):
            box.valueChanged.connect(lambda *_: self._show_offset_state())

        self.calibration_button = QPushButton("打印校准页")
        self.calibration_button.setAutoDefault(False)
        self.calibration_button.setToolTip("按当前偏移生成校准页，在预览中打印")
        self.calibration_button.clicked.connect(self.print_calibration_page)
        mark_left, mark_top = CALIBRATION_MARK_MM
        self.measured_left = _millimetres(0, 100, mark_left)
        self.measured_top = _millimetres(0, 100, mark_top)
        self.compute_button = QPushButton("计算偏移")
        self.compute_button.setAutoDefault(False)
        self.compute_button.clicked.connect(self.compute_offset)
        self.compute_note = QLabel()
        self.compute_note.setObjectName("computeNote")
        self.compute_note.setWordWrap(True)
        self.compute_note.setStyleSheet(NOTE_STYLE)
        self.compute_note.hide()

        self.diplomas_button = QPushButton()
        self.diplomas_button.setObjectName("printDiplomas")
        self.diplomas_button.setAutoDefault(False)
        self.diplomas_button.clicked.connect(lambda: self.print_diplomas())
        self.diplomas_button.setStyleSheet(
            "QPushButton#printDiplomas { background: #1f5fbf; color: white; border: 1px solid #1a4f9f;"
            " border-radius: 3px; font-weight: bold; padding: 5px 14px; }"
            " QPushButton#printDiplomas:disabled { background: #9fb4d6; border-color: #9fb4d6; }"
        )
        self.first_number = QLineEdit()
        self.first_number.setPlaceholderText("可不填；如 潞小毕2027001，按学生顺序递增并登记")
        self.first_number.setToolTip(
            "学籍管理部门下发的证书编号：填第一张的编号，其余依次加一，每个编号都记入开具记录"
        )
        close = QPushButton("关闭")
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)

        choose = QFormLayout()
        choose.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        choose.addRow("版式：", self._beside(self.layout_combo, self.paper_label))
        choose.addRow("打印机：", self.printer_combo)
        choose.addRow("", self.printer_note)
        self.first_number_label = QLabel("证书起始编号：")
        choose.addRow(self.first_number_label, self.first_number)

        offset_group = QGroupBox("这台打印机的偏移")
        offset_grid = QGridLayout(offset_group)
        offset_grid.addWidget(QLabel("向右："), 0, 0, Qt.AlignmentFlag.AlignRight)
        offset_grid.addWidget(self.dx_box, 0, 1)
        offset_grid.addWidget(QLabel("向下："), 0, 2, Qt.AlignmentFlag.AlignRight)
        offset_grid.addWidget(self.dy_box, 0, 3)
        offset_grid.addWidget(self.save_offset_button, 0, 4)
        offset_grid.setColumnStretch(5, 1)
        explain = QLabel(
            "打印机进纸常有一两毫米的偏差。偏移把所有文字整体移动：正数向右、向下，负数向左、向上。"
            "每台打印机量一次，保存后套打时自动使用。"
        )
        explain.setWordWrap(True)
        explain.setStyleSheet(NOTE_STYLE)
        offset_grid.addWidget(explain, 1, 0, 1, 6)
        offset_grid.addWidget(self.offset_state, 2, 0, 1, 6)

        calibration_group = QGroupBox("按校准页量得的距离计算")
        calibration_grid = QGridLayout(calibration_group)
        steps = QLabel(
            f"① 点「打印校准页」，用要套打的那台打印机、同样的纸张打印。\n"
            f"② 用直尺量出十字中心到纸张左边缘、上边缘的距离（打印准确时都是 {mark_left:g} 毫米）。\n"
            f"③ 把量得的两个数填在下面，点「计算偏移」，再点「保存偏移」。"
        )
        steps.setWordWrap(True)
        calibration_grid.addWidget(steps, 0, 0, 1, 7)
        calibration_grid.addWidget(self.calibration_button, 1, 0)
        calibration_grid.addWidget(QLabel("　量得十字距左边缘："), 1, 1, Qt.AlignmentFlag.AlignRight)
        calibration_grid.addWidget(self.measured_left, 1, 2)
        calibration_grid.addWidget(QLabel("距上边缘："), 1, 3, Qt.AlignmentFlag.AlignRight)
        calibration_grid.addWidget(self.measured_top, 1, 4)
        calibration_grid.addWidget(self.compute_button, 1, 5)
        calibration_grid.setColumnStretch(6, 1)
        calibration_grid.addWidget(self.compute_note, 2, 0, 1, 7)

        bottom = QHBoxLayout()
        bottom.addWidget(unconfirmed, 1)
        bottom.addWidget(self.diplomas_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(choose)
        layout.addWidget(offset_group)
        layout.addWidget(calibration_group)
        layout.addStretch(1)
        layout.addLayout(bottom)

        self.layout_combo.currentIndexChanged.connect(lambda *_: self._layout_changed())
        self.printer_combo.currentIndexChanged.connect(lambda *_: self._printer_changed())
        self._show_students()
        self._choose_default_layout()
        self._fill_printers()
        self._layout_changed()
        self._printer_changed()
        self.resize(760, 480)

    @staticmethod
    def _beside(*widgets: QWidget) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            row.addWidget(widget)
        row.addStretch(1)
        return box

    # --- choices ----------------------------------------------------------------------------------------------------

    def _choose_default_layout(self) -> None:
        """The layout of the school's stage (小学 → 小学毕业证书), else the first."""
        context = school_setup.school_context(self.store)
        wanted = f"diploma_{context.stage}" if context else ""
        self.set_layout(wanted)

    def _fill_printers(self) -> None:
        names = list(QPrinterInfo.availablePrinterNames())
        default = QPrinterInfo.defaultPrinterName()
        self.printer_combo.blockSignals(True)
        self.printer_combo.clear()
        for name in names:
            self.printer_combo.addItem(name + ("（默认）" if name == default else ""), name)
        if not names:
            self.printer_combo.addItem(NO_PRINTER_ENTRY, "")
        elif default in names:
            self.printer_combo.setCurrentIndex(names.index(default))
        self.printer_combo.blockSignals(False)
        self.printer_combo.setEnabled(bool(names))
        self.printer_note.setVisible(not names)
        if not names:
            for button in (self.calibration_button, self.diplomas_button):
                button.setToolTip("没有找到打印机：可以生成并预览、另存为 PDF，添加打印机后才能打印")

    def layout_key(self) -> str:
        return self.layout_combo.currentData()

    def current_layout(self) -> Layout:
        return overlay_printing.layouts()[self.layout_key()]

    def set_layout(self, key: str) -> bool:
        return _choose(self.layout_combo, key)

    def printer(self) -> str:
        """The chosen printer's name; "" when there is none."""
        return self.printer_combo.currentData() or ""

    def set_printer(self, name: str) -> bool:
        return _choose(self.printer_combo, name)

    def offset(self) -> Offset:
        """The offset in the boxes (perhaps not saved yet)."""
        return Offset(round(self.dx_box.value(), 1), round(self.dy_box.value(), 1))

    def set_offset(self, offset: Offset) -> None:
        self.dx_box.setValue(offset.dx)
        self.dy_box.setValue(offset.dy)

    def _layout_changed(self) -> None:
        self.paper_label.setText(paper_text(self.current_layout()))

    def _printer_changed(self) -> None:
        """The offset saved for this printer, in the boxes."""
        printer = self.printer()
        self.saved_offset = overlay_printing.printer_offset(self.store, printer) if printer else Offset()
        self.set_offset(self.saved_offset)
        self.save_offset_button.setEnabled(bool(printer))
        self._tell("")
        self._show_offset_state()

    def _show_offset_state(self) -> None:
        offset, printer = self.offset(), self.printer()
        if not printer:
            self.offset_state.setStyleSheet(NOTE_STYLE)
            self.offset_state.setText("没有打印机，偏移不能保存。")
        elif offset == self.saved_offset:
            self.offset_state.setStyleSheet(DONE_STYLE)
            self.offset_state.setText(f"已保存：{printer} 向右 {offset.dx:g} 毫米，向下 {offset.dy:g} 毫米。")
        else:
            self.offset_state.setStyleSheet(WARNING_STYLE)
            self.offset_state.setText(
                f"尚未保存（已保存的是向右 {self.saved_offset.dx:g} 毫米，向下 {self.saved_offset.dy:g} 毫米）。"
                "请点「保存偏移」。"
            )

    def _tell(self, text: str) -> None:
        """The line under the calibration group (hidden when there is nothing to say)."""
        self.compute_note.setText(text)
        self.compute_note.setVisible(bool(text))

    def _show_students(self) -> None:
        self.diplomas_button.setVisible(bool(self.student_ids))
        self.first_number.setVisible(bool(self.student_ids))
        self.first_number_label.setVisible(bool(self.student_ids))
        self.diplomas_button.setText(f"打印毕业证书（{len(self.student_ids)} 人）…")
        self.diplomas_button.setToolTip("按所选版式和这台打印机已保存的偏移生成，在预览中核对后打印")

    # --- offset -------------------------------------------------------------------------------------------------------

    def save_offset(self) -> bool:
        """保存偏移: the offset in the boxes, remembered for the chosen printer."""
        printer = self.printer()
        if not printer:
            show_error(self, TITLE, "没有找到打印机，偏移不能保存。请先添加打印机。")
            return False
        offset = self.offset()
        overlay_printing.save_printer_offset(self.store, printer, offset)
        self.saved_offset = offset
        self._show_offset_state()
        return True

    def compute_offset(self) -> Offset | None:
        """The offset from the distances measured on the calibration page (printed in this window with the offset
        it says, else with the offset in the boxes), put in the boxes; not saved yet."""
        printer = self.printer()
        if self.calibrated_with is not None and self.calibrated_with[0] == printer:
            printed_with = self.calibrated_with[1]
        else:
            printed_with = self.offset()
        try:
            offset = Offset.from_calibration(
                self.measured_left.value(), self.measured_top.value(), printed_with
            )
        except ValueError as error:
            show_error(self, TITLE, str(error))
            return None
        self.set_offset(offset)
        self._tell(
            f"按打印校准页时的偏移（向右 {printed_with.dx:g}，向下 {printed_with.dy:g} 毫米）算出：向右 {offset.dx:g} 毫米，"
            f"向下 {offset.dy:g} 毫米。请点「保存偏移」，可再打印一张校准页核对。"
        )
        return offset

    # --- printing -----------------------------------------------------------------------------------------------------

    def print_calibration_page(self) -> bool:
        """打印校准页: the calibration page at the layout's paper size with the offset in the boxes, in the preview."""
        layout, printer, offset = self.current_layout(), self.printer(), self.offset()
        out = self._temporary("套打校准页.pdf")
        if not run(
            self, TITLE, lambda: overlay_printing.calibration_page(out, layout.key, offset, printer)
        ).ok:
            return False
        self.calibrated_with = (printer, offset)
        self._tell(
            f"校准页按偏移向右 {offset.dx:g}、向下 {offset.dy:g} 毫米生成。打印后量出十字的位置，填入上面。"
        )
        return self._preview(out, f"套打校准页（{printer or '未选打印机'}）", "套打校准页")

    def print_diplomas(self, student_ids: Sequence[int] | None = None) -> bool:
        """The 毕业证书 values of the students (graduates only) with the chosen layout and the printer's saved offset,
        in the preview for printing. Returns True when the preview was shown."""
        ids = list(student_ids) if student_ids is not None else self.student_ids
        if not ids:
            show_error(self, TITLE, "没有选择学生：请先在名册中选择要打印毕业证书的毕业生。")
            return False
        if self.printer() and self.offset() != self.saved_offset and not self._settle_unsaved_offset():
            return False
        layout = self.current_layout()
        offset = overlay_printing.printer_offset(self.store, self.printer()) if self.printer() else Offset()
        out = self._temporary("毕业证书套打.pdf")
        outcome = run(
            self,
            TITLE,
            lambda: overlay_printing.diplomas(
                self.store,
                ids,
                out,
                layout_key=layout.key,
                offset=offset,
                issued_on=self.issued_on,
                first_number=self.first_number.text(),
            ),
            changes={CERTIFICATES},
            not_done="没有生成毕业证书",
        )
        if not outcome.ok:
            return False
        return self._preview(out, f"{layout.title} {len(ids)} 人", layout.title.replace("（套打）", ""))

    def _settle_unsaved_offset(self) -> bool:
        """The boxes differ from the saved offset: save it first (Yes), print with the saved one (No), or stop."""
        offset = self.offset()
        answer = QMessageBox.question(
            self,
            TITLE,
            f"偏移已改为向右 {offset.dx:g}、向下 {offset.dy:g} 毫米，但还没有保存。\n\n"
            f"是：先保存这个偏移再套打；否：按已保存的偏移（向右 {self.saved_offset.dx:g}、向下 {self.saved_offset.dy:g} 毫米）套打。",
            QMessageBox.StandardButton.Yes
            | QMessageBox.StandardButton.No
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Yes,
        )
        if answer == QMessageBox.StandardButton.Yes:
            return self.save_offset()
        return answer == QMessageBox.StandardButton.No

    def _preview(self, path: Path, title: str, default_name: str) -> bool:
        """The PDF in the print preview, printing on the chosen printer on paper of the layout's size at 100 %."""
        preview = PrintPreviewDialog(
            path, title, self, default_name=default_name, paper_mm=self.current_layout().page_mm
        )
        try:
            if preview.error:
                show_error(self, "打印预览", preview.error)
                return False
            if self.printer():
                print_preview.session_printer().setPrinterName(
                    self.printer()
                )  # offered first in the print dialog
            preview.exec()
            return True
        finally:
            preview.deleteLater()
            path.unlink(missing_ok=True)  # the preview held the document in memory

    def _temporary(self, name: str) -> Path:
        if self._folder is None or not self._folder.is_dir():
            self._folder = Path(tempfile.mkdtemp(prefix="xueji-overlay-"))
        return self._folder / name

    def done(self, result: int) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
        super().done(result)


def _choose(combo: QComboBox, data: str) -> bool:
    """Select the item holding `data`; False (the choice unchanged) when the list has none."""
    index = combo.findData(data)
    if index >= 0:
        combo.setCurrentIndex(index)
    return index >= 0
