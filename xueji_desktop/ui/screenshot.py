"""Render the main window offscreen to a PNG (`xueji screenshot`): the window opens its data itself, as in the app."""

from __future__ import annotations

import os
from pathlib import Path


def render_main_window(
    data_dir: Path, out: Path, tab: str = "名册", size: tuple[int, int] = (1280, 760)
) -> bool:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from xueji_desktop.ui.fonts import install_fonts
    from xueji_desktop.ui.main_window import MainWindow
    from xueji_desktop.ui.translations import install_qt_chinese

    app = QApplication.instance() or QApplication(["xueji"])
    install_qt_chinese(app)  # as app.py: Qt's own words in Chinese
    install_fonts(app)
    window = MainWindow(data_dir)
    window.resize(*size)
    if not window.open_data():
        return False
    window.show_tab(tab)
    window.show()
    app.processEvents()
    out.parent.mkdir(parents=True, exist_ok=True)
    saved = window.grab().save(str(out))
    window.close()
    return saved
