"""「查阅登记」 (第三十五条) and 「纸质档案存放位置」 (第五条): the archive's two registers (services.archive_register).

查阅登记 shows the register, newest first, with a guardian's ID number masked, and a form to add a consultation; a
refusal (no 介绍信 or guardian's papers, copies without the authority's written approval …) is shown with its article
and nothing is saved. 纸质档案存放位置 lists each paper file with the place it is kept now; a move is registered as a
new place, and the selected file's earlier places are listed under it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from xueji_desktop.rules.confidentiality import BASES, GUARDIAN_BASES, LETTER
from xueji_desktop.services import archive_register
from xueji_desktop.services.archive_register import (
    SCHOOL_ARCHIVE,
    SCHOOL_ITEMS,
    STUDENT_ITEMS,
    Consultation,
    PaperPlace,
)
from xueji_desktop.store import Store
from xueji_desktop.ui.common.operations import ARCHIVE, run
from xueji_desktop.ui.common.student_picker import StudentPicker
from xueji_desktop.ui.common.tables import RowsModel, table_view

CONSULTATION_TITLE = "查阅登记"
PLACE_TITLE = "纸质档案存放位置"
NOTE_STYLE = "QLabel { color: #555555; }"
PICKER_ROWS = 4
BASIS_HINTS = {
    LETTER: "介绍信编号（如 潞公函〔2026〕12号）",
    **{basis: "监护人出示的证件号码（列表中隐去中间数字）" for basis in GUARDIAN_BASES},
}
APPROVAL_HINT = "学籍管理部门书面批准文号（如 潞教学籍〔2026〕12号）"


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(NOTE_STYLE)
    return label


class TipsModel(RowsModel):
    """RowsModel whose cells also give their text as a tooltip: a long 单位 or 查阅内容 cut short can still be read."""

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.ToolTipRole:
            role = Qt.ItemDataRole.DisplayRole
        return super().data(index, role)


def _table(model: RowsModel, widths: tuple[int, ...]) -> QTableView:
    view = table_view(model, widths)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    return view


class ConsultationDialog(QDialog):
    """查阅登记簿 (R35.1): the register, newest first, and a form to register a consultation."""

    registered = Signal(int)  # the new entry's id

    def __init__(
        self,
        store: Store,
        parent: QWidget | None = None,
        *,
        student_id: int | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.student_id = student_id
        self.today = today or date.today()
        self.setWindowTitle(CONSULTATION_TITLE)
        self.resize(1180, 780)

        intro = QLabel(
            "依据《细则》第三十五条：学籍信息保密，非经学籍管理部门书面批准，一律不得向外提供。查阅学生学籍信息，"
            "须提供查阅单位介绍信或学生监护人户口本、身份证等证件，并在这里登记；复制或带出任何材料，须登记学籍管理部门的"
            "书面批准文号。登记后不能修改或删除。"
        )
        intro.setWordWrap(True)
        self.model = TipsModel(
            [
                ("日期", lambda c: c.on.isoformat()),
                ("查阅人", lambda c: c.visitor),
                ("单位", lambda c: c.organisation),
                ("依据", lambda c: c.basis),
                ("依据编号", lambda c: c.basis_number_shown),
                ("学生", lambda c: c.student_name or "—"),
                ("查阅内容", lambda c: c.what),
                ("复制带出", lambda c: "是" if c.copies_out else "否"),
                ("批准文号", lambda c: c.approval_number),
                ("经办人", lambda c: c.actor),
            ]
        )
        self.table = _table(self.model, (92, 70, 140, 110, 150, 70, 180, 68, 150))
        scope = "该学生的查阅记录" if student_id is not None else "全部查阅记录"
        self.table_title = QLabel(f"查阅登记簿（{scope}，最新在上）")

        self.on = QDateEdit(QDate(self.today.year, self.today.month, self.today.day))
        self.on.setCalendarPopup(True)
        self.on.setDisplayFormat("yyyy-MM-dd")
        self.on.setMaximumDate(QDate(self.today.year, self.today.month, self.today.day))
        self.visitor = QLineEdit()
        self.visitor.setPlaceholderText("查阅人姓名")
        self.organisation = QLineEdit()
        self.basis = QComboBox()
        self.basis.addItems(BASES)
        self.basis_number = QLineEdit()
        self.picker = StudentPicker(store, none_label="（不限于某一学生，如全校统计数据）", rows=PICKER_ROWS)
        self.what = QLineEdit()
        self.what.setPlaceholderText("如：学生基本信息、转学材料、在校生分班名册")
        self.copies_out = QCheckBox("复制或带出了材料（须经学籍管理部门书面批准）")
        self.approval_number = QLineEdit()
        self.approval_number.setPlaceholderText(APPROVAL_HINT)

        left = QFormLayout()
        left.addRow("查阅日期", self.on)
        left.addRow("查阅人", self.visitor)
        left.addRow("查阅单位", self.organisation)
        left.addRow("查阅依据", self.basis)
        left.addRow("依据编号", self.basis_number)
        self.right = QFormLayout()
        self.right.addRow("涉及学生", self.picker)
        self.right.addRow("查阅内容", self.what)
        self.right.addRow("", self.copies_out)
        self.right.addRow("批准文号", self.approval_number)
        columns = QHBoxLayout()
        columns.addLayout(left, 2)
        columns.addSpacing(16)
        columns.addLayout(self.right, 3)
        form = QGroupBox("登记一次查阅")
        form.setLayout(columns)

        self.save_button = QPushButton("登记")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.export_button = QPushButton("导出登记簿…")
        self.export_button.setToolTip("导出为 Excel 文件（身份证件号隐去中间数字），打印后归入学校学籍档案")
        self.export_button.clicked.connect(self.export)
        close = QPushButton("关闭")
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table_title)
        layout.addWidget(self.table, 1)
        layout.addWidget(form)
        layout.addLayout(buttons)

        self.basis.currentTextChanged.connect(self._basis_changed)
        self.copies_out.toggled.connect(self._copies_changed)
        if student_id is not None:
            self.picker.select(student_id)
            self.picker.setEnabled(False)
        self._basis_changed(self.basis.currentText())
        self._copies_changed(False)
        self.refresh()

    def _basis_changed(self, basis: str) -> None:
        self.basis_number.setPlaceholderText(BASIS_HINTS.get(basis, "（可不填）"))
        self.organisation.setPlaceholderText(
            "出具介绍信的单位"
            if basis == LETTER
            else "监护人查阅可不填"
            if basis in GUARDIAN_BASES
            else "（可不填）"
        )

    def _copies_changed(self, checked: bool) -> None:
        self.right.setRowVisible(self.approval_number, checked)

    def refresh(self) -> None:
        self.model.set_rows(archive_register.consultations(self.store, student_id=self.student_id))

    def rows(self) -> list[Consultation]:
        return list(self.model._rows)  # type: ignore[arg-type]

    def save(self) -> int | None:
        """Register the form's consultation; a refusal is shown with its article and nothing is saved."""
        on = self.on.date().toPython()
        outcome = run(
            self,
            CONSULTATION_TITLE,
            lambda: archive_register.register_consultation(
                self.store,
                on=on,
                visitor=self.visitor.text(),
                organisation=self.organisation.text(),
                basis=self.basis.currentText(),
                basis_number=self.basis_number.text(),
                student_id=self.picker.student_id(),
                what=self.what.text(),
                copies_out=self.copies_out.isChecked(),
                approval_number=self.approval_number.text() if self.copies_out.isChecked() else "",
            ),
            changes={ARCHIVE},
            not_done="没有登记",
        )
        if not outcome.ok:
            return None
        entry_id = outcome.value
        for field in (self.visitor, self.organisation, self.basis_number, self.what, self.approval_number):
            field.clear()
        self.copies_out.setChecked(False)
        if self.student_id is None:  # the next visitor asks about someone else
            self.picker.search.clear()
            self.picker.select(None)
        self.refresh()
        self.table.selectRow(next((n for n, c in enumerate(self.rows()) if c.id == entry_id), 0))
        self.registered.emit(entry_id)
        return entry_id

    def export(self) -> Path | None:
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            "导出查阅登记簿",
            str(Path.home() / f"查阅登记簿_{self.today:%Y%m%d}.xlsx"),
            "Excel 文件 (*.xlsx)",
        )
        if not chosen:
            return None
        out = Path(chosen) if chosen.lower().endswith(".xlsx") else Path(f"{chosen}.xlsx")
        outcome = run(
            self, CONSULTATION_TITLE, lambda: archive_register.export_consultations(self.store, out)
        )
        if not outcome.ok:
            return None
        path = outcome.value
        QMessageBox.information(self, CONSULTATION_TITLE, f"查阅登记簿已导出到：\n{path}")
        return path


class PaperPlaceDialog(QDialog):
    """纸质档案存放位置 (R5.1): each paper file with the place in force; registering a place or a move."""

    saved = Signal(int)  # the new entry's id

    def __init__(self, store: Store, parent: QWidget | None = None, *, student_id: int | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.student_id = student_id
        self.setWindowTitle(PLACE_TITLE)
        self.resize(1000, 760)

        intro = QLabel(
            "依据《细则》第五条：学校学籍档案和学生学籍档案都包括电子档案和纸质档案，纸质档案由学籍管理员负责管理。"
            "这里登记每份纸质档案放在哪里；档案移动后登记新的位置，原来的位置保留在存放记录中。"
        )
        intro.setWordWrap(True)
        self.model = TipsModel(
            [
                ("档案", lambda p: p.archive),
                ("学生", lambda p: p.student_name or "—"),
                ("材料", lambda p: p.item),
                ("现存放位置", lambda p: p.place),
                ("登记时间", lambda p: f"{p.current.created_at:%Y-%m-%d %H:%M}"),
                ("经办人", lambda p: p.current.actor),
            ]
        )
        self.table = _table(self.model, (110, 80, 260, 250, 140))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_selected())
        self.history_model = RowsModel(
            [
                ("存放位置", lambda e: e.place),
                ("登记时间", lambda e: f"{e.created_at:%Y-%m-%d %H:%M}"),
                ("经办人", lambda e: e.actor),
                ("状态", lambda e: "现存放于此" if e is self._current_entry() else "已移出"),
            ]
        )
        self.history_table = _table(self.history_model, (300, 140, 100))
        self.history_title = QLabel("所选档案的存放记录（最新在上）")

        self.picker = StudentPicker(store, none_label=f"{SCHOOL_ARCHIVE}（不属于某一学生）", rows=PICKER_ROWS)
        self.item = QComboBox()
        self.item.setEditable(True)
        self.item.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.item.lineEdit().setPlaceholderText("选择或填写，如 在校生分班名册 2026-2027学年第一学期")
        self.place = QLineEdit()
        self.place.setPlaceholderText("如：档案室 · 3号柜 · 第2层 · 12盒")
        form_layout = QFormLayout()
        form_layout.addRow("属于", self.picker)
        form_layout.addRow("材料", self.item)
        form_layout.addRow("存放位置", self.place)
        form_layout.addRow("", _note("选中上面表格中的一份档案可登记它移到的新位置。"))
        form = QGroupBox("登记存放位置或移动")
        form.setLayout(form_layout)

        self.save_button = QPushButton("保存位置")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        close = QPushButton("关闭")
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.history_title)
        layout.addWidget(self.history_table, 1)
        layout.addWidget(form)
        layout.addLayout(buttons)

        self.picker.changed.connect(self._offer_items)
        if student_id is not None:
            self.picker.select(student_id)
            self.picker.setEnabled(False)
        self._offer_items()
        self.refresh()

    def _offer_items(self) -> None:
        typed = self.item.currentText().strip()
        self.item.clear()
        self.item.addItems(SCHOOL_ITEMS if self.picker.student_id() is None else STUDENT_ITEMS)
        offered = typed in SCHOOL_ITEMS or typed in STUDENT_ITEMS  # an item the clerk typed stays
        self.item.setCurrentText(self.item.itemText(0) if offered or not typed else typed)

    def places(self) -> list[PaperPlace]:
        return list(self.model._rows)  # type: ignore[arg-type]

    def refresh(self, select: int | None = None) -> None:
        """Read the places again and select the file whose newest entry is `select` (else the first)."""
        self.model.set_rows(archive_register.paper_places(self.store, student_id=self.student_id))
        places = self.places()
        row = next((n for n, p in enumerate(places) if p.current.id == select), 0)
        if places:
            self.table.selectRow(row)
        self._show_selected()

    def selected(self) -> PaperPlace | None:
        rows = self.table.selectionModel().selectedRows()
        return self.places()[rows[0].row()] if rows else None

    def _current_entry(self) -> object:
        chosen = self.selected()
        return chosen.current if chosen else None

    def _show_selected(self) -> None:
        chosen = self.selected()
        self.history_model.set_rows(list(chosen.history) if chosen else [])
        if chosen is None:
            self.history_title.setText("所选档案的存放记录（最新在上）")
            return
        owner = chosen.student_name or SCHOOL_ARCHIVE
        self.history_title.setText(
            f"「{owner} · {chosen.item}」的存放记录（最新在上，共 {len(chosen.history)} 条）"
        )
        if self.student_id is None:
            self.picker.select(chosen.student_id)
        self.item.setCurrentText(chosen.item)
        self.place.setText(chosen.place)
        self.place.selectAll()

    def save(self) -> int | None:
        outcome = run(
            self,
            PLACE_TITLE,
            lambda: archive_register.set_paper_place(
                self.store,
                student_id=self.picker.student_id(),
                item=self.item.currentText(),
                place=self.place.text(),
            ),
            changes={ARCHIVE},
            not_done="没有保存",
        )
        if not outcome.ok:
            return None
        entry_id = outcome.value
        self.refresh(select=entry_id)
        self.saved.emit(entry_id)
        return entry_id
