"""「关于学籍桌面」: the version, where the data folder is (with a button that opens it), and the licences of the fonts and
libraries shipped inside the program — the Qt libraries under the LGPL, replaceable in the install folder.

Versions are read from each library's installed metadata (the bundle carries the dist-info folders, with their licence
files); a library that cannot say shows 「—」. Only fonts actually present in resources/fonts are listed.
"""

from __future__ import annotations

import html
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from xueji_desktop import APP_NAME, __version__
from xueji_desktop.reference.resources import resource_path

TITLE = f"关于{APP_NAME}"
OPEN_FOLDER = "打开数据文件夹"


@dataclass(frozen=True, slots=True)
class Font:
    name: str
    file_name: str
    licence: str
    licence_file: str


@dataclass(frozen=True, slots=True)
class Library:
    name: str
    distribution: str | None  # for importlib.metadata; None: the version comes from elsewhere (Python, Qt)
    licence: str
    use: str


FONTS = (
    Font(
        "文泉驿微米黑 WenQuanYi Micro Hei",
        "wqy-microhei.ttc",
        "Apache-2.0 或 GPL-3.0+（附字体例外）",
        "LICENSE-wqy-microhei.txt",
    ),
    Font(
        "花園明朝 A HanaMinA（扩展 A 子集）",
        "HanaMinA-rare.ttf",
        "SIL OFL 1.1 或 花园字体许可证",
        "LICENSE-hanazono.txt",
    ),
    Font("花園明朝 B HanaMinB", "HanaMinB.ttf.xz", "SIL OFL 1.1 或 花园字体许可证", "LICENSE-hanazono.txt"),
)

LIBRARIES = (
    Library("Qt", None, "LGPL-3.0", "界面（动态链接，可替换）"),
    Library("PySide6", "PySide6-Essentials", "LGPL-3.0", "Qt 的 Python 接口"),
    Library("shiboken6", "shiboken6", "LGPL-3.0", "PySide6 的运行库"),
    Library("Python", None, "PSF-2.0", "运行环境"),
    Library("SQLAlchemy", "SQLAlchemy", "MIT", "数据库访问"),
    Library("Alembic", "alembic", "MIT", "数据文件升级"),
    Library("Mako", "Mako", "MIT", "Alembic 的模板"),
    Library("MarkupSafe", "MarkupSafe", "BSD-3-Clause", "Mako 的依赖"),
    Library("greenlet", "greenlet", "MIT 与 PSF-2.0", "SQLAlchemy 的依赖"),
    Library("ReportLab", "reportlab", "BSD-3-Clause", "生成 PDF"),
    Library("rl_accel", "rl_accel", "BSD-3-Clause", "ReportLab 的加速模块"),
    Library("pypdfium2", "pypdfium2", "Apache-2.0 或 BSD-3-Clause", "PDF 预览与打印"),
    Library("PDFium", None, "BSD-3-Clause（含第三方组件的许可证）", "随 pypdfium2 提供"),
    Library("openpyxl", "openpyxl", "MIT", "读写 Excel（.xlsx）"),
    Library("et_xmlfile", "et_xmlfile", "MIT", "openpyxl 的依赖"),
    Library("XlsxWriter", "xlsxwriter", "BSD-2-Clause", "写出上报批次（.xlsx）"),
    Library("python-calamine", "python-calamine", "MIT", "读取 Excel（.xls/.xlsx）"),
    Library("zxing-cpp", "zxing-cpp", "Apache-2.0", "二维码的生成与识别"),
    Library("Pillow", "pillow", "MIT-CMU", "图片处理"),
    Library("python-stdnum", "python-stdnum", "LGPL-2.1+", "身份证件号校验"),
    Library("pypinyin", "pypinyin", "MIT", "姓名拼音检索"),
    Library("chinese-calendar", "chinese-calendar", "MIT", "法定节假日"),
    Library("platformdirs", "platformdirs", "MIT", "数据文件夹位置"),
    Library("defusedxml", "defusedxml", "PSF-2.0", "安全读取 XML"),
    Library("typing_extensions", "typing_extensions", "PSF-2.0", "SQLAlchemy 的依赖"),
)


def library_version(library: Library) -> str:
    if library.name == "Qt":
        from PySide6.QtCore import qVersion

        return qVersion()
    if library.name == "Python":
        return ".".join(map(str, sys.version_info[:3]))
    if library.name == "PDFium":
        return _pdfium_version()
    try:
        return metadata.version(library.distribution or library.name)
    except metadata.PackageNotFoundError:
        return "—"


def _pdfium_version() -> str:
    try:
        from pypdfium2 import PDFIUM_INFO

        return str(PDFIUM_INFO.build)
    except Exception:
        return "—"


def shipped_fonts() -> list[Font]:
    return [font for font in FONTS if resource_path("fonts", font.file_name).exists()]


def licences_html() -> str:
    """The fonts and libraries as two tables (name, version, licence, what for)."""

    def row(cells: list[str]) -> str:
        return (
            "<tr>"
            + "".join(f"<td style='padding:2px 10px 2px 0'>{html.escape(c)}</td>" for c in cells)
            + "</tr>"
        )

    def head(cells: list[str]) -> str:
        return (
            "<tr>"
            + "".join(f"<th align='left' style='padding:2px 10px 2px 0'>{c}</th>" for c in cells)
            + "</tr>"
        )

    fonts = "".join(row([f.name, f.file_name, f.licence]) for f in shipped_fonts())
    libraries = "".join(row([lib.name, library_version(lib), lib.licence, lib.use]) for lib in LIBRARIES)
    return (
        "<h4>随程序提供的字体</h4>"
        f"<table>{head(['字体', '文件', '许可证'])}{fonts}</table>"
        "<p>字体许可证全文在程序文件夹的 resources/fonts 中。</p>"
        "<h4>使用的软件库</h4>"
        f"<table>{head(['名称', '版本', '许可证', '用途'])}{libraries}</table>"
        "<p>Qt 与 PySide6 按 LGPL-3.0 授权，以动态链接的方式使用：可以用兼容版本替换程序文件夹 _internal/PySide6 中的库文件。"
        "各软件库的许可证全文在程序文件夹 _internal 下对应的 *.dist-info 文件夹中。"
        "本程序的安装包用 PyInstaller（GPL-2.0，附引导程序例外）与 NSIS（zlib 许可证）制作。</p>"
    )


def open_folder(folder: Path, parent: QWidget | None = None) -> bool:
    """Open the folder in the system's file manager (Explorer on Windows); says so when it does not exist yet."""
    if not folder.is_dir():
        QMessageBox.information(parent, TITLE, f"数据文件夹还不存在（第一次打开学校时创建）：\n{folder}")
        return False
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


class AboutDialog(QDialog):
    def __init__(self, data_folder: Path | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        if data_folder is None:
            from xueji_desktop.paths import default_data_dir

            data_folder = default_data_dir()
        self.data_folder = Path(data_folder)
        self.setWindowTitle(TITLE)
        self.resize(640, 620)

        icon = QLabel()
        pixmap = QPixmap(str(resource_path("icons", "xueji-64.png")))
        if not pixmap.isNull():
            icon.setPixmap(pixmap)
        icon.setFixedSize(72, 72)
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.name_label = QLabel(f"<span style='font-size:16pt; font-weight:bold'>{APP_NAME}</span>")
        self.version_label = QLabel(f"版本 {__version__}")
        self.version_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        blurb = QLabel("中小学学籍管理员的离线桌面程序。数据只保存在这台电脑上。")
        blurb.setWordWrap(True)
        heading = QVBoxLayout()
        heading.addWidget(self.name_label)
        heading.addWidget(self.version_label)
        heading.addWidget(blurb)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addLayout(heading, 1)

        self.folder_label = QLabel(str(self.data_folder))
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder_label.setWordWrap(True)
        self.open_button = QPushButton(OPEN_FOLDER)
        self.open_button.clicked.connect(lambda: open_folder(self.data_folder, self))
        folder_row = QHBoxLayout()
        folder_row.addWidget(QLabel("数据文件夹："))
        folder_row.addWidget(self.folder_label, 1)
        folder_row.addWidget(self.open_button)
        note = QLabel("学籍数据、证明材料、备份（backups）和日志都在这个文件夹里；卸载程序不会删除它。")
        note.setWordWrap(True)
        note.setStyleSheet("color: #555")

        self.licences = QTextBrowser()
        self.licences.setOpenLinks(False)
        self.licences.setHtml(licences_html())

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addSpacing(6)
        layout.addLayout(folder_row)
        layout.addWidget(note)
        layout.addWidget(self.licences, 1)
        layout.addWidget(buttons)


def show_about(parent: QWidget | None, data_folder: Path | None) -> int:
    """「关于学籍桌面」, modal; data_folder is the open data folder (None: the default one)."""
    return AboutDialog(data_folder, parent).exec()
