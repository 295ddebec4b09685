"""T6: a second copy of the app on one data folder gets the Chinese "已在另一个窗口打开" message within 2 s, and the
folder opens at once after the first copy is killed (exclusive SQLite locking; QLockFile semantics the GUI adds)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from xueji_desktop.store import BUSY_MESSAGE, LOCK_WAIT_SECONDS, Store, StoreBusyError

HOLDER = """
import sys, time
from xueji_desktop.store import Store

store = Store.open(sys.argv[1])
print("ready", flush=True)
time.sleep(120)
"""

QT_HOLDER = """
import sys, time
from PySide6.QtCore import QLockFile

lock = QLockFile(sys.argv[1])
print("ready" if lock.tryLock(0) else "refused", flush=True)
time.sleep(120)
"""


def _start(script: str, argument: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(argument)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline().strip()
    if line != "ready":
        process.kill()
        process.wait()
        pytest.fail(f"holder did not start: {line!r} {process.stderr.read()}")
    return process


def _kill(process: subprocess.Popen) -> None:
    process.kill()  # SIGKILL: the holder gets no chance to clean up
    process.wait()  # reaped, as the system does for a crashed app
    process.stdout.close()
    process.stderr.close()


@pytest.mark.xdist_group("wall_clock")  # times the refusal (< 2 s) and the reopening after a kill
@pytest.mark.parametrize("folder_state", ["new", "existing"])
def test_t6_second_instance_is_refused_then_opens_after_a_kill(tmp_path, folder_state):
    """T6: StoreBusyError with the Chinese message within 2 s; after kill -9 of the holder, open works at once."""
    root = tmp_path / "data"
    if folder_state == "existing":
        Store.open(root).close()
    holder = _start(HOLDER, root)
    try:
        started = time.monotonic()
        with pytest.raises(StoreBusyError) as caught:
            Store.open(root)
        assert time.monotonic() - started < 2.0
        assert str(caught.value) == BUSY_MESSAGE
        assert "已在另一个学籍桌面窗口中打开" in str(caught.value)
    finally:
        _kill(holder)
    started = time.monotonic()
    with Store.open(root) as store:  # no lock wait: a held lock would take LOCK_WAIT_SECONDS and then refuse
        assert time.monotonic() - started < LOCK_WAIT_SECONDS
        assert store.pragma("integrity_check") == "ok"


def test_t6_second_store_in_the_same_process_is_refused(store):
    with pytest.raises(StoreBusyError, match="已在另一个学籍桌面窗口中打开"):
        Store.open(store.folder.root)
    store.close()
    Store.open(store.folder.root).close()  # closing the first frees the folder


def test_t6_qlockfile_is_freed_when_its_holder_is_killed(store):
    """T6: the GUI's QLockFile on the data folder refuses a second holder and is taken over once the first dies."""
    from PySide6.QtCore import QLockFile

    path = store.folder.lock_file
    holder = _start(QT_HOLDER, path)
    try:
        lock = QLockFile(str(path))
        assert not lock.tryLock(100)
        assert lock.error() == QLockFile.LockError.LockFailedError
    finally:
        _kill(holder)
    assert lock.tryLock(0)  # the dead holder's lock is stale and removed at once
    lock.unlock()
    assert not path.exists()
