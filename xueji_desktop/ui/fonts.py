"""The CJK fonts the app ships (resources/fonts), registered at start-up so Chinese never renders as empty boxes.

On Windows the system UI font (微软雅黑) comes first; the shipped fonts are the fallback there and the only CJK fonts
on a bare Linux machine. HanaMinB (Extensions B–F: 𠮷, 𫖯) is shipped xz-compressed and decompressed once into the
per-user cache (reference/rare_font.py): `install_fonts` registers it at once when the cache has it (~7 ms);
otherwise the window paints without it, `load_rare_font_later` makes it in a background thread (about 1 s, the first
time only) and then registers it and sets the application font's families again, so open windows pick it up.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

from xueji_desktop import APP_NAME
from xueji_desktop.reference import rare_font
from xueji_desktop.reference.resources import resource_path

log = logging.getLogger(__name__)

SHIPPED_FONTS = ("wqy-microhei.ttc", "HanaMinA-rare.ttf")  # main, Extension A: registered at start-up
RARE_FONT = rare_font.SHIPPED  # Extensions B–F: decompressed into the cache, then registered
SYSTEM_UI_FAMILIES = ("Microsoft YaHei UI", "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC")

_registered: dict[str, tuple[int, list[str]]] = {}  # font file → (Qt's id, its families), in fallback order
_loader: RareFontLoader | None = None


def install_fonts(app: QApplication) -> list[str]:
    """Register the shipped fonts and make the application font fall back through them; returns the families.
    HanaMinB is among them when the cache already holds it; otherwise see load_rare_font_later / ensure_rare_font."""
    for file_name in SHIPPED_FONTS:
        path = resource_path("fonts", file_name)
        if path.exists():
            _register(path)
    cached = rare_font.cached_path()
    if cached is not None:
        _register(cached)
    return _apply(app)


def ensure_rare_font(app: QApplication) -> list[str]:
    """Make HanaMinB now (decompressing it if the cache lacks it), register it, set the families again; returns them.
    Without it (full disk …) the families are those of install_fonts."""
    install_fonts(app)
    path = rare_font.rare_font_path()
    if path is not None:
        _register(path)
    return _apply(app)


def rare_font_registered() -> bool:
    return any(rare_font.FAMILY in families for _font_id, families in _registered.values())


class RareFontLoader(QObject):
    """Makes HanaMinB in a background thread; back in the GUI thread registers it (`finished` with the families) or
    says in a message box why it cannot (`finished` with None)."""

    made = Signal(object)  # Path | None, emitted from the worker thread: queued to the GUI thread
    finished = Signal(object)  # list[str] | None

    def __init__(self, app: QApplication):
        super().__init__(app)
        self._app = app
        self.made.connect(self._register)
        # not a daemon: quitting while it writes lets it finish (≤ 1 s) rather than leave a temporary file behind
        self._thread = threading.Thread(target=self._work, name="xueji-rare-font")

    def start(self) -> None:
        self._thread.start()

    def _work(self) -> None:
        try:
            path = rare_font.rare_font_path()
        except Exception:
            log.exception("生僻字字体")
            path = None
        with contextlib.suppress(RuntimeError):  # the application is gone already
            self.made.emit(path)

    def _register(self, path: Path | None) -> None:
        global _loader
        _loader = None
        if path is None:
            message = (
                rare_font.problem()
                or "无法准备生僻字字体（花園明朝 B）：姓名中扩展 B–F 区的生僻字将显示为空框。"
            )
            self.box = QMessageBox(
                QMessageBox.Icon.Warning, APP_NAME, message, parent=self._app.activeWindow()
            )
            self.box.open()  # window-modal at most, and it does not wait: the clerk works on
            self.finished.emit(None)
            return
        _register(path)
        self.finished.emit(_apply(self._app))


def load_rare_font_later(app: QApplication) -> RareFontLoader | None:
    """Start making HanaMinB in the background (after the window has painted); None when it is registered already
    or being made."""
    global _loader
    if rare_font_registered() or _loader is not None:
        return None
    _loader = RareFontLoader(app)
    _loader.start()
    return _loader


def _register(path: Path) -> None:
    known = _registered.get(str(path))
    if known and QFontDatabase.applicationFontFamilies(known[0]) == known[1]:
        return  # registered with this application already
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        log.warning("Qt 无法载入字体 %s", path)
        return
    _registered[str(path)] = (font_id, list(QFontDatabase.applicationFontFamilies(font_id)))


def _apply(app: QApplication) -> list[str]:
    shipped: list[str] = []
    for _font_id, families in _registered.values():
        shipped += [f for f in families if f not in shipped]
    available = set(QFontDatabase.families()) if sys.platform in ("win32", "darwin") else set()
    families = [f for f in SYSTEM_UI_FAMILIES if f in available] + shipped
    font = QFont(app.font())
    font.setFamilies(families)
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
    app.setFont(font)
    return families
