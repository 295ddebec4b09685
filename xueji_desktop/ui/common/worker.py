"""Long work (reading a file, an import, an export) off the UI thread, behind a progress dialog that can cancel.

`run_with_progress(parent, title, work)` calls `work(progress)` in a worker thread; `progress(done, total)` updates the
dialog and raises Cancelled once the clerk has pressed 取消 — inside a service's transaction that rolls everything
back, so cancelling writes nothing. Returns work's result, or raises what it raised (Cancelled included).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

T = TypeVar("T")
POLL_MS = 50
SHOW_AFTER_MS = 300  # quick work finishes before any dialog flashes


class Cancelled(Exception):
    """The clerk cancelled; nothing was written."""


def run_with_progress(
    parent: QWidget | None, title: str, work: Callable[[Callable[[int, int], None]], T]
) -> T:
    dialog = QProgressDialog(title, "取消", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(SHOW_AFTER_MS)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    state: dict[str, object] = {"done": 0, "total": 0}
    cancel = threading.Event()
    finished = threading.Event()

    def progress(done: int, total: int) -> None:
        state["done"], state["total"] = done, total
        if cancel.is_set():
            raise Cancelled

    def target() -> None:
        try:
            state["result"] = work(progress)
        except BaseException as error:  # handed to the UI thread below
            state["error"] = error
        finally:
            finished.set()

    dialog.canceled.connect(cancel.set)
    thread = threading.Thread(target=target, name=title, daemon=True)
    # no cyclic garbage collection on the UI thread while the worker runs: a collection there that finalises Qt
    # wrappers or SQLAlchemy's weak caches under the worker's feet crashed the process once (a segfault in the
    # worker's statement compilation while the UI thread was "Garbage-collecting"); refcounting still frees the rest
    collecting = gc.isenabled()
    gc.disable()
    try:
        thread.start()
        loop = QEventLoop()
        timer = QTimer(interval=POLL_MS)

        def poll() -> None:
            if dialog.wasCanceled():
                cancel.set()
            total = int(state["total"])  # type: ignore[arg-type]
            if total:
                dialog.setMaximum(total)
                dialog.setValue(min(int(state["done"]), total))  # type: ignore[arg-type]
            if finished.is_set():
                loop.quit()

        timer.timeout.connect(poll)
        timer.start()
        loop.exec()
        timer.stop()
        thread.join()
    finally:
        if collecting:
            gc.enable()
    dialog.close()
    dialog.deleteLater()
    if "error" in state:
        raise state["error"]  # type: ignore[misc]
    return state["result"]  # type: ignore[return-value]
