"""The app's mark: resources/icons, rendered from xueji.svg by installer/build.py, at the sizes it ships."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from xueji_desktop.reference.resources import resource_path

ICON_SIZES = (16, 24, 32, 48, 64, 256)  # resources/icons/xueji-<size>.png


def app_icon() -> QIcon:
    icon = QIcon()
    for size in ICON_SIZES:
        path = resource_path("icons", f"xueji-{size}.png")
        if path.exists():
            icon.addFile(str(path))
    return icon
