"""HanaMinB ships as resources/fonts/HanaMinB.ttf.xz and is decompressed once, on first need, into the per-user cache
(xueji_desktop/reference/rare_font.py): made once and reused, made again when damaged, never half-written — not by two
threads at once, not on a full disk — and None with a Chinese reason when it cannot be made."""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
import time
from contextlib import nullcontext

import pytest

from xueji_desktop.reference import rare_font
from xueji_desktop.reference.resources import resource_path


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache" / "fonts"
    monkeypatch.setattr(rare_font, "cache_dir", lambda: folder)
    monkeypatch.setattr(rare_font, "_problem", None)
    return folder


@pytest.fixture(scope="module")
def good_font(tmp_path_factory):
    """One decompressed font for the tests that start from a cached copy (decompressing takes about a second)."""
    path = tmp_path_factory.mktemp("good") / "HanaMinB.ttf"
    with path.open("wb") as out:
        import lzma

        with lzma.open(resource_path("fonts", rare_font.SHIPPED)) as packed:
            shutil.copyfileobj(packed, out)
    return path


@pytest.fixture
def makes(monkeypatch):
    """Counts the decompressions."""
    made = []
    real = rare_font._make

    def counting(path):
        made.append(path)
        return real(path)

    monkeypatch.setattr(rare_font, "_make", counting)
    return made


def is_the_font(path) -> bool:
    return (
        path.stat().st_size == rare_font.SIZE
        and hashlib.sha256(path.read_bytes()).hexdigest() == rare_font.SHA256
    )


def leftovers(folder) -> list[str]:
    return (
        sorted(p.name for p in folder.iterdir() if p.name != rare_font.FILE_NAME) if folder.exists() else []
    )


def test_only_the_compressed_font_is_shipped():
    assert resource_path("fonts", rare_font.SHIPPED).is_file()
    assert not resource_path("fonts", "HanaMinB.ttf").exists()  # 29.3 MB that the bundle no longer carries
    assert resource_path("fonts", rare_font.SHIPPED).stat().st_size < 14_000_000


def test_decompressed_once_into_the_cache_then_reused(cache, makes):
    assert rare_font.cached_path() is None  # checking the cache never decompresses
    assert makes == []
    path = rare_font.rare_font_path()
    assert path == cache / rare_font.FILE_NAME and is_the_font(path)
    assert leftovers(cache) == []  # no temporary file left
    assert rare_font.problem() is None
    stamp = path.stat().st_mtime_ns, path.stat().st_ino
    assert rare_font.rare_font_path() == path
    assert rare_font.cached_path() == path
    assert len(makes) == 1
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == stamp


def test_checking_a_cached_font_is_fast(cache, good_font):
    cache.mkdir(parents=True)
    shutil.copyfile(good_font, cache / rare_font.FILE_NAME)
    rare_font.cached_path()
    started = time.perf_counter()
    for _ in range(10):
        assert rare_font.rare_font_path() == cache / rare_font.FILE_NAME
    assert (time.perf_counter() - started) / 10 < 0.02  # ~1 ms: size and 128 KiB, not 29 MB


@pytest.mark.parametrize("damage", ["truncated", "empty", "header", "tail"])
def test_a_damaged_cached_font_is_made_again(cache, good_font, makes, damage):
    cache.mkdir(parents=True)
    path = cache / rare_font.FILE_NAME
    shutil.copyfile(good_font, path)
    with path.open("r+b") as file:
        if damage == "truncated":  # a copy cut short (the disk filled up outside the app, a crash …)
            file.truncate(rare_font.SIZE // 2)
        elif damage == "empty":
            file.truncate(0)
        elif damage == "header":  # same size, the table directory overwritten
            file.write(b"\0" * 4096)
        else:
            file.seek(-100, os.SEEK_END)
            file.write(b"\xff" * 100)
    assert rare_font.cached_path() is None
    assert rare_font.rare_font_path() == path
    assert is_the_font(path) and len(makes) == 1 and leftovers(cache) == []


@pytest.mark.parametrize("lock", ["one process", "as two processes"])
def test_two_threads_at_once_give_one_good_file(cache, makes, monkeypatch, lock):
    """With the process's lock the second waits and reuses the first's file; without it (what two processes are) both
    decompress into temporary files of their own and rename them into place: either way one good file."""
    if lock == "as two processes":
        monkeypatch.setattr(rare_font, "_lock", nullcontext())
    start = threading.Barrier(2)
    results = []

    def make():
        start.wait()
        results.append(rare_font.rare_font_path())

    threads = [threading.Thread(target=make) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results == [cache / rare_font.FILE_NAME] * 2
    assert is_the_font(cache / rare_font.FILE_NAME)
    assert leftovers(cache) == []
    assert len(makes) == (1 if lock == "one process" else 2)


def test_an_unwritable_cache_folder_gives_none_and_a_reason(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setattr(rare_font, "cache_dir", lambda: blocker / "fonts")
    assert rare_font.rare_font_path() is None
    assert rare_font.cached_path() is None
    assert "无法在" in rare_font.problem() and "生僻字" in rare_font.problem()
    assert blocker.read_text() == "x"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder"]


def test_a_full_disk_gives_none_a_clear_message_and_nothing_half_written(small_disk_of, monkeypatch):
    disk = small_disk_of("4m")  # the font needs 30 MB
    monkeypatch.setattr(rare_font, "cache_dir", lambda: disk / "fonts")
    assert rare_font.rare_font_path() is None
    message = rare_font.problem()
    assert message.startswith("磁盘空间不足") and "请清理磁盘" in message and str(disk / "fonts") in message
    assert list((disk / "fonts").iterdir()) == []  # the temporary file is gone, no font under its name
    # room again (the clerk cleaned up): the next call makes it
    monkeypatch.setattr(rare_font, "cache_dir", lambda: disk.parent / "roomy" / "fonts")
    assert is_the_font(rare_font.rare_font_path()) and rare_font.problem() is None


def test_a_damaged_shipped_file_says_to_reinstall(cache, tmp_path, monkeypatch):
    shipped = resource_path("fonts", rare_font.SHIPPED).read_bytes()
    cut = tmp_path / "fonts" / rare_font.SHIPPED
    cut.parent.mkdir()
    cut.write_bytes(shipped[: len(shipped) // 3])
    monkeypatch.setattr(rare_font, "resource_path", lambda *parts: tmp_path.joinpath(*parts))
    assert rare_font.rare_font_path() is None
    assert "请重新安装" in rare_font.problem()
    assert leftovers(cache) == [] and not (cache / rare_font.FILE_NAME).exists()
    cut.unlink()
    assert rare_font.rare_font_path() is None and "请重新安装" in rare_font.problem()


def test_older_versions_and_stale_temporary_files_are_removed(cache, good_font, monkeypatch):
    cache.mkdir(parents=True)
    older = cache / "HanaMinB-000000000000.ttf"
    older.write_bytes(b"an older version of the font")
    stale = cache / ".HanaMinB-dead.part"  # a process died while writing
    stale.write_bytes(b"half")
    os.utime(stale, (time.time() - 2 * rare_font.STALE_PART_SECONDS,) * 2)
    busy = cache / ".HanaMinB-busy.part"  # another process writing right now
    busy.write_bytes(b"half")
    assert is_the_font(rare_font.rare_font_path())
    assert not older.exists() and not stale.exists() and busy.exists()


@pytest.fixture
def pdf_fonts_again():
    from xueji_desktop.documents import fonts

    def clear():
        fonts.registered.cache_clear()
        fonts.runs.cache_clear()
        fonts.char_width.cache_clear()

    clear()
    yield fonts
    clear()


def test_pdfs_go_on_without_the_rare_font(pdf_fonts_again, monkeypatch):
    fonts = pdf_fonts_again
    monkeypatch.setattr(rare_font, "rare_font_path", lambda: None)
    covered = fonts.registered()
    assert list(covered) == [fonts.MAIN, fonts.RARE]
    assert fonts.runs("吉𠮷") == ((fonts.MAIN, "吉𠮷"),)  # a box in the PDF, no crash
    assert fonts.missing("吉𠮷") == "𠮷"
    assert fonts.missing("刘䶮") == ""
