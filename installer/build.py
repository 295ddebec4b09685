"""Build 学籍桌面 for the platform this runs on: icons, the one-folder PyInstaller bundle, its smoke test, the installer.

    python installer/build.py                 # icons + bundle (dist/xueji/), prints its size
    python installer/build.py --smoke         # … then runs the bundled app's --self-test offscreen, times its start-up
    python installer/build.py --nsis          # … then compiles installer/xueji.nsi over the bundle (makensis)
    python installer/build.py --icons         # only render resources/icons/xueji.svg to .png/.ico
    python installer/build.py --no-bundle --smoke --nsis   # reuse dist/xueji/ as it is

PyInstaller cannot cross-build: on Windows this gives the real app and dist/xueji-<version>-setup.exe; on Linux (CI)
the same spec builds a Linux bundle, which is smoke-tested and used as the NSIS payload so a broken script fails CI.
Exit codes: 0 done; 1 a step failed (its message on stderr).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INSTALLER = ROOT / "installer"
SPEC = INSTALLER / "xueji.spec"
NSIS_SCRIPT = INSTALLER / "xueji.nsi"
ICONS = ROOT / "resources" / "icons"
ICON_SVG = ICONS / "xueji.svg"
ICON_PNG_SIZES = (16, 24, 32, 48, 64, 256)  # xueji-<size>.png: the window icon (ui/icon.py ICON_SIZES)
ICON_ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 256)  # the .exe, the shortcuts, the installer
WORK = ROOT / "build" / "pyinstaller"
DIST = ROOT / "dist"
BUNDLE = DIST / "xueji"
EXE_NAME = "xueji.exe" if sys.platform == "win32" else "xueji"
SIZE_TARGET_MB = 150
SMOKE_TIMEOUT = 300
WINDOWS_MAKENSIS = (r"C:\Program Files (x86)\NSIS\makensis.exe", r"C:\Program Files\NSIS\makensis.exe")


class BuildError(Exception):
    """A build step failed; the message says which and why."""


def package_version() -> str:
    text = (ROOT / "xueji_desktop" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__\s*=\s*"([^"]+)"', text, re.MULTILINE)
    if not found:
        raise BuildError("xueji_desktop/__init__.py has no __version__")
    return found.group(1)


def version_quad(version: str) -> str:
    """ "0.1.0" → "0.1.0.0": Windows version resources and NSIS's VIProductVersion want four numbers."""
    release = re.match(
        r"\d+(?:\.\d+)*", version
    )  # "1.0.0rc1" → 1.0.0: a pre-release never outranks its release
    numbers = [int(part) for part in (release.group(0) if release else "0").split(".")[:4]]
    return ".".join(str(n) for n in numbers + [0] * (4 - len(numbers)))


# --- icons ---------------------------------------------------------------------------------------------------------


def render_icons(svg: Path = ICON_SVG, out: Path = ICONS) -> list[Path]:
    """xueji.svg → xueji-<size>.png and a multi-size xueji.ico (Qt's SVG renderer, each size drawn from the SVG)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(["xueji-build"])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise BuildError(f"cannot read the icon's SVG: {svg}")

    def draw(size: int) -> QImage:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        return image

    written = []
    for size in ICON_PNG_SIZES:
        path = out / f"xueji-{size}.png"
        if not draw(size).save(str(path)):
            raise BuildError(f"cannot write {path}")
        written.append(path)
    ico = out / "xueji.ico"
    ico.write_bytes(ico_bytes({size: draw(size) for size in ICON_ICO_SIZES}))
    written.append(ico)
    return written


def ico_bytes(images: dict) -> bytes:
    """A Windows .ico: 32-bit BGRA bitmaps up to 64 px (what every icon reader takes, NSIS's included), PNG above."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage

    entries = []
    for size, image in sorted(images.items()):
        image = image.convertToFormat(QImage.Format.Format_ARGB32)
        if size > 64:
            data = QByteArray()
            buffer = QBuffer(data)
            buffer.open(QIODevice.OpenModeFlag.WriteOnly)
            image.save(buffer, "PNG")
            buffer.close()
            payload = bytes(data.data())
        else:
            rows = [
                bytes(image.constScanLine(y))[: size * 4] for y in range(size)
            ]  # B, G, R, A (little-endian)
            mask_row = (size + 31) // 32 * 4
            mask = bytearray()
            for row in reversed(rows):
                bits = bytearray(mask_row)
                for x in range(size):
                    if row[x * 4 + 3] == 0:
                        bits[x // 8] |= 0x80 >> (x % 8)
                mask += bits
            pixels = b"".join(reversed(rows))
            header = struct.pack(
                "<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, len(pixels) + len(mask), 0, 0, 0, 0
            )
            payload = header + pixels + bytes(mask)
        entries.append((size, payload))
    directory = struct.pack("<HHH", 0, 1, len(entries))
    offset = 6 + 16 * len(entries)
    blobs = b""
    for size, payload in entries:
        edge = 0 if size >= 256 else size
        directory += struct.pack("<BBBBHHII", edge, edge, 0, 0, 1, 32, len(payload), offset + len(blobs))
        blobs += payload
    return directory + blobs


# --- the bundle ----------------------------------------------------------------------------------------------------


def build_bundle(clean: bool = True) -> Path:
    try:
        import PyInstaller  # noqa: F401 - only to say clearly what is missing
    except ImportError as error:
        raise BuildError('PyInstaller is not installed: pip install -e ".[build]"') from error
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level",
        "WARN",
        "--workpath",
        str(WORK),
        "--distpath",
        str(DIST),
        str(SPEC),
    ]
    if clean:
        command.insert(3, "--clean")
    started = time.perf_counter()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(command, cwd=ROOT, env=env)
    if result.returncode != 0:
        raise BuildError(f"PyInstaller failed (exit {result.returncode})")
    if not (BUNDLE / EXE_NAME).is_file():
        raise BuildError(f"PyInstaller finished but {BUNDLE / EXE_NAME} is missing")
    print(f"bundle built in {time.perf_counter() - started:.0f} s: {BUNDLE}")
    return BUNDLE


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def report_size(bundle: Path = BUNDLE, top: int = 12) -> int:
    total = folder_size(bundle)
    verdict = "within" if total <= SIZE_TARGET_MB * 1024 * 1024 else "OVER"
    print(
        f"bundle size: {total / 1024 / 1024:.1f} MB ({verdict} the {SIZE_TARGET_MB} MB target), "
        f"{sum(1 for p in bundle.rglob('*') if p.is_file())} files"
    )
    files = sorted(
        (p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()),
        key=lambda p: p.stat().st_size,
        reverse=True,
    )
    for path in files[:top]:
        print(f"  {path.stat().st_size / 1024 / 1024:6.1f} MB  {path.relative_to(bundle)}")
    return total


# --- the smoke test ------------------------------------------------------------------------------------------------


def smoke(bundle: Path = BUNDLE, runs: int = 3) -> dict[str, float]:
    """Run the bundled app's --self-test offscreen (exit 0 and its three files), then time its start-up: process
    start → main window painted, and → roster filled (XUEJI_STARTUP_PROBE), median of `runs`, on the self-test's
    demo school."""
    exe = bundle / EXE_NAME
    folder = Path(tempfile.mkdtemp(prefix="xueji-smoke-"))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("XUEJI_DATA_DIR", None)
    started = time.perf_counter()
    try:
        result = subprocess.run(
            [str(exe), "--self-test", str(folder)],
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=SMOKE_TIMEOUT,
        )
    except subprocess.TimeoutExpired as error:
        raise BuildError(f"the bundled self-test did not finish in {SMOKE_TIMEOUT} s") from error
    print(result.stdout, end="")
    if result.returncode != 0:
        print(result.stderr[-4000:], file=sys.stderr)
        raise BuildError(f"the bundled self-test failed (exit {result.returncode})")
    for name in ("main-window.png", "enrolment-proof.pdf", "new-students.xlsx", "self-test.txt"):
        path = folder / name
        if not path.is_file() or path.stat().st_size == 0:
            raise BuildError(f"the bundled self-test exited 0 but did not write {path}")
    print(f"self-test of the bundle passed in {time.perf_counter() - started:.1f} s ({folder})")
    timings = startup_times(exe, folder / "data", runs)
    print(
        f"bundle start-up, offscreen, median of {runs}: main window painted {timings['painted'] * 1000:.0f} ms, "
        f"roster filled {timings['roster'] * 1000:.0f} ms"
    )
    shutil.rmtree(folder, ignore_errors=True)
    return timings


def startup_times(exe: Path, data_dir: Path, runs: int) -> dict[str, float]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XUEJI_STARTUP_PROBE="1")
    marks: dict[str, list[float]] = {"painted": [], "roster": []}
    for _ in range(runs):
        started = time.perf_counter()
        process = subprocess.Popen(
            [str(exe), "--data-dir", str(data_dir)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert process.stdout is not None
        for line in process.stdout:
            word = line.split(" ", 1)[0].strip()
            if word in marks:
                marks[word].append(time.perf_counter() - started)
        if process.wait(timeout=120) != 0 or not marks["roster"]:
            raise BuildError(f"the bundled app did not start and fill its roster (exit {process.returncode})")
    return {word: statistics.median(values) for word, values in marks.items()}


# --- the installer -------------------------------------------------------------------------------------------------


def makensis() -> str:
    found = shutil.which("makensis") or next((p for p in WINDOWS_MAKENSIS if Path(p).is_file()), None)
    if not found:
        raise BuildError(
            "makensis is not installed (Debian: apt-get install nsis; Windows: NSIS 3.08 or newer)"
        )
    return found


def build_installer(bundle: Path = BUNDLE, out: Path | None = None) -> Path:
    """Compile xueji.nsi with the bundle as its payload → dist/xueji-<version>-setup.exe."""
    version = package_version()
    out = out or DIST / f"xueji-{version}-setup.exe"
    out.unlink(missing_ok=True)
    command = [
        makensis(),
        "-V2",
        "-INPUTCHARSET",
        "UTF8",
        f"-DVERSION={version}",
        f"-DVERSION_QUAD={version_quad(version)}",
        f"-DBUNDLE_DIR={bundle.resolve()}",
        f"-DOUTFILE={out.resolve()}",
        str(NSIS_SCRIPT),
    ]
    if (
        sys.platform != "win32"
    ):  # a Linux payload is no release: compress it fast (zlib), the script is what counts
        command.insert(2, "-DFAST_COMPRESSION")
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", errors="replace")
    if result.returncode != 0 or not out.is_file():
        print(result.stdout[-6000:], result.stderr[-4000:], sep="\n", file=sys.stderr)
        raise BuildError(f"makensis failed (exit {result.returncode})")
    print(
        f"installer compiled in {time.perf_counter() - started:.0f} s: {out} ({out.stat().st_size / 1024 / 1024:.1f} MB)"
    )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--icons", action="store_true", help="only render the icons")
    parser.add_argument("--no-bundle", action="store_true", help="reuse dist/xueji/ instead of building it")
    parser.add_argument("--no-clean", action="store_true", help="keep PyInstaller's cache (faster rebuilds)")
    parser.add_argument(
        "--smoke", action="store_true", help="run the bundled app's --self-test and time its start-up"
    )
    parser.add_argument("--nsis", action="store_true", help="compile the NSIS installer over the bundle")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        if args.icons or not args.no_bundle:
            print("icons:", ", ".join(p.name for p in render_icons()))
        if args.icons:
            return 0
        if not args.no_bundle:
            build_bundle(clean=not args.no_clean)
        elif not (BUNDLE / EXE_NAME).is_file():
            raise BuildError(f"--no-bundle, but there is no bundle at {BUNDLE}")
        report_size()
        if args.smoke:
            smoke()
        if args.nsis:
            build_installer()
    except BuildError as error:
        print(f"build failed: {error}", file=sys.stderr)
        return 1
    print(f"done in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
