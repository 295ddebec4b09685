"""The Qt binding itself: PySide6 6.12.0 under Python 3.11 dropped a reference to None on every Qt call returning
None, and the app died with 'deallocating None' after about fifteen dialogs. This keeps such a release out."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QComboBox


def test_qt_calls_returning_none_keep_none_alive(qapp):
    probe = QObject()
    combo = QComboBox()
    combo.addItem("汉族", "01")
    before = sys.getrefcount(None)
    for _ in range(1000):
        probe.setObjectName("x")
        combo.itemData(0)
        combo.parentWidget()
    assert sys.getrefcount(None) >= before - 10
