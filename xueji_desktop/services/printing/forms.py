"""Printable forms: the 《学生基本信息表》 of R10.3 for students or a whole class, and the paper each kind of
procedure needs — 休学、复学申请表 (R22.1/R22.2), 退学申请表 (R25.1), 转学联系函 (R17.1), 辍学书面报告 (R28.1).

Everything a form shows is read in one read session and turned into plain text (names for codes, dates written out);
the PDF is written to a temporary name and moved into place, so a failure never leaves half a file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xueji_desktop.documents.files import placed
from xueji_desktop.errors import InvalidInput, NotFound
from xueji_desktop.models import (
    Attachment,
    Procedure,
    ProcedureEvent,
    ProcedureProof,
    School,
    SchoolClass,
    Student,
)
from xueji_desktop.reference.codes import code_table
from xueji_desktop.reference.regions import region_table
from xueji_desktop.reference.student_fields import FAMILY_FIELDS_BY_KEY, STUDENT_FIELDS, FieldKind, FieldSpec
from xueji_desktop.rules import proofs
from xueji_desktop.rules.stages import GRADE_NAMES
from xueji_desktop.rules.withdrawals import COMPULSORY_REASONS, SENIOR_REASONS, ApprovingBody
from xueji_desktop.services.printing import document_settings
from xueji_desktop.services.procedures.kinds import (
    DROPOUT_REPORT,
    SUSPENSION_FORM,
    TRANSFER_LETTER,
    WITHDRAWAL_FORM,
)
from xueji_desktop.services.procedures.registry import all_kinds, kind_of, kinds_printing, printable_forms
from xueji_desktop.services.procedures.suspensions import current_period
from xueji_desktop.store import DataFolder, Store

if TYPE_CHECKING:
    from xueji_desktop.documents.info_form import InfoForm
    from xueji_desktop.documents.pieces import Approval, Cell
    from xueji_desktop.documents.procedure_forms import (
        Application,
        Choice,
        DropoutReport,
        Form,
        Particulars,
        TransferLetter,
    )

__all__ = ["DROPOUT_REPORT", "SUSPENSION_FORM", "TRANSFER_LETTER", "WITHDRAWAL_FORM"]  # the forms, by name


def form_name(kind: str) -> str | None:
    """The form a procedure of this kind prints (for the UI's button), or None: its registry entry says."""
    kinds = all_kinds()
    return kinds[kind].forms[0] if kind in kinds and kinds[kind].forms else None


def _choice_labels(form: str) -> tuple[str, ...]:
    """The 申请类别 a form offers: the labels of the kinds that print it (休学、延长休学、复学)."""
    return tuple(kind_of(code).label for code in kinds_printing(form))


def info_forms(store: Store, student_ids: Sequence[int], out: Path, *, today: date | None = None) -> int:
    """《学生基本信息表》 (R10.3) for each student, in the order given, one after another in `out`; returns the pages."""
    from xueji_desktop.documents import info_form

    if not student_ids:
        raise InvalidInput("没有选择学生")
    today = today or date.today()
    with store.read() as session:
        school = _school(session)
        loaded = {s.id: s for s in session.scalars(select(Student).where(Student.id.in_(student_ids)))}
        forms = []
        for student_id in dict.fromkeys(student_ids):
            student = loaded.get(student_id)
            if student is None:
                raise NotFound(f"没有编号为 {student_id} 的学生")
            forms.append(_info_form(session, store.folder, school, student, today))
    with placed(out) as temporary:
        return info_form.write(temporary, forms)


def class_info_forms(store: Store, class_id: int, out: Path, *, today: date | None = None) -> int:
    """The whole class's 《学生基本信息表》 (students in school, by 学号 then name) in one PDF; returns the pages."""
    from xueji_desktop.services import roster

    with store.read() as session:
        if session.get(SchoolClass, class_id) is None:
            raise NotFound(f"没有编号为 {class_id} 的班级")
    ids = roster.students_in_class(store, class_id)
    if not ids:
        raise InvalidInput("该班级没有在校学生")
    return info_forms(store, ids, out, today=today)


def procedure_form(store: Store, procedure_id: int, out: Path) -> Path:
    """The form of a procedure (its kind's registry entry names it), filled with what has been recorded so far;
    InvalidInput for a kind that has none."""
    from xueji_desktop.documents import procedure_forms

    with store.read() as session:
        procedure = session.get(Procedure, procedure_id)
        if procedure is None:
            raise NotFound(f"没有编号为 {procedure_id} 的异动手续")
        if form_name(procedure.kind) is None:
            raise InvalidInput(
                f"“{_kind_label(procedure.kind)}”手续没有需要打印的表格；可打印的有：{'、'.join(printable_forms())}"
            )
        form = _ProcedureFacts(session, procedure, procedure_forms).form()
    with placed(out) as temporary:
        procedure_forms.write(temporary, form)
    return Path(out)


def request_form(store: Store, request: object, out: Path, *, today: date | None = None) -> Path:
    """The form of a procedure not yet opened, filled from its request (the wizard's answers) so the guardian can
    sign it before the signed scan is attached (第二十二条: the 休学、复学申请表 comes first); nothing is written to the
    data. InvalidInput for a kind that prints no form."""
    from xueji_desktop.documents import procedure_forms
    from xueji_desktop.services.procedures.base import as_json
    from xueji_desktop.services.procedures.registry import kind_for

    kind = kind_for(request)
    if not kind.forms:
        raise InvalidInput(f"“{kind.label}”手续没有需要打印的表格")
    today = today or date.today()
    with store.read() as session:
        opening = kind.prepare(session, request, today)
        unsaved = Procedure(  # never added to the session: only read, like a procedure with no steps yet
            student_id=opening.student_id,
            student_name=opening.student_name,
            kind=kind.code,
            opened_on=today,
            facts=as_json(opening.facts),
            findings="[]",
        )
        form = _ProcedureFacts(session, unsaved, procedure_forms).form()
    with placed(out) as temporary:
        procedure_forms.write(temporary, form)
    return Path(out)


# --- 学生基本信息表 ---------------------------------------------------------------------------------------------------


def _info_form(
    session: Session, folder: DataFolder, school: School, student: Student, today: date
) -> InfoForm:
    from xueji_desktop.documents.info_form import InfoForm, Member

    values = {spec.key: shown(spec, getattr(student, spec.key)) for spec in STUDENT_FIELDS}
    school_class = session.get(SchoolClass, student.school_class_id) if student.school_class_id else None
    values["grade"] = school_class.grade.name if school_class else ""
    values["school_class"] = school_class.name if school_class else ""
    family = FAMILY_FIELDS_BY_KEY
    members = [
        Member(
            m.name,
            _relation(m.relation, m.relation_note),
            shown(family["is_guardian"], m.is_guardian),
            m.id_number or "",
            m.phone or "",
            m.employer or "",
            m.address or "",
        )
        for m in student.family_members
    ]
    return InfoForm(
        school.name,
        values,
        members,
        photo_file(folder, student.photo_path),
        day_text(today),
        _archived_records(session, student.id),
    )


def _archived_records(session: Session, student_id: int) -> list[list[str]]:
    """The 奖惩 the archive keeps, as rows of the form's table: awards of 校级 and above (R31.1), then sanctions of
    记过 and above (R32.2) with their lifting."""
    from xueji_desktop.services.sanctions import archive_entries

    awards, sanctions = archive_entries(session, student_id)
    rows = [["奖励", a.level, a.title, day_text(a.awarded_on), a.issuer, ""] for a in awards]
    rows += [
        [
            "处分",
            s.kind,
            s.reason,
            day_text(s.decided_on),
            s.document_number,
            f"{day_text(s.lifted_on)}解除" if s.lifted_on else "未解除",
        ]
        for s in sanctions
    ]
    return rows


def shown(spec: FieldSpec, value: object) -> str:
    """A field's value as a form prints it: the name of a code, 是/否, a region's full name, 2019年3月14日."""
    if value is None or value == "":
        return ""
    if spec.kind is FieldKind.CODE:
        return code_table(spec.table).name_of(str(value))
    if spec.kind is FieldKind.BOOL:
        return "是" if value else "否"
    if spec.kind is FieldKind.REGION:
        return region_table().full_name(str(value))
    if spec.kind is FieldKind.DATE and isinstance(value, date):
        return day_text(value)
    if spec.kind is FieldKind.MONTH:
        year, _, month = str(value).partition("-")
        return f"{year}年{int(month)}月" if month.isdigit() else str(value)
    return str(value)


def photo_file(folder: DataFolder, photo_path: str | None) -> Path | None:
    """Student.photo_path names the photo: an absolute path, or one relative to the data folder (photos/… beside the
    database, so the folder can move); None when nothing is there (the form then shows an empty 照片 box)."""
    if not photo_path:
        return None
    path = Path(photo_path)
    if not path.is_absolute():
        path = folder.root / path
    return path if path.is_file() else None


def day_text(day: date | str | None) -> str:
    if day is None or day == "":
        return ""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return f"{day.year}年{day.month}月{day.day}日"


def _relation(code: str, note: str | None) -> str:
    name = code_table("relation").name_of(code)
    return f"{name}（{note}）" if note else name


def _school(session: Session) -> School:
    school = session.scalar(select(School).limit(1))
    if school is None:
        raise InvalidInput("还没有设置学校信息，请先完成学校设置")
    return school


def _kind_label(kind: str) -> str:
    from xueji_desktop.services.history import kind_name

    return kind_name(kind)  # 死亡, 信息变更 …


# --- the forms of procedures -----------------------------------------------------------------------------------------


class _ProcedureFacts:
    """One procedure as its form needs it: the school, the student, the facts, the proofs and each step's event;
    `paper` is documents.procedure_forms (imported only when a form is printed, as reportlab is)."""

    def __init__(self, session: Session, procedure: Procedure, paper: ModuleType):
        self.session, self.procedure, self.paper = session, procedure, paper
        self.school = _school(session)
        self.facts: dict[str, Any] = json.loads(procedure.facts or "{}")
        self.student = session.get(Student, procedure.student_id) if procedure.student_id else None
        self.steps: dict[str, ProcedureEvent] = {}
        self.cancelled: ProcedureEvent | None = None
        for event in session.scalars(
            select(ProcedureEvent)
            .where(ProcedureEvent.procedure_id == procedure.id, ProcedureEvent.track == "steps")
            .order_by(ProcedureEvent.id)
        ):
            if event.state == "已撤销":
                self.cancelled = event
            else:
                self.steps[event.state] = event
        self.proofs = session.execute(
            select(Attachment.kind, Attachment.original_name)
            .join(ProcedureProof, ProcedureProof.attachment_id == Attachment.id)
            .where(ProcedureProof.procedure_id == procedure.id)
            .order_by(ProcedureProof.id)
        ).all()
        # a form printed before the procedure is opened has no number yet: the line is left to be filled
        self.number = f"{procedure.opened_on.year}-{procedure.id:04d}" if procedure.id is not None else ""

    def form(self) -> Form:
        fill: dict[str, Callable[[], Form]] = {
            SUSPENSION_FORM: self._suspension_form,
            WITHDRAWAL_FORM: self._withdrawal_form,
            TRANSFER_LETTER: self._transfer_letter,
            DROPOUT_REPORT: self._dropout_report,
        }
        return fill[form_name(self.procedure.kind) or ""]()

    # -- what every form shares

    def particulars(self) -> Particulars:
        genders = code_table("gender")
        student = self.student
        if student is None:  # a transfer in before its record is made: the facts the clerk entered
            facts = self.facts
            grade = GRADE_NAMES.get(int(facts.get("grade") or 0), "")
            return self.paper.Particulars(
                facts.get("name") or self.procedure.student_name,
                genders.name_of(facts.get("gender")),
                day_text(facts.get("birth_date")),
                facts.get("id_number") or "",
                facts.get("national_student_id") or "",
                grade,
            )
        school_class = (
            self.session.get(SchoolClass, student.school_class_id) if student.school_class_id else None
        )
        members = student.family_members
        guardian = next((m for m in members if m.is_guardian), members[0] if members else None)
        return self.paper.Particulars(
            student.name,
            genders.name_of(student.gender),
            day_text(student.birth_date),
            student.id_number or "",
            student.national_student_id or "",
            school_class.name if school_class else "",
            f"{guardian.name}（{_relation(guardian.relation, guardian.relation_note)}）" if guardian else "",
            (guardian.phone if guardian and guardian.phone else student.phone) or "",
            student.current_address or student.home_address or (guardian.address if guardian else "") or "",
        )

    def proof_lines(self, *skip: str) -> tuple[str, ...]:
        """The proofs attached, the form's own signed copy left out (it is the paper being printed)."""
        return tuple(f"{kind}（{name}）" for kind, name in self.proofs if kind not in skip)

    def approval(self, heading: str, state: str, opinion: str) -> Approval:
        """The opinion block of a step: filled with its day, approval number (and note) once the step is recorded."""
        event = self.steps.get(state)
        if event is None:
            return self.paper.Approval(heading)
        said = f"{opinion}{event.note}" if event.note else opinion
        return self.paper.Approval(heading, said, event.approval_number or "", day_text(event.on))

    def recorded(self, states: Sequence[str]) -> tuple[str, ...]:
        """「转入方已审核（2026年9月8日，审批文号：…）」 for each of these steps that has been recorded."""
        lines = []
        for state in states:
            event = self.steps.get(state)
            if event is not None:
                number = f"，审批文号：{event.approval_number}" if event.approval_number else ""
                lines.append(f"{state}（{day_text(event.on)}{number}）")
        return tuple(lines)

    def note(self) -> str:
        event = self.cancelled
        return f"本手续已于{day_text(event.on)}撤销：{event.note or ''}" if event else ""

    # -- each form

    def _suspension_form(self) -> Application:
        """休学、复学申请表 (R22.1, R22.2; an extension R22.3)."""
        paper, kind, facts = self.paper, self.procedure.kind, self.facts
        label = kind_of(kind).label
        choices = [paper.Choice("申请类别", _choice_labels(SUSPENSION_FORM), (label,))]
        if kind == "suspension":
            share = facts.get("illness_share_of_term")
            reason = (facts.get("reason") or "") + (
                f"。经诊断，需停课治疗休养约占本学期总学时的{share:.0%}。" if share else ""
            )
            details = [paper.Cell("休学期限", f"{day_text(facts['start'])}至{day_text(facts['end'])}", 2)]
        elif kind == "suspension_extension":
            reason = f"休学期满仍不能复学，申请延长休学期至{day_text(facts['end'])}。"
            details = [
                paper.Cell("原休学期限", f"{day_text(facts['start'])}至{day_text(facts['old_end'])}"),
                paper.Cell("延长至", day_text(facts["end"])),
            ]
        else:
            reason = f"申请复学，到{facts['to_class']}就读。"
            details = [
                paper.Cell("休学期限", self._suspended_period()),
                paper.Cell("复学日期", day_text(facts["on"])),
                paper.Cell("复学班级", facts["to_class"]),
            ]
            target = self.session.get(SchoolClass, facts["to_class_id"])
            same = target is None or target.grade.level == facts.get("from_grade")
            choices.append(
                paper.Choice(
                    "复学去向",
                    ("回原年级就读", "到下一年级就读"),
                    ("回原年级就读" if same else "到下一年级就读",),
                )
            )
        return self._application(
            paper.SUSPENSION_TITLE,
            choices,
            reason,
            details,
            proofs.SUSPENSION_FORM,
            ("学生签字", "监护人签字"),
            [
                self.approval("学校意见", "学校已审核", f"同意{label}。"),
                self.approval("学籍管理部门意见", "学籍管理部门已登记", f"已登记，准予{label}。"),
            ],
            paper.SUSPENSION_NOTE,
        )

    def _suspended_period(self) -> str:
        period = current_period(self.session, self.student.id) if self.student else None
        return f"{day_text(period.origin)}至{day_text(period.end)}" if period else ""

    def _withdrawal_form(self) -> Application:
        """退学申请表 (R25.1); 自动退学 (R26.1) on the same form, reported by the school."""
        paper, kind, facts = self.paper, self.procedure.kind, self.facts
        choices = [paper.Choice("申请类别", _choice_labels(WITHDRAWAL_FORM), (kind_of(kind).label,))]
        details = []
        if kind == "withdrawal":
            reason = facts.get("reason") or ""
            allowed = COMPULSORY_REASONS if int(facts.get("grade") or 0) <= 9 else SENIOR_REASONS
            choices.append(paper.Choice("退学原因", tuple(r.value for r in allowed), (reason,)))
            body = facts.get("approved_by") or "审批机关"
            details.append(paper.Cell("审批机关", body, 2))
            blocks = [self.approval("学校意见", "学校已审核", "同意退学，报请审批。")]
            if body == ApprovingBody.AUTHORITY.value:
                blocks.append(self.approval("学籍管理部门意见", "已批准", "批准退学。"))
            else:  # R23.1: the township government or the county bureau approves; the authority then registers it
                blocks.append(self.approval(f"{body}意见", "已批准", "批准退学。"))
                blocks.append(self.approval("学籍管理部门意见", "学籍管理部门已办理", "已办理退学手续。"))
            applicants, footnote = ("学生签字", "监护人签字"), paper.WITHDRAWAL_NOTE
        else:
            reason = "；".join(facts.get("grounds") or [])
            blocks = [
                self.approval("学校意见", "已申请", "该生符合自动退学条件，报请学籍管理部门批准。"),
                self.approval("学籍管理部门意见", "学籍管理部门已批准", "同意按自动退学处理。"),
            ]
            applicants, footnote = ("经办人签字", "学校负责人签字"), paper.AUTOMATIC_NOTE
        return self._application(
            paper.WITHDRAWAL_TITLE,
            choices,
            reason,
            details,
            proofs.WITHDRAWAL_FORM,
            applicants,
            blocks,
            footnote,
        )

    def _application(
        self,
        title: str,
        choices: list[Choice],
        reason: str,
        details: list[Cell],
        form: str,
        applicants: tuple[str, ...],
        approvals: list[Approval],
        footnote: str,
    ) -> Application:
        """An application form (休学、复学 or 退学): this procedure's school, number, day, student, proofs and note
        around what the kind fills in."""
        return self.paper.Application(
            title,
            self.school.name,
            self.number,
            day_text(self.procedure.opened_on),
            self.particulars(),
            tuple(choices),
            reason,
            tuple(details),
            self.proof_lines(form),
            applicants,
            tuple(approvals),
            footnote,
            self.note(),
        )

    def _transfer_letter(self) -> TransferLetter:
        """转学联系函 (R17.1) to the other school: to_school for a transfer out, from_school for a transfer in."""
        facts = self.facts
        outgoing = self.procedure.kind == "transfer_out"
        particulars = self.particulars()
        if outgoing:
            other, class_here, ours = facts["to_school"], particulars.grade_class, "转出方已审核"
        else:
            other, class_here, ours = facts["from_school"], facts["to_class"], "转入方已审核"
        agreed = self.steps.get(ours)
        return self.paper.TransferLetter(
            self.number,
            self.school.name,
            other,
            outgoing,
            particulars,
            facts.get("reason") or "",
            class_here,
            day_text(agreed.on) if agreed else "",
            self.recorded(("转入方已审核", "转出方已审核", "学籍已转出", "学籍已转接")),
            self.note(),
        )

    def _dropout_report(self) -> DropoutReport:
        """辍学书面报告 (R28.1) to every body the procedure says it went to, the authority by its name."""
        authority = document_settings.wording(self.session)[
            "authority"
        ]  # as the clerk names it (证明文字设置)
        recipients = tuple(
            f"{body}（{authority}）" if body == ApprovingBody.AUTHORITY.value and authority else body
            for body in self.facts.get("reported_to") or []
        )
        return self.paper.DropoutReport(
            self.number,
            self.school.name,
            recipients,
            self.particulars(),
            day_text(self.facts.get("since")),
            day_text(self.procedure.opened_on),
            self.recorded(("学籍管理部门已登记",)),
            self.note(),
        )
