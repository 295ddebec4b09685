"""「证明文字设置」: the wording printed on certificates (services.document_settings), one tab per group — each text in its
own box with 「恢复默认」, buttons that put a 填写项 such as {姓名} at the cursor, and a live example filled with a sample
student (or, in red, what is wrong with the braces). 保存 saves only what changed, after every text has been checked;
a wrong text is named in Chinese, marked and focused, and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from xueji_desktop.errors import DomainError
from xueji_desktop.services import school_setup
from xueji_desktop.services.printing import document_settings
from xueji_desktop.services.printing.document_settings import SETTINGS, Setting, WordingError
from xueji_desktop.store import Store
from xueji_desktop.ui.common import operations
from xueji_desktop.ui.common.field_errors import ERROR_COLOUR
from xueji_desktop.ui.common.messages import show_error

TITLE = "证明文字设置"
SAMPLE_STUDENT = {
    "姓名": "张小明",
    "性别": "男",
    "出生日期": "2019年3月14日",
    "身份证件号": "140406201903140012",
    "年级班级": "三年级(1)班",
    "入学年月": "2025年9月",
    "用途": "用于办理医保",
    "学习截至": "2031年7月",
}
SAMPLE_AUTHORITY = "××区教育局"
FIELD_HINTS = {
    "姓名": "学生的姓名",
    "性别": "男或女",
    "出生日期": "如 2019年3月14日",
    "身份证件号": "学生的身份证件号",
    "年级班级": "如 三年级(1)班",
    "入学年月": "如 2025年9月",
    "学校名称": "本校名称",
    "主管部门": "主管教育行政部门",
    "用途": "开具时填写的用途",
    "学习截至": "学习截止的年月",
}
BUTTONS_PER_ROW = 5
EXAMPLE_STYLE = "QLabel { color: #555555; }"
ERROR_STYLE = f"QLabel {{ color: {ERROR_COLOUR}; }}"
MARKED = f"border: 1px solid {ERROR_COLOUR}; border-radius: 2px; padding: 2px;"


def sample_values(school_name: str = "") -> dict[str, str]:
    """The sample student the examples are filled with, at this school."""
    return SAMPLE_STUDENT | {"学校名称": school_name or "××学校", "主管部门": SAMPLE_AUTHORITY}


class SettingEditor(QWidget):
    """One setting: its text box (one line, or several for a paragraph), 「恢复默认」, the 填写项 buttons and the
    example or the error under it."""

    def __init__(self, setting: Setting, text: str, samples: Mapping[str, str]) -> None:
        super().__init__()
        self.setting = setting
        self.loaded = text
        self.samples = samples
        if setting.multiline:
            self.editor: QLineEdit | QPlainTextEdit = QPlainTextEdit()
            self.editor.setTabChangesFocus(True)
            lines = self.editor.fontMetrics().lineSpacing()
            self.editor.setFixedHeight(lines * 4 + 14)
            self.editor.textChanged.connect(self.refresh)
        else:
            self.editor = QLineEdit()
            self.editor.textChanged.connect(lambda *_: self.refresh())
        self.editor.setObjectName(setting.key)
        self.editor.setToolTip(f"默认：{setting.default}")
        self.reset_button = QPushButton("恢复默认")
        self.reset_button.setToolTip(f"改回软件自带的文字：{setting.default}")
        self.reset_button.setAutoDefault(False)
        self.reset_button.clicked.connect(self.reset)
        self.field_buttons: dict[str, QPushButton] = {}
        self.note = QLabel()
        self.note.setObjectName("note")
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.editor, 1)
        top.addWidget(self.reset_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        if setting.fields:
            layout.addLayout(self._field_buttons())
        layout.addWidget(self.note)
        self.set_text(text)

    def _field_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        caption = QLabel("插入填写项：")
        caption.setStyleSheet(EXAMPLE_STYLE)
        row.addWidget(caption, 0, Qt.AlignmentFlag.AlignTop)
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(4)
        for number, name in enumerate(self.setting.fields):
            button = QPushButton(f"{{{name}}}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the cursor stays where the clerk left it
            button.setAutoDefault(False)
            button.setStyleSheet("QPushButton { padding: 2px 8px; }")
            button.setToolTip(f"在光标处插入 {{{name}}}，开具时换成{FIELD_HINTS.get(name, name)}")
            button.clicked.connect(lambda _=False, name=name: self.insert_field(name))
            self.field_buttons[name] = button
            grid.addWidget(button, number // BUTTONS_PER_ROW, number % BUTTONS_PER_ROW)
        row.addLayout(grid)
        row.addStretch(1)
        return row

    # --- the text -------------------------------------------------------------------------------------------------

    def text(self) -> str:
        """The text as it would be saved: a paragraph is one line (it is wrapped on the paper), ends trimmed."""
        if isinstance(self.editor, QPlainTextEdit):
            return "".join(self.editor.toPlainText().splitlines()).strip()
        return self.editor.text().strip()

    def set_text(self, text: str) -> None:
        if isinstance(self.editor, QPlainTextEdit):
            self.editor.setPlainText(text)
        else:
            self.editor.setText(text)
            self.editor.setCursorPosition(0)
        self.refresh()

    def reset(self) -> None:
        self.set_text(self.setting.default)

    def insert_field(self, name: str) -> None:
        """{name} at the cursor (in place of any selected text), the cursor after it."""
        if isinstance(self.editor, QPlainTextEdit):
            self.editor.insertPlainText(f"{{{name}}}")
        else:
            self.editor.insert(f"{{{name}}}")
        self.editor.setFocus()

    def change(self) -> tuple[bool, str | None]:
        """(changed?, what to save: the text, or None for the default)."""
        text = self.text()
        if text == self.loaded:
            return False, None
        return True, None if text == self.setting.default else text

    # --- checking -------------------------------------------------------------------------------------------------

    def problem(self) -> str | None:
        """What is wrong with the text, in Chinese, or None."""
        text = self.text()
        try:
            document_settings.check(self.setting.key, text)
            text.format_map(dict(self.samples))
        except WordingError as error:
            return str(error)
        except (ValueError, KeyError, IndexError, AttributeError):
            where = f"「{self.setting.group} · {self.setting.label}」"
            return f"{where}中的花括号里只能写填写项的名字，如 {{姓名}}，不能有冒号、叹号等其他符号"
        return None

    def example(self) -> str:
        return self.text().format_map(dict(self.samples))

    def refresh(self) -> None:
        """The example under the text, or what is wrong with it (the box marked red)."""
        problem = self.problem()
        self.mark(problem is not None)
        if problem is not None:
            self.note.setStyleSheet(ERROR_STYLE)
            self.note.setText(f"✗ {problem}")
            self.note.show()
        elif self.setting.fields:
            self.note.setStyleSheet(EXAMPLE_STYLE)
            self.note.setText(f"示例：{self.example()}")
            self.note.show()
        else:
            self.note.setText("")
            self.note.hide()
        self.reset_button.setEnabled(self.text() != self.setting.default)

    def mark(self, wrong: bool) -> None:
        kind = type(self.editor).__name__
        self.editor.setStyleSheet(f"{kind} {{ {MARKED} }}" if wrong else "")
        self.editor.setProperty("wrong", wrong)


class DocumentSettingsDialog(QDialog):
    """The wording of every certificate, by group; 保存 saves only what changed (None: back to the default)."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.saved_count = 0
        self.setWindowTitle(TITLE)
        context = school_setup.school_context(store)
        samples = sample_values(context.school_name if context else "")
        texts = document_settings.current(store)

        intro = QLabel(
            "这里的文字印在开具的证明上。花括号中的是填写项，如 {姓名}，开具时换成学生的信息；"
            "点文字框下面的按钮，可在光标处插入填写项。改乱了可以点「恢复默认」。"
        )
        intro.setWordWrap(True)
        self.tabs = QTabWidget()
        self.editors: dict[str, SettingEditor] = {}
        self.pages: dict[str, QScrollArea] = {}
        groups: dict[str, QFormLayout] = {}
        for setting in SETTINGS:
            if setting.group not in groups:
                page = QWidget()
                column = QVBoxLayout(page)
                column.setContentsMargins(12, 12, 12, 12)
                form = QFormLayout()
                form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
                form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
                form.setVerticalSpacing(14)
                column.addLayout(form)
                column.addStretch(1)  # the rows keep their height; the room left is below them
                scroll = QScrollArea()
                scroll.setWidgetResizable(True)
                scroll.setFrameShape(QFrame.Shape.NoFrame)
                scroll.setWidget(page)
                self.tabs.addTab(scroll, setting.group)
                self.pages[setting.group] = scroll
                groups[setting.group] = form
            editor = SettingEditor(setting, texts[setting.key], samples)
            self.editors[setting.key] = editor
            label = QLabel(f"{setting.label}：")
            label.setBuddy(editor.editor)
            groups[setting.group].addRow(label, editor)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setAutoDefault(False)
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAutoDefault(False)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.resize(860, 600)

    def editor(self, key: str) -> SettingEditor:
        return self.editors[key]

    def changes(self) -> dict[str, str | None]:
        """What 保存 would save: only the changed settings, None for one put back to its default."""
        found = {}
        for key, editor in self.editors.items():
            changed, value = editor.change()
            if changed:
                found[key] = value
        return found

    def show_setting(self, key: str) -> None:
        """The tab of `key`, scrolled to it, its box focused."""
        editor = self.editors[key]
        scroll = self.pages[editor.setting.group]
        self.tabs.setCurrentWidget(scroll)
        scroll.ensureWidgetVisible(editor)
        editor.editor.setFocus()

    def save(self) -> bool:
        """Check every changed text, then save them all and close; a wrong one is shown, marked and focused, and
        nothing is saved. Returns True when saved (or there was nothing to save)."""
        changes = self.changes()
        for key, value in changes.items():
            problem = self.editors[key].problem() if value is not None else None
            if problem is not None:
                self._refuse(key, problem)
                return False

        def refused(error: DomainError) -> None:  # marked at its text, the box shown, the text focused
            key = next((k for k, v in changes.items() if v is not None and self._fails(k, v)), None)
            self._refuse(key, str(error))

        outcome = operations.run(
            self,
            TITLE,
            lambda: document_settings.save(self.store, changes) if changes else 0,
            changes={operations.SETTINGS},
            on_refusal=refused,
        )
        if not outcome.ok:
            return False
        self.saved_count = outcome.value
        self.accept()
        return True

    @staticmethod
    def _fails(key: str, text: str) -> bool:
        try:
            document_settings.check(key, text)
        except WordingError:
            return True
        return False

    def _refuse(self, key: str | None, problem: str) -> None:
        if key is not None:
            self.editors[key].mark(True)
            self.show_setting(key)
        show_error(self, TITLE, f"没有保存：{problem}")
        if key is not None:
            self.editors[key].editor.setFocus()  # back to the box after the message
