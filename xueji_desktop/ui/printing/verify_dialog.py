"""「核验证明」: is a certificate one this school issued, unchanged? The clerk scans its QR code with a scanner gun (it
types XJ1:… and Enter into the box), types its number (2026-0001), or picks a scan or photo of it; each code found is
checked (services.certificates) and shown as a line with a green ✓ or a red ✗.
"""

from __future__ import annotations

import html
import unicodedata
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from xueji_desktop.errors import DomainError
from xueji_desktop.services.printing import certificates
from xueji_desktop.services.printing.certificates import Verification
from xueji_desktop.store import Store
from xueji_desktop.ui.common.operations import run

TITLE = "核验证明"
SCAN_FILTER = "证明的扫描件或照片 (*.jpg *.jpeg *.png *.bmp *.tif *.tiff *.pdf);;所有文件 (*)"
PASSED_STYLE = (
    "QLabel { color: #1b5e20; background: #e8f5e9; border: 1px solid #a5d6a7; border-radius: 3px;"
    " padding: 8px; font-size: 11pt; }"
)
FAILED_STYLE = (
    "QLabel { color: #b3261e; background: #fdecea; border: 1px solid #f1aeb5; border-radius: 3px;"
    " padding: 8px; font-size: 11pt; }"
)
SOURCE_STYLE = "QLabel { color: #555555; }"
NOTHING_TYPED = "请先扫描证明上的二维码，或输入证明编号（如 2026-0001）"


def typed_code(text: str) -> str:
    """What a scanner gun or the clerk typed, as verify() reads it: full-width characters (a Chinese input method's
    ：－２) made half-width, letters capital (a scanner typing with Caps Lock on sends xj1:…), spaces gone."""
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


class VerifyDialog(QDialog):
    """Scan, type or pick a file; the results of the last check under it, one line per code."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.results: list[Verification] = []
        self.result_labels: list[QLabel] = []
        self._last_folder = ""
        self.setWindowTitle(TITLE)

        intro = QLabel(
            "用扫码枪扫描证明上的二维码，或输入证明编号（如 2026-0001）后按回车；"
            "也可以选择证明的扫描件或手机照片。"
        )
        intro.setWordWrap(True)
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("扫描二维码，或输入证明编号")
        self.code_edit.setClearButtonEnabled(True)
        self.code_edit.setMinimumWidth(320)
        # the scanner gun types as a keyboard: a Chinese input method would catch its letters and colons
        self.code_edit.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.code_edit.returnPressed.connect(self.verify_typed)
        self.verify_button = QPushButton("核验")
        self.verify_button.setAutoDefault(False)
        self.verify_button.clicked.connect(self.verify_typed)
        self.scan_button = QPushButton("选择扫描件…")
        self.scan_button.setAutoDefault(False)
        self.scan_button.setToolTip("JPG、PNG、BMP、TIFF 图片或 PDF 文件")
        self.scan_button.clicked.connect(self.choose_scan)
        close = QPushButton("关闭")
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)

        self.source = QLabel()
        self.source.setObjectName("source")
        self.source.setStyleSheet(SOURCE_STYLE)
        self.source.setWordWrap(True)
        self.source.setTextFormat(Qt.TextFormat.PlainText)
        self.results_box = QWidget()
        self.results_layout = QVBoxLayout(self.results_box)
        self.results_layout.setContentsMargins(0, 0, 0, 0)
        self.results_layout.setSpacing(6)
        self.results_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.results_box)

        entry = QHBoxLayout()
        entry.addWidget(self.code_edit, 1)
        entry.addWidget(self.verify_button)
        entry.addWidget(self.scan_button)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(entry)
        layout.addSpacing(6)
        layout.addWidget(self.source)
        layout.addWidget(scroll, 1)
        layout.addLayout(bottom)
        self.resize(720, 360)
        self.code_edit.setFocus()

    # --- checking ---------------------------------------------------------------------------------------------------

    def verify_typed(self) -> list[Verification]:
        """核验 (or Enter): the code or number in the box; it stays selected, so the next scan replaces it."""
        code = typed_code(self.code_edit.text())
        if not code:
            self.show_results([Verification(False, NOTHING_TYPED)], "")
            self.code_edit.setFocus()
            return self.results
        results = [certificates.verify(self.store, code)]
        self.show_results(results, f"核验：{code}")
        self.code_edit.setFocus()
        self.code_edit.selectAll()
        return results

    def choose_scan(self) -> list[Verification] | None:
        """选择扫描件…: a scan or photo of a certificate, every QR code in it checked."""
        chosen, _ = QFileDialog.getOpenFileName(self, "选择证明的扫描件", self._last_folder, SCAN_FILTER)
        if not chosen:
            return None
        self._last_folder = str(Path(chosen).parent)
        return self.verify_file(Path(chosen))

    def verify_file(self, path: Path) -> list[Verification]:
        """Every QR code in the file (read off the UI thread), checked; a file that cannot be read is told in red."""
        path = Path(path)
        source = f"扫描件：{path.name}"
        refused: list[DomainError] = []  # a file that cannot be read is told here, in red, not in a box
        outcome = run(
            self,
            "核验证明",
            lambda: certificates.verify_scan(self.store, path),
            long="正在识别二维码……",
            on_refusal=refused.append,
        )
        if refused:
            results = [Verification(False, str(refused[0]))]
        elif outcome.ok:
            results = outcome.value
        else:
            return []
        self.show_results(results, source)
        return results

    # --- showing ----------------------------------------------------------------------------------------------------

    def show_results(self, results: list[Verification], source: str) -> None:
        """One line per result, ✓ on green or ✗ on red, under where they came from."""
        for label in self.result_labels:
            self.results_layout.removeWidget(label)
            label.deleteLater()
        self.results = list(results)
        self.result_labels = []
        count = (
            f"（共找到 {len(results)} 个二维码）" if source.startswith("扫描件") and len(results) > 1 else ""
        )
        self.source.setText(source + count)
        self.source.setVisible(bool(source))
        for number, result in enumerate(results):
            label = QLabel(f"<b>{'✓' if result.ok else '✗'}</b>&nbsp; {html.escape(result.message)}")
            label.setObjectName("passed" if result.ok else "failed")
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            label.setStyleSheet(PASSED_STYLE if result.ok else FAILED_STYLE)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.results_layout.insertWidget(number, label)
            self.result_labels.append(label)

    def result_texts(self) -> list[str]:
        """The lines shown, as the clerk reads them (✓ or ✗ first)."""
        return [("✓ " if r.ok else "✗ ") + r.message for r in self.results]
