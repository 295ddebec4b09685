"""The worker helper: results and errors come back to the UI thread; cancelling stops the work."""

from __future__ import annotations

import time

import pytest

from xueji_desktop.ui.common.worker import Cancelled, run_with_progress


def test_result_comes_back(qtbot):
    assert run_with_progress(None, "计算", lambda progress: sum(range(10))) == 45


def test_errors_are_raised_in_the_ui_thread(qtbot):
    def work(progress):
        raise ValueError("文件坏了")

    with pytest.raises(ValueError, match="文件坏了"):
        run_with_progress(None, "读取", work)


def test_cancel_stops_the_work(qtbot, monkeypatch):
    """Pressing 取消 makes the next progress() call raise Cancelled inside the work."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QProgressDialog

    def press_cancel():
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QProgressDialog):
                widget.cancel()

    QTimer.singleShot(400, press_cancel)
    steps = []

    def work(progress):
        for step in range(100):
            steps.append(step)
            progress(step, 100)
            time.sleep(0.02)

    with pytest.raises(Cancelled):
        run_with_progress(None, "导入", work)
    assert 0 < len(steps) < 100


def test_no_cyclic_collection_runs_while_the_worker_works_and_it_is_back_after(qapp):
    """The UI thread's garbage collector waits while the worker runs (a collection beside it once crashed the
    process), and is back on afterwards — also when the work failed."""
    import gc

    seen = run_with_progress(None, "计算", lambda progress: gc.isenabled())
    assert seen is False and gc.isenabled()

    def failing(progress):
        raise ValueError("坏文件")

    with pytest.raises(ValueError):
        run_with_progress(None, "读取", failing)
    assert gc.isenabled()
