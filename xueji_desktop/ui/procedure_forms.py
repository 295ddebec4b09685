"""What each kind of procedure asks the clerk on the wizard's 「办理信息」 page, and the service call it makes.

One small class per kind: the widgets it shows, the proofs it requires for the answers given, and the service that
opens it. The rules themselves live in rules/ and are applied by the services; nothing here decides anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QDoubleSpinBox, QFormLayout, QLabel

from xueji_desktop.services import roster, suspensions, withdrawals
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


class ProcedureForm:
    key = ""
    label = ""
    statuses: tuple[str, ...] = ("在读",)  # who can start it
    intro = ""

    def __init__(self, store: Store, today: date) -> None:
        self.store = store
        self.today = today

    def build(self, form: QFormLayout, student_id: int) -> None:
        raise NotImplementedError

    def requirements(self) -> list[tuple[str, ...]]:
        raise NotImplementedError

    def submit(self, student_id: int, proofs: Sequence[ProofFile], decision: Decision) -> int:
        raise NotImplementedError


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
        self.start.dateChanged.connect(lambda _: self.end.setDate(_qdate(suspensions.default_end(value_of(self.start)))))
        self.reason.currentIndexChanged.connect(lambda _: self.share.setEnabled(self._reason() is suspensions.SuspensionReason.ILLNESS))
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
            self.store, student_id, reason=self._reason(), start=value_of(self.start), end=value_of(self.end),
            illness_share_of_term=self.share.value() / 100 if illness else None, proofs=proofs, decision=decision,
            today=self.today,
        )  # fmt: skip


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
        return suspensions.open_extension(self.store, student_id, new_end=value_of(self.end), proofs=proofs,
                                          decision=decision, today=self.today)  # fmt: skip


class ResumptionForm(ProcedureForm):
    key, label = "resumption", "复学"
    statuses = ("休学",)
    intro = "依据《细则》第二十二条：复学时可根据本人和监护人要求回原年级就读，也可以到下一年级就读。"

    def build(self, form: QFormLayout, student_id: int) -> None:
        self.class_box = QComboBox()
        for grade in roster.class_tree(self.store):
            for node in grade.classes:
                self.class_box.addItem(f"{node.name}（{node.size}人）", node.id)
        self.on = date_edit(self.today)
        form.addRow("复学到班级", self.class_box)
        form.addRow("复学日期", self.on)

    def requirements(self) -> list[tuple[str, ...]]:
        return suspensions.resumption_proofs()

    def submit(self, student_id: int, proofs: Sequence[ProofFile], decision: Decision) -> int:
        return suspensions.open_resumption(self.store, student_id, to_class_id=self.class_box.currentData(),
                                           on=value_of(self.on), proofs=proofs, decision=decision, today=self.today)  # fmt: skip


class WithdrawalForm(ProcedureForm):
    key, label = "withdrawal", "退学"
    statuses = ("在读", "休学")
    intro = ("依据《细则》第二十三条：义务教育阶段除丧失学习能力或出境定居外，不允许学生退学，学校不得劝退、开除学生；"
             "第二十四条：普通高中学生可因所列四种情形申请退学。")  # fmt: skip

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
            self.store, student_id, reason=withdrawals.WithdrawalReason(self.reason.currentText()),
            approved_by=withdrawals.ApprovingBody(self.approved_by.currentText()), proofs=proofs, decision=decision,
            today=self.today,
        )  # fmt: skip


class DeathForm(ProcedureForm):
    key, label = "death", "死亡"
    statuses = ("在读", "休学")
    intro = "依据《细则》第二十七条：学生死亡的，学校应当凭相关证明在10个工作日内报学籍管理部门做死亡异动处理。"

    def build(self, form: QFormLayout, student_id: int) -> None:
        self.died_on = date_edit(self.today)
        form.addRow("死亡日期", self.died_on)

    def requirements(self) -> list[tuple[str, ...]]:
        return withdrawals.DEATH_PROOFS

    def submit(self, student_id: int, proofs: Sequence[ProofFile], decision: Decision) -> int:
        return withdrawals.open_death(self.store, student_id, died_on=value_of(self.died_on), proofs=proofs,
                                      decision=decision, today=self.today)  # fmt: skip


class DropoutForm(ProcedureForm):
    key, label = "dropout", "辍学"
    intro = ("依据《细则》第二十八条：义务教育阶段学生辍学，须书面上报当地乡镇人民政府、县级教育行政部门和学籍管理部门，"
             "在义务教育年限内为其保留学籍。")  # fmt: skip

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
        return withdrawals.open_dropout(self.store, student_id, since=value_of(self.since), reported_to=reported,
                                        proofs=proofs, decision=decision, today=self.today)  # fmt: skip


class AutomaticWithdrawalForm(ProcedureForm):
    key, label = "automatic_withdrawal", "自动退学"
    statuses = ("在读", "休学")
    intro = ("依据《细则》第二十六条：普通高中学生一学期内连续无故旷课超过8周或累计旷课10周及以上，经多次联系帮助教育无效，"
             "或休学期满未复学、未办理延长休学的，经学校报请学籍管理部门批准，按自动退学处理。")  # fmt: skip

    def build(self, form: QFormLayout, student_id: int) -> None:
        self.longest = QDoubleSpinBox()
        self.total = QDoubleSpinBox()
        for box in (self.longest, self.total):
            box.setRange(0, 30)
            box.setSuffix(" 周")
        self.contacted = QCheckBox("已与监护人多次联系、帮助教育无效")
        form.addRow("本学期连续无故旷课最长", self.longest)
        form.addRow("本学期累计无故旷课", self.total)
        form.addRow("", self.contacted)

    def requirements(self) -> list[tuple[str, ...]]:
        return []

    def submit(self, student_id: int, proofs: Sequence[ProofFile], decision: Decision) -> int:
        attendance = withdrawals.AttendanceFacts(self.longest.value(), self.total.value(), self.contacted.isChecked())
        return withdrawals.open_automatic_withdrawal(self.store, student_id, attendance=attendance, decision=decision,
                                                     today=self.today)  # fmt: skip


FORMS: tuple[type[ProcedureForm], ...] = (SuspensionForm, ExtensionForm, ResumptionForm, WithdrawalForm,
                                          AutomaticWithdrawalForm, DeathForm, DropoutForm)  # fmt: skip


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)

