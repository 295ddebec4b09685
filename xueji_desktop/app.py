"""Composition root of the GUI: QApplication, fonts, logging, the main window — painted first, data opened next."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from xueji_desktop import APP_NAME

log = logging.getLogger("xueji_desktop")
STARTUP_PROBE_ENV = (
    "XUEJI_STARTUP_PROBE"  # benchmarks/: print when painted and when the roster is filled, then quit
)


class _AfterFirstPaint(QObject):
    """Runs `then` once the window has painted: the clerk sees the app before the data layer is even imported.

    With XUEJI_STARTUP_PROBE set (benchmarks/roster_startup.py) it also says on stdout when the window painted and
    when the roster was filled, then quits."""

    def __init__(self, window: QWidget, then: Callable[[], None], probe: bool):
        super().__init__(window)
        self._then = then
        self._probe = probe
        self._painted = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._painted and event.type() == QEvent.Type.Paint:
            self._painted = True
            if self._probe:
                print("painted", flush=True)
            QTimer.singleShot(0, self._then)
        return False

    def report_filled(self, rows: int) -> None:
        if self._probe:
            import resource

            print(f"roster {rows} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", flush=True)
            QTimer.singleShot(0, QApplication.quit)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="xueji-desktop", description=f"{APP_NAME}：学籍管理员的桌面应用")
    parser.add_argument("--data-dir", help="数据文件夹（默认：XUEJI_DATA_DIR 或系统的用户数据文件夹）")
    parser.add_argument("--demo", action="store_true", help="在临时文件夹里打开一所演示学校")
    parser.add_argument(
        "--self-test",
        nargs="?",
        const="",
        default=None,
        metavar="FOLDER",
        help="自检：在 FOLDER（默认一个临时文件夹）里打开演示学校，截取主窗口、生成一份 PDF 和一份 xlsx，全部通过时退出码为 0",
    )
    return parser.parse_args(argv)


def _resolve_data_dir(args: argparse.Namespace) -> Path:
    if args.demo:
        return Path(tempfile.mkdtemp(prefix="xueji-demo-"))
    from xueji_desktop.paths import default_data_dir

    return default_data_dir(args.data_dir)


def _install_excepthook(app: QApplication) -> None:
    """The last resort, for a fault outside any operation (ui/common/operations.py catches those inside one): logged
    with its traceback and shown once, calmly, naming the log; the app and the clerk's work stay."""
    from xueji_desktop.fault_log import record_fault, unexpected_line

    shown = False

    def hook(kind, value, tb) -> None:
        nonlocal shown
        path = record_fault(value.with_traceback(tb) if value is not None else kind(), APP_NAME)
        if not shown:
            shown = True
            QMessageBox.critical(app.activeWindow(), APP_NAME, unexpected_line(path))

    sys.excepthook = hook


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.self_test is not None:
        from xueji_desktop.ui.self_test import self_test

        return self_test(args.self_test or None)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("XueJi")
    from xueji_desktop.ui.common.operations import announcer

    announcer()  # the one application-wide signal of what changed (lives as long as the app)
    from xueji_desktop.ui.translations import install_qt_chinese

    # before any widget: 是/否, 确定/取消, 上一步/下一步 in Qt's own words
    qt_translation = install_qt_chinese(app)
    from xueji_desktop.ui.fonts import install_fonts, load_rare_font_later
    from xueji_desktop.ui.icon import app_icon

    app.setWindowIcon(app_icon())
    from xueji_desktop.ui.main_window import MainWindow

    install_fonts(app)
    data_dir = _resolve_data_dir(args)
    window = MainWindow(data_dir, demo=args.demo)
    if not window.lock_data_dir():
        from xueji_desktop.store import BUSY_MESSAGE

        QMessageBox.warning(None, APP_NAME, BUSY_MESSAGE)
        return 1
    from xueji_desktop.fault_log import log_to

    # open_data() moves the log to the folder actually opened (the demo's, when the clerk asks for it)
    log_to(data_dir)
    log.info("Qt 的中文翻译：%s", qt_translation.describe())
    _install_excepthook(app)

    def open_after_paint() -> None:
        if not window.open_data():
            window.close()
            app.quit()
        else:
            first_paint.report_filled(window.roster_tab.model.rowCount())
            load_rare_font_later(
                app
            )  # HanaMinB, when the cache lacks it: decompressed once, in the background

    first_paint = _AfterFirstPaint(window, open_after_paint, probe=bool(os.environ.get(STARTUP_PROBE_ENV)))
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
