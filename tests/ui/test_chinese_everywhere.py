"""Every word the clerk reads is Chinese — ours and Qt's own (qtbase_zh_CN, loaded by ui/translations.py).

Offscreen, over the demo school: the main window with its menus and tabs; every button of every tab pressed and every
menu action triggered, and whatever dialog or message box that opens walked, its own buttons pressed in turn, then
closed unanswered (nothing is saved); the dialogs reached only with a choice made first built directly; the message
boxes of ui/common/messages.py, Qt's own file dialog (not the system's), the text boxes' 撤消/剪切/粘贴 menu,
QDialogButtonBox's and QWizard's buttons, the calendar popup. A button, menu action, label, group, tab, window title,
wizard page title, placeholder, tooltip or table header with a Latin word fails, unless the word is in ALLOWED (each
with why). Every QDialog / QWizard / QMainWindow subclass defined under xueji_desktop/ui must have been walked, so a
new dialog is not silently missed."""

from __future__ import annotations

import html
import importlib
import inspect
import pkgutil
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractListModel, QFileInfo, Qt, QTimer
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFileIconProvider,
    QGroupBox,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTabBar,
    QTextEdit,
    QWidget,
    QWizard,
    QWizardPage,
)

import xueji_desktop.ui
from xueji_desktop.store import Store

ROOT = Path(__file__).resolve().parents[2]

# A Latin word the clerk may read, and why. Any other Latin word is English that slipped through.
ALLOWED = {
    "PDF": "the file format: Chinese forms, Windows and WPS all call it PDF",
    "Excel": "the spreadsheet program the lists are opened in, by its own name",
    "Windows": "the system, by its own name (「Windows 的设置」), as a Chinese Windows names itself",
    "CSV": "the holiday lists' file format, so named in every Chinese spreadsheet program",
    "JPG": "an image format of the scanned proofs, as the camera and Windows name it",
    "PNG": "an image format of the scanned proofs",
    "BMP": "an image format of the scanned proofs",
    "TIFF": "an image format of the scanned proofs (a scanner's)",
    "xlsx": "a file suffix, as in the file's name",
    "xls": "a file suffix",
    "csv": "a file suffix",
    "txt": "a file suffix",
    "pdf": "a file suffix",
    "png": "a file suffix (scans)",
    "jpg": "a file suffix (scans)",
    "jpeg": "a file suffix (scans)",
    "bmp": "a file suffix (scans)",
    "tif": "a file suffix (scans)",
    "tiff": "a file suffix (scans)",
    "A4": "the paper size, so named on every Chinese printer and in Word",
    "QR": "the certificates' QR 码, as printed on them",
    "zs": "the roster search's example of what to type: 拼音 initials (张三 → zs)",
    "zhangsan": "the roster search's example of what to type: full 拼音",
    "backups": "the folder's own name on disk (数据文件夹/backups), as the clerk sees it in the file manager",
    "Ctrl": "a key, as printed on the keyboard (the shortcut shown beside a command)",
    "Esc": "a key, as printed on the keyboard",
    "PageUp": "a key, as printed on the keyboard",
    "PageDown": "a key, as printed on the keyboard",
}

LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")
MNEMONIC = re.compile(r"\(&?[A-Za-z0-9]\)")  # the Alt key of Qt's Chinese texts: 是(&Y), in a tooltip 删除(D)
SHORTCUT = re.compile(r"\b(?:Ctrl|Shift|Alt)\+\S")  # Ctrl+S: the letter is a key, not a word
PATH_END = r"[^\s，。；：、（）()「」“”<>]*"


def _computer_folders() -> list[str]:
    """Folders named by the computer or the clerk, not by us (the data folder, the program's): left out of the check."""
    roots = {tempfile.gettempdir(), str(Path.home()), sys.prefix, sys.base_prefix, str(ROOT)}
    roots |= {str(Path(r).resolve()) for r in list(roots)}
    return sorted((r for r in roots if len(r) > 1), key=len, reverse=True)


FOLDERS = _computer_folders()


def english_in(text: str) -> list[str]:
    """The Latin words of `text` a clerk would read as English. Left out first: the shortcut after a tab (a menu's
    Ctrl+Z), rich-text tags, Alt-key mnemonics, folder paths; then the ALLOWED words."""
    text = text.split("\t")[0]
    text = html.unescape(re.sub(r"<[^>]*>", " ", text))
    text = SHORTCUT.sub("", MNEMONIC.sub("", text)).replace("&", "")
    for folder in FOLDERS:
        text = text.replace(folder, "〈文件夹〉")
    text = re.sub("〈文件夹〉" + PATH_END, "〈文件夹〉", text)
    return [word for word in LATIN_WORD.findall(text) if word not in ALLOWED]


def is_ours_to_press(button: QPushButton, dialog: QWidget) -> bool:
    """A button of the dialog's own (not its 确定/取消 box, not a wizard's 上一步/下一步/完成/取消)."""
    parent = button.parentWidget()
    while parent is not None and parent is not dialog:
        if isinstance(parent, QDialogButtonBox):
            return False
        parent = parent.parentWidget()
    if isinstance(dialog, QWizard) and button in {dialog.button(which) for which in QWizard.WizardButton}:
        return False
    return button.isEnabled() and button.isVisibleTo(dialog) and bool(button.text())


QT_OWN_DIALOGS = (QMessageBox, QFileDialog, QInputDialog, QProgressDialog, QPrintDialog)


@dataclass
class _Pressing:
    where: str
    press_inside: bool
    opened: list[str] = field(default_factory=list)


@dataclass
class Walk:
    """What was walked: the classes of the windows and dialogs, (where, text) of everything they show, and what each
    pressed button or triggered action opened."""

    classes: set[type] = field(default_factory=set)
    texts: list[tuple[str, str]] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)
    _pressing: list[_Pressing] = field(default_factory=list)

    def widget(self, root: QWidget, where: str = "", visited: set[int] | None = None) -> None:
        visited = set() if visited is None else visited
        self.classes.update(
            type(root).__mro__
        )  # a base class of ours (a shared form) is walked with its subclass
        where = where or f"{type(root).__name__}「{root.windowTitle()}」"
        said = self.texts.append
        actions: set[QAction] = set(root.findChildren(QAction))
        for widget in [root, *root.findChildren(QWidget)]:
            if id(widget) in visited:
                continue
            visited.add(id(widget))
            kind = type(widget).__name__
            if widget.isWindow():
                said((f"{where} {kind} 窗口标题", widget.windowTitle()))
            if isinstance(widget, (QAbstractButton, QLabel)):
                said((f"{where} {kind}", widget.text()))
            if isinstance(widget, QGroupBox):
                said((f"{where} {kind} 标题", widget.title()))
            if isinstance(widget, QMenu):
                said((f"{where} 菜单", widget.title()))
            if isinstance(widget, QWizardPage):
                said((f"{where} 向导页", widget.title()))
                said((f"{where} 向导页说明", widget.subTitle()))
            if isinstance(widget, QTabBar):
                for i in range(widget.count()):
                    said((f"{where} 选项卡", widget.tabText(i)))
                    said((f"{where} 选项卡提示", widget.tabToolTip(i)))
            if isinstance(widget, QLineEdit):
                said((f"{where} {kind} 提示文字", widget.placeholderText()))
            if isinstance(widget, QAbstractItemView) and widget.model() is not None:
                model = widget.model()
                columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount()
                for column in range(columns):
                    header = model.headerData(column, Qt.Orientation.Horizontal)
                    said((f"{where} {kind} 表头", header if isinstance(header, str) else ""))
            said((f"{where} {kind} 提示", widget.toolTip()))
            actions.update(widget.actions())
        for action in actions:
            said((f"{where} 菜单项", action.text()))
            said((f"{where} 菜单项提示", action.toolTip()))
            if action.menu() is not None and id(action.menu()) not in visited:
                self.widget(action.menu(), where, visited)

    def what_opens(
        self, action: Callable[[], object], where: str, *, press_inside: bool = False
    ) -> list[str]:
        """Run `action` (a button's click, a menu action). Each modal dialog, message box or popup menu it opens is
        walked and closed unanswered (rejected: nothing saved); with `press_inside`, a dialog's own buttons are
        pressed first, one level deep. Returns the class names of what opened."""
        pressing = _Pressing(where, press_inside)
        self._pressing.append(pressing)
        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(self._poll)
        timer.start()
        try:
            action()
            for _ in range(5):  # a dialog opened with open() (window-modal) shows after the call returns
                QApplication.processEvents()
                self._poll()
        finally:
            timer.stop()
            self._pressing.remove(pressing)
        self.opened.append(f"{where} → {'、'.join(pressing.opened) or '（没有打开对话框）'}")
        return pressing.opened

    def _poll(self) -> None:
        box = QApplication.activePopupWidget() or QApplication.activeModalWidget()
        if box is None or box.property("walked") or not self._pressing:
            return
        box.setProperty("walked", True)
        pressing = self._pressing[-1]
        pressing.opened.append(type(box).__name__)
        where = f"{pressing.where} → {type(box).__name__}「{box.windowTitle()}」"
        try:
            if len(pressing.opened) <= 8:
                self.widget(box, where)
            if pressing.press_inside and isinstance(box, QDialog) and not isinstance(box, QT_OWN_DIALOGS):
                for button in box.findChildren(QPushButton):
                    if is_ours_to_press(button, box):
                        self.what_opens(button.click, f"{where}「{button.text()}」")
        finally:  # closed whatever happens: a dialog left open would hang the test
            if isinstance(box, QDialog):
                box.reject()
            else:
                box.close()

    def english(self) -> list[str]:
        found = {
            f"{where}：{text!r}（{'、'.join(words)}）"
            for where, text in self.texts
            if (words := english_in(text))
        }
        return sorted(found)


def dialog_classes() -> set[type]:
    """Every window class defined under xueji_desktop/ui: QDialog (QWizard, …) and QMainWindow subclasses."""
    found: set[type] = set()
    for module_info in pkgutil.walk_packages(xueji_desktop.ui.__path__, "xueji_desktop.ui."):
        module = importlib.import_module(module_info.name)
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if value.__module__ == module.__name__ and issubclass(value, (QDialog, QMainWindow)):
                found.add(value)
    return found


# --- the walk over the app ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    """The demo school, with one procedure under way (a 死亡 report: its next step, its timeline)."""
    from xueji_desktop.demo import create_demo_school
    from xueji_desktop.rules import proofs
    from xueji_desktop.services import procedures, roster
    from xueji_desktop.services.attachments import ProofFile
    from xueji_desktop.services.procedures import withdrawals

    work = tmp_path_factory.mktemp("chinese")
    scan = work / "死亡证明.pdf"
    scan.write_bytes(b"%PDF-1.4\n%%EOF\n")
    with Store.open(work / "data") as store:
        create_demo_school(store, students=80)
        student = roster.list_students(store, limit=1)[0]
        procedures.open(
            store,
            withdrawals.DeathRequest(student_id=student.id, died_on=date.today()),
            proofs=[ProofFile(proofs.DEATH_PROOF, scan)],
            decision=procedures.Decision(confirmed=True),  # R7.1 warns from 7月1日 for a 九年级 student
            today=date.today(),
        )
    return work / "data"


def _press_everything(walk: Walk, widget: QWidget, where: str) -> None:
    """Each enabled, visible push button of a tab (the first row of each table selected), as the clerk presses it."""
    for view in widget.findChildren(QAbstractItemView):
        if view.model() is not None and view.model().rowCount() and hasattr(view, "selectRow"):
            view.clearSelection()
            view.selectRow(0)
    for button in widget.findChildren(QPushButton):
        if button.isEnabled() and button.isVisibleTo(widget) and button.text():
            walk.what_opens(button.click, f"{where}「{button.text()}」", press_inside=True)


@pytest.fixture(scope="module")
def walked(qapp, demo_dir, tmp_path_factory) -> Walk:
    """The whole app walked once, for every test of this module."""
    from xueji_desktop.ui.main_window import TAB_NAMES, MainWindow

    walk = Walk()
    original_open_url = QDesktopServices.openUrl
    QDesktopServices.openUrl = lambda url: True  # 「打开文件夹」: no file manager during the test
    window = MainWindow(demo_dir)
    try:
        assert window.open_data()
        window.show()
        for name in TAB_NAMES:
            window.show_tab(name)
            QApplication.processEvents()
        walk.widget(window, "主窗口")
        for name in TAB_NAMES:
            window.show_tab(name)
            _press_everything(walk, window.tabs.currentWidget(), name)
        window.show_tab("名册")
        window.roster_tab.table.selectRow(0)
        print_menu = window.roster_tab.print_menu()
        walk.widget(print_menu, "名册「打印」菜单")
        for item in print_menu.actions():
            if item.isEnabled() and not item.isSeparator() and item.text():
                walk.what_opens(item.trigger, f"名册「打印」「{item.text()}」")
        for menu_action in window.menuBar().actions():
            for item in menu_action.menu().actions():
                if not item.isSeparator():
                    where = f"菜单「{menu_action.text()}」「{item.text()}」"
                    walk.what_opens(item.trigger, where, press_inside=True)
        _walk_the_dialogs_themselves(walk, window.store, tmp_path_factory.mktemp("dialogs"))
    finally:
        QDesktopServices.openUrl = original_open_url
        window.close()
        window.deleteLater()
        QApplication.processEvents()
    return walk


def _walk_the_dialogs_themselves(walk: Walk, store: Store, tmp: Path) -> None:
    """The dialogs reached only with a choice made first (a file chosen, a first start)."""
    from xueji_desktop.services.enrolment import NationalIdImportResult
    from xueji_desktop.ui.enrolment_tab import NationalIdResultDialog
    from xueji_desktop.ui.holidays_dialog import HolidaysDialog
    from xueji_desktop.ui.setup_wizard import SetupWizard

    imported = NationalIdResultDialog(NationalIdImportResult(), "学生信息表.xlsx")  # a 学籍号 file chosen
    walk.widget(imported)
    imported.deleteLater()
    holiday_file = tmp / "2027年放假安排.csv"
    holiday_file.write_text("日期,类型,名称\n2027-01-01,休,元旦\n2027-10-09,班,国庆节\n", encoding="utf-8")
    holidays = HolidaysDialog(store)
    walk.what_opens(lambda: holidays.import_file(holiday_file), "节假日安排「导入文件…」（选了文件）")
    holidays.deleteLater()
    from xueji_desktop.services import sanctions
    from xueji_desktop.ui.roster.student_dialog import StudentDialog

    sanctioned = sanctions.in_force(store)[
        0
    ].student_id  # the demo's 记过 in force: every 奖惩 button is enabled
    record = StudentDialog(store, sanctioned)
    walk.widget(record, "学生信息")
    for index in range(record.tabs.count()):
        record.tabs.setCurrentIndex(index)
        _press_everything(walk, record.tabs.widget(index), f"学生信息「{record.tabs.tabText(index)}」")
    record.deleteLater()
    from xueji_desktop.services import history
    from xueji_desktop.ui.archive.tab import AuditEntryDialog

    entry = AuditEntryDialog(
        history.audit_events(store, limit=1)[0]
    )  # 档案: a double-click on the operation log
    walk.widget(entry, "操作记录（双击）")
    entry.deleteLater()
    from xueji_desktop.ui.year_end.wizard import YearEndWizard

    year_end = YearEndWizard(store)  # the menu opens it on its first page: the later pages filled here
    for page_id in year_end.pageIds()[1:4]:
        year_end.page(page_id).initializePage()
    walk.widget(year_end, "学年结束")
    year_end.deleteLater()
    from tests.ui.test_completion_template_ui import filled_plan
    from xueji_desktop.ui.roster.completion_actions import CompletionImportDialog

    completion = CompletionImportDialog(store, filled_plan(store, tmp))  # 导入补录模板…: a filled file chosen
    walk.widget(completion, "导入补录模板（选了文件）")
    completion.deleteLater()
    with Store.open(tmp / "new") as empty:  # the first start: no school yet
        wizard = SetupWizard(empty)
        walk.widget(wizard)
        wizard.deleteLater()


def test_every_word_the_clerk_reads_in_the_app_is_chinese(walked):
    assert walked.english() == [], "\n".join(walked.english())


def test_every_dialog_under_ui_was_walked(walked):
    """A dialog added under ui/ must be reachable by the walk (a button, a menu action) or built in it above."""
    missed = {cls.__qualname__ for cls in dialog_classes() - walked.classes}
    assert not missed, f"not walked: {sorted(missed)}; what opened:\n" + "\n".join(walked.opened)


def test_the_walk_reaches_into_the_dialogs(walked):
    """The walk is not empty by accident: it pressed buttons, met message boxes and Qt's own dialogs."""
    met = {type_.__name__ for type_ in walked.classes}
    assert {"QMessageBox", "QFileDialog", "QInputDialog", "ProcedureWizard", "HolidayEditorDialog"} <= met
    assert len(walked.texts) > 2000


# --- Qt's own dialogs and menus ------------------------------------------------------------------------------------


def _texts_of(widget: QWidget) -> list[str]:
    walk = Walk()
    walk.widget(widget)
    return [text for _where, text in walk.texts if text]


def _no_english(widget: QWidget) -> list[str]:
    walk = Walk()
    walk.widget(widget)
    return walk.english()


def test_the_message_boxes_of_messages_py_say_是_否_and_确定(qtbot):
    from xueji_desktop.rules import RuleViolation
    from xueji_desktop.rules.findings import warn
    from xueji_desktop.ui.common import messages

    walk = Walk()
    shown = walk.what_opens(lambda: messages.show_error(None, "办理休学", "请先选择学生"), "提示")
    violation = RuleViolation([warn("R22.3", "休学期限一般为一年")])
    shown += walk.what_opens(lambda: messages.confirm_findings(None, "办理休学", violation), "确认")
    shown += walk.what_opens(lambda: QMessageBox.information(None, "导出", "已导出 3 名学生"), "告知")
    assert shown == ["QMessageBox", "QMessageBox", "QMessageBox"]
    buttons = [text for where, text in walk.texts if "QPushButton" in where and text]
    assert buttons == ["确定", "是(&Y)", "否(&N)", "确定"]
    assert walk.english() == []


@pytest.mark.parametrize("mode", [QFileDialog.AcceptMode.AcceptOpen, QFileDialog.AcceptMode.AcceptSave])
def test_qts_own_file_dialog_is_chinese(qtbot, tmp_path, mode):
    """The system's dialog is Chinese on a Chinese Windows; Qt's own (Linux, or when the system has none) too."""
    (tmp_path / "名单").mkdir()
    dialog = QFileDialog(None, "选择新生名单", str(tmp_path), "Excel 文件 (*.xlsx *.xls)")
    qtbot.addWidget(dialog)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setAcceptMode(mode)
    dialog.setViewMode(QFileDialog.ViewMode.Detail)
    dialog.show()
    texts = _texts_of(dialog)
    assert {"查找范围(&L)：", "文件名称(&N)：", "文件类型(&T)：", "取消"} <= set(texts)
    assert {"名称", "修改日期"} <= set(texts)  # the list's headers
    assert ("打开(&O)" if mode == QFileDialog.AcceptMode.AcceptOpen else "保存(&S)") in texts
    assert QFileIconProvider().type(QFileInfo(str(tmp_path / "名单"))) == "文件夹"  # the 类型 column
    assert _no_english(dialog) == []


@pytest.mark.parametrize("box", [QLineEdit, QTextEdit])
def test_the_text_boxes_menu_is_chinese(qtbot, box):
    edit = box("潞城区实验小学")
    qtbot.addWidget(edit)
    menu = edit.createStandardContextMenu()
    said = [action.text().split("\t")[0] for action in menu.actions() if action.text()]
    assert {"撤消(&U)", "重做(&R)", "剪切(&T)", "复制(&C)", "粘贴(&P)", "删除", "全选"} <= set(said)
    assert _no_english(menu) == []
    menu.deleteLater()


def test_qdialogbuttonbox_standard_buttons_are_chinese(qtbot):
    every = QDialogButtonBox.StandardButton
    buttons = QDialogButtonBox(
        every.Ok | every.Cancel | every.Save | every.Close | every.Yes | every.No | every.Open | every.Apply
    )
    qtbot.addWidget(buttons)
    assert {b.text() for b in buttons.buttons()} == {
        "确定",
        "取消",
        "保存",
        "关闭",
        "是(&Y)",
        "否(&N)",
        "打开",
        "应用",
    }


@pytest.mark.parametrize(
    "style",
    [QWizard.WizardStyle.ClassicStyle, QWizard.WizardStyle.ModernStyle, QWizard.WizardStyle.AeroStyle],
)
def test_qwizards_buttons_are_chinese(qtbot, style):
    wizard = QWizard()
    qtbot.addWidget(wizard)
    wizard.setWizardStyle(style)
    wizard.addPage(QWizardPage())
    wizard.addPage(QWizardPage())
    which = QWizard.WizardButton
    said = [wizard.buttonText(b) for b in (which.BackButton, which.NextButton, which.FinishButton)]
    assert [text.strip("<> ") for text in said] == ["上一步(&B)", "下一步(&N)", "完成(&F)"]
    assert wizard.buttonText(which.CancelButton) == "取消"
    assert wizard.buttonText(which.CommitButton) == "提交"


def test_qts_other_dialogs_are_chinese(qtbot):
    """What the app uses besides: the one-line questions (新建班级, 退回原因 …), the progress of a long export, the
    print dialog (Qt's own on Linux), the calendar popup of a date field."""
    ask = QInputDialog()
    ask.setLabelText("班级名称：")
    progress = QProgressDialog()
    printer = QPrinter()
    print_dialog = QPrintDialog(printer)
    day = QDateEdit()
    day.setCalendarPopup(True)
    for widget in (ask, progress, print_dialog, day):
        qtbot.addWidget(widget)
        widget.show()  # QInputDialog makes its buttons when first shown
        assert _no_english(widget) == []
    assert {"确定", "取消"} <= set(_texts_of(ask))
    assert "取消" in _texts_of(progress)
    assert "打印(&P)" in _texts_of(print_dialog)
    calendar = day.calendarWidget()
    months = [action.text() for action in calendar.findChildren(QAction) if action.text()]
    assert "一月" in months and "十二月" in months
    assert _no_english(calendar) == []


# --- the check itself ----------------------------------------------------------------------------------------------


def test_the_check_finds_english_and_lets_keys_paths_and_formats_be():
    assert english_in("OK") == ["OK"]
    assert english_in("&Yes") == ["Yes"]
    assert english_in("Files of &type:") == ["Files", "of", "type"]
    assert english_in("版式位置为示例（UNCONFIRMED）") == ["UNCONFIRMED"]
    assert english_in("<b>Cancel</b>") == ["Cancel"]
    assert english_in("是(&Y)") == []  # the Alt key of Qt's Chinese texts
    assert english_in("删除(D)") == []  # the same, in an action's tooltip
    assert english_in("撤消(&U)\tCtrl+Z") == []
    assert english_in("另存为 PDF 文件（Ctrl+S）") == []
    assert english_in(f"数据文件：{Path(tempfile.gettempdir()) / 'xueji-demo-x1' / 'xueji.sqlite3'}") == []
    assert english_in("Excel 文件 (*.xlsx *.xls)") == []


def test_the_catalogue_is_found_beside_pyside6_when_qt_does_not_say(monkeypatch, tmp_path):
    """A bundle whose Qt does not know its translations folder (no qt.conf): the PySide6 package's own folder."""
    from xueji_desktop.ui import translations

    class Nowhere:
        LibraryPath = translations.QLibraryInfo.LibraryPath

        @staticmethod
        def path(_which):
            return str(tmp_path)

    monkeypatch.setattr(translations, "QLibraryInfo", Nowhere)
    folders = translations.translation_folders()
    assert folders[0] == tmp_path
    assert any((folder / "qtbase_zh_CN.qm").is_file() for folder in folders[1:])
