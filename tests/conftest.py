"""Shared fixtures: a real data folder in a temp dir with migrations applied; Qt offscreen."""

from __future__ import annotations

import os
from datetime import date

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if "XUEJI_CACHE_DIR" not in os.environ:  # the rare-character font is made in a cache of the test run's own
    import tempfile

    os.environ["XUEJI_CACHE_DIR"] = tempfile.mkdtemp(prefix="xueji-test-cache-")

import pytest

from xueji_desktop.services.school_setup import SchoolSetup, create_school
from xueji_desktop.store import Store


def luchang_setup(**overrides) -> SchoolSetup:
    values = dict(
        name="潞城区实验小学",
        code="2140012345",
        stage="primary",
        region_code="140406",
        authority="长治市潞城区教育局学籍管理办公室",
        principal="王建国",
        registrar="李敏",
        start_year=2026,
        term1_start=date(2026, 9, 1),
        term1_end=date(2027, 1, 22),
        term2_start=date(2027, 2, 24),
        term2_end=date(2027, 7, 9),
        classes_per_grade={1: 2, 2: 2, 3: 1},
    )
    values.update(overrides)
    return SchoolSetup(**values)


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
