"""首次设置: the first-run wizard — the school, the current 学年 and its terms, the classes per grade.

Every page checks its own fields with services.school_setup.check_setup and shows what is wrong next to the field;
the last page creates everything in one transaction (create_school). 「打开演示学校」 closes the wizard with
DEMO_RESULT and `demo_requested` set, writing nothing; the caller opens the demo school.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from xueji_desktop.reference.regions import region_table
from xueji_desktop.services.school_setup import (
    GRADE_NAMES,
    STAGES,
    SchoolSetup,
    SetupError,
    check_setup,
    create_school,
    default_class_name,
)
from xueji_desktop.store import Store
from xueji_desktop.ui.common.field_errors import error_label, show_error, with_error
from xueji_desktop.ui.common.region_picker import RegionPicker

WINDOW_TITLE = "学籍桌面 — 首次设置"
DEFAULT_REGION = "140406"  # 山西省长治市潞城区: the regulation is 潞城区's
DEFAULT_AUTHORITY = "长治市潞城区教育局"
DEFAULT_CLASSES = 2
REGION_PROBLEM = "请选择所在地行政区划（省、市、县）"
DATE_FORMAT = "yyyy年M月d日"
# grades shown side by side: 一至六年级 | 七至九年级 | 高一至高三
GRADE_COLUMNS = (("一至六年级", range(1, 7)), ("七至九年级", range(7, 10)), ("高一至高三", range(10, 13)))


def default_start_year(today: date) -> int:
    """The 学年 that today belongs to; a day in the summer holiday (after 7月10日) counts for the coming one."""
    return today.year if (today.month, today.day) > (7, 10) else today.year - 1


def default_terms(start_year: int) -> tuple[date, date, date, date]:
    return (
        date(start_year, 9, 1),
        date(start_year + 1, 1, 20),
        date(start_year + 1, 2, 20),
        date(start_year + 1, 7, 10),
    )


def describe_classes(counts: dict[int, int]) -> str:
    """一年级至六年级各2个班；七年级3个班 — runs of grades with the same number of classes told once."""
    runs: list[list[int]] = []
    for level in sorted(counts):
        if runs and runs[-1][-1] == level - 1 and counts[runs[-1][0]] == counts[level]:
            runs[-1].append(level)
        else:
            runs.append([level])
    parts = []
    for run in runs:
        count = counts[run[0]]
        if len(run) == 1:
            grades, amount = GRADE_NAMES[run[0]], f"{count}个班"
        else:
            grades, amount = f"{GRADE_NAMES[run[0]]}至{GRADE_NAMES[run[-1]]}", f"各{count}个班"
        parts.append(f"{grades}{amount if count else '暂不建班'}")
    return "；".join(parts)


def _day(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


class SchoolPage(QWizardPage):
    """学校信息: name, 学校标识码, 学段, region, authority, principal, registrar."""

    # each field's problems are the check_setup messages that name it
    KEYWORDS = {
        "name": "学校名称",
        "code": "学校标识码",
        "stage": "学段",
        "region": "行政区划",
        "authority": "学籍管理部门",
        "principal": "校长",
        "registrar": "学籍管理员",
    }

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle("学校信息")
        self.setSubTitle("填写本校的基本信息，与全国中小学生学籍信息管理系统中的登记保持一致。")
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("例如：潞城区实验小学")
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("10位数字")
        self.code_edit.setMaxLength(10)
        self.code_edit.setValidator(QRegularExpressionValidator(r"[0-9]{0,10}", self.code_edit))
        self.stage_combo = QComboBox()
        self.stage_combo.setPlaceholderText("请选择学段")
        for key, (label, _levels) in STAGES.items():
            self.stage_combo.addItem(label, key)
        self.stage_combo.setCurrentIndex(-1)
        self.region_picker = RegionPicker()
        self.region_picker.set_code(DEFAULT_REGION)
        self.authority_edit = QLineEdit(DEFAULT_AUTHORITY)
        self._suggested_authority = DEFAULT_AUTHORITY
        self.principal_edit = QLineEdit()
        self.registrar_edit = QLineEdit()
        self.errors = {key: error_label() for key in self.KEYWORDS}

        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(10)
        rows = (
            ("学校名称", "name", self.name_edit),
            ("学校标识码", "code", self.code_edit),
            ("学段", "stage", self.stage_combo),
            ("所在地行政区划", "region", self.region_picker),
            ("学籍管理部门", "authority", self.authority_edit),
            ("校长", "principal", self.principal_edit),
            ("学籍管理员", "registrar", self.registrar_edit),
        )
        for label, key, field in rows:
            form.addRow(f"{label}：", with_error(field, self.errors[key]))

        for key, edit in (
            ("name", self.name_edit),
            ("code", self.code_edit),
            ("authority", self.authority_edit),
            ("principal", self.principal_edit),
            ("registrar", self.registrar_edit),
        ):
            edit.textEdited.connect(lambda _text, k=key: self.errors[k].hide())
        self.stage_combo.currentIndexChanged.connect(lambda _index: self.errors["stage"].hide())
        self.region_picker.changed.connect(self._on_region)

    def stage(self) -> str:
        return self.stage_combo.currentData() or ""

    def _on_region(self, _code: str) -> None:
        self.errors["region"].hide()
        suggestion = self._authority_for_region()
        # follow the region only while the clerk has not typed their own authority
        if suggestion and self.authority_edit.text() == self._suggested_authority:
            self.authority_edit.setText(suggestion)
            self._suggested_authority = suggestion

    def _authority_for_region(self) -> str:
        if not self.region_picker.is_complete():
            return ""
        path = region_table().path(self.region_picker.code())
        names = [r.name for r in path[1:] if r.name not in ("市辖区", "县", "省直辖县级行政区划")]
        if len(path) > 1 and path[1].name == "市辖区":  # 北京市东城区
            names.insert(0, path[0].name)
        return "".join(names) + "教育局"

    def show_problems(self, problems: list[str]) -> bool:
        """Put each problem next to its field; True when this page has none."""
        mine = False
        for key, keyword in self.KEYWORDS.items():
            messages = [p for p in problems if keyword in p]
            show_error(self.errors[key], messages)
            mine = mine or bool(messages)
        return not mine

    def validatePage(self) -> bool:
        return self.show_problems(self.wizard().problems())


class YearPage(QWizardPage):
    """学年与学期: the current school year and both terms' dates, set by the school."""

    def __init__(self, start_year: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle("学年与学期")
        self.setSubTitle("各学期的起止日期由学校确定，用于判断当前学期和计算各项办理期限。")
        self.year_combo = QComboBox()
        for year in range(start_year - 3, start_year + 3):
            self.year_combo.addItem(f"{year}-{year + 1}学年", year)
        self.year_combo.setCurrentIndex(self.year_combo.findData(start_year))
        self._shown_year = start_year
        dates = default_terms(start_year)
        self.term1_start, self.term1_end, self.term2_start, self.term2_end = (
            self._date_edit(d) for d in dates
        )
        self.error = error_label()

        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        year_form = QFormLayout()
        year_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        year_form.addRow("当前学年：", self.year_combo)
        layout.addLayout(year_form)
        for title, start, end in (
            ("第一学期（秋季学期）", self.term1_start, self.term1_end),
            ("第二学期（春季学期）", self.term2_start, self.term2_end),
        ):
            group = QGroupBox(title)
            form = QFormLayout(group)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
            form.addRow("开始日期：", start)
            form.addRow("结束日期：", end)
            layout.addWidget(group)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.year_combo.currentIndexChanged.connect(self._on_year)
        for edit in self.date_edits:
            edit.dateChanged.connect(lambda _date: self.error.hide())

    @property
    def date_edits(self) -> tuple[QDateEdit, QDateEdit, QDateEdit, QDateEdit]:
        return self.term1_start, self.term1_end, self.term2_start, self.term2_end

    def start_year(self) -> int:
        return int(self.year_combo.currentData())

    def dates(self) -> tuple[date, date, date, date]:
        return tuple(edit.date().toPython() for edit in self.date_edits)  # type: ignore[return-value]

    def _date_edit(self, value: date) -> QDateEdit:
        edit = QDateEdit(QDate(value.year, value.month, value.day))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat(DATE_FORMAT)
        edit.setMinimumWidth(160)
        return edit

    def _on_year(self, _index: int) -> None:
        """Move the terms with the year, keeping the months and days the clerk set."""
        delta = self.start_year() - self._shown_year
        self._shown_year = self.start_year()
        for edit in self.date_edits:
            edit.setDate(edit.date().addYears(delta))

    def show_problems(self, problems: list[str]) -> bool:
        messages = [p for p in problems if "学期" in p]
        show_error(self.error, messages)
        return not messages

    def validatePage(self) -> bool:
        return self.show_problems(self.wizard().problems())


class ClassesPage(QWizardPage):
    """班级: how many classes each grade of the chosen stage starts with."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle("班级")
        self.setSubTitle("填写每个年级现有的班级数。")
        self.spins: dict[int, QSpinBox] = {}
        self._counts: dict[int, int] = {}  # kept when the clerk goes back and changes the stage
        note = QLabel(
            "班级按「一年级(1)班」的形式命名。以后可以在「名册」中随时增加班级或修改班级名称，这里的数目不必一次定准。"
        )
        note.setWordWrap(True)
        self.columns = QHBoxLayout()
        self.columns.setSpacing(12)
        self.total = QLabel()
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(note)
        layout.addLayout(self.columns)
        layout.addWidget(self.total)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self._counts.update(self.classes_per_grade())
        while self.columns.count():
            widget = self.columns.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.spins = {}
        levels = STAGES[self.wizard().school_page.stage()][1]
        for title, column_levels in GRADE_COLUMNS:
            shown = [level for level in column_levels if level in levels]
            if not shown:
                continue
            group = QGroupBox(f"{title}班级数")
            form = QFormLayout(group)
            for level in shown:
                spin = QSpinBox()
                spin.setObjectName(f"classes_{level}")
                spin.setToolTip("班级数")
                spin.setRange(0, 30)
                spin.setSuffix(" 个班")
                spin.setValue(self._counts.get(level, DEFAULT_CLASSES))
                spin.valueChanged.connect(self._update_total)
                form.addRow(f"{GRADE_NAMES[level]}：", spin)
                self.spins[level] = spin
            self.columns.addWidget(group, 0, Qt.AlignmentFlag.AlignTop)
        self.columns.addStretch(1)
        self._update_total()

    def classes_per_grade(self) -> dict[int, int]:
        return {level: spin.value() for level, spin in self.spins.items()}

    def _update_total(self) -> None:
        counts = self.classes_per_grade()
        self.total.setText(f"合计：{len(counts)}个年级，{sum(counts.values())}个班级")


class SummaryPage(QWizardPage):
    """完成: what will be created; 「完成」 creates it or says in a line what stops it."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle("完成")
        self.setSubTitle("请核对以下信息。点击「完成」后将创建学校、当前学年、各年级和班级。")
        self.values: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setVerticalSpacing(8)
        for label in (
            "学校名称",
            "学校标识码",
            "学段",
            "所在地",
            "学籍管理部门",
            "校长",
            "学籍管理员",
            "当前学年",
            "第一学期",
            "第二学期",
            "年级与班级",
            "各年级班级数",
        ):
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(f"{label}：", value)
            self.values[label] = value
        self.error = error_label()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def initializePage(self) -> None:
        wizard: SetupWizard = self.wizard()  # type: ignore[assignment]
        setup = wizard.setup()
        self.error.hide()
        counts = setup.classes_per_grade
        texts = {
            "学校名称": setup.name,
            "学校标识码": setup.code,
            "学段": STAGES[setup.stage][0] if setup.stage in STAGES else "",
            "所在地": region_table().full_name(setup.region_code),
            "学籍管理部门": setup.authority,
            "校长": setup.principal,
            "学籍管理员": setup.registrar,
            "当前学年": f"{setup.start_year}-{setup.start_year + 1}学年",
            "第一学期": f"{_day(setup.term1_start)} 至 {_day(setup.term1_end)}",
            "第二学期": f"{_day(setup.term2_start)} 至 {_day(setup.term2_end)}",
            "年级与班级": f"{len(counts)}个年级，{sum(counts.values())}个班级",
            "各年级班级数": describe_classes(counts),
        }
        for label, text in texts.items():
            self.values[label].setText(text)
        first = next((level for level, count in setup.classes_per_grade.items() if count), None)
        if first is not None:
            self.values["各年级班级数"].setToolTip(f"例如：{default_class_name(GRADE_NAMES[first], 1)}")

    def validatePage(self) -> bool:
        wizard: SetupWizard = self.wizard()  # type: ignore[assignment]
        problems = wizard.problems()
        if not problems:
            try:
                wizard.create()
            except SetupError as error:
                problems = [str(error)]
        show_error(self.error, problems)
        return not problems


class SetupWizard(QWizard):
    """Shown on first start; `exec()` is Accepted once the school exists, DEMO_RESULT when the demo was asked for."""

    DEMO_RESULT = 2

    def __init__(self, store: Store, parent: QWidget | None = None, today: date | None = None):
        super().__init__(parent)
        self.store = store
        self.today = today or date.today()
        self.demo_requested = False
        self.created = False
        self.setWindowTitle(WINDOW_TITLE)
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setLocale(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        self.setMinimumSize(760, 600)
        self.school_page = SchoolPage()
        self.year_page = YearPage(default_start_year(self.today))
        self.classes_page = ClassesPage()
        self.summary_page = SummaryPage()
        from xueji_desktop.ui.importing.existing import SetupImportPage

        # 导入本校现有学生 (issue 12 §1), optional: 完成 on the summary creates the school and skips it
        self.import_page = SetupImportPage(lambda: self.store)
        self.summary_page.setFinalPage(True)
        self.summary_page.setCommitPage(True)  # the school is created there: no going back to change it
        for page in (
            self.school_page,
            self.year_page,
            self.classes_page,
            self.summary_page,
            self.import_page,
        ):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.CommitButton, "创建学校并导入现有学生")
        self.setButtonText(QWizard.WizardButton.CustomButton1, "打开演示学校")
        self.setButtonLayout(
            [
                QWizard.WizardButton.CustomButton1,
                QWizard.WizardButton.Stretch,
                QWizard.WizardButton.BackButton,
                QWizard.WizardButton.NextButton,
                QWizard.WizardButton.CommitButton,
                QWizard.WizardButton.FinishButton,
                QWizard.WizardButton.CancelButton,
            ]
        )
        self.button(QWizard.WizardButton.CustomButton1).setToolTip(
            "先看看软件的样子：在临时文件夹中打开一所演示学校，不会写入本数据文件夹"
        )
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.customButtonClicked.connect(self._on_custom_button)
        self.currentIdChanged.connect(self._show_demo_button)
        self._show_demo_button(self.startId())

    def setup(self) -> SchoolSetup:
        """The values on all pages as the service takes them."""
        school, year = self.school_page, self.year_page
        term1_start, term1_end, term2_start, term2_end = year.dates()
        return SchoolSetup(
            name=school.name_edit.text().strip(),
            code=school.code_edit.text().strip(),
            stage=school.stage(),
            region_code=school.region_picker.code(),
            authority=school.authority_edit.text().strip(),
            principal=school.principal_edit.text().strip(),
            registrar=school.registrar_edit.text().strip(),
            start_year=year.start_year(),
            term1_start=term1_start,
            term1_end=term1_end,
            term2_start=term2_start,
            term2_end=term2_end,
            classes_per_grade=self.classes_page.classes_per_grade(),
        )

    def problems(self) -> list[str]:
        """check_setup's findings, plus a region chosen only down to 省 or 市 (the service sees six digits either way)."""
        problems = check_setup(self.setup())
        if not self.school_page.region_picker.is_complete() and REGION_PROBLEM not in problems:
            problems.append(REGION_PROBLEM)
        return problems

    def create(self) -> None:
        if not self.created:
            create_school(self.store, self.setup())
            self.created = True

    def request_demo(self) -> None:
        self.demo_requested = True
        self.done(self.DEMO_RESULT)

    def done(self, result: int) -> None:
        # QWizard.done validates the current page for any result but Rejected; the demo skips that, writing nothing
        if self.demo_requested:
            QDialog.done(self, result)
        else:
            super().done(result)

    def _on_custom_button(self, which: int) -> None:
        if which == QWizard.WizardButton.CustomButton1.value:
            self.request_demo()

    def _show_demo_button(self, page_id: int) -> None:
        # with a custom button layout QWizard shows every listed button; hiding it is up to us
        self.button(QWizard.WizardButton.CustomButton1).setVisible(page_id == self.startId())
