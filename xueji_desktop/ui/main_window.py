"""The main window: title with the school and the current term, tabs 名册 / 异动 / 档案, the data file in the status bar.

The window paints first (Qt only); the database layer and the tabs are imported and filled right after, so the clerk
sees the app at once (issue 2: importing SQLAlchemy and the rest costs more than painting an empty window).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QLockFile, QTimer
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
        self.roster_tab = self.enrolment_tab = self.status_tab = self.archive_tab = None
        self._lock: QLockFile | None = None
        self._roster_stale = False
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
        if not school_setup.is_set_up(self.store):
            if self.demo:
                from xueji_desktop.services.demo import create_demo_school

                create_demo_school(self.store)
            else:
                outcome = self._run_setup()
                if outcome == "demo":
                    return self._switch_to_demo()
                if outcome == "cancelled":
                    return False
        self._build_tabs()
        QTimer.singleShot(0, self._backup)
        return True

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
        from xueji_desktop.services import school_setup
        from xueji_desktop.ui.enrolment_tab import EnrolmentTab
        from xueji_desktop.ui.history_tabs import ArchiveTab, StatusChangesTab
        from xueji_desktop.ui.roster_tab import RosterTab

        self.roster_tab = RosterTab(self.store)
        self.enrolment_tab = EnrolmentTab(self.store)
        self.status_tab = StatusChangesTab(self.store)
        self.archive_tab = ArchiveTab(self.store)
        self.tabs.clear()
        self.tabs.addTab(self.roster_tab, "名册")
        self.tabs.addTab(self.enrolment_tab, "新生建籍")
        self.tabs.addTab(self.status_tab, "异动")
        self.tabs.addTab(self.archive_tab, "档案")
        self.tabs.currentChanged.connect(self._refresh_tab)
        self.roster_tab.changed.connect(lambda: self._refresh_tab(self.tabs.currentIndex()))
        self.enrolment_tab.changed.connect(self._mark_roster_stale)
        context = school_setup.school_context(self.store)
        school_setup.sign_in_registrar(self.store)
        demo = "（演示学校，数据关闭后即删除）" if self.demo else ""
        self.setWindowTitle(f"{context.school_name} — {context.term_label}{demo} — {APP_NAME}")
        self.header.setText(f"{context.school_name}　{context.term_label}{demo}")
        self.data_label.setText(f"数据文件：{self.store.folder.database}")
        self.roster_tab.refresh_tree()

    def show_tab(self, name: str) -> None:
        self.tabs.setCurrentIndex(TAB_NAMES.index(name))
        self._refresh_tab(self.tabs.currentIndex())

    def _refresh_tab(self, index: int) -> None:
        tab = self.tabs.widget(index)
        if tab in (self.enrolment_tab, self.status_tab, self.archive_tab):
            tab.refresh()
        elif tab is self.roster_tab and self._roster_stale:
            self.roster_tab.refresh_tree()  # steps marked or 学籍号 imported in 新生建籍
        self._roster_stale = False

    def _mark_roster_stale(self) -> None:
        self._roster_stale = True

    def _backup(self) -> None:
        from xueji_desktop.store import StoreError

        if self.store is None:
            return
        try:
            self.store.backup()
            self.statusBar().showMessage("已自动备份数据", 5000)
        except StoreError as error:
            self.statusBar().showMessage(str(error))

    # --- closing --------------------------------------------------------------------------------------------------

    def _release(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None
        if self.demo:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self._release()
        super().closeEvent(event)
