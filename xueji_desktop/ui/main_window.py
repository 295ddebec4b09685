"""The main window: title with the school and the current term, tabs 名册 / 异动 / 档案, the data file in the status bar.

The window paints first (Qt only); the data folder is opened and the 名册 tab filled right after, with plain SQL, so the
clerk sees the roster before SQLAlchemy has even loaded (importing it costs more than painting an empty
window). The other tabs (their services need SQLAlchemy) are built once the roster has painted, or when first asked for,
and filled the first time they are shown. After that no one refreshes a tab from here: each tab refreshes itself from
the one application-wide signal (ui/common/operations.py `announcer().changed`) for the areas it shows.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QEvent, QLockFile, QObject, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget, QVBoxLayout, QWidget

from xueji_desktop import APP_NAME

TAB_NAMES = ("名册", "新生建籍", "异动", "档案")
LOCK_WAIT_MS = 500


class MainWindow(QMainWindow):
    def __init__(self, data_dir: Path, *, demo: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.data_dir = data_dir
        self.demo = demo
        self.store = None
        self.roster_tab = None
        self._other_tabs: tuple | None = None  # (enrolment, status changes, archive), built after the roster
        self._lock: QLockFile | None = None
        self._filled: set[QWidget] = set()  # the other tabs already filled once
        self.setWindowTitle(APP_NAME)
        self.resize(1280, 760)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.placeholder = QLabel("正在打开数据……")
        self.tabs.addTab(self.placeholder, "名册")
        self.header = QLabel(APP_NAME)
        self.header.setObjectName("schoolHeader")
        self.header.setStyleSheet(
            "#schoolHeader { font-size: 15pt; font-weight: bold; padding: 6px 10px 2px 10px; }"
        )
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.data_label = QLabel()
        self.statusBar().addPermanentWidget(self.data_label)

    # --- opening the data folder ----------------------------------------------------------------------------------

    def lock_data_dir(self) -> bool:
        """One copy of the app per data folder (QLockFile is freed by the system if the holder dies)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        lock = QLockFile(str(self.data_dir / "xueji.lock"))
        lock.setStaleLockTime(0)
        if not lock.tryLock(LOCK_WAIT_MS):
            return False
        self._lock = lock
        return True

    def open_data(self) -> bool:
        """Open the store (migrating it), run first-run setup if needed, build and fill the tabs."""
        from xueji_desktop.fault_log import log_to
        from xueji_desktop.services import school_setup
        from xueji_desktop.store import BUSY_MESSAGE, Store, StoreError

        if self._lock is None and not self.lock_data_dir():
            QMessageBox.warning(self, APP_NAME, BUSY_MESSAGE)
            return False
        try:
            self.store = Store.open(self.data_dir)
        except StoreError as error:
            QMessageBox.warning(self, APP_NAME, str(error))
            return False
        log_to(self.store.folder.root)  # faults nobody expected go to this folder's logs/xueji.log
        if not school_setup.is_set_up(self.store):
            if self.demo:
                from xueji_desktop.demo import create_demo_school

                create_demo_school(self.store)
            else:
                outcome = self._run_setup()
                if outcome == "demo":
                    return self._switch_to_demo()
                if outcome == "cancelled":
                    return False
        self._build_tabs()
        QTimer.singleShot(
            0, self._take_in_old_holiday_files
        )  # after the roster is on screen: it loads SQLAlchemy
        QTimer.singleShot(0, self._backup)
        return True

    def _take_in_old_holiday_files(self) -> None:
        """The 节假日安排 files an earlier version wrote, once; a fault here is told and the window stays open."""
        from xueji_desktop.services import holidays
        from xueji_desktop.ui.common.operations import HOLIDAYS, run

        if self.store is not None:
            run(self, "节假日安排", lambda: holidays.take_in_old_files(self.store), changes={HOLIDAYS})

    def _run_setup(self) -> str:
        """The first-run wizard: "done", "demo" (the clerk asked for the demo school) or "cancelled"."""
        from xueji_desktop.ui.setup_wizard import SetupWizard

        wizard = SetupWizard(self.store, self)
        accepted = wizard.exec() == SetupWizard.DialogCode.Accepted
        if getattr(wizard, "demo_requested", False):
            return "demo"
        return "done" if accepted else "cancelled"

    def _switch_to_demo(self) -> bool:
        """Leave the (still empty) real data folder alone and open a demo school in a throwaway folder."""
        self._release()
        self.data_dir, self.demo = Path(tempfile.mkdtemp(prefix="xueji-demo-")), True
        return self.open_data()

    def _build_tabs(self) -> None:
        """The 名册 tab, filled; placeholders for the others until the roster has painted (or one is asked for)."""
        from xueji_desktop.services import school_setup
        from xueji_desktop.ui.roster.tab import RosterTab

        self.roster_tab = RosterTab(self.store)
        self._other_tabs = None
        self.tabs.blockSignals(True)
        self.tabs.clear()
        self.tabs.addTab(self.roster_tab, "名册")
        for name in TAB_NAMES[1:]:
            self.tabs.addTab(QLabel("正在打开……"), name)
        self.tabs.blockSignals(False)
        self.tabs.currentChanged.connect(self._tab_shown)
        school_setup.sign_in_registrar(self.store)
        self._show_school()
        from xueji_desktop.ui.common.operations import SCHOOL, refresh_on

        refresh_on(self.header, {SCHOOL}, self._show_school)  # a year end changes the current year
        self.data_label.setText(f"数据文件：{self.store.folder.database}")
        self.roster_tab.refresh_tree()
        self._build_menus()
        _AfterPaint(self.roster_tab, self._build_other_tabs)

    def _show_school(self) -> None:
        """The school and the current term in the title and the header."""
        from xueji_desktop.services import school_setup

        context = school_setup.school_context(self.store) if self.store is not None else None
        if context is None:
            return
        demo = "（演示学校，数据关闭后即删除）" if self.demo else ""
        self.setWindowTitle(f"{context.school_name} — {context.term_label}{demo} — {APP_NAME}")
        self.header.setText(f"{context.school_name}　{context.term_label}{demo}")

    def _build_menus(self) -> None:
        """证明: checking a certificate, its wording, 套打 — the dialogs are imported when first opened."""
        self.menuBar().clear()
        certificates = self.menuBar().addMenu("证明与打印")
        certificates.addAction(
            "核验证明…", lambda: self._open_dialog("xueji_desktop.ui.printing.verify_dialog", "VerifyDialog")
        )
        certificates.addAction(
            "证明文字设置…",
            lambda: self._open_dialog(
                "xueji_desktop.ui.printing.document_settings_dialog", "DocumentSettingsDialog"
            ),
        )
        certificates.addAction(
            "套打设置与校准…",
            lambda: self._open_dialog("xueji_desktop.ui.printing.overlay_dialog", "OverlayDialog"),
        )
        archive = self.menuBar().addMenu("存档")
        archive.addAction("本学期复核…", lambda: self.archive_tab.open_register("review"))
        archive.addAction("查阅登记…", lambda: self.archive_tab.open_register("consultations"))
        archive.addAction("纸质档案存放位置…", lambda: self.archive_tab.open_register("paper_places"))
        archive.addSeparator()
        archive.addAction("本学期全校分班名册…", lambda: self.archive_tab.print_archive("school_rosters"))
        archive.addAction("毕业生花名册…", lambda: self.archive_tab.print_archive("graduate"))
        archive.addAction("录取花名册…", lambda: self.archive_tab.print_archive("admission"))
        year = self.menuBar().addMenu("学年")
        year.addAction(
            "学年结束…", lambda: self._open_dialog("xueji_desktop.ui.year_end.wizard", "YearEndWizard")
        )
        year.addAction("撤销学年结束…", self.undo_year_end)
        about = self.menuBar().addMenu("帮助")
        about.addAction("关于学籍桌面…", self.show_about)

    def undo_year_end(self) -> None:
        from xueji_desktop.ui.year_end.undo import undo_year_end

        undo_year_end(self, self.store)

    def show_about(self) -> None:
        from xueji_desktop.ui.about_dialog import show_about

        show_about(self, self.store.folder.root if self.store else self.data_dir)

    def _open_dialog(self, module: str, name: str) -> None:
        from importlib import import_module

        dialog = getattr(import_module(module), name)(self.store, self)
        dialog.exec()
        dialog.deleteLater()

    def _build_other_tabs(self) -> tuple:
        """新生建籍, 异动, 档案 in place of their placeholders (once; they import SQLAlchemy through their services)."""
        if self._other_tabs is not None or self.store is None:
            return self._other_tabs or (None, None, None)
        from xueji_desktop.ui.archive.tab import ArchiveTab
        from xueji_desktop.ui.enrolment_tab import EnrolmentTab
        from xueji_desktop.ui.status_changes.tab import StatusChangesTab

        self._other_tabs = (EnrolmentTab(self.store), StatusChangesTab(self.store), ArchiveTab(self.store))
        current = self.tabs.currentIndex()
        self.tabs.blockSignals(True)
        for index, (tab, name) in enumerate(zip(self._other_tabs, TAB_NAMES[1:], strict=True), start=1):
            placeholder = self.tabs.widget(index)
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, tab, name)
            placeholder.deleteLater()
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)
        self._filled = set()
        if current > 0:
            self._tab_shown(current)
        return self._other_tabs

    @property
    def enrolment_tab(self):
        return self._build_other_tabs()[0]

    @property
    def status_tab(self):
        return self._build_other_tabs()[1]

    @property
    def archive_tab(self):
        return self._build_other_tabs()[2]

    def show_tab(self, name: str) -> None:
        self._build_other_tabs()
        self.tabs.setCurrentIndex(TAB_NAMES.index(name))
        self._tab_shown(self.tabs.currentIndex())

    def _tab_shown(self, index: int) -> None:
        """Fill a tab the first time it is shown (building the other tabs if they are not yet)."""
        if index > 0 and self._other_tabs is None:
            self._build_other_tabs()  # fills the current tab itself
            return
        tab = self.tabs.widget(index)
        if self._other_tabs is not None and tab in self._other_tabs and tab not in self._filled:
            self._filled.add(tab)
            tab.refresh()

    def _backup(self) -> None:
        from xueji_desktop.store import StoreError
        from xueji_desktop.ui.common.operations import ARCHIVE, announcer

        if self.store is None:
            return
        try:
            self.store.backup()
        except StoreError as error:  # told in the status bar: the clerk did not ask for this backup
            self.statusBar().showMessage(str(error))
            return
        self.statusBar().showMessage("已自动备份数据", 5000)
        announcer().announce({ARCHIVE})

    # --- closing --------------------------------------------------------------------------------------------------

    def _release(self) -> None:
        self._other_tabs = None
        self._filled = set()
        if self.store is not None:
            self.store.close()
            self.store = None
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None
        if self.demo:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._release()
        super().closeEvent(event)


class _AfterPaint(QObject):
    """Calls `then` (once, from the event loop) after `widget` has first painted."""

    def __init__(self, widget: QWidget, then) -> None:
        super().__init__(widget)
        self._then = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._then)
        return False
