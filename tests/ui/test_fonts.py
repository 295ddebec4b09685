"""The UI shows every character a name may hold (issue 5): the families the app installs cover the common set and
CJK Extensions A–F, so 䶮, 𠮷 and 𫖯 never show as empty boxes."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont, QRawFont
from PySide6.QtWidgets import QApplication

from xueji_desktop.ui.fonts import install_fonts


@pytest.mark.parametrize("char", ["学", "䶮", "𠮷", "𫖯", "𬌗"])
def test_some_installed_family_has_the_glyph(qtbot, char):
    families = install_fonts(QApplication.instance())
    covering = [family for family in families
                if QRawFont.fromFont(QFont(family)).supportsCharacter(ord(char))]  # fmt: skip
    assert covering, f"{char} U+{ord(char):04X}: no family of {families}"
