"""名册 tab: the grade → class tree with sizes against R12.1 on the left, the class's students on the right, and a
search box (Ctrl+F) that finds students across the whole school as the clerk types.

A right-click on a student offers 查看, 调班, 办理异动 (the kinds the student's status allows, from the procedures'
registry) and 打印, then 复制 and 导出 Excel… as every table (ui/common/tables.py); a right-click on the header
chooses the columns shown, remembered per user."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xueji_desktop.models import StudentStatus
from xueji_desktop.services import roster, school_setup
from xueji_desktop.services.roster import GradeNode
from xueji_desktop.store import Store
from xueji_desktop.ui.common.messages import show_error
from xueji_desktop.ui.common.operations import (
    CLASSES,
    ENROLMENT,
    PROCEDURES,
    SCHOOL,
    STUDENTS,
    announcer,
    refresh_on,
    run,
)
from xueji_desktop.ui.common.tables import configure_table, remember_columns, table_actions
from xueji_desktop.ui.roster.bulk_edit_dialog import add_button as add_bulk_edit_button
from xueji_desktop.ui.roster.completion_actions import add_roster_actions, add_roster_button
from xueji_desktop.ui.roster.model import RosterTableModel

SEARCH_DELAY_MS = 120  # wait for a pause in typing, then query once
SEARCH_SHOWN = 500  # a search shows its first matches; more typing narrows it (keeps typing fast at 50,000)
LIST_SHOWN = 3000  # a grade or the whole school without a search
OVER_STANDARD = QColor("#b35c00")
OVER_MAXIMUM = QColor("#c0392b")
COLUMN_WIDTHS = (110, 90, 50, 100, 170, 200, 60, 130)
_KIND, _ID = Qt.ItemDataRole.UserRole, Qt.ItemDataRole.UserRole + 1
NAME_COLUMN = 1  # the column that says whose row it is: never hidden


class RosterTab(QWidget):
    """Refreshes itself (tree and list) whenever an operation changed students, classes, the school, 建籍 steps or a
    procedure (a status), wherever in the app it was done."""

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self._sort: tuple[str, bool] = ("school_number", False)

        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["年级 / 班级", "人数"])
        self.tree.setColumnWidth(0, 150)
        self.tree.setMinimumWidth(230)
        self.tree.currentItemChanged.connect(lambda *_: self.refresh_students())

        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText("搜索全校：姓名、拼音（如 zs 或 zhangsan）、身份证件号、学籍号")
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh_students)
        self.search.textChanged.connect(lambda _: self._search_timer.start())

        self.status_filter = QComboBox()
        self.status_filter.addItem("全部状态", "")
        for status in StudentStatus:
            self.status_filter.addItem(status.value, status.value)
        self.status_filter.currentIndexChanged.connect(lambda _: self.refresh_students())

        self.model = RosterTableModel(on_sort=self._sort_by)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        configure_table(self.table, COLUMN_WIDTHS, many=True, title="名册")
        remember_columns(self.table, "roster", always=(NAME_COLUMN,))
        self.table.doubleClicked.connect(self._open_student)
        self.find_shortcut = QShortcut(QKeySequence.StandardKey.Find, self)
        self.find_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.find_shortcut.activated.connect(self.focus_search)

        self.count_label = QLabel()
        add_student = QPushButton("新增学生")
        add_student.clicked.connect(self.add_student)
        import_students = QPushButton("导入新生…")
        import_students.clicked.connect(self.import_students)
        import_existing = QPushButton("导入现有学生…")
        import_existing.setToolTip(
            "导入本校已有学籍号的学生（省级系统导出的本校学生信息表），班级没有的自动新建"
        )
        import_existing.clicked.connect(self.import_existing)
        import_fitness = QPushButton("导入体质健康成绩…")
        import_fitness.setToolTip(
            "导入《国家学生体质健康标准》测试成绩（身份证件号或学籍号、学年、总分、等级）"
        )
        import_fitness.clicked.connect(self.import_fitness)
        move = QPushButton("调班…")
        move.clicked.connect(self.move_selected)
        new_class = QPushButton("新建班级…")
        new_class.clicked.connect(self.new_class)
        rename = QPushButton("重命名班级…")
        rename.clicked.connect(self.rename_class)
        self.print_button = QPushButton("打印 ▾")
        self.print_button.setToolTip("在读证明、学生基本信息表、本班名册、毕业生和录取花名册……")
        self.print_button.clicked.connect(
            lambda: self._pop_print_menu(self.print_button.mapToGlobal(self.print_button.rect().bottomLeft()))
        )
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._pop_student_menu)
        self._printing = None

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.status_filter)
        actions = (
            QHBoxLayout()
        )  # the count has a line of its own: a long search note is not cut by the buttons
        actions.addStretch(1)
        for button in (
            add_student,
            import_students,
            import_existing,
            import_fitness,
            move,
            new_class,
            rename,
            self.print_button,
        ):
            actions.addWidget(button)
        add_bulk_edit_button(self, actions)  # 批量修改… before 打印 (ui/roster/bulk_edit_dialog.py)
        add_roster_button(self, actions)  # 补录模板 ▾ before 打印 (ui/roster/completion_actions.py)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(top)
        right_layout.addWidget(self.table, 1)
        right_layout.addWidget(self.count_label)
        right_layout.addLayout(actions)

        splitter = QSplitter()
        splitter.addWidget(self.tree)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([250, 900])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        refresh_on(self, (STUDENTS, CLASSES, SCHOOL, ENROLMENT, PROCEDURES), self.refresh_tree)

    # --- the tree -------------------------------------------------------------------------------------------------

    def refresh_tree(self, select_class_id: int | None = None) -> None:
        """Rebuild the tree (sizes change with every move) and keep or set the selection."""
        if select_class_id is None:
            kind, current = self._selection()
            select_class_id = current if kind == "class" else None
        grades = roster.class_tree(self.store)
        self.tree.blockSignals(True)
        self.tree.clear()
        school = QTreeWidgetItem(["全校", str(sum(g.size for g in grades))])
        school.setData(0, _KIND, "school")
        self.tree.addTopLevelItem(school)
        to_select = None
        for grade in grades:
            item = self._grade_item(grade)
            school.addChild(item)
            for index in range(item.childCount()):
                if item.child(index).data(0, _ID) == select_class_id:
                    to_select = item.child(index)
        school.setExpanded(True)
        self.tree.blockSignals(False)
        if to_select is None:  # the first class that has students, else the first class
            classes = [
                school.child(g).child(c)
                for g in range(school.childCount())
                for c in range(school.child(g).childCount())
            ]
            to_select = next(
                (c for c in classes if c.text(1).split("/")[0] != "0"), classes[0] if classes else school
            )
        self.tree.setCurrentItem(to_select)

    def _grade_item(self, grade: GradeNode) -> QTreeWidgetItem:
        item = QTreeWidgetItem([grade.name, str(grade.size)])
        item.setData(0, _KIND, "grade")
        item.setData(0, _ID, grade.id)
        for node in grade.classes:
            child = QTreeWidgetItem([node.name, f"{node.size}/{node.limits.standard}"])
            child.setData(0, _KIND, "class")
            child.setData(0, _ID, node.id)
            child.setData(0, Qt.ItemDataRole.UserRole + 2, grade.level)
            if node.size > node.limits.maximum or node.over_standard:
                color = OVER_MAXIMUM if node.size > node.limits.maximum else OVER_STANDARD
                child.setForeground(1, QBrush(color))
                child.setToolTip(
                    1,
                    f"超过标准班额{node.limits.standard}人（《细则》第十二条），上限{node.limits.maximum}人",
                )
            else:
                child.setToolTip(1, f"标准班额{node.limits.standard}人，上限{node.limits.maximum}人")
            item.addChild(child)
        item.setExpanded(bool(grade.classes))
        return item

    def _selection(self) -> tuple[str, int | None]:
        item = self.tree.currentItem()
        if item is None:
            return "school", None
        return item.data(0, _KIND), item.data(0, _ID)

    # --- the table ------------------------------------------------------------------------------------------------

    def refresh_students(self) -> None:
        """Query again with the current tree selection, status filter, search text and sort order."""
        query = self.search.text()
        kind, node_id = self._selection()
        scope: dict[str, int | None] = {}
        if not query.strip():  # a search always spans the whole school
            if kind == "class":
                scope["class_id"] = node_id
            elif kind == "grade":
                scope["grade_id"] = node_id
        shown = SEARCH_SHOWN if query.strip() else LIST_SHOWN
        rows = roster.list_students(
            self.store,
            **scope,
            status=self.status_filter.currentData() or None,
            query=query,
            sort=self._sort[0],
            descending=self._sort[1],
            limit=shown + 1,
        )
        self.model.set_rows(rows[:shown])
        item = self.tree.currentItem()
        where = "全校搜索" if query.strip() else (item.text(0) if item else "全校")
        table_actions(self.table).title = f"名册（{where}）"
        if len(rows) > shown:
            hint = "请输入更多字缩小范围" if query.strip() else "请选择班级或输入搜索"
            self.count_label.setText(f"{where}：超过 {shown} 名，只显示前 {shown} 名（{hint}）")
        else:
            self.count_label.setText(f"{where}：{len(rows)} 名学生")

    def _sort_by(self, key: str, descending: bool) -> None:
        if (key, descending) == self._sort:
            return
        self._sort = (key, descending)
        self.refresh_students()

    def selected_student_ids(self) -> list[int]:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return [self.model.row_at(index.row()).id for index in rows]

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().select(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )

    # --- printing -------------------------------------------------------------------------------------------------

    def printing(self):
        if self._printing is None:
            from xueji_desktop.ui.printing.actions import Printing

            self._printing = Printing(self.store, self)
        return self._printing

    def print_menu(self) -> QMenu:
        """打印: for the chosen students, for the class in the tree, for the whole school."""
        printing = self.printing()
        menu = printing.student_menu(self, self.selected_student_ids)
        chosen = len(self.selected_student_ids())
        for action in menu.actions():
            if not action.isSeparator():
                action.setEnabled(chosen > 0)
        menu.insertSection(
            menu.actions()[0], f"选中的学生（{chosen} 名）" if chosen else "选中的学生（请先在表中选择）"
        )
        kind, node_id = self._selection()
        menu.addSection(
            self.tree.currentItem().text(0)
            if kind == "class" and self.tree.currentItem()
            else "本班（请先在左侧选择班级）"
        )
        for text, action in (
            ("在校生名册", lambda: printing.class_roster(node_id)),
            (
                "在校生名册（存档，含完整身份证件号）",
                lambda: printing.class_roster(node_id, full_id_numbers=True),
            ),
            ("全班学生基本信息表", lambda: printing.class_info_forms(node_id)),
        ):
            menu.addAction(text, action).setEnabled(kind == "class")
        menu.addSection("全校")
        menu.addAction("毕业生花名册…", lambda: printing.year_roster("graduate"))
        menu.addAction("录取花名册…", lambda: printing.year_roster("admission"))
        return menu

    def _pop_print_menu(self, where) -> None:
        menu = self.print_menu()
        menu.exec(where)
        menu.deleteLater()

    # --- the student's right-click menu ---------------------------------------------------------------------------

    def student_menu(self) -> QMenu:
        """查看, 调班, 办理异动 (a kind for each the student's status allows), 打印, then 复制 and 导出 Excel…"""
        from xueji_desktop.services.procedures import all_kinds  # the registry: after the roster painted

        rows = [self.model.row_at(index.row()) for index in self.table.selectionModel().selectedRows()]
        one = rows[0] if len(rows) == 1 else None
        menu = QMenu(self)
        view = menu.addAction("查看…", lambda: one is not None and self.open_student(one.id))
        view.setEnabled(one is not None)
        menu.addAction("调班…", self.move_selected).setEnabled(bool(rows))
        procedures = menu.addMenu("办理异动")
        if one is not None:
            for kind in all_kinds().values():
                if one.status in kind.statuses:
                    procedures.addAction(
                        kind.label, lambda code=kind.code, sid=one.id: self.start_procedure(code, sid)
                    )
        procedures.setEnabled(not procedures.isEmpty())
        if one is None:
            procedures.setToolTip("请只选中一名学生")
        printing = self.print_menu()
        printing.setTitle("打印")
        printing.setParent(menu, printing.windowFlags())
        menu.addMenu(printing)
        add_roster_actions(self, menu)  # 生成补录模板…, 导入补录模板…
        table_actions(self.table).add_to(menu)
        return menu

    def _pop_student_menu(self, point: QPoint) -> None:
        index = self.table.indexAt(point)
        chosen = {i.row() for i in self.table.selectionModel().selectedRows()}
        if index.isValid() and index.row() not in chosen:  # a right-click on another row chooses it
            self.select_row(index.row())
        menu = self.student_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.table.viewport().mapToGlobal(point))

    def start_procedure(self, kind: str, student_id: int):
        """The 异动 wizard of this kind for the student (as the 异动 tab's buttons start it)."""
        from xueji_desktop.ui.status_changes.tab import start_procedure

        return start_procedure(self, self.store, kind, student_id)

    def focus_search(self) -> None:
        """Ctrl+F: to the search box, its text chosen so typing replaces it."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # --- actions --------------------------------------------------------------------------------------------------

    def _open_student(self, index) -> None:
        self.open_student(self.model.row_at(index.row()).id)

    def open_student(self, student_id: int) -> None:
        from xueji_desktop.ui.roster.student_dialog import StudentDialog

        dialog = StudentDialog(self.store, student_id, parent=self)
        dialog.exec()  # a save announces STUDENTS: the tab refreshes from it
        dialog.deleteLater()

    def add_student(self) -> None:
        from xueji_desktop.ui.roster.student_dialog import StudentDialog

        kind, node_id = self._selection()
        dialog = StudentDialog(
            self.store, None, school_class_id=node_id if kind == "class" else None, parent=self
        )
        dialog.exec()

    def import_students(self) -> None:
        from xueji_desktop.ui.importing.wizard import ImportWizard

        ImportWizard(self.store, parent=self).exec()  # the import announces STUDENTS and CLASSES

    def import_existing(self) -> None:
        """导入本校现有学生 (issue 12 §1): every grade, with 学籍号, class and status kept."""
        from xueji_desktop.ui.importing.existing import ExistingImportWizard

        ExistingImportWizard(self.store, parent=self).exec()  # announces STUDENTS and CLASSES

    def import_fitness(self) -> None:
        """导入体质健康成绩 (第二十九条, R29.1): each 学年's results from Excel, shown on each student."""
        from xueji_desktop.ui.importing.fitness import FitnessImportWizard

        FitnessImportWizard(self.store, parent=self).exec()  # announces STUDENTS

    def move_selected(self) -> None:
        ids = self.selected_student_ids()
        if not ids:
            show_error(self, "调班", "请先在名单中选中要调班的学生。")
            return
        classes = [(c.id, c.name) for g in roster.class_tree(self.store) for c in g.classes]
        label, ok = QInputDialog.getItem(
            self, "调班", f"把选中的 {len(ids)} 名学生调到：", [n for _, n in classes], 0, False
        )
        if not ok:
            return
        target = dict((n, i) for i, n in classes)[label]
        self.move_students(ids, target)

    def move_students(self, student_ids: list[int], class_id: int) -> int:
        """Move each student; R12.1 warnings ask once, a block stops the rest. Returns how many moved."""
        moved, confirmed = 0, [False]

        def confirm(student_id: int) -> None:
            confirmed[0] = True
            roster.move_student(self.store, student_id, class_id, confirmed=True)

        for student_id in student_ids:
            outcome = run(
                self,
                "调班",
                lambda s=student_id: roster.move_student(self.store, s, class_id, confirmed=confirmed[0]),
                confirmed=lambda s=student_id: confirm(s),
            )
            if not outcome.ok:
                break
            moved += 1
        if moved:
            announcer().announce({STUDENTS, CLASSES})  # once for all of them
        return moved

    def new_class(self) -> None:
        kind, node_id = self._selection()
        grades = roster.class_tree(self.store)
        if kind == "class":
            node_id = next(g.id for g in grades if any(c.id == node_id for c in g.classes))
        elif kind != "grade":
            names = [g.name for g in grades]
            name, ok = QInputDialog.getItem(self, "新建班级", "年级：", names, 0, False)
            if not ok:
                return
            node_id = grades[names.index(name)].id
        name, ok = QInputDialog.getText(self, "新建班级", "班级名称（留空则按班号自动命名）：")
        if not ok:
            return
        outcome = run(
            self,
            "新建班级",
            lambda: school_setup.create_class(self.store, node_id, name or None),
            changes={CLASSES},
        )
        if outcome.ok:
            self.refresh_tree(outcome.value)  # the new class selected

    def rename_class(self) -> None:
        kind, node_id = self._selection()
        if kind != "class" or node_id is None:
            show_error(self, "重命名班级", "请先在左侧选中一个班级。")
            return
        old = self.tree.currentItem().text(0)
        name, ok = QInputDialog.getText(self, "重命名班级", "新的班级名称：", text=old)
        if not ok:
            return
        run(
            self,
            "重命名班级",
            lambda: school_setup.rename_class(self.store, node_id, name),
            changes={CLASSES},
        )
