"""A field with its error line right under it, in the one red every screen uses for what the clerk must fix."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

ERROR_COLOUR = "#c62828"


def error_label() -> QLabel:
    """A hidden, word-wrapped red line; show_error fills and shows it."""
    label = QLabel()
    label.setObjectName("fieldError")
    label.setStyleSheet(f"color: {ERROR_COLOUR};")
    label.setWordWrap(True)
    label.hide()
    return label


def show_error(label: QLabel, messages: list[str]) -> None:
    label.setText("\n".join(messages))
    label.setVisible(bool(messages))


def with_error(field: QWidget, error: QLabel) -> QWidget:
    """The field with its error line under it (the line takes no room while hidden)."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(field)
    layout.addWidget(error)
    return box
