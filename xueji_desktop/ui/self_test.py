"""`xueji-desktop --self-test [FOLDER]`: the installed app checks itself — installer/build.py --smoke runs it on the
bundle, and the same command works on the school's PC after installing."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
import traceback
from pathlib import Path

from PySide6.QtWidgets import QApplication

from xueji_desktop import APP_NAME, __version__
from xueji_desktop.ui.icon import app_icon
from xueji_desktop.ui.translations import QT_CATALOGUE, install_qt_chinese

log = logging.getLogger("xueji_desktop")

SELF_TEST_WINDOW = "main-window.png"
SELF_TEST_PDF = "enrolment-proof.pdf"
SELF_TEST_XLSX = "new-students.xlsx"
SELF_TEST_REPORT = "self-test.txt"
SELF_TEST_STUDENTS = 120
SELF_TEST_TIMEOUT_SECONDS = 300


class SelfTestFailed(Exception):
    """A self-test step did not give what it should; the message says what, in Chinese."""


def _self_test_output():
    """stdout, or on Windows (a windowed exe has none) the console the command was typed in, if any."""
    if sys.stdout is not None:
        return sys.stdout
    if sys.platform == "win32":
        import ctypes

        if ctypes.windll.kernel32.AttachConsole(-1):  # ATTACH_PARENT_PROCESS
            try:
                return open("CONOUT$", "w", encoding="utf-8", errors="replace")
            except OSError:
                return None
    return None


def self_test(folder: str | None = None) -> int:
    """`--self-test [FOLDER]`: open a demo school in FOLDER (default: a new temporary folder), render the main window
    to a PNG, issue one 在读证明 (PDF, its Chinese text read back), write one new-student upload batch (xlsx); one line
    per check on stdout and in FOLDER/self-test.txt. 0 when every check passed, else 1 (2: FOLDER unusable)."""
    import threading
    import time

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no window flashes on the registrar's screen
    started = time.perf_counter()
    stream = _self_test_output()
    lines: list[str] = []

    def say(line: str) -> None:
        lines.append(line)
        if stream is not None:
            with contextlib.suppress(
                OSError, UnicodeError
            ):  # a console closed meanwhile: the report file has it
                print(line, file=stream, flush=True)

    def give_up() -> None:  # a step that hangs (a dialog nobody can answer offscreen) must not hang the check
        say(f"失败 FAIL  自检超时（{SELF_TEST_TIMEOUT_SECONDS} 秒） self-test timed out")
        os._exit(3)

    watchdog = threading.Timer(SELF_TEST_TIMEOUT_SECONDS, give_up)
    watchdog.daemon = True
    watchdog.start()
    say(f"{APP_NAME} {__version__} 自检 self-test")
    try:
        root = (
            Path(folder).expanduser().resolve()
            if folder
            else Path(tempfile.mkdtemp(prefix="xueji-self-test-"))
        )
        root.mkdir(parents=True, exist_ok=True)
        (root / SELF_TEST_REPORT).write_text("", encoding="utf-8")
    except OSError as error:
        say(f"失败 FAIL  文件夹 folder：无法使用 {folder}：{error.strerror or error}")
        watchdog.cancel()
        return 2
    say(f"通过 PASS  文件夹 folder：{root}")
    state: dict = {}
    steps = (
        ("界面与字体 Qt + fonts", _check_qt),
        (f"Qt 中文翻译 {QT_CATALOGUE}", _check_qt_translation),
        ("演示学校 demo school", _check_demo_school),
        ("主窗口 main window → PNG", _check_main_window),
        ("在读证明 PDF", _check_pdf),
        ("上报批次 xlsx", _check_xlsx),
        ("关于 about", _check_about),
    )
    passed, details = True, ""
    try:
        for title, step in steps:
            try:
                detail = step(root, state)
            except Exception as error:
                log.exception("自检失败：%s", title)
                details = traceback.format_exc()  # into self-test.txt: a windowed exe has no stderr to read
                message = str(error) or type(error).__name__
                say(f"失败 FAIL  {title}：{message}")
                passed = False
                break
            say(f"通过 PASS  {title}：{detail}")
    finally:
        window = state.get("window")
        if window is not None:
            window.close()
        watchdog.cancel()
    seconds = time.perf_counter() - started
    say(
        f"自检通过 self-test passed（{seconds:.1f} s）"
        if passed
        else f"自检未通过 self-test FAILED（{seconds:.1f} s）"
    )
    with contextlib.suppress(
        OSError
    ):  # an unwritable folder was already reported as the first check's failure
        report = "\n".join(lines) + "\n" + (f"\n详细信息 details:\n{details}" if details else "")
        (root / SELF_TEST_REPORT).write_text(report, encoding="utf-8")
    return 0 if passed else 1


def _check_qt(root: Path, state: dict) -> str:
    from xueji_desktop.ui.fonts import SHIPPED_FONTS, install_fonts

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("XueJi")
    icon = app_icon()
    if icon.isNull():
        raise SelfTestFailed("找不到程序图标（resources/icons）")
    app.setWindowIcon(icon)
    families = install_fonts(app)
    if not any("WenQuanYi" in family for family in families):
        raise SelfTestFailed(f"没有装上随程序提供的中文字体（{'、'.join(SHIPPED_FONTS)}）")
    state["app"] = app
    return f"Qt {_qt_version()}，平台 {app.platformName()}，字体 {'、'.join(families)}"


def _check_qt_translation(root: Path, state: dict) -> str:
    """Qt's own buttons and menus speak Chinese: the catalogue is in the bundle and Qt takes it."""
    from PySide6.QtWidgets import QDialogButtonBox, QLineEdit

    loaded = install_qt_chinese(state["app"])
    if not loaded.loaded:
        raise SelfTestFailed(loaded.describe())
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    said = [button.text() for button in buttons.buttons()]
    edit = QLineEdit("自检")
    menu = edit.createStandardContextMenu()
    said += [action.text().split("\t")[0].replace("&", "") for action in menu.actions() if action.text()][:3]
    menu.deleteLater()
    english = [text for text in said if not any("\u4e00" <= char <= "\u9fff" for char in text)]
    if english:
        raise SelfTestFailed(f"载入了 {loaded.path}，按钮与菜单仍是英文：{'、'.join(english)}")
    return f"{loaded.path}，按钮与菜单：{'、'.join(said)}"


def _qt_version() -> str:
    from PySide6.QtCore import qVersion

    return qVersion()


def _check_demo_school(root: Path, state: dict) -> str:
    from xueji_desktop.demo import create_demo_school
    from xueji_desktop.services import roster
    from xueji_desktop.services.school_setup import is_set_up
    from xueji_desktop.store import Store

    data_dir = root / "data"
    store = Store.open(data_dir)
    try:
        if not is_set_up(store):
            create_demo_school(store, students=SELF_TEST_STUDENTS)
        students = len(roster.list_students(store))
    finally:
        store.close()
    if not students:
        raise SelfTestFailed("演示学校里没有学生")
    state["data_dir"] = data_dir
    return f"{students} 名学生，{data_dir}"


def _check_main_window(root: Path, state: dict) -> str:
    from xueji_desktop.store import BUSY_MESSAGE
    from xueji_desktop.ui.main_window import MainWindow

    window = MainWindow(state["data_dir"])
    state["window"] = window
    if not window.lock_data_dir():
        raise SelfTestFailed(BUSY_MESSAGE)
    if not window.open_data():
        raise SelfTestFailed("主窗口没能打开数据文件夹")
    window.show()
    state["app"].processEvents()
    out = root / SELF_TEST_WINDOW
    if not window.grab().save(str(out)):
        raise SelfTestFailed(f"无法保存截图：{out}")
    _non_empty(out)
    shown = window.roster_tab.model.rowCount()
    if not shown:
        raise SelfTestFailed("名册里没有显示任何学生")
    return f"{window.width()}×{window.height()}，名册显示 {shown} 名学生，{out.name}（{out.stat().st_size:,} 字节）"


def _check_pdf(root: Path, state: dict) -> str:
    import pypdfium2

    from xueji_desktop.models import StudentStatus
    from xueji_desktop.services import roster
    from xueji_desktop.services.printing import certificates

    store = state["window"].store
    rows = [(r.id, r.name) for r in roster.list_students(store, status=StudentStatus.ACTIVE, limit=1)]
    if not rows:
        raise SelfTestFailed("演示学校里没有在读学生")
    student_id, name = rows[0]
    out = root / SELF_TEST_PDF
    issued = certificates.issue_enrolment_proofs(store, [student_id], out, purpose="用于程序自检")
    _non_empty(out)
    document = pypdfium2.PdfDocument(str(out))
    try:
        text = "".join("".join(page.get_textpage().get_text_range().split()) for page in document)
    finally:
        document.close()
    for expected in ("在读证明", name):
        if expected not in text:
            raise SelfTestFailed(f"PDF 里读不到「{expected}」（中文字体没有嵌入？）")
    return f"{out.name}，编号 {'、'.join(issued.numbers)}，含「在读证明」「{name}」"


def _check_xlsx(root: Path, state: dict) -> str:
    import zipfile

    from openpyxl import load_workbook

    from xueji_desktop.models import StudentStatus
    from xueji_desktop.services import roster, upload_batches

    store = state["window"].store
    rows = [(r.id, r.name) for r in roster.list_students(store, status=StudentStatus.ACTIVE, limit=5)]
    out = root / SELF_TEST_XLSX
    result = upload_batches.export_new_students(store, out, student_ids=[r[0] for r in rows], valid_only=True)
    if not result.files:
        raise SelfTestFailed("没有写出任何文件")
    for file in result.files:
        _non_empty(file)
        if not zipfile.is_zipfile(file):
            raise SelfTestFailed(f"{file.name} 不是有效的 xlsx 文件")
    workbook = load_workbook(result.files[0], read_only=True)
    try:
        cells = {str(c) for row in workbook.worksheets[0].iter_rows(values_only=True) for c in row if c}
    finally:
        workbook.close()
    if not any(name in cells for _id, name in rows):
        raise SelfTestFailed(f"{out.name} 里找不到导出的学生")
    return f"{out.name}，{len(result.exported)} 名学生（{len(result.blocked)} 名未通过检查）"


def _check_about(root: Path, state: dict) -> str:
    """「关于」 can name every library's version: the bundle carries their metadata (installer/xueji.spec)."""
    from xueji_desktop.ui.about_dialog import LIBRARIES, AboutDialog, library_version, shipped_fonts

    dialog = AboutDialog(state["data_dir"])
    dialog.close()
    unknown = [library.name for library in LIBRARIES if library_version(library) == "—"]
    if unknown:
        raise SelfTestFailed(f"「关于」里读不到这些库的版本：{'、'.join(unknown)}")
    return f"{len(LIBRARIES)} 个软件库、{len(shipped_fonts())} 种字体的版本与许可证"


def _non_empty(path: Path) -> None:
    if not path.is_file() or path.stat().st_size == 0:
        raise SelfTestFailed(f"文件没有写出或是空的：{path}")
