"""Editors for the fields of the student record, built from a FieldSpec (reference.student_fields).

Each editor speaks the form's values, not the screen's text: a code for a code table, True/False/None for 是/否,
a date, "2026-09" for a month, a six-digit code for a region. The dialog only calls value() and set_value().
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Protocol

from PySide6.QtCore import QDate, QObject, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCheckBox, QComboBox, QCompleter, QDateEdit, QLineEdit, QWidget

from xueji_desktop.reference.codes import code_table
from xueji_desktop.reference.regions import region_table
from xueji_desktop.reference.student_fields import FieldKind, FieldSpec

EMPTY_DATE = QDate(1900, 1, 1)  # shown as 未填: QDateEdit has no empty state of its own
EMPTY_TEXT = "未填"
_LONG_TABLE = 40  # code tables longer than this get a type-to-search completer (国籍/地区 has 250)
_REGION_TEXT = re.compile(r"\s*([0-9]{6})(?![0-9])")
_PLACEHOLDER_REGIONS = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")


class FieldEditor(Protocol):
    def value(self) -> Any: ...

    def set_value(self, value: Any) -> None: ...


def _search_completer(model: QStandardItemModel, parent: QObject) -> QCompleter:
    completer = QCompleter(model, parent)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    completer.setMaxVisibleItems(12)
    return completer


def _compact(combo: QComboBox, characters: int = 10) -> None:
    """Long entries must not widen the whole form; the popup list is as wide as its longest entry instead."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)


class TextField(QLineEdit):
    def __init__(self, spec: FieldSpec, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMaxLength(spec.max_length)

    def value(self) -> str | None:
        return self.text().strip() or None

    def set_value(self, value: Any) -> None:
        self.setText("" if value is None else str(value))


class PinyinField(QComboBox):
    """姓名拼音: typed freely, or picked from the readings the name may be written in (曾子轩: ZENG ZI XUAN, CENG ZI
    XUAN — reference/pinyin.pinyin_choices, surname readings first). The readings are worked out when the list is
    opened, from `name_source` (the dialog's 姓名), so opening a record costs nothing."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None):
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line = self.lineEdit()
        assert line is not None
        line.setMaxLength(spec.max_length)
        line.setPlaceholderText("留空则按姓名自动生成")
        self.name_source: Any = None  # () -> str | None

    def choices(self) -> list[str]:
        from xueji_desktop.reference.pinyin import pinyin_choices

        name = self.name_source() if self.name_source is not None else None
        return pinyin_choices(name) if name else []

    def showPopup(self) -> None:
        text = self.currentText()
        self.blockSignals(True)
        self.clear()
        self.addItems(self.choices())
        self.setEditText(text)
        self.blockSignals(False)
        super().showPopup()

    def value(self) -> str | None:
        return self.currentText().strip().upper() or None

    def set_value(self, value: Any) -> None:
        self.setEditText("" if value is None else str(value))


class CodeField(QComboBox):
    """A code table as a drop-down: shows the name, keeps the code as item data; blank first (not filled)."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None):
        super().__init__(parent)
        self._table = code_table(spec.table or "")
        self.addItem("", None)
        for code in self._table.codes:
            self.addItem(code.name, code.code)
        _compact(self, 8)
        self.view().setMinimumWidth(self.view().sizeHintForColumn(0) + 24)
        if len(self._table.codes) > _LONG_TABLE:
            self.setEditable(True)
            self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            self.setCompleter(_search_completer(self.model(), self))  # type: ignore[arg-type]

    def value(self) -> str | None:
        if self.isEditable():
            text = self.currentText().strip()
            if not text:
                return None
            # what was typed, as a name or a code; else the text itself so the check names the field
            return self._table.code_of(text) or text
        return self.currentData()

    def set_value(self, value: Any) -> None:
        if value is None or value == "":
            self.setCurrentIndex(0)
            return
        index = self.findData(value)
        if index < 0:  # a stored code the table does not know: shown as it is, never hidden
            self.addItem(str(value), value)
            index = self.count() - 1
        self.setCurrentIndex(index)


class BoolField(QComboBox):
    """是 / 否 / blank (not filled) — three states, as the template has them."""

    _VALUES = (None, True, False)

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None):
        super().__init__(parent)
        for text in ("", "是", "否"):
            self.addItem(text)
        _compact(self, 4)

    def value(self) -> bool | None:
        return self._VALUES[max(self.currentIndex(), 0)]

    def set_value(self, value: Any) -> None:
        self.setCurrentIndex(0 if value is None else (1 if value else 2))


class CheckField(QCheckBox):
    """A yes/no that is always filled (是否监护人)."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None):
        super().__init__(parent)

    def value(self) -> bool:
        return self.isChecked()

    def set_value(self, value: Any) -> None:
        self.setChecked(bool(value))


class DateField(QDateEdit):
    """A date with a calendar; the lowest date stands for 未填 (empty)."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None, display_format: str = "yyyy-MM-dd"):
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat(display_format)
        self.setMinimumDate(EMPTY_DATE)
        self.setMaximumDate(QDate(2099, 12, 31))
        self.setSpecialValueText(EMPTY_TEXT)
        self.setDate(EMPTY_DATE)

    def mousePressEvent(self, event) -> None:
        super().mousePressEvent(event)
        self._calendar_near_today()

    def keyPressEvent(self, event) -> None:
        super().keyPressEvent(event)
        self._calendar_near_today()

    def _calendar_near_today(self) -> None:
        """An empty date would open the calendar in January 1900; show this month instead."""
        if self.date() == EMPTY_DATE:
            today = QDate.currentDate()
            self.calendarWidget().setCurrentPage(today.year(), today.month())

    def value(self) -> date | None:
        return None if self.date() == EMPTY_DATE else self.date().toPython()  # type: ignore[return-value]

    def set_value(self, value: Any) -> None:
        self.setDate(QDate(value) if isinstance(value, date) else EMPTY_DATE)


class MonthField(DateField):
    """入学年月: shown and stored as 2026-09."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None):
        super().__init__(spec, parent, display_format="yyyy-MM")

    def value(self) -> str | None:
        day = super().value()
        return None if day is None else f"{day.year:04d}-{day.month:02d}"

    def set_value(self, value: Any) -> None:
        match = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})", str(value or ""))
        self.setDate(QDate(int(match[1]), int(match[2]), 1) if match else EMPTY_DATE)


def region_model(parent: QObject) -> QStandardItemModel:
    """Every current region as 「140406 山西省长治市潞城区」, for the region fields to share."""
    regions = region_table()
    model = QStandardItemModel(parent)
    model.appendRow(QStandardItem(""))

    def add(code: str | None) -> None:
        for region in regions.children(code):
            if region.name not in _PLACEHOLDER_REGIONS:
                model.appendRow(QStandardItem(f"{region.code} {regions.full_name(region.code)}"))
            add(region.code)

    add(None)
    return model


class RegionField(QComboBox):
    """A 行政区划 code, picked by typing any part of the name or the code; historical codes still show."""

    def __init__(self, spec: FieldSpec, model: QStandardItemModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(
            QComboBox.InsertPolicy.NoInsert
        )  # the model is shared: typing must not add to it
        self.setModel(model)
        self.setCompleter(_search_completer(model, self))
        self.setMaxVisibleItems(15)
        _compact(self, 16)
        self.lineEdit().setPlaceholderText("输入代码或名称，如 潞城")

    def value(self) -> str | None:
        text = self.currentText().strip()
        if not text:
            return None
        match = _REGION_TEXT.match(text)
        return match[1] if match else text  # unmatched text goes to the check, which names the field

    def set_value(self, value: Any) -> None:
        code = str(value or "")
        self.setCurrentIndex(0)
        if code:
            name = region_table().full_name(code)
            self.setEditText(code if name == code else f"{code} {name}")


class EditorFactory:
    """Builds the editor for a FieldSpec; the long region list is built once and shared by every region field."""

    def __init__(self, owner: QObject):
        self._owner = owner
        self._regions: QStandardItemModel | None = None

    def editor(self, spec: FieldSpec, parent: QWidget | None = None) -> QWidget:
        match spec.kind:
            case FieldKind.CODE:
                return CodeField(spec, parent)
            case FieldKind.BOOL:
                return BoolField(spec, parent)
            case FieldKind.DATE:
                return DateField(spec, parent)
            case FieldKind.MONTH:
                return MonthField(spec, parent)
            case FieldKind.REGION:
                if self._regions is None:
                    self._regions = region_model(self._owner)
                return RegionField(spec, self._regions, parent)
            case _:
                if spec.key == "name_pinyin":
                    return PinyinField(spec, parent)
                return TextField(spec, parent)
