"""What each kind of procedure asks the clerk on the wizard's 「办理信息」 page, and the service call it makes.

One small class per kind: the widgets it shows, the proofs it requires for the answers given, and the service that
opens it. The rules themselves live in rules/ and are applied by the services; nothing here decides anything.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QDoubleSpinBox, QFormLayout, QLabel, QLineEdit

from xueji_desktop.services import (
    attendance,
    information_changes,
    roster,
    suspensions,
    transfers,
    withdrawals,
)
from xueji_desktop.services.attachments import ProofFile
from xueji_desktop.services.procedures import Decision
from xueji_desktop.store import Store


def date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def value_of(edit: QDateEdit) -> date:
    chosen = edit.date()
    return date(chosen.year(), chosen.month(), chosen.day())


class ProcedureForm(ABC):
    key = ""
    label = ""
    statuses: tuple[str, ...] = ("在读",)  # who can start it
    intro = ""
    picks_student = True  # False: the student is not ours yet (转入), the form asks who it is

    def student_name(self) -> str:
        return ""

    def __init__(self, store: Store, today: date) -> None:
        self.store = store
        self.today = today

    @abstractmethod
    def build(self, form: QFormLayout, student_id: int) -> None:
        """Add the procedure's own questions to the 办理信息 page."""

    @abstractmethod
    def requirements(self) -> list[tuple[str, ...]]:
        """The proofs the answers given call for (each a tuple of alternatives)."""

    @abstractmethod
    def submit(self, student_id: int, proofs: Sequence[ProofFile], decision: Decision) -> int:
        """Open the procedure through its service (Decision(preview=True): only the findings); its id."""


class SuspensionForm(ProcedureForm):
    key, label = "suspension", "休学"
    intro = "依据《细则》第二十一条、第二十二条：因病需停课治疗休养占一学期总学时三分之一以上，或本人其他不可抗拒原因，可申请休学；休学期限原则上为一年。"

    def build(self, form: QFormLayout, student_id: int) -> None:
        self.reason = QComboBox()
        self.reason.addItems([reason.value for reason in suspensions.SuspensionReason])
        self.share = QDoubleSpinBox()
        self.share.setRange(0, 100)
        self.share.setValue(50)
        self.share.setSuffix(" %")
        self.start = date_edit(self.today)
        self.end = date_edit(suspensions.default_end(self.today))
        self.start.dateChanged.connect(
            lambda _: self.end.setDate(_qdate(suspensions.default_end(value_of(self.start))))
        )
        self.reason.currentIndexChanged.connect(
            lambda _: self.share.setEnabled(self._reason() is suspensions.SuspensionReason.ILLNESS)
        )
        form.addRow("休学原因", self.reason)
        form.addRow("停课治疗占本学期总学时", self.share)
        form.addRow("休学开始日期", self.start)
        form.addRow("休学截止日期（默认一年）", self.end)

    def _reason(self) -> suspensions.SuspensionReason:
        return suspensions.SuspensionReason(self.reason.currentText())

    def requirements(self) -> list[tuple[str, ...]]:
        return suspensions.required_proofs(self._reason())

    def submit(self, student_id: int, proofs: Sequence[ProofFile], decision: Decision) -> int:
        illness = self._reason() is suspensions.SuspensionReason.ILLNESS
        return suspensions.open_suspension(
            self.store,
            student_id,
            reason=self._reason(),
            start=value_of(self.start),
            end=value_of(self.end),
            illness_share_of_term=self.share.value() / 100 if illness else None,
            proofs=proofs,
            decision=decision,
            today=self.today,
        )


class ExtensionForm(ProcedureForm):
    key, label = "suspension_extension", "延长休学"
    statuses = ("休学",)
    intro = "依据《细则》第二十二条：休学期满仍不能复学的，凭县级以上医疗单位病历或其他相关证明申请延长休学期，最多可休学两年。"

    def build(self, form: QFormLayout, student_id: int) -> None:
        with self.store.read() as session:
            period = suspensions.current_period(session, student_id)
        current = period.end if period else self.today
        self.end = date_edit(suspensions.add_years(current, 1))
        form.addRow("目前休学截止日期", QLabel(f"{current:%Y-%m-%d}"))
        form.addRow("延长至", self.end)

    def requirements(self) -> list[tuple[str, ...]]:
        return suspensions.extension_proofs()

    def submit(self, student_id: int, proofs: Sequence[ProofFile], decision: Decision) -> int:
        return suspensions.open_extension(
            self.store,
            student_id,
            new_end=value_of(self.end),
            proofs=proofs,
            decision=decision,
            today=self.today,
        )


class ResumptionForm(ProcedureForm):
    key, label = "resumption", "复学"
    statuses = ("休学",)
    intro = "依据《细则》第二十二条：复学时可根据本人和监护人要求回原年级就读，也可以到下一年级就读。"

    def build(self, form: QFormLayout, student_id: int) -> None:
        self.class_box = class_choice(self.store, student_id)
        self.on = date_edit(self.today)
        form.addRow("复学到班级", self.class_box)
        form.addRow("复学日期", self.on)

    def requirements(self) -> list[tuple[str, ...]]:
        return suspensions.resumption_proofs()

    def submit(self, student_id: int, proofs: Sequence[ProofFile], decision: Decision) -> int:
        return suspensions.open_resumption(
            self.store,
            student_id,
            to_class_id=self.class_box.currentData(),
            on=value_of(self.on),
            proofs=proofs,
            decision=decision,
            today=self.today,
        )


class WithdrawalForm(ProcedureForm):
    key, label = "withdrawal", "退学"
    statuses = ("在读", "休学")
    intro = (
        "依据《细则》第二十三条：义务教育阶段除丧失学习能力或出境定居外，不允许学生退学，学校不得劝退、开除学生；"
        "第二十四条：普通高中学生可因所列四种情形申请退学。"
    )

    def build(self, form: QFormLayout, student_id: int) -> None:
        self.reason = QComboBox()
        self.reason.addItems([reason.value for reason in withdrawals.WithdrawalReason])
        self.approved_by = QComboBox()
        self.approved_by.addItems([body.value for body in withdrawals.ApprovingBody])
        form.addRow("退学原因", self.reason)
        form.addRow("批准机关", self.approved_by)

    def requirements(self) -> list[tuple[str, ...]]:
        return withdrawals.required_proofs(withdrawals.WithdrawalReason(self.reason.currentText()))

    def submit(self, student_id: int, proofs: Sequence[ProofFile], decision: Decision) -> int:
        return withdrawals.open_withdrawal(
            self.store,
            student_id,
            reason=withdrawals.WithdrawalReason(self.reason.currentText()),
            approved_by=withdrawals.ApprovingBody(self.approved_by.currentText()),
            proofs=proofs,
            decision=decision,
            today=self.today,
        )


class DeathForm(ProcedureForm):
    key, label = "death", "死亡"
    statuses = ("在读", "休学")
    intro = (
        "依据《细则》第二十七条：学生死亡的，学校应当凭相关证明在10个工作日内报学籍管理部门做死亡异动处理。"
    )

    def build(self, form: QFormLayout, student_id: int) -> None:
        self.died_on = date_edit(self.today)
        form.addRow("死亡日期", self.died_on)

    def requirements(self) -> list[tuple[str, ...]]:
        return withdrawals.DEATH_PROOFS

    def submit(self, student_id: int, proofs: Sequence[ProofFile], decision: Decision) -> int:
        return withdrawals.open_death(
            self.store,
            student_id,
            died_on=value_of(self.died_on),
            proofs=proofs,
            decision=decision,
            today=self.today,
        )


class DropoutForm(ProcedureForm):
    key, label = "dropout", "辍学"
    intro = (
        "依据《细则》第二十八条：义务教育阶段学生辍学，须书面上报当地乡镇人民政府、县级教育行政部门和学籍管理部门，"
        "在义务教育年限内为其保留学籍。"
    )

    def build(self, form: QFormLayout, student_id: int) -> None:
        self.since = date_edit(self.today)
        form.addRow("辍学日期", self.since)
        self.reported = {}
        for body in withdrawals.DROPOUT_RECIPIENTS:
            self.reported[body] = QCheckBox(f"已书面上报{body.value}")
            form.addRow("", self.reported[body])

    def requirements(self) -> list[tuple[str, ...]]:
        return withdrawals.DROPOUT_PROOFS

    def submit(self, student_id: int, proofs: Sequence[ProofFile], decision: Decision) -> int:
        reported = [body for body, box in self.reported.items() if box.isChecked()]
        return withdrawals.open_dropout(
            self.store,
            student_id,
            since=value_of(self.since),
            reported_to=reported,
            proofs=proofs,
            decision=decision,
            today=self.today,
        )


class AutomaticWithdrawalForm(ProcedureForm):
    key, label = "automatic_withdrawal", "自动退学"
    statuses = ("在读", "休学")
    intro = (
        "依据《细则》第二十六条：普通高中学生一学期内连续无故旷课超过8周或累计旷课10周及以上，经多次联系帮助教育无效，"
        "或休学期满未复学、未办理延长休学的，经学校报请学籍管理部门批准，按自动退学处理。"
    )

    def build(self, form: QFormLayout, student_id: int) -> None:
        self.longest = QDoubleSpinBox()
        self.total = QDoubleSpinBox()
        for box in (self.longest, self.total):
            box.setRange(0, 30)
            box.setSuffix(" 周")
        self.contacted = QCheckBox("已与监护人多次联系、帮助教育无效")
        recorded = attendance.absence_this_term(
            self.store, student_id, today=self.today
        )  # 记录旷课 filled these in
        self.longest.setValue(recorded.longest_continuous_weeks)
        self.total.setValue(recorded.total_weeks)
        self.contacted.setChecked(recorded.contacted_family)
        form.addRow("本学期连续无故旷课最长", self.longest)
        form.addRow("本学期累计无故旷课", self.total)
        form.addRow("", self.contacted)

    def requirements(self) -> list[tuple[str, ...]]:
        return []

    def submit(self, student_id: int, proofs: Sequence[ProofFile], decision: Decision) -> int:
        attendance = withdrawals.AttendanceFacts(
            self.longest.value(), self.total.value(), self.contacted.isChecked()
        )
        return withdrawals.open_automatic_withdrawal(
            self.store, student_id, attendance=attendance, decision=decision, today=self.today
        )


def class_choice(store: Store, student_id: int | None = None) -> QComboBox:
    """Every class with its size; the student's own class chosen to begin with."""
    box = QComboBox()
    for grade in roster.class_tree(store):
        for node in grade.classes:
            box.addItem(f"{node.name}（{node.size}人）", node.id)
    if student_id is not None:
        from xueji_desktop.services.students import load_form

        own = box.findData(load_form(store, student_id).school_class_id)
        box.setCurrentIndex(max(own, 0))
    return box


def reason_fields(form: QFormLayout, owner: ProcedureForm) -> None:
    """第十六条's questions, asked the same way from both sides."""
    owner.reason = QComboBox()
    owner.reason.addItems([reason.value for reason in transfers.TransferReason])
    owner.crosses = QCheckBox("家庭居住地（或务工地）跨省、市、县（市、区）迁移")
    owner.crosses.setChecked(True)
    owner.hukou = QCheckBox("户籍已迁入居住地")
    owner.hukou.setChecked(True)
    owner.same_area = QCheckBox("在同一城区（城市区域）内迁移")
    owner.special = QCheckBox("特殊教育学校与普通学校之间转学（随班就读，第十九条）")
    form.addRow("转学原因", owner.reason)
    for box in (owner.crosses, owner.hukou, owner.same_area, owner.special):
        form.addRow("", box)


def transfer_proofs(
    owner: ProcedureForm, grade_level: int, from_vocational: bool = False
) -> list[tuple[str, ...]]:
    reason = transfers.TransferReason(owner.reason.currentText())
    return transfers.proofs_for(grade_level, reason, from_vocational=from_vocational)


class TransferOutForm(ProcedureForm):
    key, label = "transfer_out", "转出"
    intro = (
        "依据《细则》第十六条至第十八条：义务教育阶段因家庭居住地跨省、市、县迁移且户籍已迁入，或外来务工人员务工地"
        "变化确需转学的，由监护人向转入学校申请，经双方学校和学籍管理部门审核；休学和受处分期间不予转学。"
    )

    def build(self, form: QFormLayout, student_id: int) -> None:
        self.to_school = QLineEdit()
        self.to_school.setPlaceholderText("转入学校全称")
        form.addRow("转入学校", self.to_school)
        reason_fields(form, self)
        self.exam_closed = QCheckBox("本年度中考/高考报名已结束（毕业年级）")
        self.sanction = QCheckBox("学生正在受处分期间")
        form.addRow("", self.exam_closed)
        form.addRow("", self.sanction)

    def requirements(self) -> list[tuple[str, ...]]:
        return transfer_proofs(self, 1)

    def submit(self, student_id: int, proofs: Sequence[ProofFile], decision: Decision) -> int:
        return transfers.open_transfer_out(
            self.store,
            student_id,
            to_school=self.to_school.text(),
            reason=transfers.TransferReason(self.reason.currentText()),
            crosses_county=self.crosses.isChecked(),
            hukou_moved=self.hukou.isChecked(),
            within_city_area=self.same_area.isChecked(),
            exam_registration_closed=self.exam_closed.isChecked(),
            under_sanction=self.sanction.isChecked(),
            special_education=self.special.isChecked(),
            proofs=proofs,
            decision=decision,
            today=self.today,
        )


class TransferInForm(ProcedureForm):
    key, label = "transfer_in", "转入"
    picks_student = False
    intro = (
        "依据《细则》第十三条、第十七条、第十八条：“籍随人走”，须在转出学校及其学籍管理部门审核同意后才能接收入学；"
        "同级互转，不得变更就读年级；班级须有空余学位。"
    )

    def build(self, form: QFormLayout, student_id: int | None) -> None:
        self.name = QLineEdit()
        self.gender = QComboBox()
        self.gender.addItem("男", "1")
        self.gender.addItem("女", "2")
        self.birth = date_edit(date(self.today.year - 8, 1, 1))
        self.id_number = QLineEdit()
        self.id_number.setPlaceholderText("18位居民身份证号")
        self.national_id = QLineEdit()
        self.national_id.setPlaceholderText("原学籍号（如已知）")
        self.from_school = QLineEdit()
        self.from_grade = QComboBox()
        for level, name in transfers.GRADE_NAMES.items():
            self.from_grade.addItem(name, level)
        self.to_class = class_choice(self.store)
        for row in (
            ("姓名", self.name),
            ("性别", self.gender),
            ("出生日期", self.birth),
            ("身份证件号", self.id_number),
            ("学籍号", self.national_id),
            ("原就读学校", self.from_school),
            ("原就读年级", self.from_grade),
            ("转入班级", self.to_class),
        ):
            form.addRow(*row)
        reason_fields(form, self)
        # 第十八条's senior cases: asked of every transfer in, they matter only for 高中 grades
        self.model_school = QCheckBox("本校是省级示范高中")
        self.vocational = QCheckBox("由中等职业学校转入")
        self.score = QDoubleSpinBox()
        self.line = QDoubleSpinBox()
        for box in (self.score, self.line):
            box.setRange(0, 1000)
            box.setSuffix(" 分")
        self.makeup = QCheckBox("已安排补学缺修课程")
        form.addRow("高中转入", self.model_school)
        form.addRow("", self.vocational)
        form.addRow("中考成绩", self.score)
        form.addRow("本校当年录取分数线", self.line)
        form.addRow("", self.makeup)
        from xueji_desktop.services.school_setup import school_context

        context = school_context(self.store)
        if context is not None and context.stage not in ("senior", "twelve_year"):  # no 高中 here: not asked
            for widget in (self.model_school, self.vocational, self.score, self.line, self.makeup):
                form.setRowVisible(widget, False)

    def student_name(self) -> str:
        return self.name.text().strip()

    def requirements(self) -> list[tuple[str, ...]]:
        return transfer_proofs(self, self.from_grade.currentData(), self.vocational.isChecked())

    def submit(self, student_id: int | None, proofs: Sequence[ProofFile], decision: Decision) -> int:
        return transfers.open_transfer_in(
            self.store,
            name=self.name.text(),
            gender=self.gender.currentData(),
            birth_date=value_of(self.birth),
            id_number=self.id_number.text(),
            national_student_id=self.national_id.text(),
            from_school=self.from_school.text(),
            grade_level=self.from_grade.currentData(),
            to_class_id=self.to_class.currentData(),
            reason=transfers.TransferReason(self.reason.currentText()),
            crosses_county=self.crosses.isChecked(),
            hukou_moved=self.hukou.isChecked(),
            within_city_area=self.same_area.isChecked(),
            proofs=proofs,
            decision=decision,
            today=self.today,
            special_education=self.special.isChecked(),
            into_provincial_model_school=self.model_school.isChecked(),
            from_vocational=self.vocational.isChecked(),
            zhongkao_score=self.score.value() or None,
            receiving_line=self.line.value() or None,
            makeup_courses_arranged=self.makeup.isChecked(),
        )


class InformationChangeForm(ProcedureForm):
    key, label = "information_change", "信息变更"
    statuses = ("在读", "休学")
    intro = (
        "依据《细则》第十四条：监护人凭《居民户口簿》或其他证明文件申请修改学生基础信息，报学籍管理部门审批，核准后维护；"
        "学生毕业后原学籍信息不得修改；学籍号终身不变。"
    )
    ROWS = 3

    def build(self, form: QFormLayout, student_id: int) -> None:
        from xueji_desktop.reference.student_fields import STUDENT_FIELDS, FieldKind
        from xueji_desktop.services.students import load_form

        current = load_form(self.store, student_id).values  # shown beside each item: old and new side by side
        self.rows = []
        for n in range(self.ROWS):
            field = QComboBox()
            field.addItem("（不变更）", None)
            for spec in STUDENT_FIELDS:
                if spec.kind in (FieldKind.TEXT, FieldKind.DATE) and spec.key != "national_student_id":
                    field.addItem(spec.label, (spec.key, spec.kind))
            old = QLabel("—")
            value = QLineEdit()
            value.setPlaceholderText("新的内容（日期写成 2019-03-14）")

            def show_old(_index: int, field: QComboBox = field, old: QLabel = old) -> None:
                chosen = field.currentData()
                shown = current.get(chosen[0]) if chosen else None
                old.setText("—" if chosen is None else (str(shown) if shown not in (None, "") else "（空）"))

            field.currentIndexChanged.connect(show_old)
            form.addRow(f"变更项目{n + 1}", field)
            form.addRow("　现为", old)
            form.addRow("　变更为", value)
            self.rows.append((field, value))

    def requirements(self) -> list[tuple[str, ...]]:
        return information_changes.required_proofs()

    def submit(self, student_id: int, proofs: Sequence[ProofFile], decision: Decision) -> int:
        values = {}
        for field, value in self.rows:
            if field.currentData() is None:
                continue
            key, kind = field.currentData()
            text = value.text().strip()
            try:
                values[key] = date.fromisoformat(text) if kind == "date" and text else text
            except ValueError:
                values[key] = text
        return information_changes.open_information_change(
            self.store, student_id, values, proofs=proofs, decision=decision, today=self.today
        )


class RestorationForm(ProcedureForm):
    key, label = "restoration", "恢复学籍"
    statuses = ("退学",)
    intro = "依据《细则》第二十五条：学生出境定居后又回到境内就读的，参照第三章恢复学籍。"

    def build(self, form: QFormLayout, student_id: int) -> None:
        self.to_class = class_choice(self.store, student_id)
        form.addRow("编入班级", self.to_class)

    def requirements(self) -> list[tuple[str, ...]]:
        return withdrawals.RESTORATION_PROOFS

    def submit(self, student_id: int, proofs: Sequence[ProofFile], decision: Decision) -> int:
        return withdrawals.open_restoration(
            self.store,
            student_id,
            to_class_id=self.to_class.currentData(),
            proofs=proofs,
            decision=decision,
            today=self.today,
        )


FORMS: tuple[type[ProcedureForm], ...] = (
    TransferInForm,
    TransferOutForm,
    SuspensionForm,
    ExtensionForm,
    ResumptionForm,
    WithdrawalForm,
    AutomaticWithdrawalForm,
    DeathForm,
    DropoutForm,
    InformationChangeForm,
    RestorationForm,
)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)
