"""Shared fixtures: a real data folder in a temp dir with migrations applied; Qt offscreen."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if "XUEJI_CACHE_DIR" not in os.environ:  # the rare-character font is made in a cache of the test run's own
    import tempfile

    os.environ["XUEJI_CACHE_DIR"] = tempfile.mkdtemp(prefix="xueji-test-cache-")

import pytest

from tests.factories import luchang_setup  # test files also import it from here
from xueji_desktop.services.school_setup import create_school
from xueji_desktop.store import Store


@pytest.fixture(scope="session")
def qapp(qapp):
    """pytest-qt's QApplication with Qt's Chinese catalogue loaded as app.py loads it: the tests see what the clerk
    sees (是/否, 确定/取消, 上一步/下一步)."""
    from xueji_desktop.ui.translations import install_qt_chinese

    install_qt_chinese(qapp)
    return qapp


@pytest.fixture
def store(tmp_path):
    opened = Store.open(tmp_path / "data")
    yield opened
    opened.close()


@pytest.fixture
def school(store):
    """A primary school with classes 一年级(1)(2), 二年级(1)(2), 三年级(1) and no students."""
    create_school(store, luchang_setup())
    return store


@pytest.fixture
def messages(monkeypatch) -> list[str]:
    """What the dialogs tell the clerk in a warning (QMessageBox.warning, the one show_error uses); no box opens."""
    from PySide6.QtWidgets import QMessageBox

    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *rest: told.append(text))
    return told


SCAN_PDF = b"%PDF-1.4\n%%EOF\n"  # the smallest file the proof check takes for a PDF


@pytest.fixture
def scan(tmp_path):
    """A factory of proof files: scan("户籍证明") -> ProofFile of that kind, a tiny PDF of its own content."""
    from xueji_desktop.services.attachments import ProofFile

    folder = tmp_path / "scans"
    folder.mkdir(exist_ok=True)

    def make(kind: str) -> ProofFile:
        path = folder / f"{kind}.pdf"
        path.write_bytes(SCAN_PDF + kind.encode())
        return ProofFile(kind, path)

    return make


@pytest.fixture
def empty_shipped(tmp_path):
    """A folder of holiday lists shipped with the app that has none, so the tests do not depend on what resources/
    will ship later."""
    folder = tmp_path / "shipped"
    folder.mkdir()
    return folder


@pytest.fixture
def run(school, capsys):
    """`xueji …` (cli.main) with the school's data folder (the fixture's store closed first: the app holds the file
    alone); returns the exit code, stdout and stderr."""
    from xueji_desktop import cli

    def run(*arguments: str) -> tuple[int, str, str]:
        school.close()
        code = cli.main([*arguments, "--data-dir", str(school.folder.root)])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.fixture
def out_dir(tmp_path):
    """Where exports go (the data folder is beside it, in tmp_path)."""
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


@pytest.fixture
def small_disk_of(tmp_path):
    """A factory of small tmpfs mounts (needs root and mount) for disk-full tests; skips with the reason when it cannot
    mount one. small_disk_of("2m") -> the mount point; unmounted at the end of the test."""
    import subprocess

    mounts = []

    def mount(size: str):
        mount_point = tmp_path / f"small-disk-{size}-{len(mounts)}"
        mount_point.mkdir()
        try:
            result = subprocess.run(
                ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount_point)],
                capture_output=True,
                text=True,
            )
        except OSError as error:
            pytest.skip(f"cannot run mount for the disk-full test: {error}")
        if result.returncode != 0:
            pytest.skip(f"cannot mount a {size} tmpfs for the disk-full test: {result.stderr.strip()}")
        mounts.append(mount_point)
        return mount_point

    yield mount
    for mount_point in mounts:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)
