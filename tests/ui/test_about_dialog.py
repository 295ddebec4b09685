"""「关于学籍桌面」: version, the data folder (opened in the file manager), the licences of the shipped fonts and of the
libraries, with their installed versions. Real widgets, offscreen."""

from __future__ import annotations

from importlib import metadata

import pytest
from PySide6.QtWidgets import QMessageBox

import xueji_desktop
from xueji_desktop.ui import about_dialog
from xueji_desktop.ui.about_dialog import FONTS, LIBRARIES, AboutDialog, show_about


@pytest.fixture
def dialog(qtbot, tmp_path):
    shown = AboutDialog(tmp_path / "数据")
    qtbot.addWidget(shown)
    return shown


def test_shows_the_version_and_the_data_folder(dialog, tmp_path):
    assert dialog.windowTitle() == "关于学籍桌面"
    assert dialog.version_label.text() == f"版本 {xueji_desktop.__version__}"
    assert dialog.folder_label.text() == str(tmp_path / "数据")


def test_lists_every_shipped_font_with_its_licence(dialog):
    text = dialog.licences.toPlainText()
    for font in FONTS:
        assert font.name in text and font.file_name in text and font.licence in text
    # what the dialog lists is what resources/fonts holds, licences included
    from xueji_desktop.reference.resources import resource_path

    shipped = {
        p.name
        for p in resource_path("fonts").iterdir()
        if p.name.endswith((".ttf", ".ttc", ".otf", ".ttf.xz"))
    }
    assert shipped == {font.file_name for font in FONTS}
    for font in FONTS:
        assert resource_path("fonts", font.licence_file).is_file()


def test_lists_the_libraries_with_their_versions_and_licences(dialog):
    text = dialog.licences.toPlainText()
    for library in LIBRARIES:
        assert library.name in text and library.licence in text
    assert metadata.version("PySide6-Essentials") in text
    assert metadata.version("SQLAlchemy") in text
    assert metadata.version("reportlab") in text
    assert "LGPL-3.0" in text and "LGPL-2.1+" in text  # Qt/PySide6; python-stdnum
    assert "_internal/PySide6" in text  # where the LGPL libraries can be replaced


def test_a_library_without_metadata_shows_a_dash():
    missing = about_dialog.Library("没有这个库", "no-such-distribution-xueji", "MIT", "测试")
    assert about_dialog.library_version(missing) == "—"
    qt = next(library for library in LIBRARIES if library.name == "Qt")
    from PySide6.QtCore import qVersion

    assert about_dialog.library_version(qt) == qVersion()


def test_the_button_opens_the_data_folder(dialog, tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr(about_dialog.QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    (tmp_path / "数据").mkdir()
    dialog.open_button.click()
    assert [url.toLocalFile() for url in opened] == [str(tmp_path / "数据")]


def test_a_folder_not_created_yet_is_explained_not_opened(dialog, monkeypatch):
    opened, told = [], []
    monkeypatch.setattr(about_dialog.QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    dialog.open_button.click()
    assert opened == [] and "还不存在" in told[0]


def test_show_about_is_modal_on_the_given_folder(qtbot, tmp_path, monkeypatch):
    seen = []

    def exec_(self):
        seen.append(self.data_folder)
        return 0

    monkeypatch.setattr(AboutDialog, "exec", exec_)
    assert show_about(None, tmp_path) == 0
    assert seen == [tmp_path]


def test_without_a_folder_it_shows_the_default_one(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("XUEJI_DATA_DIR", str(tmp_path / "默认"))
    shown = AboutDialog(None)
    qtbot.addWidget(shown)
    assert shown.folder_label.text() == str((tmp_path / "默认").resolve())
