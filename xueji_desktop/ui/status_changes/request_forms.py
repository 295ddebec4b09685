"""The wizard's 「办理信息」 page of any kind of procedure, built from the kind's request dataclass (its registry entry
in services/procedures/kinds.py): a widget per field by its type — a date edit for a date, a check box for a yes/no,
a list of the Chinese values for a choice, a spin box for a number, the class list for a class, a line for text —
and the request read back from them. A kind gets something of its own only where a field truly needs it: the
information change's field picker, the transfer in's senior questions shown only where the school has 高中.

Nothing here decides anything: the rules live in rules/ and are applied by services.procedures.open.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import MISSING
from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from xueji_desktop.services import procedures, roster
from xueji_desktop.services.attachments import ProofFile
from xueji_desktop.services.procedures import Decision, ProcedureKind, RequestField
from xueji_desktop.store import Store


def date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(_qdate(day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def value_of(edit: QDateEdit) -> date:
    chosen = edit.date()
    return date(chosen.year(), chosen.month(), chosen.day())


class ChoicesBox(QWidget):
    """Several values of a choice, a check box each (辍学: 已书面上报 each body)."""

    def __init__(self, spec: RequestField, chosen: Sequence[Any] = ()) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[Any, QCheckBox] = {}
        for option in spec.options():
            box = QCheckBox(f"{spec.label}{spec.shown(option)}")
            box.setChecked(option in chosen)
            layout.addWidget(box)
            self.boxes[option] = box
        self.spec = spec

    def value(self) -> tuple[Any, ...]:
        return tuple(option for option, box in self.boxes.items() if box.isChecked())

    def text(self) -> str:  # what the review page shows
        return "、".join(self.spec.shown(option) for option in self.value())


class RequestForm:
    """The 办理信息 page of one kind: `build` adds a row per request field, `request` reads them back, `submit`
    opens the procedure (Decision(preview=True): only the findings)."""

    def __init__(self, store: Store, kind: ProcedureKind, today: date) -> None:
        self.store = store
        self.kind = kind
        self.today = today
        self.key, self.label, self.intro = kind.code, kind.label, kind.explanation
        self.statuses = kind.statuses  # who can start it (the student page offers only them)
        self.picks_student = (
            kind.picks_student
        )  # False: the student is not ours yet (转入), the form asks who
        self.widgets: dict[str, Any] = {}  # by request field: a widget (the 信息变更 rows: their pairs)
        self.student_id: int | None = None
        self._read: dict[str, Callable[[], Any]] = {}

    def widget(self, name: str) -> Any:
        """The widget asking for the request field `name` (tests fill them in)."""
        return self.widgets[name]

    def build(self, form: QFormLayout, student_id: int | None) -> None:
        """Add the kind's questions, starting from what the records say (procedures.prefill)."""
        self.student_id = student_id
        self.widgets, self._read = {}, {}
        start = procedures.prefill(self.store, self.key, student_id, today=self.today)
        for label, text in start.shown:
            form.addRow(label, QLabel(text))
        for spec in self.kind.fields():
            extra = _OWN_FIELDS.get((self.key, spec.name))
            if extra is not None:
                self._read[spec.name] = extra(self, form, spec)
                continue
            widget, read = _field_widget(self.store, spec, self._initial(spec, start.values))
            self.widgets[spec.name] = widget
            self._read[spec.name] = read
            form.addRow("" if isinstance(widget, QCheckBox) else spec.label, widget)
        for spec in self.kind.fields():
            self._link(spec)
        after = _AFTER_BUILD.get(self.key)
        if after is not None:
            after(self, form)

    def _initial(self, spec: RequestField, prefilled: dict[str, Any]) -> Any:
        if spec.name in prefilled:
            return prefilled[spec.name]
        if spec.default is not MISSING and spec.default is not None:
            return spec.default
        initial = spec.meta.get("initial", MISSING)
        if callable(initial):
            return initial(self.today)
        if initial is not MISSING:
            return initial
        follows = spec.meta.get("follows")
        if follows and follows[0] in self.widgets:
            return follows[1](self._read[follows[0]]())
        return self.today if spec.type is date else None

    def _link(self, spec: RequestField) -> None:
        """`follows`: the date set again as the one it follows changes; `when`: asked only for one answer."""
        widget = self.widgets.get(spec.name)
        follows, when = spec.meta.get("follows"), spec.meta.get("when")
        if follows and isinstance(widget, QDateEdit) and isinstance(self.widgets.get(follows[0]), QDateEdit):
            source, rule = self.widgets[follows[0]], follows[1]
            source.dateChanged.connect(lambda _day: widget.setDate(_qdate(rule(value_of(source)))))
        if when and widget is not None and when[0] in self.widgets:
            other, wanted = self.widgets[when[0]], when[1]
            reader = self._read[when[0]]

            def enable_for_the_answer(*_: object) -> None:
                widget.setEnabled(reader() == wanted)

            if isinstance(other, QComboBox):
                other.currentIndexChanged.connect(enable_for_the_answer)
            enable_for_the_answer()

    def request(self) -> Any:
        """The request the answers make (nothing is checked here: the service checks it)."""
        values: dict[str, Any] = {}
        for spec in self.kind.fields():
            value = self._read[spec.name]()
            when = spec.meta.get("when")
            if when and when[0] in self._read and self._read[when[0]]() != when[1]:
                value = None
            values[spec.name] = value
        student = {"student_id": self.student_id} if self.picks_student else {}
        return self.kind.request(**student, **values)

    def student_name(self) -> str:
        """A 转入's student, as typed (the others' name comes from the student page)."""
        name = self.widgets.get("name")
        return name.text().strip() if isinstance(name, QLineEdit) else ""

    def requirements(self) -> list[tuple[str, ...]]:
        """The proofs the answers given call for (each a tuple of alternatives)."""
        return self.kind.required_proofs(self.request())

    def submit(self, student_id: int | None, proofs: Sequence[ProofFile], decision: Decision) -> int:
        """Open the procedure (Decision(preview=True): raise FindingsPreview with the findings); its id."""
        self.student_id = student_id
        return procedures.open(self.store, self.request(), proofs, decision, self.today)


def request_form(store: Store, code: str, today: date) -> RequestForm:
    return RequestForm(store, procedures.kind_of(code), today)


# --- a widget per field type --------------------------------------------------------------------------------------


def _field_widget(store: Store, spec: RequestField, initial: Any) -> tuple[QWidget, Callable[[], Any]]:
    """The widget asking for one field, and how its answer is read."""
    form = spec.form
    if form == "date":
        edit = date_edit(initial or date.today())
        return edit, lambda: value_of(edit)
    if form == "bool":
        box = QCheckBox(spec.label)
        box.setChecked(bool(initial))
        return box, box.isChecked
    if form == "code":
        from xueji_desktop.reference.codes import code_table

        combo = QComboBox()
        for code in code_table(spec.meta["code_table"]).codes:
            combo.addItem(code.name, code.code)
        if initial is not None:
            combo.setCurrentIndex(max(combo.findData(initial), 0))
        return combo, combo.currentData
    if form == "choice":
        # the options kept here, not as item data: Qt would hand an enum back as a plain str
        options = spec.options()
        combo = QComboBox()
        combo.addItems([spec.shown(option) for option in options])
        if initial in options:
            combo.setCurrentIndex(options.index(initial))
        return combo, lambda: options[combo.currentIndex()] if combo.currentIndex() >= 0 else None
    if form == "choices":
        choices = ChoicesBox(spec, initial or ())
        return choices, choices.value
    if form == "number":
        spin = QDoubleSpinBox()
        scale = 100 if spec.meta.get("percent") else 1
        spin.setRange(0, 100 if scale == 100 else (spec.meta.get("maximum") or 1_000_000))
        spin.setSuffix(" %" if scale == 100 else spec.meta.get("suffix", ""))
        spin.setValue((initial or 0) * scale)
        if spec.optional:  # 0 means not given (中考成绩 of a primary transfer; 停课治疗占学时 has no default)
            spin.setSpecialValueText("未填")
            return spin, lambda: (spin.value() / scale) or None
        return spin, lambda: spin.value() / scale
    if form == "integer":
        whole = QSpinBox()
        whole.setRange(0, int(spec.meta.get("maximum") or 1_000_000))
        whole.setValue(int(initial or 0))
        return whole, whole.value
    if form == "class":
        combo = class_choice(store, initial)
        return combo, combo.currentData
    line = QLineEdit("" if initial is None else str(initial))
    line.setPlaceholderText(spec.meta.get("hint", ""))
    if spec.optional:
        return line, lambda: line.text().strip() or None
    return line, line.text


def class_choice(store: Store, chosen: int | None = None) -> QComboBox:
    """Every class with its size; `chosen` (the student's own class) chosen to begin with."""
    box = QComboBox()
    for grade in roster.class_tree(store):
        for node in grade.classes:
            box.addItem(f"{node.name}（{node.size}人）", node.id)
    if chosen is not None:
        box.setCurrentIndex(max(box.findData(chosen), 0))
    return box


# --- what a kind truly needs of its own ---------------------------------------------------------------------------

_CHANGE_ROWS = 3


class ChangeValue(QStackedWidget):
    """变更为 of one 信息变更 row: a line for a text or a date, and for a code-valued field (性别, 民族, 国籍/地区,
    身份证件类型, 港澳台侨外 …) the student dialog's own drop-down of the code table's names, keeping the code
    (ui.common.field_widgets.CodeField)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        from xueji_desktop.ui.common.field_widgets import EditorFactory

        super().__init__(parent)
        self.line = QLineEdit()
        self.line.setPlaceholderText("新的内容（日期写成 2019-03-14）")
        self.addWidget(self.line)
        self._factory = EditorFactory(self)
        self._editors: dict[str, Any] = {}  # code editors by field key, built when the field is first chosen
        self.key: str | None = None
        self.kind: str | None = None

    @property
    def editor(self) -> Any:
        """The widget now asking for the value: the line, or the field's drop-down."""
        return self.currentWidget()

    def show_field(self, key: str | None, kind: str | None) -> None:
        from xueji_desktop.reference.student_fields import FIELDS_BY_KEY, FieldKind

        self.key, self.kind = key, kind
        if key is None or kind != FieldKind.CODE:
            self.setCurrentWidget(self.line)
            return
        if key not in self._editors:
            self._editors[key] = self._factory.editor(FIELDS_BY_KEY[key])
            self.addWidget(self._editors[key])
        self.setCurrentWidget(self._editors[key])

    def _coded(self) -> bool:
        return self.currentWidget() is not self.line

    def text(self) -> str:
        """What the clerk sees: the line's text, or the name chosen."""
        return self.editor.currentText() if self._coded() else self.line.text()

    def setText(self, text: str) -> None:  # the line's own name, as the wizard's prefill and the tests use it
        if self._coded():
            self.set_value(text)
        else:
            self.line.setText(text)

    def set_value(self, value: Any) -> None:
        """A stored value (a code, a date, a text); a code-valued field also takes the name (汉族)."""
        if self._coded():
            from xueji_desktop.reference.codes import code_table
            from xueji_desktop.reference.student_fields import FIELDS_BY_KEY

            spec = FIELDS_BY_KEY[self.key or ""]
            text = "" if value is None else str(value).strip()
            self.editor.set_value(code_table(spec.table or spec.key).code_of(text) or text or None)
        else:
            self.line.setText(
                value.isoformat() if isinstance(value, date) else "" if value is None else str(value)
            )

    def value(self) -> Any:
        """The new value as the request takes it: the code, a date (a text that is no date stays text for the
        check to name), or the text."""
        if self._coded():
            return self.editor.value()
        text = self.line.text().strip()
        if self.kind == "date" and text:
            try:
                return date.fromisoformat(text)
            except ValueError:
                return text
        return text


def _information_change_fields(
    owner: RequestForm, form: QFormLayout, spec: RequestField
) -> Callable[[], Any]:
    """信息变更: up to three fields of the record, each with its present value beside the new one (R14.1; never the
    学籍号, R10.4); a code-valued field shows and takes names, and the request carries its code."""
    from xueji_desktop.reference.student_fields import STUDENT_FIELDS, FieldKind
    from xueji_desktop.services.procedures.information_changes import words
    from xueji_desktop.services.students import load_form

    current = load_form(owner.store, owner.student_id).values if owner.student_id is not None else {}
    rows = []
    for n in range(_CHANGE_ROWS):
        field = QComboBox()
        field.addItem("（不变更）", None)
        for student_field in STUDENT_FIELDS:
            if (
                student_field.kind in (FieldKind.TEXT, FieldKind.DATE, FieldKind.CODE)
                and student_field.key != "national_student_id"
            ):
                field.addItem(student_field.label, (student_field.key, student_field.kind))
        old = QLabel("—")
        value = ChangeValue()

        def show(
            _index: int, field: QComboBox = field, old: QLabel = old, value: ChangeValue = value
        ) -> None:
            chosen = field.currentData()
            key, kind = chosen if chosen else (None, None)
            value.show_field(key, kind)
            old.setText("—" if key is None else words(key, current.get(key)))

        field.currentIndexChanged.connect(show)
        form.addRow(f"{spec.label}{n + 1}", field)
        form.addRow("　现为", old)
        form.addRow("　变更为", value)
        rows.append((field, value))
    owner.widgets[spec.name] = rows

    def read() -> dict[str, Any]:
        return {
            field.currentData()[0]: value.value() for field, value in rows if field.currentData() is not None
        }

    return read


def _senior_questions_only_with_senior_grades(owner: RequestForm, form: QFormLayout) -> None:
    """转入: 第十八条's senior questions are asked of every transfer in, but shown only where the school has 高中."""
    from xueji_desktop.services.procedures.transfers import SENIOR_FIELDS
    from xueji_desktop.services.school_setup import school_context

    context = school_context(owner.store)
    if context is not None and context.stage not in ("senior", "twelve_year"):
        for name in SENIOR_FIELDS:
            form.setRowVisible(owner.widgets[name], False)


_OWN_FIELDS: dict[tuple[str, str], Callable[[RequestForm, QFormLayout, RequestField], Callable[[], Any]]] = {
    ("information_change", "new_values"): _information_change_fields,
}
_AFTER_BUILD: dict[str, Callable[[RequestForm, QFormLayout], None]] = {
    "transfer_in": _senior_questions_only_with_senior_grades,
}


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)
