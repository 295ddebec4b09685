"""The UI shows every character a name may hold: the families the app installs cover the common set and
CJK Extensions A–F, so 䶮, 𠮷 and 𫖯 never show as empty boxes. HanaMinB (B–F) is decompressed into the cache once:
the window never waits for it — it is registered later, from a background thread, or at once when cached."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont, QRawFont
from PySide6.QtWidgets import QApplication

from xueji_desktop.reference import rare_font
from xueji_desktop.ui import fonts
from xueji_desktop.ui.fonts import ensure_rare_font, install_fonts, load_rare_font_later


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache") / "fonts"


@pytest.fixture
def cache(shared_cache, monkeypatch):
    """The rare font's cache in a temp folder (decompressed once for the module); the UI's registrations start over."""
    monkeypatch.setattr(rare_font, "cache_dir", lambda: shared_cache)
    monkeypatch.setattr(fonts, "_registered", {})
    monkeypatch.setattr(fonts, "_loader", None)
    return shared_cache


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(rare_font, "cache_dir", lambda: tmp_path / "fonts")
    monkeypatch.setattr(fonts, "_registered", {})
    monkeypatch.setattr(fonts, "_loader", None)
    return tmp_path / "fonts"


@pytest.mark.parametrize("char", ["学", "䶮", "𠮷", "𫖯", "𬌗"])
def test_some_installed_family_has_the_glyph(qtbot, cache, char):
    families = ensure_rare_font(QApplication.instance())
    covering = [
        family for family in families if QRawFont.fromFont(QFont(family)).supportsCharacter(ord(char))
    ]
    assert covering, f"{char} U+{ord(char):04X}: no family of {families}"


def test_the_window_does_not_wait_for_the_rare_font(qtbot, empty_cache):
    app = QApplication.instance()
    families = install_fonts(app)  # what start-up does before the window is built
    assert "WenQuanYi Micro Hei" in families and "HanaMinA" in families and "HanaMinB" not in families
    assert not empty_cache.exists()  # nothing decompressed before the window paints
    loader = load_rare_font_later(app)  # what start-up does once the window painted
    assert loader is not None
    made = qtbot.waitSignal(loader.finished, timeout=60_000)  # emitted in the GUI thread, while this waits
    made.wait()
    assert made.args[0][-1] == "HanaMinB" and "HanaMinB" in app.font().families()
    assert (empty_cache / rare_font.FILE_NAME).is_file()
    assert load_rare_font_later(app) is None  # registered: nothing more to do
    loader._thread.join(5)


def test_a_cached_rare_font_is_registered_at_start_up(qtbot, cache):
    rare_font.rare_font_path()  # an earlier start made it
    families = install_fonts(QApplication.instance())
    assert families[-1] == "HanaMinB"
    assert load_rare_font_later(QApplication.instance()) is None


def test_without_the_rare_font_the_app_goes_on_and_says_why(qtbot, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setattr(rare_font, "cache_dir", lambda: blocker / "fonts")
    monkeypatch.setattr(fonts, "_registered", {})
    monkeypatch.setattr(fonts, "_loader", None)
    app = QApplication.instance()
    install_fonts(app)
    loader = load_rare_font_later(app)
    made = qtbot.waitSignal(loader.finished, timeout=60_000)  # emitted in the GUI thread, while this waits
    made.wait()
    assert made.args == [None]
    assert "生僻字" in loader.box.text() and "无法在" in loader.box.text()
    assert loader.box.isVisible()
    loader.box.close()
    assert "HanaMinB" not in ensure_rare_font(app)  # PDFs and the UI: the other fonts, no crash
    loader._thread.join(5)
