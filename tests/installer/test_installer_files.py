"""The installer's files, checked without building anything: the PyInstaller spec (run against stand-ins for
PyInstaller, so what it collects and drops is seen), the NSIS script (and, where makensis is installed, compiled over a
tiny dummy payload — a broken script fails here in a second), the icons and installer/build.py's helpers."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import struct
import subprocess
import sys
import types
from pathlib import Path

import pytest

import xueji_desktop

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"
SPEC = INSTALLER / "xueji.spec"
NSIS = INSTALLER / "xueji.nsi"
ICONS = ROOT / "resources" / "icons"


def load_build():
    spec = importlib.util.spec_from_file_location("xueji_installer_build", INSTALLER / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Recorder:
    """Stands for Analysis, PYZ, EXE and COLLECT: keeps what the spec gave it."""

    made: dict[str, Recorder] = {}

    def __init__(self, kind, *args, **kwargs):
        self.kind, self.args, self.kwargs = kind, args, kwargs
        self.binaries = list(kwargs.get("binaries") or [])
        self.datas = list(kwargs.get("datas") or [])
        self.pure, self.scripts = [], []
        Recorder.made[kind] = self


def run_spec(monkeypatch, binaries=(), datas=(), imports=None):
    """Execute xueji.spec as PyInstaller would, with Analysis returning the given collected files."""
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = lambda package, **_: [f"{package}.<all>"]
    hooks.copy_metadata = lambda distribution: [(f"<dist-info of {distribution}>", ".")]
    bindepend = types.ModuleType("PyInstaller.depend.bindepend")
    bindepend.get_imports = lambda path: [(name, None) for name in (imports or {}).get(path, [])]
    for name in ("PyInstaller", "PyInstaller.utils", "PyInstaller.depend"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
    monkeypatch.setitem(sys.modules, "PyInstaller.depend.bindepend", bindepend)

    def analysis(*args, **kwargs):
        made = Recorder("Analysis", *args, **kwargs)
        made.binaries, made.datas = list(binaries), list(made.datas) + list(datas)
        return made

    namespace = {
        "SPECPATH": str(INSTALLER),
        "__file__": str(SPEC),
        "Analysis": analysis,
        "PYZ": lambda *a, **k: Recorder("PYZ", *a, **k),
        "EXE": lambda *a, **k: Recorder("EXE", *a, **k),
        "COLLECT": lambda *a, **k: Recorder("COLLECT", *a, **k),
    }
    exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), namespace)
    return namespace


def test_spec_collects_every_resource_folder_and_the_migrations(monkeypatch):
    namespace = run_spec(monkeypatch)
    analysis = Recorder.made["Analysis"]
    destinations = {destination: Path(source) for source, destination in analysis.kwargs["datas"]}
    for folder in (ROOT / "resources").iterdir():
        if folder.is_dir():
            assert destinations[f"resources/{folder.name}"] == folder, (
                f"resources/{folder.name} is not bundled"
            )
    for needed in ("codes", "fonts", "reference", "templates", "icons"):
        assert f"resources/{needed}" in destinations
    migrations = ROOT / "xueji_desktop" / "migrations"
    bundled = {
        source
        for source, destination in analysis.kwargs["datas"]
        if destination.startswith("xueji_desktop/migrations")
    }
    assert {
        str(migrations / "env.py"),
        str(migrations / "script.py.mako"),
        str(migrations / "versions"),
    } <= bundled
    # the destinations are where the app looks in a bundle: resource_path() and the migrations runner's SCRIPT_LOCATION
    assert destinations["xueji_desktop/migrations/versions"] == migrations / "versions"
    assert namespace["VERSION"] == xueji_desktop.__version__


def test_spec_builds_one_windowed_folder_with_icon_and_metadata(monkeypatch):
    run_spec(monkeypatch)
    exe, collect, analysis = Recorder.made["EXE"], Recorder.made["COLLECT"], Recorder.made["Analysis"]
    assert exe.kwargs["console"] is False
    assert exe.kwargs["exclude_binaries"] is True  # one folder: the binaries go to COLLECT, not into the exe
    assert exe.kwargs["name"] == collect.kwargs["name"] == "xueji"
    assert Path(exe.kwargs["icon"]) == ICONS / "xueji.ico" and Path(exe.kwargs["icon"]).is_file()
    assert analysis.args[0] == [str(ROOT / "xueji_desktop" / "__main__.py")]
    hidden = analysis.kwargs["hiddenimports"]
    assert "xueji_desktop.<all>" in hidden and "alembic.op" in hidden and "alembic.context" in hidden
    metadata = {source for source, _ in analysis.kwargs["datas"] if source.startswith("<dist-info")}
    for distribution in (
        "PySide6-Essentials",
        "SQLAlchemy",
        "reportlab",
        "openpyxl",
        "pypdfium2",
        "zxing-cpp",
        "python-calamine",
        "xueji-desktop",
    ):
        assert f"<dist-info of {distribution}>" in metadata  # the about dialog reads their versions


def test_spec_excludes_the_qt_the_app_never_loads(monkeypatch):
    namespace = run_spec(monkeypatch)
    excludes = set(Recorder.made["Analysis"].kwargs["excludes"])
    for module in (
        "QtWebEngineCore",
        "QtWebEngineWidgets",
        "Qt3DCore",
        "QtQuick",
        "QtQml",
        "QtMultimedia",
        "QtNetwork",
        "QtSql",
        "QtTest",
        "QtPdf",
    ):
        assert f"PySide6.{module}" in excludes
    for used in namespace["QT_MODULES_USED"]:
        assert f"PySide6.{used}" not in excludes
    # every Qt module the app's code imports is one the spec keeps
    imported = set()
    for path in (ROOT / "xueji_desktop").rglob("*.py"):
        imported |= set(re.findall(r"PySide6\.(Qt\w+)", path.read_text(encoding="utf-8")))
    assert imported <= set(namespace["QT_MODULES_USED"])
    assert "tkinter" in excludes and "pkg_resources" in excludes
    assert "pydoc" not in excludes  # stdnum.util imports it (the bundled self-test found that out)


def test_spec_leaves_out_the_standard_library_the_app_never_imports(monkeypatch):
    run_spec(monkeypatch)
    excludes = set(Recorder.made["Analysis"].kwargs["excludes"])
    for unused in (
        "unittest",
        "doctest",
        "pdb",
        "readline",
        "curses",
        "multiprocessing",
        "http.server",
        "xmlrpc",
        "lib2to3",
        "idlelib",
        "ensurepip",
        "distutils",
        "test",
        "pydoc_data",
        "smtplib",
        "_pydecimal",
    ):
        assert unused in excludes, unused
    for used in (
        "pydoc",
        "ssl",
        "asyncio",
        "email",
        "lzma",
        "_lzma",
        "hashlib",
        "sqlite3",
        "ctypes",
        "decimal",
        "tomllib",
        "zoneinfo",
        "urllib.request",
        "concurrent.futures",
        "xml.dom.minidom",
        "csv",
    ):
        # stdnum imports pydoc and ssl, SQLAlchemy asyncio, importlib.metadata email, the rare font lzma, alembic
        # tomllib and zoneinfo, reportlab urllib.request, openpyxl/defusedxml xml.dom
        assert used not in excludes, used


@pytest.mark.parametrize(
    ("destination", "kept"),
    [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
        ("PySide6/plugins/platforms/qwindows.dll", True),
        ("PySide6/plugins/platforms/qdirect2d.dll", False),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
        ("PySide6/Qt/plugins/platforms/libqminimalegl.so", False),
        ("PySide6/plugins/platforms/qminimal.dll", True),
        ("PySide6/Qt/plugins/platforms/libqwayland-egl.so", False),
        ("PySide6/plugins/imageformats/qjpeg.dll", True),
        ("PySide6/Qt/plugins/imageformats/libqtiff.so", True),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", False),
        ("PySide6/Qt/plugins/imageformats/libqpdf.so", False),
        ("PySide6/plugins/printsupport/windowsprintersupport.dll", True),
        ("PySide6/plugins/styles/qmodernwindowsstyle.dll", True),
        ("PySide6/Qt/plugins/iconengines/libqsvgicon.so", False),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
        ("PySide6/Qt/plugins/xcbglintegrations/libqxcb-glx-integration.so", False),
        ("PySide6/Qt/translations/qtbase_zh_CN.qm", True),
        ("PySide6/Qt/translations/qtbase_de.qm", False),
        ("PySide6/translations/qtbase_ja.qm", False),
        ("PySide6/opengl32sw.dll", False),
        ("PySide6/d3dcompiler_47.dll", False),
        ("PySide6/Qt6Core.dll", True),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", True),
        ("stdnum/cn/loc.dat", True),
        ("stdnum/oui.dat", False),
        ("stdnum/be/banks.dat", False),
        ("resources/fonts/wqy-microhei.ttc", True),
        ("resources/fonts/HanaMinB.ttf.xz", True),
        ("pillow-13.0.0.dist-info/METADATA", True),  # 「关于」: the version
        ("pillow-13.0.0.dist-info/licenses/LICENSE", True),
        ("pypdfium2-5.15.2.dist-info/licenses/BUILD_LICENSES/icu.txt", True),
        ("pyside6_essentials-6.11.3.dist-info/RECORD", False),
        ("platformdirs-4.14.8.dist-info/sboms/platformdirs.cdx.json", False),
        ("pypdfium2_raw/libpdfium.so", True),
    ],
)
def test_spec_keeps_only_the_plugins_translations_and_data_in_use(monkeypatch, destination, kept):
    namespace = run_spec(monkeypatch)
    assert namespace["kept"](destination) is kept
    assert namespace["kept"](destination.replace("/", "\\")) is kept  # Windows separators


def test_spec_drops_libraries_nothing_kept_links_to(monkeypatch):
    binaries = [
        ("PySide6/QtWidgets.abi3.so", "/src/QtWidgets.abi3.so", "EXTENSION"),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", "/src/libQt6Widgets.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6Core.so.6", "/src/libQt6Core.so.6", "BINARY"),
        (
            "PySide6/Qt/lib/libQt6Svg.so.6",
            "/src/libQt6Svg.so.6",
            "BINARY",
        ),  # only the dropped qsvg plugin wants it
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", "/src/libqsvg.so", "BINARY"),
        ("libcairo.so.2", "/src/libcairo.so.2", "BINARY"),  # only GTK's theme plugin (dropped) wants it
        ("libpython3.11.so.1.0", "/src/libpython3.11.so.1.0", "BINARY"),  # loaded by the bootloader
        ("pypdfium2_raw/libpdfium.so", "/src/libpdfium.so", "BINARY"),  # loaded through ctypes
        ("PySide6/Qt6Gui.dll", "/src/Qt6Gui.dll", "BINARY"),
        ("PySide6/QtGui.pyd", "/src/QtGui.pyd", "EXTENSION"),
        ("_ssl.pyd", "/src/_ssl.pyd", "EXTENSION"),  # Windows: stdlib extensions sit beside the DLLs
        ("libssl-3.dll", "/src/libssl-3.dll", "BINARY"),
        ("libffi-8.dll", "/src/libffi-8.dll", "BINARY"),  # _ctypes.pyd's, but _ctypes is not collected here
    ]
    imports = {
        "/src/QtWidgets.abi3.so": ["libQt6Widgets.so.6"],
        "/src/libQt6Widgets.so.6": ["libQt6Core.so.6", "libc.so.6"],
        "/src/libqsvg.so": ["libQt6Svg.so.6"],
        "/src/QtGui.pyd": ["Qt6Gui.dll"],
        "/src/_ssl.pyd": ["LIBSSL-3.dll", "KERNEL32.dll"],  # Windows import tables: any case
    }
    run_spec(monkeypatch, binaries=binaries, imports=imports)
    bundled = {destination for destination, _source, _kind in Recorder.made["COLLECT"].args[1]}
    assert bundled == {
        "PySide6/QtWidgets.abi3.so",
        "PySide6/Qt/lib/libQt6Widgets.so.6",
        "PySide6/Qt/lib/libQt6Core.so.6",
        "libpython3.11.so.1.0",
        "pypdfium2_raw/libpdfium.so",
        "PySide6/Qt6Gui.dll",
        "PySide6/QtGui.pyd",
        "_ssl.pyd",
        "libssl-3.dll",
    }


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the system libraries are left out on Linux only"
)
def test_spec_leaves_the_libraries_every_linux_desktop_has_to_the_system(monkeypatch):
    system = (
        "/usr/lib/x86_64-linux-gnu/xueji-test"  # not there: the stand-in get_imports says what each one links
    )
    binaries = [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/src/libqxcb.so", "BINARY"),
        ("PySide6/Qt/lib/libQt6Core.so.6", "/src/libQt6Core.so.6", "BINARY"),
        (
            "PySide6/Qt/lib/libQt6Network.so.6",
            "/src/libQt6Network.so.6",
            "BINARY",
        ),  # only the dropped plugins' own
        (
            "PySide6/Qt/plugins/printsupport/libcupsprintersupport.so",
            "/src/libcupsprintersupport.so",
            "BINARY",
        ),
        ("python3.11/lib-dynload/_sqlite3.so", "/src/_sqlite3.so", "EXTENSION"),
        ("python3.11/lib-dynload/_ctypes.so", "/src/_ctypes.so", "EXTENSION"),
        ("python3.11/lib-dynload/_ssl.so", "/src/_ssl.so", "EXTENSION"),
        ("PIL/_imaging.so", "/src/_imaging.so", "EXTENSION"),
        ("pillow.libs/libxcb-9065bb12.so.1.1.0", "/src/pillow.libs/libxcb-9065bb12.so.1.1.0", "BINARY"),
        *(
            (name, f"{system}/{name}", "BINARY")
            for name in (
                "libstdc++.so.6",
                "libgcc_s.so.1",
                "libX11.so.6",
                "libxcb.so.1",
                "libfontconfig.so.1",
                "libfreetype.so.6",
                "libpng16.so.16",
                "libglib-2.0.so.0",
                "libpcre2-8.so.0",
                "libcups.so.2",
                "libgnutls.so.30",
                "libz.so.1",
                "libcrypto.so.3",
                "libssl.so.3",
                "libdbus-1.so.3",
                "libsystemd.so.0",
                "libkrb5.so.3",
                "libxcb-cursor.so.0",
                "libxcb-icccm.so.4",
                "libxkbcommon.so.0",
                "libsqlite3.so.0",
                "libffi.so.8",
                "libzstd.so.1",
            )
        ),
    ]
    imports = {
        "/src/libqxcb.so": [
            "libQt6Core.so.6",
            "libxcb-cursor.so.0",
            "libxcb-icccm.so.4",
            "libxcb.so.1",
            "libX11.so.6",
            "libxkbcommon.so.0",
            "libstdc++.so.6",
            "libgcc_s.so.1",
            "libc.so.6",
        ],
        "/src/libQt6Core.so.6": [
            "libglib-2.0.so.0",
            "libzstd.so.1",
            "libz.so.1",
            "libstdc++.so.6",
            "libfontconfig.so.1",
        ],
        f"{system}/libglib-2.0.so.0": [
            "libpcre2-8.so.0"
        ],  # left to the system, so PCRE2 is not needed either
        f"{system}/libfontconfig.so.1": ["libfreetype.so.6"],
        f"{system}/libfreetype.so.6": ["libpng16.so.16"],
        "/src/libcupsprintersupport.so": ["libcups.so.2"],
        f"{system}/libcups.so.2": ["libgnutls.so.30", "libkrb5.so.3"],
        "/src/_sqlite3.so": ["libsqlite3.so.0"],
        "/src/_ctypes.so": ["libffi.so.8"],
        "/src/_ssl.so": ["libssl.so.3", "libcrypto.so.3"],
        "/src/_imaging.so": ["libxcb-9065bb12.so.1.1.0"],
    }
    links = [  # PyInstaller's symlinks at the top of _internal, among the datas
        ("libQt6Core.so.6", "PySide6/Qt/lib/libQt6Core.so.6", "SYMLINK"),
        ("libQt6Network.so.6", "PySide6/Qt/lib/libQt6Network.so.6", "SYMLINK"),  # its library is dropped
        ("libxcb-9065bb12.so.1.1.0", "pillow.libs/libxcb-9065bb12.so.1.1.0", "SYMLINK"),
    ]
    run_spec(monkeypatch, binaries=binaries, datas=links, imports=imports)
    collect = Recorder.made["COLLECT"]
    bundled = {destination for destination, _source, _kind in collect.args[1]}
    assert bundled == {
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/lib/libQt6Core.so.6",
        "PySide6/Qt/plugins/printsupport/libcupsprintersupport.so",
        "python3.11/lib-dynload/_sqlite3.so",
        "python3.11/lib-dynload/_ctypes.so",
        "python3.11/lib-dynload/_ssl.so",
        "PIL/_imaging.so",
        "pillow.libs/libxcb-9065bb12.so.1.1.0",  # Pillow's own libxcb (its name has a hash), not the system's
        # what a bare Debian/Ubuntu desktop may lack, and the data's SQLite
        "libxcb-cursor.so.0",
        "libxcb-icccm.so.4",
        "libxkbcommon.so.0",
        "libsqlite3.so.0",
        "libffi.so.8",
        "libzstd.so.1",
    }
    symlinks = {entry[0] for entry in collect.args[2] if entry[-1] == "SYMLINK"}
    assert symlinks == {"libQt6Core.so.6", "libxcb-9065bb12.so.1.1.0"}


def test_spec_leaves_openssl_1_1_in_the_bundle(monkeypatch):
    """OpenSSL 3 is ABI-stable and on every current desktop; an older Python's OpenSSL 1.1 would not be."""
    namespace = run_spec(monkeypatch)
    system = namespace["provided_by_the_system"]
    monkeypatch.setitem(namespace, "LEAVE_SYSTEM_LIBRARIES", True)
    assert system("libcrypto.so.3", "/usr/lib/x86_64-linux-gnu/libcrypto.so.3")
    assert not system("libcrypto.so.1.1", "/usr/lib/x86_64-linux-gnu/libcrypto.so.1.1")
    assert not system("libsqlite3.so.0", "/usr/lib/x86_64-linux-gnu/libsqlite3.so.0")
    assert not system("libX11.so.6", "/home/ci/.venv/lib/python3.11/site-packages/foo.libs/libX11.so.6")
    assert not system("foo.libs/libX11.so.6", "/usr/lib/x86_64-linux-gnu/libX11.so.6")
    monkeypatch.setitem(namespace, "LEAVE_SYSTEM_LIBRARIES", False)  # Windows, macOS
    assert not system("libcrypto.so.3", "/usr/lib/x86_64-linux-gnu/libcrypto.so.3")


def test_spec_reads_the_libraries_a_binary_names_itself(monkeypatch):
    import _sqlite3

    namespace = run_spec(monkeypatch)
    needed = namespace["elf_needed"](_sqlite3.__file__) if sys.platform.startswith("linux") else None
    if needed is not None:
        assert any(name.startswith("libsqlite3.so") for name in needed)  # not its dependencies' dependencies
        assert all("/" not in name for name in needed)
    assert namespace["elf_needed"](str(SPEC)) is None  # not an ELF file
    assert namespace["elf_needed"]("/no/such/library.so") is None


# --- NSIS ------------------------------------------------------------------------------------------------------------


def nsis_text() -> str:
    return NSIS.read_text(encoding="utf-8")


def nsis_section(name: str) -> str:
    """The section's instructions, without its comments."""
    text = nsis_text()
    start = text.index(f'Section "{name}"')
    lines = text[start : text.index("SectionEnd", start)].splitlines()
    return "\n".join(line for line in lines if not line.strip().startswith(";"))


def test_nsis_script_is_unicode_chinese_and_installs_to_program_files():
    text = nsis_text()
    assert re.search(
        r"^!ifdef AMD64_INSTALLER\n\s+Target amd64-unicode .*\n!else\n\s+Unicode true\n!endif$",
        text,
        re.MULTILINE,
    )
    assert '!insertmacro MUI_LANGUAGE "SimpChinese"' in text
    assert re.search(r'^InstallDir "\$PROGRAMFILES64\\\$\{APP_NAME\}"$', text, re.MULTILINE)
    assert '!define APP_NAME "学籍桌面"' in text
    assert "RequestExecutionLevel admin" in text
    assert '!define EXE "xueji.exe"' in text


def test_nsis_script_makes_the_shortcuts():
    text = nsis_text()
    assert '!define SHORTCUT_NAME "学籍管理"' in text
    install = nsis_section("${APP_NAME}")
    assert 'CreateShortCut "$SMPROGRAMS\\${SHORTCUT_NAME}.lnk" "$INSTDIR\\${EXE}"' in install
    assert 'CreateShortCut "$DESKTOP\\${SHORTCUT_NAME}.lnk" "$INSTDIR\\${EXE}"' in install
    uninstall = nsis_section("Uninstall")
    assert 'Delete "$SMPROGRAMS\\${SHORTCUT_NAME}.lnk"' in uninstall
    assert 'Delete "$DESKTOP\\${SHORTCUT_NAME}.lnk"' in uninstall


def test_nsis_script_registers_the_uninstaller():
    text = nsis_text()
    assert (
        '!define UNINST_KEY "Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\XueJiDesktop"' in text
    )
    install = nsis_section("${APP_NAME}")
    assert 'WriteUninstaller "$INSTDIR\\${UNINSTALLER}"' in install
    for value in (
        "DisplayName",
        "DisplayVersion",
        "Publisher",
        "DisplayIcon",
        "UninstallString",
        "InstallLocation",
    ):
        assert f'WriteRegStr HKLM "${{UNINST_KEY}}" "{value}"' in install, value
    assert 'DeleteRegKey HKLM "${UNINST_KEY}"' in nsis_section("Uninstall")


def test_nsis_uninstaller_keeps_the_data_folder_and_says_so():
    text = nsis_text()
    # the folder platformdirs gives paths.default_data_dir() on Windows: %LOCALAPPDATA%\<author>\<app name>
    paths = (ROOT / "xueji_desktop" / "paths.py").read_text(encoding="utf-8")
    app, author = re.search(r'user_data_dir\("(\w+)", "(\w+)", roaming=False\)', paths).groups()
    assert f'!define DATA_SUBDIR "{author}\\{app}"' in text
    assert 'StrCpy $DataDir "$LOCALAPPDATA\\${DATA_SUBDIR}"' in text
    confirm = re.search(r'!define MUI_UNCONFIRMPAGE_TEXT_TOP "([^"]+)"', text).group(1)
    assert "不会被删除" in confirm and "备份" in confirm and "$DataDir" in confirm
    finish = text[
        text.index("!insertmacro MUI_UNPAGE_INSTFILES") : text.index("!insertmacro MUI_UNPAGE_FINISH")
    ]
    assert "已保留" in finish and "backups" in finish
    uninstall = nsis_section("Uninstall")
    assert "已保留" in uninstall
    allowed = (
        'DetailPrint "学籍数据文件夹及其备份已保留，没有删除：$DataDir"',
        'RMDir /r "$DataDir\\Cache\\fonts"',
        'RMDir "$DataDir\\Cache"',
    )  # the font the app made, not data
    for line in allowed:
        assert line in uninstall, line
        uninstall = uninstall.replace(line, "")
    assert "$DataDir" not in uninstall
    assert "LOCALAPPDATA" not in uninstall and "APPDATA" not in uninstall
    assert not re.search(r'RMDir /r "\$INSTDIR"', uninstall)  # only the files the installer wrote


def test_nsis_script_upgrades_an_older_install_in_place():
    text = nsis_text()
    on_init = text[text.index("Function .onInit") : text.index("FunctionEnd", text.index("Function .onInit"))]
    assert (
        'ReadRegStr $0 HKLM "${UNINST_KEY}" "InstallLocation"' in on_init and "StrCpy $INSTDIR $0" in on_init
    )
    remove = text[
        text.index("Function RemovePrevious") : text.index(
            "FunctionEnd", text.index("Function RemovePrevious")
        )
    ]
    assert "ExecWait '\"$1\\${UNINSTALLER}\" /S _?=$1'" in remove  # silently, in place, waiting for it
    install = nsis_section("${APP_NAME}")
    assert install.index("Call RemovePrevious") < install.index("File /r")


def test_makensis_compiles_the_script_over_a_dummy_payload(tmp_path):
    makensis = shutil.which("makensis")
    if makensis is None:
        pytest.skip("makensis is not installed (apt-get install nsis); make bundle-smoke installs it")
    payload = tmp_path / "payload"
    (payload / "_internal" / "resources").mkdir(parents=True)
    (payload / "xueji.exe").write_bytes(b"MZ dummy")
    (payload / "_internal" / "resources" / "说明.txt").write_text("中文文件名", encoding="utf-8")
    out = tmp_path / "xueji-test-setup.exe"
    result = subprocess.run(
        [
            makensis,
            "-V2",
            "-INPUTCHARSET",
            "UTF8",
            "-DVERSION=9.8.7",
            "-DVERSION_QUAD=9.8.7.0",
            f"-DBUNDLE_DIR={payload}",
            f"-DOUTFILE={out}",
            str(NSIS),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert out.is_file() and out.read_bytes()[:2] == b"MZ"
    assert "warning" not in result.stdout.lower() + result.stderr.lower(), result.stdout + result.stderr


WINE = Path("/usr/lib/wine/wine64")
WINE_NOTEPAD = Path("/usr/lib/x86_64-linux-gnu/wine/x86_64-windows/notepad.exe")


def compile_installer(tmp_path: Path, version: str, payload_files: dict[str, str]) -> Path:
    payload = tmp_path / f"payload-{version}"
    (payload / "_internal").mkdir(parents=True)
    shutil.copy(WINE_NOTEPAD, payload / "xueji.exe")  # any Windows program stands in for the app
    for name, text in payload_files.items():
        (payload / "_internal" / name).write_text(text, encoding="utf-8")
    out = tmp_path / f"xueji-{version}-setup.exe"
    subprocess.run(
        [
            "makensis",
            "-V2",
            "-INPUTCHARSET",
            "UTF8",
            "-DAMD64_INSTALLER",
            f"-DVERSION={version}",
            f"-DVERSION_QUAD={version}.0",
            f"-DBUNDLE_DIR={payload}",
            f"-DOUTFILE={out}",
            str(NSIS),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out


@pytest.mark.skipif(
    not (WINE.exists() and WINE_NOTEPAD.exists() and shutil.which("makensis")),
    reason="needs makensis and Debian's wine64 (apt-get install nsis wine64)",
)
@pytest.mark.slow  # a fresh Wine prefix, then an install, an upgrade and an uninstall
def test_under_wine_install_upgrade_and_uninstall_keep_the_data_folder(tmp_path):
    """The installer for real, silently, in a fresh 64-bit Wine prefix (the 64-bit stub: Debian's wine64 runs no
    32-bit programs; the script is the same): install 0.1.0, upgrade to 0.2.0 in place, uninstall."""
    env = dict(
        os.environ, WINEPREFIX=str(tmp_path / "wine"), WINEDEBUG="-all", WINEDLLOVERRIDES="mscoree,mshtml="
    )
    wineserver = WINE.with_name("wineserver")

    def wine(*args: str, timeout: int = 180) -> None:
        subprocess.run([str(WINE), *args], env=env, timeout=timeout, capture_output=True)
        subprocess.run([str(wineserver), "-w"], env=env, timeout=timeout)

    def registry(key: str) -> str:
        result = subprocess.run(
            [str(WINE), "reg", "query", key, "/reg:64"], env=env, capture_output=True, timeout=60
        )
        return result.stdout.decode("utf-8", "replace") if result.returncode == 0 else ""

    old = compile_installer(tmp_path, "0.1.0", {"only-in-0.1.0.txt": "old"})
    new = compile_installer(tmp_path, "0.2.0", {"new.txt": "new"})
    drive = tmp_path / "wine" / "drive_c"
    installed = drive / "Program Files" / "学籍桌面"
    uninstall_key = "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\XueJiDesktop"
    try:
        wine("wineboot", "-i")
        wine(str(old), "/S")
        assert (installed / "xueji.exe").is_file() and (installed / "uninstall.exe").is_file()
        assert (installed / "_internal" / "only-in-0.1.0.txt").is_file()
        assert (drive / "users" / "Public" / "Desktop" / "学籍管理.lnk").is_file()
        assert (
            drive / "ProgramData" / "Microsoft" / "Windows" / "Start Menu" / "Programs" / "学籍管理.lnk"
        ).is_file()
        values = registry(uninstall_key)
        for value in ("DisplayName", "DisplayIcon", "UninstallString", "InstallLocation", "Publisher"):
            assert value in values
        assert re.search(r"DisplayVersion\s+REG_SZ\s+0\.1\.0", values)

        users = [
            p
            for p in (drive / "users").iterdir()
            if (p / "AppData" / "Local").is_dir() and p.name != "Public"
        ]
        data = (
            users[0] / "AppData" / "Local" / "XueJi" / "XueJi"
        )  # what the app's platformdirs gives on Windows
        (data / "backups").mkdir(parents=True)
        (data / "xueji.sqlite3").write_bytes(b"the school's records")
        (data / "backups" / "xueji-backup.sqlite3").write_bytes(b"a backup")

        wine(
            str(new), "/S"
        )  # the upgrade: the old version's uninstaller first, then the new files, same folder
        assert (installed / "_internal" / "new.txt").is_file()
        assert not (installed / "_internal" / "only-in-0.1.0.txt").exists()
        assert re.search(r"DisplayVersion\s+REG_SZ\s+0\.2\.0", registry(uninstall_key))

        wine("C:\\Program Files\\学籍桌面\\uninstall.exe", "/S")
        assert not installed.exists()
        assert not (drive / "users" / "Public" / "Desktop" / "学籍管理.lnk").exists()
        assert registry(uninstall_key) == "" and registry("HKLM\\Software\\XueJi\\XueJiDesktop") == ""
        assert (data / "xueji.sqlite3").read_bytes() == b"the school's records"
        assert (data / "backups" / "xueji-backup.sqlite3").read_bytes() == b"a backup"
    finally:
        subprocess.run([str(wineserver), "-k"], env=env, timeout=60)


# --- icons and build.py ----------------------------------------------------------------------------------------------


def test_icon_svg_and_its_renderings_are_there():
    svg = (ICONS / "xueji.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "viewBox" in svg
    build = load_build()
    for size in build.ICON_PNG_SIZES:
        png = ICONS / f"xueji-{size}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", png.read_bytes()[16:24]) == (size, size)
    ico = (ICONS / "xueji.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind, count) == (0, 1, len(build.ICON_ICO_SIZES))
    edges = [ico[6 + 16 * i] or 256 for i in range(count)]
    assert edges == list(build.ICON_ICO_SIZES)


def test_ico_bytes_round_trips_through_qt(qapp, tmp_path):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QImage, QImageReader

    build = load_build()
    images = {}
    for size in (16, 256):
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        image.setPixelColor(1, 2, QColor(200, 30, 40))  # top-left area: catches a bitmap stored upside down
        images[size] = image
    path = tmp_path / "test.ico"
    path.write_bytes(build.ico_bytes(images))
    reader = QImageReader(str(path))
    assert reader.imageCount() == 2
    for index, size in enumerate((16, 256)):
        reader.jumpToImage(index)
        image = reader.read()
        assert image.width() == size
        assert image.pixelColor(1, 2).getRgb()[:3] == (200, 30, 40)
        assert image.pixelColor(5, 5).alpha() == 0


def test_build_versions_come_from_the_package():
    build = load_build()
    assert build.package_version() == xueji_desktop.__version__
    assert build.version_quad("0.1.0") == "0.1.0.0"
    assert build.version_quad("1.2") == "1.2.0.0"
    assert build.version_quad("2.3.4.5") == "2.3.4.5"
    assert build.version_quad("1.0.0rc1") == "1.0.0.0"
