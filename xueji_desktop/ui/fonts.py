"""The CJK font the app ships (resources/fonts), registered at start-up so Chinese never renders as empty boxes.

On Windows the system UI font (微软雅黑) comes first; the shipped fonts are the fallback there and the only CJK fonts
on a bare Linux machine.
"""

from __future__ import annotations

import sys

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from xueji_desktop.reference.resources import resource_path

SHIPPED_FONTS = ("wqy-microhei.ttc", "HanaMinA-rare.ttf", "HanaMinB.ttf")  # main, Extension A, Extensions B–F
SYSTEM_UI_FAMILIES = ("Microsoft YaHei UI", "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC")


def install_fonts(app: QApplication) -> list[str]:
    """Register the shipped fonts and make the application font fall back through them; returns the families."""
    shipped: list[str] = []
    for file_name in SHIPPED_FONTS:
        path = resource_path("fonts", file_name)
        if path.exists():
            font_id = QFontDatabase.addApplicationFont(str(path))
            shipped += [f for f in QFontDatabase.applicationFontFamilies(font_id) if f not in shipped]
    available = set(QFontDatabase.families()) if sys.platform in ("win32", "darwin") else set()
    families = [f for f in SYSTEM_UI_FAMILIES if f in available] + shipped
    font = QFont(app.font())
    font.setFamilies(families)
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
    app.setFont(font)
    return families
