"""「证明文字设置」 driven with qtbot on a real data folder: a tab per group with the texts in force, the live example
with the sample student, saving only what changed, a wrong brace told in Chinese with nothing saved, 恢复默认, and the
填写项 buttons inserting at the cursor."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QDialog

from xueji_desktop.services.printing import document_settings
from xueji_desktop.services.printing.document_settings import BY_KEY
from xueji_desktop.ui.printing.document_settings_dialog import DocumentSettingsDialog

BODY = "enrolment_proof.body"
TITLE = "enrolment_proof.title"
CLOSING = "enrolment_proof.closing"


@pytest.fixture
def saved_calls(monkeypatch) -> list[dict]:
    """What the dialog handed document_settings.save (it still saves)."""
    calls: list[dict] = []
    real = document_settings.save

    def spy(store, changes):
        calls.append(dict(changes))
        return real(store, changes)

    monkeypatch.setattr(document_settings, "save", spy)
    return calls


def _dialog(qtbot, store) -> DocumentSettingsDialog:
    dialog = DocumentSettingsDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.windowHandle().requestActivate()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
    return dialog


def _type_into(editor, text: str) -> None:
    if hasattr(editor, "setPlainText"):
        editor.setPlainText(text)
    else:
        editor.setText(text)


def test_a_tab_per_group_with_the_texts_in_force_and_the_example(qtbot, school):
    document_settings.save(school, {TITLE: "在校证明"})
    dialog = _dialog(qtbot, school)
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == ["通用", "在读证明", "学历证明书"]
    current = document_settings.current(school)
    for key, editor in dialog.editors.items():
        assert editor.text() == current[key], key
    assert dialog.editor(TITLE).editor.text() == "在校证明"
    assert type(dialog.editor(BODY).editor).__name__ == "QPlainTextEdit"
    assert type(dialog.editor(TITLE).editor).__name__ == "QLineEdit"
    example = dialog.editor(BODY).note.text()
    assert example == (
        "示例：兹证明张小明，男，2019年3月14日出生，身份证件号140406201903140012，于2025年9月入学，"
        "现为我校三年级(1)班在读学生。"
    )
    assert dialog.editor(CLOSING).note.text() == "示例：此证明用于办理医保。"
    assert dialog.editor("letterhead").note.text() == "示例：潞城区实验小学"  # the school's own name
    assert dialog.editor(TITLE).note.isHidden()  # no 填写项: no example


def test_edit_and_save_saves_only_what_changed(qtbot, school, saved_calls, messages):
    dialog = _dialog(qtbot, school)
    _type_into(dialog.editor(TITLE).editor, "在 校 证 明")
    _type_into(dialog.editor(BODY).editor, "兹证明{姓名}（{性别}）现为我校{年级班级}学生。")
    assert "示例：兹证明张小明（男）现为我校三年级(1)班学生。" == dialog.editor(BODY).note.text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert messages == []
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    assert saved_calls == [{TITLE: "在 校 证 明", BODY: "兹证明{姓名}（{性别}）现为我校{年级班级}学生。"}]
    current = document_settings.current(school)
    assert (
        current[TITLE] == "在 校 证 明" and current[BODY] == "兹证明{姓名}（{性别}）现为我校{年级班级}学生。"
    )
    assert current[CLOSING] == BY_KEY[CLOSING].default


def test_a_paragraph_typed_over_two_lines_is_saved_as_one(qtbot, school):
    dialog = _dialog(qtbot, school)
    _type_into(dialog.editor(BODY).editor, "兹证明{姓名}，\n现为我校在读学生。\n")
    assert dialog.save()
    assert document_settings.current(school)[BODY] == "兹证明{姓名}，现为我校在读学生。"


def test_a_wrong_brace_is_told_marked_and_nothing_is_saved(qtbot, school, saved_calls, messages):
    before = document_settings.current(school)
    dialog = _dialog(qtbot, school)
    dialog.tabs.setCurrentIndex(0)
    _type_into(dialog.editor(TITLE).editor, "在校证明")  # a good change: not saved either
    body = dialog.editor(BODY)
    _type_into(body.editor, "兹证明{姓名，现为我校在读学生。")
    assert body.note.text().startswith("✗ ") and "花括号不成对" in body.note.text()  # told while typing
    assert body.editor.property("wrong") is True
    assert dialog.save() is False
    assert len(messages) == 1 and messages[0].startswith("没有保存：") and "花括号不成对" in messages[0]
    assert saved_calls == [] and document_settings.current(school) == before
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "在读证明"  # the wrong box shown and focused
    assert QApplication.focusWidget() is body.editor
    _type_into(body.editor, "兹证明{姓名}，现为我校{班级}学生。")  # a name the text may not use
    assert "“{班级}”不是可用的填写项" in body.note.text()
    assert dialog.save() is False and "不是可用的填写项" in messages[1]
    _type_into(body.editor, "现为我校在读学生。")  # the student must be named
    assert dialog.save() is False and "必须包含“{姓名}”" in messages[2]
    _type_into(body.editor, "兹证明{姓名!x}现为我校在读学生。")  # a conversion the filling-in cannot take
    assert dialog.save() is False and "写法不对" in messages[3]
    assert saved_calls == [] and document_settings.current(school) == before
    _type_into(body.editor, "兹证明{姓名}，现为我校在读学生。")
    assert body.editor.property("wrong") is False and body.note.text().startswith("示例：兹证明张小明")
    assert dialog.save() is True
    assert document_settings.current(school)[TITLE] == "在校证明"


def test_reset_to_default_saves_none(qtbot, school, saved_calls):
    document_settings.save(school, {CLOSING: "特此证明，{用途}。", TITLE: "在校证明"})
    dialog = _dialog(qtbot, school)
    closing = dialog.editor(CLOSING)
    assert closing.text() == "特此证明，{用途}。" and closing.reset_button.isEnabled()
    assert not dialog.editor(BODY).reset_button.isEnabled()  # already the default
    qtbot.mouseClick(closing.reset_button, Qt.MouseButton.LeftButton)
    assert closing.text() == BY_KEY[CLOSING].default and not closing.reset_button.isEnabled()
    assert dialog.changes() == {CLOSING: None}
    assert dialog.save()
    assert saved_calls[-1] == {CLOSING: None}
    current = document_settings.current(school)
    assert current[CLOSING] == "此证明{用途}。" and current[TITLE] == "在校证明"


def test_a_field_button_inserts_at_the_cursor(qtbot, school):
    dialog = _dialog(qtbot, school)
    dialog.tabs.setCurrentIndex(1)
    body = dialog.editor(BODY)
    body.editor.setPlainText("兹证明，现为我校在读学生。")
    cursor = body.editor.textCursor()
    cursor.setPosition(3)  # after 兹证明
    body.editor.setTextCursor(cursor)
    assert set(body.field_buttons) == set(BY_KEY[BODY].fields)
    qtbot.mouseClick(body.field_buttons["姓名"], Qt.MouseButton.LeftButton)
    assert body.text() == "兹证明{姓名}，现为我校在读学生。"
    assert body.editor.textCursor().position() == 7  # after the inserted {姓名}
    qtbot.mouseClick(body.field_buttons["年级班级"], Qt.MouseButton.LeftButton)
    assert body.text() == "兹证明{姓名}{年级班级}，现为我校在读学生。"
    assert body.note.text() == "示例：兹证明张小明三年级(1)班，现为我校在读学生。"
    body.editor.moveCursor(QTextCursor.MoveOperation.End)
    closing = dialog.editor(CLOSING)
    closing.editor.setText("此证明。")
    closing.editor.setCursorPosition(3)
    qtbot.mouseClick(closing.field_buttons["用途"], Qt.MouseButton.LeftButton)
    assert closing.text() == "此证明{用途}。"


def test_cancel_saves_nothing(qtbot, school, saved_calls):
    before = document_settings.current(school)
    dialog = _dialog(qtbot, school)
    _type_into(dialog.editor(TITLE).editor, "改过的标题")
    dialog.reject()
    assert saved_calls == [] and document_settings.current(school) == before
