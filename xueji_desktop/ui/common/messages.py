"""The one place where refusals become dialogs, so every screen tells the clerk the same way.

ui/common/operations.py calls `show_refusal` for every `DomainError` a service call raised and `confirm_findings` for
findings that only warn; a widget calls `show_error` itself only for what it checks before asking a service (nothing
selected, a reason left empty).
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from xueji_desktop.errors import DomainError
from xueji_desktop.rules import RuleViolation


def show_error(parent: QWidget | None, title: str, message: str) -> None:
    QMessageBox.warning(parent, title, message)


def refusal_text(refusal: DomainError, not_done: str = "") -> str:
    """The refusal's lines (each finding naming its article, then the hint), after what was not done, if given."""
    if refusal.findings:
        text = "\n\n".join(refusal.lines)
        return f"{not_done}：\n\n{text}" if not_done else text
    text = "\n".join(refusal.lines)
    return f"{not_done}：{text}" if not_done else text


def show_refusal(parent: QWidget | None, title: str, refusal: DomainError, not_done: str = "") -> None:
    show_error(parent, title, refusal_text(refusal, not_done))


def confirm_findings(parent: QWidget | None, title: str, violation: RuleViolation) -> bool:
    """Blocking findings are shown and refused (False); warnings are shown and the clerk may go on (True)."""
    lines = "\n\n".join(f.text for f in violation.findings)
    if violation.blocking:
        QMessageBox.warning(parent, title, lines)
        return False
    return ask(parent, title, f"{lines}\n\n仍要继续吗？")


def ask(parent: QWidget | None, title: str, question: str) -> bool:
    """A yes-or-no question whose answer changes or replaces something: 否 is the default, so Enter changes nothing."""
    answer = QMessageBox.question(
        parent,
        title,
        question,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes
