"""The UI tests' own user settings: the tables' remembered columns (QSettings, ui/common/tables.py) go to a folder of
the test run, never to the user's."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings


@pytest.fixture(autouse=True)
def user_settings_folder(tmp_path_factory):
    """Each test starts with no remembered choices: a fresh folder for QSettings' INI files."""
    folder = tmp_path_factory.mktemp("settings")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    return folder
