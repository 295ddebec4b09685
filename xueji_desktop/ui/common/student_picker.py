"""The one student picker every wizard and dialog uses: type a name, 拼音 initials, part of an ID number or a 学籍号,
see each match with its class and status, and choose one with the mouse or the keyboard.

The search is services.roster.search_students (SQL, so a school of 50,000 answers at once). A picker may list only
students in some statuses (a procedure's wizard passes those its kind may start from: 休学 only from 在读, 复学 only
from 休学 …), and may offer a first line that means 「不指定学生」 (a consultation about the whole school). The ID
number is masked on the screen (GB/T 35273), as in the roster. A student whose record is not established yet (建立学籍
under way, R10.3) is marked 「（学籍未建立）」: procedures other than 转入 and 死亡 refuse him until it is.

Keys: ↑/↓ and Page Up/Down in the search box move through the matches; Enter in the search box goes to the list.
`changed` carries the chosen student's id (None: none chosen, or the 「不指定学生」 line) each time the choice changes.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from xueji_desktop.errors import NotFound
from xueji_desktop.rules.identity import mask_national_student_id
from xueji_desktop.services import roster
from xueji_desktop.services.roster import RosterRow
from xueji_desktop.services.students import not_established
from xueji_desktop.store import Store

PLACEHOLDER = "查找学生：姓名、拼音首字母、身份证件号或学籍号的一部分"
ID_ROLE = Qt.ItemDataRole.UserRole
NAME_ROLE = Qt.ItemDataRole.UserRole + 1
NOTE_STYLE = "QLabel { color: #555555; }"
GAP = "\u3000"  # 全角空格: as wide as a 汉字
NOT_ESTABLISHED = "（学籍未建立）"
MOVING_KEYS = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)


def row_text(row: RosterRow) -> str:
    """One match as the list shows it: name (padded to four characters, so that the columns line up), class, masked
    ID number, status."""
    return GAP.join((row.name.ljust(4, GAP), row.class_name or "—", row.id_number_masked, row.status))


class StudentPicker(QWidget):
    """A student found by name, 拼音 initials, ID number or 学籍号 — or none, when `none_label` is given (its first
    line). `statuses` limits the students listed; `rows` fixes the list's height to that many whole lines."""

    changed = Signal(object)  # the chosen student's id, or None

    def __init__(
        self,
        store: Store,
        *,
        statuses: Sequence[str] = (),
        none_label: str = "",
        rows: int | None = None,
        limit: int = roster.PICKER_ROWS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.statuses = tuple(statuses)
        self.none_label = none_label
        self.limit = limit
        self._chosen: int | None = None
        self.search = QLineEdit()
        self.search.setPlaceholderText(PLACEHOLDER)
        self.search.setClearButtonEnabled(True)
        self.search.installEventFilter(self)
        self.results = QListWidget()
        self.results.setAlternatingRowColors(True)
        self.note = QLabel()
        self.note.setStyleSheet(NOTE_STYLE)
        self.note.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.note)
        self.setFocusProxy(self.search)
        self.search.textChanged.connect(self.find)
        self.results.currentItemChanged.connect(lambda *_: self._announce())
        self.find("")
        if rows is not None:  # a picker among other fields: so many whole lines, and no more height than that
            line = max(self.results.sizeHintForRow(0), self.results.fontMetrics().height())
            self.results.setFixedHeight(rows * line + 2 * self.results.frameWidth())
            layout.setStretchFactor(self.results, 0)
            self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    # --- what the picker shows ------------------------------------------------------------------------------------

    def find(self, text: str) -> None:
        """List the students matching `text`. The chosen student stays chosen while listed; otherwise a search
        chooses its first match, and no search chooses nobody (the 「不指定学生」 line when there is one)."""
        chosen = self._chosen
        found = roster.search_students(self.store, text, statuses=self.statuses, limit=self.limit)
        self.results.blockSignals(True)
        self.results.clear()
        if self.none_label:
            none = QListWidgetItem(self.none_label)
            none.setData(ID_ROLE, None)
            self.results.addItem(none)
        pending = not_established(self.store, [match.id for match in found])
        for match in found:
            step = pending.get(match.id)
            item = QListWidgetItem(row_text(match) + (NOT_ESTABLISHED if step else ""))
            item.setData(ID_ROLE, match.id)
            item.setData(NAME_ROLE, match.name)
            nsid = mask_national_student_id(match.national_student_id)
            item.setToolTip(f"学号 {match.school_number or '—'}　学籍号 {nsid or '—'}")
            if step:
                item.setToolTip(f"{item.toolTip()}\n学籍尚未建立：建立学籍进行到“{step}”")
            self.results.addItem(item)
        first = 1 if self.none_label else 0
        row = self._row_of(chosen) if chosen is not None else None
        if row is None:
            row = first if text.strip() and found else (0 if self.none_label else -1)
        self.results.setCurrentRow(row)
        self.results.blockSignals(False)
        self._show_note(text, found)
        self._announce()

    def _show_note(self, text: str, found: list[RosterRow]) -> None:
        within = f"处于「{'、'.join(self.statuses)}」状态的" if self.statuses else ""
        if not found and text.strip():
            self.note.setText(f"没有找到{within}符合「{text.strip()}」的学生")
        elif not found:
            self.note.setText(f"没有{within}学生")
        elif len(found) >= self.limit and text.strip():
            self.note.setText(f"只列出前 {self.limit} 名{within}学生，请输入更多文字缩小范围")
        else:
            self.note.clear()
        self.note.setVisible(bool(self.note.text()))

    def _row_of(self, student_id: int) -> int | None:
        for row in range(self.results.count()):
            if self.results.item(row).data(ID_ROLE) == student_id:
                return row
        return None

    def _announce(self) -> None:
        now = self.student_id()
        if now != self._chosen:
            self._chosen = now
            self.changed.emit(now)

    # --- what callers ask and tell --------------------------------------------------------------------------------

    def student_id(self) -> int | None:
        """The chosen student, or None (nobody chosen, or the 「不指定学生」 line)."""
        item = self.results.currentItem()
        return None if item is None else item.data(ID_ROLE)

    def student_name(self) -> str:
        item = self.results.currentItem()
        return "" if item is None or item.data(ID_ROLE) is None else item.data(NAME_ROLE)

    def select(self, student_id: int | None) -> bool:
        """Choose the student (searched for by name when not listed); None chooses the 「不指定学生」 line, or nobody.
        False, and nothing changed, when the student does not exist or is not in one of the picker's statuses."""
        if student_id is None:
            self.results.setCurrentRow(0 if self.none_label else -1)
            return True
        if self._row_of(student_id) is None:
            try:
                row = roster.student_row(self.store, student_id)
            except NotFound:
                return False
            if self.statuses and row.status not in self.statuses:
                return False
            self.search.blockSignals(True)
            self.search.setText(row.name)
            self.search.blockSignals(False)
            self.find(row.name)
        row_number = self._row_of(student_id)
        if row_number is None:  # more namesakes than the list holds
            return False
        self.results.setCurrentRow(row_number)
        return True

    # --- keys -----------------------------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """↑/↓/Page Up/Page Down in the search box move through the list; Enter goes to the list (so that it does
        not press the dialog's default button with half a form filled in)."""
        if watched is self.search and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in MOVING_KEYS:
                self.results.keyPressEvent(event)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.results.count():
                self.results.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return super().eventFilter(watched, event)
