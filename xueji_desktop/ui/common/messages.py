"""The one place where domain errors become dialogs, so every screen tells the clerk the same way."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from xueji_desktop.rules import RuleViolation


def show_error(parent: QWidget | None, title: str, message: str) -> None:
    QMessageBox.warning(parent, title, message)


def confirm_findings(parent: QWidget | None, title: str, violation: RuleViolation) -> bool:
    """Blocking findings are shown and refused (False); warnings are shown and the clerk may go on (True)."""
    lines = "\n\n".join(f.text for f in violation.findings)
    if violation.blocking:
        QMessageBox.warning(parent, title, lines)
        return False
    answer = QMessageBox.question(
        parent,
        title,
        f"{lines}\n\n仍要继续吗？",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes
