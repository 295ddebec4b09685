"""Qt's own words in Chinese: the 是/否 and 确定/取消 of its message boxes and button boxes, QWizard's 上一步/下一步,
the file dialog, the text boxes' 撤消/剪切/粘贴 menu, the calendar's month names.

Qt says these itself, through its catalogue `qtbase_zh_CN` (PySide6 ships it; installer/xueji.spec keeps the zh_CN
catalogues in the bundle). It is loaded once, when the QApplication is made (app.py, --self-test, the tests' qapp),
before any widget exists: a widget takes its words when it is built. A few texts Qt's catalogue lacks (it still has
the file dialog's 「Look in:」 without the mnemonic Qt 6 added) are filled in by `_QtGaps`. The default locale is
zh_CN, so the calendar popups and the file types in the file dialog are Chinese on any Windows."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger("xueji_desktop")

QT_CATALOGUE = "qtbase_zh_CN"
CHINESE = QLocale(QLocale.Language.Chinese, QLocale.Country.China)

# (context, source text) → the Chinese: what Qt 6 asks for that qtbase_zh_CN does not have. The words are the ones
# the catalogue gives the same text without the mnemonic (「Look in:」 → 「查找范围：」).
QT_GAPS = {
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
    ("QAbstractFileIconProvider", "Folder"): "文件夹",  # the file dialog's 类型 column
    ("QAbstractFileIconProvider", "Drive"): "驱动器",
    # Qt's own print dialog (Linux; on Windows the system's)
    ("QPrintSettingsOutput", "Page &Set:"): "页面组(&S)：",
    ("QPageSetupWidget", "Page &order:"): "页面顺序(&O)：",
    ("QPageSetupWidget", "Pages &per sheet:"): "每张页数(&P)：",
}


class _QtGaps(QTranslator):
    """The texts of QT_GAPS; asked only after qtbase_zh_CN found nothing (a translator installed earlier is asked
    later). None, not "", for the rest: "" would be taken as the translation and blank the text."""

    def translate(self, context, source_text, disambiguation=None, n=-1):
        return QT_GAPS.get((context, source_text))

    def isEmpty(self) -> bool:
        return False


@dataclass(frozen=True)
class QtTranslation:
    """What `install_qt_chinese` loaded: the catalogue's file, or None and the folders it looked in."""

    catalogue: str
    path: Path | None
    searched: tuple[Path, ...]

    @property
    def loaded(self) -> bool:
        return self.path is not None

    def describe(self) -> str:
        if self.path is not None:
            return f"{self.catalogue}（{self.path}）"
        return (
            f"找不到 Qt 的中文翻译 {self.catalogue}.qm（找过：{'；'.join(map(str, self.searched)) or '无'}）"
        )


def translation_folders() -> list[Path]:
    """Where Qt's catalogues are: Qt's own answer first, then the PySide6 package's folders (Qt/translations in the
    Linux and macOS wheels, translations in the Windows one; a PyInstaller bundle keeps the same layout), in case
    QLibraryInfo does not know (a bundle without PySide6's qt.conf)."""
    import PySide6

    package = Path(PySide6.__file__).resolve().parent
    folders = [
        Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
        package / "Qt" / "translations",
        package / "translations",
    ]
    unique: list[Path] = []
    for folder in folders:
        if str(folder) not in ("", ".") and folder not in unique:
            unique.append(folder)
    return unique


_installed: dict = {}  # the application it was installed on, its translators (kept: Qt does not own them) and result


def install_qt_chinese(app: QCoreApplication) -> QtTranslation:
    """Load qtbase_zh_CN into `app` (once per application; later calls return the first result) and make zh_CN the
    default locale. Call it right after the QApplication is made, before any widget."""
    if _installed.get("app") is app:
        return _installed["result"]
    QLocale.setDefault(CHINESE)
    searched = tuple(translation_folders())
    translators: list[QTranslator] = []
    result = QtTranslation(QT_CATALOGUE, None, searched)
    catalogue = QTranslator(app)
    for folder in searched:
        if catalogue.load(QT_CATALOGUE, str(folder)):
            gaps = _QtGaps(app)
            app.installTranslator(gaps)  # first, so that it is asked last
            app.installTranslator(catalogue)
            translators = [gaps, catalogue]
            result = QtTranslation(QT_CATALOGUE, Path(catalogue.filePath()), searched)
            break
    if not result.loaded:
        log.warning("Qt 的按钮与菜单将是英文：%s", result.describe())
    _installed.update(app=app, translators=translators, result=result)
    return result
