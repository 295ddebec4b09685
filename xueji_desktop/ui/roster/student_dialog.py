"""学生信息: one student's whole basic-information record, to add a student by hand or to edit one.

Tabs follow the provincial system's groups (reference.student_fields.GROUPS) plus 家庭成员. The dialog only shows and
asks: checks and their messages come from services.students / rules, and saving is one service call (one transaction
with its audit entry).

Once the record is established its key fields are read-only, and 「申请信息变更…」 beside them starts the 信息变更
wizard (第十四条, R14.1); after 毕业/结业/肄业 every field is (R14.2); the 学籍号 once set (R10.4) — rules/key_fields.py
decides, and services.students.update_student refuses the same. Closing with unsaved edits asks 「放弃修改？」.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from xueji_desktop.reference.student_fields import (
    FAMILY_FIELDS,
    GROUPS,
    STUDENT_FIELDS,
    FieldKind,
    FieldSpec,
)
from xueji_desktop.rules.identity import IdNumberError, check_id_number, normalise_id_number
from xueji_desktop.rules.key_fields import is_final, key_fields, locked_fields
from xueji_desktop.rules.student_record import RESIDENT_ID_CARD, FieldProblem
from xueji_desktop.services.roster import class_tree
from xueji_desktop.services.students import (
    StudentForm,
    blank_form,
    check_form,
    create_student,
    load_form,
    update_student,
)
from xueji_desktop.store import Store
from xueji_desktop.ui.common import messages
from xueji_desktop.ui.common.field_errors import ERROR_COLOUR, error_label, with_error
from xueji_desktop.ui.common.field_widgets import CheckField, EditorFactory, FieldEditor, PinyinField
from xueji_desktop.ui.common.operations import CLASSES, STUDENTS, run

FAMILY_TAB = "家庭成员"
MIN_MEMBERS = 2  # the template carries two family members
_TWO_COLUMNS = {"基本信息", "学籍信息", "扩展信息"}
_IDENTITY_KEYS = ("id_number", "gender", "birth_date")
_LISTED_PROBLEMS = 5  # lines on top at most, so the tabs keep their room
INFORMATION_CHANGE = "information_change"  # the kind 「申请信息变更…」 starts (第十四条)
CHANGE_BUTTON = "申请信息变更…"
DISCARD_QUESTION = "放弃修改？\n\n所做的修改还没有保存。"
NOTE_STYLE = "QLabel { color: #555555; }"


def make_read_only(editor: QWidget, why: str) -> None:
    """Shown, selectable where it is text, not editable: a line or date keeps its text in the window's colour (not
    an input's white); a drop-down is disabled."""
    if isinstance(editor, QLineEdit | QAbstractSpinBox):
        editor.setReadOnly(True)
        if isinstance(editor, QDateEdit):
            editor.setCalendarPopup(False)
            editor.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
        palette = editor.palette()
        palette.setColor(QPalette.ColorRole.Base, palette.color(QPalette.ColorRole.Window))
        editor.setPalette(palette)
    else:
        editor.setEnabled(False)
    editor.setToolTip(why)


def is_read_only(editor: QWidget) -> bool:
    if isinstance(editor, QLineEdit | QAbstractSpinBox):
        return editor.isReadOnly()
    return not editor.isEnabled()


class _Row:
    """One field on screen: its label, its editor, and the red line under it that says what is wrong."""

    def __init__(self, label: QLabel, editor: QWidget, error: QLabel, tab: int):
        self.label, self.editor, self.error, self.tab = label, editor, error, tab
        self._label_text = label.text()

    def show_problem(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.label.setText(f"<span style='color:{ERROR_COLOUR}'>{self._label_text}</span>")

    def clear(self) -> None:
        self.error.clear()
        self.error.hide()
        self.label.setText(self._label_text)


def _label(spec_label: str, required: bool) -> QLabel:
    mark = f"<span style='color:{ERROR_COLOUR}'>*</span>" if required else ""
    label = QLabel(f"{spec_label}{mark}")
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


def _add_row(form: QFormLayout, spec: FieldSpec, editor: QWidget, tab: int) -> _Row:
    label, error = _label(spec.label, spec.required), error_label()
    label.setBuddy(editor)
    form.addRow(label, with_error(editor, error))
    return _Row(label, editor, error, tab)


def _form_layout() -> QFormLayout:
    form = QFormLayout()
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    form.setHorizontalSpacing(10)
    form.setVerticalSpacing(7)
    return form


def _columns(count: int) -> tuple[QHBoxLayout, list[QFormLayout]]:
    row = QHBoxLayout()
    row.setSpacing(28)
    forms = [_form_layout() for _ in range(count)]
    for form in forms:
        row.addLayout(form, 1)
    if count == 1:  # a short list: not stretched across the whole dialog
        row.addStretch(1)
    return row, forms


class MemberForm(QGroupBox):
    """成员N: the fields of one family member, 是否监护人 as a check box; members beyond two can be removed."""

    remove_requested = Signal(object)

    def __init__(self, number: int, factory: EditorFactory, tab: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: dict[str, _Row] = {}
        layout = QVBoxLayout(self)
        columns, forms = _columns(2)
        half = (len(FAMILY_FIELDS) + 1) // 2
        for position, spec in enumerate(FAMILY_FIELDS):
            editor = CheckField(spec) if spec.key == "is_guardian" else factory.editor(spec)
            self.rows[spec.key] = _add_row(forms[position >= half], spec, editor, tab)
        layout.addLayout(columns)
        self.remove_button = QPushButton("删除此成员")
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        layout.addLayout(buttons)
        self.renumber(number)

    def renumber(self, number: int) -> None:
        self.setTitle(f"成员{number}")
        self.remove_button.setVisible(number > MIN_MEMBERS)

    def editor(self, key: str) -> QWidget:
        return self.rows[key].editor

    def values(self) -> dict:
        return {key: row.editor.value() for key, row in self.rows.items()}  # type: ignore[attr-defined]

    def set_values(self, values: dict) -> None:
        for key, row in self.rows.items():
            editor: FieldEditor = row.editor  # type: ignore[assignment]
            editor.set_value(values.get(key))

    def is_blank(self) -> bool:
        """Nothing typed (the preset 关系 / 证件类型 / 民族 do not count) and not the guardian."""
        values = self.values()
        typed = [values[s.key] for s in FAMILY_FIELDS if s.kind in (FieldKind.TEXT, FieldKind.REGION)]
        return not values["is_guardian"] and all(v is None for v in typed)


class StudentDialog(QDialog):
    """Add a student (student_id None) or open one; after a successful 保存 `saved_student_id` is set."""

    def __init__(
        self,
        store: Store,
        student_id: int | None = None,
        school_class_id: int | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self._store = store
        self._student_id = student_id
        self.saved_student_id: int | None = None
        self._form = load_form(store, student_id) if student_id is not None else blank_form(school_class_id)
        # what may not be edited here (rules/key_fields.py): nothing for a new student
        self.final = student_id is not None and is_final(self._form.status)  # R14.2
        self.locked: frozenset[str] = (
            locked_fields(
                self._form.status, self._form.enrolment_step, self._form.values.get("national_student_id")
            )
            if student_id is not None
            else frozenset()
        )
        self.change_button: QPushButton | None = None
        self._last_key_field: str | None = None  # the locked key field the clerk was last in
        self.locked_note: QLabel | None = None
        self._factory = EditorFactory(self)
        self._rows: dict[str, _Row] = {}
        self.member_forms: list[MemberForm] = []
        self._sent_members: list[MemberForm] = []  # the members given to the last check, in its numbering
        self._loading = True

        name = self._form.values.get("name")
        self.setWindowTitle(f"学生信息 — {name}" if student_id is not None else "新增学生")
        self.setModal(True)

        self.problems_label = error_label()
        self.problems_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tabs = QTabWidget()
        for index, group in enumerate(GROUPS):
            self.tabs.addTab(self._group_page(group, index), group)
        self.tabs.addTab(self._family_page(len(GROUPS)), FAMILY_TAB)
        if student_id is not None:  # 第三十一条、第三十二条: 奖惩, 添加/解除 through the runner
            from xueji_desktop.ui.roster import sanctions_page

            self.tabs.addTab(sanctions_page.SanctionsPage(store, student_id), sanctions_page.TITLE)
        if student_id is not None:  # 第二十九条: the 体质健康 results, read only
            from xueji_desktop.ui.roster.fitness_page import TITLE, FitnessPage

            self.tabs.addTab(FitnessPage(store, student_id), TITLE)

        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(QDialogButtonBox.StandardButton.Save)
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        for button in (self.save_button, self.cancel_button):
            button.setAutoDefault(False)  # Enter in a field must not save half a record
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self.print_button = None
        if (
            student_id is not None
        ):  # a saved student's documents print from here too (what is stored, not the edits)
            self.print_button = buttons.addButton("打印 ▾", QDialogButtonBox.ButtonRole.ActionRole)
            self.print_button.setAutoDefault(False)
            self.print_button.setToolTip("在读证明、学生基本信息表等（按已保存的信息）")
            self.print_button.clicked.connect(self._pop_print_menu)

        layout = QVBoxLayout(self)
        if self.final:
            self.locked_note = QLabel(
                f"学生已{self._form.status}，其原学籍信息不得修改（《细则》第十四条），只能查看。"
            )
            self.locked_note.setStyleSheet(f"QLabel {{ color: {ERROR_COLOUR}; }}")
            layout.addWidget(self.locked_note)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.resize(1000, 640)  # fits a 1366×768 laptop with its task bar

        self._set_form(self._form)
        self._lock()
        self._loading = False
        self.editor("id_number").textChanged.connect(lambda _text: self._check_identity(fill=True))
        self.editor("id_type").currentIndexChanged.connect(lambda _i: self._check_identity(fill=False))
        self.editor("gender").currentIndexChanged.connect(lambda _i: self._check_identity(fill=False))
        self.editor("birth_date").dateChanged.connect(lambda _d: self._check_identity(fill=False))
        self._check_identity(fill=False)  # a stored mismatch shows at once
        self._shown_form = self.form()  # what 「放弃修改？」 compares with

    # ---- closing --------------------------------------------------------------------------------------------

    def has_unsaved_edits(self) -> bool:
        return self.form() != self._shown_form

    def reject(self) -> None:
        """Esc, 取消 and the window's close button (QDialog.closeEvent calls reject): with unsaved edits the clerk
        is asked 「放弃修改？」 first (否 keeps the dialog open); nothing edited, no question."""
        if (
            self.isVisible()
            and self.has_unsaved_edits()
            and not messages.ask(self, "学生信息", DISCARD_QUESTION)
        ):
            return
        super().reject()

    def print_menu(self):
        from xueji_desktop.ui.printing.actions import Printing

        return Printing(self._store, self).student_menu(self, lambda: [self._student_id])

    def _pop_print_menu(self) -> None:
        menu = self.print_menu()
        menu.exec(self.print_button.mapToGlobal(self.print_button.rect().bottomLeft()))
        menu.deleteLater()

    # ---- building -------------------------------------------------------------------------------------------

    def _group_page(self, group: str, tab: int) -> QWidget:
        specs = [spec for spec in STUDENT_FIELDS if spec.group == group]
        columns, forms = _columns(2 if group in _TWO_COLUMNS else 1)
        page = QWidget()
        outer = QVBoxLayout(page)
        outer.setContentsMargins(16, 14, 16, 10)
        if group == "基本信息" and self._offers_information_change():
            outer.addLayout(self._information_change_row())
        if group == "学籍信息":
            self.class_combo = self._class_combo()
            forms[0].addRow(_label("班级", False), self.class_combo)
            if self._student_id is not None:
                forms[0].addRow(QLabel("学生当前状态"), QLabel(self._form.status))
        half = (len(specs) + 1) // 2
        for position, spec in enumerate(specs):
            editor = self._factory.editor(spec)
            if isinstance(editor, PinyinField):  # its readings follow the 姓名 being typed
                editor.name_source = lambda: self.editor("name").value()  # type: ignore[attr-defined]
            self._rows[spec.key] = _add_row(forms[min(position // half, len(forms) - 1)], spec, editor, tab)
        outer.addLayout(columns)
        outer.addStretch(1)
        return self._scrolling(page)

    def _offers_information_change(self) -> bool:
        """Key fields locked while the student is still here (在读, 休学: whom 信息变更 may concern)."""
        from xueji_desktop.services.procedures import kind_of

        return (
            not self.final
            and any(key in self.locked for key in key_fields())
            and self._form.status in kind_of(INFORMATION_CHANGE).statuses
        )

    def _information_change_row(self) -> QHBoxLayout:
        keys = [key for key in key_fields() if key in self.locked]
        labels = "、".join(spec.label for spec in STUDENT_FIELDS if spec.key in keys)
        self.locked_note = QLabel(
            f"学籍已建立：{labels}须由监护人申请、办理信息变更并经学籍管理部门核准后修改（《细则》第十四条）。"
        )
        self.locked_note.setWordWrap(True)
        self.locked_note.setStyleSheet(NOTE_STYLE)
        self.change_button = QPushButton(CHANGE_BUTTON)
        self.change_button.setAutoDefault(False)
        self.change_button.setToolTip("打开信息变更手续，选中当前所在的关键信息")
        self.change_button.clicked.connect(self.request_information_change)
        row = QHBoxLayout()
        row.addWidget(self.locked_note, 1)
        row.addWidget(self.change_button, 0, Qt.AlignmentFlag.AlignTop)
        return row

    def request_information_change(self):
        """「申请信息变更…」: the 信息变更 wizard for this student (R14.1), its first change row filled with the key
        field the clerk was in (姓名 when none) and the value it holds now, to be corrected there."""
        from xueji_desktop.ui.common.operations import PROCEDURES, announcer
        from xueji_desktop.ui.status_changes.wizard import ProcedureWizard

        key = self._last_key_field or next(k for k in key_fields() if k in self.locked)
        wizard = ProcedureWizard(
            self._store,
            INFORMATION_CHANGE,
            student_id=self._student_id,
            new_values={key: self._form.values.get(key)},
            parent=self,
        )

        def finished(result: int) -> None:
            if result and wizard.procedure_id is not None:
                announcer().announce({PROCEDURES, STUDENTS})

        wizard.finished.connect(finished)
        wizard.open()
        return wizard

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A locked key field the clerk clicks or tabs into is the one 「申请信息变更…」 asks for."""
        if event.type() == QEvent.Type.FocusIn:
            self._last_key_field = next(
                (key for key in key_fields() if key in self.locked and self._rows[key].editor is watched),
                None,
            )
        return super().eventFilter(watched, event)

    def _class_combo(self) -> QComboBox:
        combo = QComboBox()
        combo.addItem("（未分班）", None)
        for grade in class_tree(self._store):
            for school_class in grade.classes:
                combo.addItem(school_class.name, school_class.id)
        return combo

    def _family_page(self, tab: int) -> QWidget:
        self._family_tab = tab
        page = QWidget()
        self._family_layout = QVBoxLayout(page)
        self._family_layout.setContentsMargins(12, 10, 12, 10)
        self.family_error = error_label()
        self._family_layout.addWidget(self.family_error)
        self.add_member_button = QPushButton("添加家庭成员")
        self.add_member_button.clicked.connect(self._add_member_by_hand)
        row = QHBoxLayout()
        row.addWidget(self.add_member_button)
        row.addStretch(1)
        self._family_layout.addLayout(row)
        self._family_layout.addStretch(1)
        self._family_scroll = self._scrolling(page)
        return self._family_scroll

    @staticmethod
    def _scrolling(page: QWidget) -> QScrollArea:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(page)
        return scroll

    def add_member(self, values: dict | None = None) -> MemberForm:
        member = MemberForm(len(self.member_forms) + 1, self._factory, self._family_tab)
        member.remove_requested.connect(self._remove_member)
        member.set_values(values or {"id_type": RESIDENT_ID_CARD, "ethnicity": "01"})
        # after the error line, before the button row and the stretch
        self._family_layout.insertWidget(len(self.member_forms) + 1, member)
        self.member_forms.append(member)
        return member

    def _add_member_by_hand(self) -> None:
        member = self.add_member()
        member.editor("name").setFocus()
        # once the layout has placed it: scroll the new member into view
        QTimer.singleShot(0, lambda: self._family_scroll.ensureWidgetVisible(member))

    def _remove_member(self, member: MemberForm) -> None:
        if len(self.member_forms) <= MIN_MEMBERS:
            return
        self.member_forms.remove(member)
        self._family_layout.removeWidget(member)
        member.deleteLater()
        for number, other in enumerate(self.member_forms, start=1):
            other.renumber(number)

    # ---- values ---------------------------------------------------------------------------------------------

    def editor(self, key: str) -> QWidget:
        """The editor of a student field by its key (reference.student_fields)."""
        return self._rows[key].editor

    def _set_form(self, form: StudentForm) -> None:
        for key, row in self._rows.items():
            editor: FieldEditor = row.editor  # type: ignore[assignment]
            editor.set_value(form.values.get(key))
        index = self.class_combo.findData(form.school_class_id)
        self.class_combo.setCurrentIndex(max(index, 0))
        family = list(form.family)
        family += [{"id_type": RESIDENT_ID_CARD, "ethnicity": "01"}] * (MIN_MEMBERS - len(family))
        for values in family:
            self.add_member(values)

    def _lock(self) -> None:
        """The fields rules/key_fields.py locks are shown read-only; after graduation the family and the class too,
        and there is nothing to save (R14.2)."""
        for key in self.locked:
            if self.final:
                why = f"学生已{self._form.status}，其原学籍信息不得修改（第十四条）"
            elif key == "national_student_id":
                why = "学籍号一经确定终身不变，不能修改（第十条）"
            else:
                why = "学籍已建立：须办理信息变更，经学籍管理部门核准后修改（第十四条）"
            make_read_only(self._rows[key].editor, why)
            self._rows[key].editor.installEventFilter(self)
        if self.final:
            for member in self.member_forms:
                for row in member.rows.values():
                    make_read_only(row.editor, "学生毕业后，其原学籍信息不得修改（第十四条）")
                member.remove_button.hide()
            self.add_member_button.hide()
            self.class_combo.setEnabled(False)
            self.save_button.setEnabled(False)

    def form(self) -> StudentForm:
        """What the widgets hold, as the service takes it; members left blank are left out."""
        return self._collect()[0]

    def _collect(self) -> tuple[StudentForm, list[MemberForm]]:
        values = {key: row.editor.value() for key, row in self._rows.items()}  # type: ignore[attr-defined]
        members = [m for m in self.member_forms if not m.is_blank()]
        family = [m.values() for m in members]
        form = StudentForm(
            values, family, self.class_combo.currentData(), self._form.status, self._form.enrolment_step
        )
        return form, members

    # ---- checks ---------------------------------------------------------------------------------------------

    def _check_identity(self, *, fill: bool) -> None:
        """A complete 居民身份证 number fills 出生日期 and 性别; a wrong one, or a mismatch, shows at its field."""
        if self._loading:
            return
        for key in _IDENTITY_KEYS:
            self._rows[key].clear()
        if self.editor("id_type").value() != RESIDENT_ID_CARD:  # type: ignore[attr-defined]
            return
        number = normalise_id_number(self.editor("id_number").text())  # type: ignore[attr-defined]
        if len(number) < 18:  # still typing
            return
        if fill:
            try:
                facts = check_id_number(number)
            except IdNumberError as error:
                self._rows["id_number"].show_problem(str(error))
                return
            self._loading = True
            self.editor("birth_date").set_value(facts.birth_date)  # type: ignore[attr-defined]
            self.editor("gender").set_value(facts.gender)  # type: ignore[attr-defined]
            self._loading = False
        for problem in check_form(self.form()):
            if problem.field in _IDENTITY_KEYS:
                self._rows[problem.field].show_problem(problem.message)

    def _row_for(self, field: str) -> _Row | None:
        if field in self._rows:
            return self._rows[field]
        parts = field.split(".")
        if len(parts) == 3 and parts[0] == "family" and parts[1].isdigit():
            number = int(parts[1])
            if 1 <= number <= len(self._sent_members):
                return self._sent_members[number - 1].rows.get(parts[2])
        return None

    def _clear_problems(self) -> None:
        self.problems_label.hide()
        self.family_error.hide()
        for row in self._all_rows():
            row.clear()
        for index in range(self.tabs.count()):
            self.tabs.tabBar().setTabTextColor(index, QColor())  # back to the normal colour

    def _all_rows(self) -> list[_Row]:
        return list(self._rows.values()) + [row for m in self.member_forms for row in m.rows.values()]

    def show_problems(self, problems: list[FieldProblem]) -> None:
        """Each problem under its field, all of them listed on top; the first one's tab comes forward."""
        self._clear_problems()
        lines, first = [], None
        for problem in problems:
            message = (
                problem.message if problem.label in problem.message else f"{problem.label}：{problem.message}"
            )
            lines.append(f"• {message}")
            row = self._row_for(problem.field)
            if row is not None:
                row.show_problem(problem.message)
                tab, focus = row.tab, row.editor
            else:
                tab, focus = self._family_tab, None
                if problem.field == "family":
                    self.family_error.setText(problem.message)
                    self.family_error.show()
            self.tabs.tabBar().setTabTextColor(tab, QColor(ERROR_COLOUR))
            if first is None:
                first = (tab, focus)
        if len(lines) > _LISTED_PROBLEMS:  # the rest are marked in red at their fields and tabs
            lines[_LISTED_PROBLEMS - 1 :] = [f"• 另有{len(problems) - _LISTED_PROBLEMS + 1}处，见各栏红字"]
        self.problems_label.setText("保存不了，请改正：\n" + "\n".join(lines))
        self.problems_label.show()
        if first is not None:
            self.tabs.setCurrentIndex(first[0])
            if first[1] is not None:
                first[1].setFocus()

    # ---- saving ---------------------------------------------------------------------------------------------

    def save(self) -> None:
        """Problems of the record are shown at their fields (the service checks the same, check_form); the rest —
        R12.1's class size, a student deleted meanwhile — through the one runner, warnings confirmed by the clerk."""
        form, self._sent_members = self._collect()
        problems = check_form(form)
        if problems:
            self.show_problems(problems)
            return
        self._clear_problems()

        def saving(confirmed: bool = False) -> int:
            if self._student_id is None:
                return create_student(self._store, form, confirmed=confirmed)
            update_student(self._store, self._student_id, form, confirmed=confirmed)
            return self._student_id

        outcome = run(
            self, "保存学生信息", saving, confirmed=lambda: saving(True), changes={STUDENTS, CLASSES}
        )
        if outcome.ok:
            self.saved_student_id = outcome.value
            self.accept()
