"""HanaMinB, the font of CJK Extensions B–F (𠮷 U+20BB7, 𫖯 U+2B5AF), shipped xz-compressed and made once, on first need,
in the per-user cache folder.

The font is 29.3 MB and a third of what the installer would otherwise carry for a few rare name characters; xz -6
makes it 12.8 MB (resources/fonts/HanaMinB.ttf.xz). `rare_font_path()` decompresses it (about 1 s) into
`platformdirs.user_cache_dir("XueJi", "XueJi")/fonts/HanaMinB-<digest>.ttf` — Windows:
%LOCALAPPDATA%\\XueJi\\XueJi\\Cache, Linux: ~/.cache/XueJi — and afterwards only checks that file (size and a digest of
its first and last 64 KiB, ~1 ms). The font is written under a temporary name in that folder and renamed into place,
so two processes or threads never see half a font; the full SHA-256 is checked before the rename. When the font
cannot be made (full disk, unwritable folder, damaged program files) it returns None and `problem()` says why in
Chinese: the app goes on, and characters of Extensions B–F show as boxes.

No Qt here: the PDFs (documents/fonts.py) and the UI (ui/fonts.py, in a background thread) both use it.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import tempfile
import threading
import time
from pathlib import Path

from xueji_desktop.reference.resources import resource_path

log = logging.getLogger(__name__)

SHIPPED = "HanaMinB.ttf.xz"  # in resources/fonts
FAMILY = "HanaMinB"
SIZE = 30_739_236  # bytes of the decompressed HanaMinB.ttf (Debian fonts-hanazono 20170904)
SHA256 = "829543436cdf7b4c6730e2af5806fa406f8ddf0d4b656e0cd49c58d4db1c8d3c"
SAMPLE = 64 * 1024  # the first and last SAMPLE bytes are checked each time the cached font is used
SAMPLE_SHA256 = "2a4c8142235b4daabd4b4c72f1552ba398bd3549c9a7e0ee240c173a05ab7fce"  # of those 2 × 64 KiB
FILE_NAME = f"HanaMinB-{SHA256[:12]}.ttf"  # a new font version gets a new name; older ones are removed
CHUNK = 1024 * 1024
STALE_PART_SECONDS = 3600  # a temporary file this old was left by a process that died while writing it

_lock = threading.Lock()  # one decompression at a time in this process; other processes: the rename
_problem: str | None = None


CACHE_ENV = "XUEJI_CACHE_DIR"  # tests (and their subprocesses) keep their own cache instead of the user's


def cache_dir() -> Path:
    """Where the decompressed font goes: the per-user cache folder, or XUEJI_CACHE_DIR when set."""
    import platformdirs

    return Path(os.environ.get(CACHE_ENV) or platformdirs.user_cache_dir("XueJi", "XueJi")) / "fonts"


def problem() -> str | None:
    """Why the last rare_font_path() returned None (a sentence in Chinese for the clerk), or None."""
    return _problem


def cached_path() -> Path | None:
    """The decompressed font if the cache already holds a good one (fast: no decompression), else None."""
    path = cache_dir() / FILE_NAME
    return path if _is_good(path) else None


def rare_font_path() -> Path | None:
    """The path of HanaMinB.ttf, decompressed into the cache on first need; None when it cannot be made (problem()
    says why). Safe to call from any thread and from several processes at once."""
    global _problem
    path = cache_dir() / FILE_NAME
    if _is_good(path):
        return path
    with _lock:
        if _is_good(path):  # another thread made it while this one waited
            return path
        try:
            made = _make(path)
        except _Unavailable as error:
            _problem = str(error)
            log.warning("%s", error)
            return None
        _problem = None
        return made


class _Unavailable(Exception):
    """The font cannot be made; the message is for the clerk."""


def _is_good(path: Path) -> bool:
    try:
        if path.stat().st_size != SIZE:
            return False
        return _sample_digest(path) == SAMPLE_SHA256
    except OSError:
        return False


def _sample_digest(path: Path) -> str:
    import hashlib

    with path.open("rb") as file:
        head = file.read(SAMPLE)
        file.seek(-SAMPLE, os.SEEK_END)
        tail = file.read(SAMPLE)
    return hashlib.sha256(head + tail).hexdigest()


def _make(path: Path) -> Path:
    import hashlib
    import lzma

    source = resource_path("fonts", SHIPPED)
    if not source.is_file():
        raise _Unavailable(_damaged(source, "文件不存在"))
    folder = path.parent
    started = time.perf_counter()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, part_name = tempfile.mkstemp(prefix=".HanaMinB-", suffix=".part", dir=folder)
    except OSError as error:
        raise _Unavailable(_cannot_write(folder, error)) from error
    part = Path(part_name)
    try:
        digest = hashlib.sha256()
        size = 0
        try:
            with os.fdopen(handle, "wb") as out, lzma.open(source, "rb") as packed:
                while chunk := packed.read(CHUNK):
                    out.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
        except (lzma.LZMAError, EOFError) as error:
            raise _Unavailable(_damaged(source, error)) from error
        except OSError as error:  # the shipped file unreadable, or the cache not writable (full disk …)
            if error.filename and Path(error.filename) == source:
                raise _Unavailable(_damaged(source, error.strerror or error)) from error
            raise _Unavailable(_cannot_write(folder, error)) from error
        if size != SIZE or digest.hexdigest() != SHA256:
            raise _Unavailable(_damaged(source, f"{size} 字节，SHA-256 {digest.hexdigest()[:12]}…"))
        try:
            os.chmod(part, 0o644)  # mkstemp makes it 0600; a font is no secret
            os.replace(part, path)
        except OSError as error:  # Windows: another process has the font open — it made a good one first
            if not _is_good(path):
                raise _Unavailable(_cannot_write(folder, error)) from error
    finally:
        part.unlink(missing_ok=True)
    log.info("生僻字字体已解压到 %s（%.2f 秒）", path, time.perf_counter() - started)
    _tidy(folder, keep=path)
    return path


def _tidy(folder: Path, keep: Path) -> None:
    """Remove older versions of the font and temporary files left by a process that died while writing one."""
    now = time.time()
    for other in folder.glob("HanaMinB-*.ttf"):
        if other != keep:
            _remove(other)
    for part in folder.glob(".HanaMinB-*.part"):
        with contextlib.suppress(OSError):  # gone meanwhile (another copy finished or cleaned it)
            if now - part.stat().st_mtime > STALE_PART_SECONDS:
                _remove(part)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):  # in use by another running copy (Windows), or gone already
        path.unlink()


def _cannot_write(folder: Path, error: OSError) -> str:
    consequence = "姓名中扩展 B–F 区的生僻字暂时显示为空框，PDF 中也印不出来"
    if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return (
            f"磁盘空间不足，无法在 {folder} 准备生僻字字体（花園明朝 B，需要约 30 MB）：{consequence}。"
            "请清理磁盘后重新打开学籍桌面。"
        )
    return (
        f"无法在 {folder} 准备生僻字字体（花園明朝 B）：{error.strerror or error}。{consequence}。"
        "请检查该文件夹的权限后重新打开学籍桌面。"
    )


def _damaged(source: Path, detail: object) -> str:
    return (
        f"程序文件中的生僻字字体已损坏或缺失（{source}：{detail}）：姓名中扩展 B–F 区的生僻字将显示为空框。"
        "请重新安装学籍桌面。"
    )
