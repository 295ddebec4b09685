"""转入、转出 (第十三条、第十六条至第二十条) as procedures: the rules checked from each side, the proofs the receiving
school uploads, R17.1's states, R20.1's deadlines (10 working days to complete after approval; the archive sent
within a month), and what completing does — a student record made or reopened here (转入), or closed here and kept
(转出, R17.2).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xueji_desktop.models import Procedure, SchoolClass, Student
from xueji_desktop.reference.working_days import DueDate, WorkingCalendar
from xueji_desktop.rules import transfers as rules
from xueji_desktop.rules.findings import Finding, RuleViolation, block
from xueji_desktop.rules.identity import IdNumberError, check_id_number, mismatches
from xueji_desktop.rules.stages import GRADE_NAMES as _GRADE_NAMES
from xueji_desktop.rules.stages import GradeFacts
from xueji_desktop.rules.transfers import TransferCase, TransferReason
from xueji_desktop.services import audit
from xueji_desktop.services.attachments import ProofFile
from xueji_desktop.services.procedure_base import (
    NO_DECISION,
    Completion,
    Decision,
    ProcedureKind,
    grade_of,
    open_procedure,
    student_of,
    term_of,
)
from xueji_desktop.services.roster import class_size_now
from xueji_desktop.store import Store

# R17.1's states from each side; the status change is written when the student's record moves (学籍已转接), then the
# sending school still sends the archive (R20.1: within a month)
IN_STEPS = ("已申请", "转入方已审核", "转出方已审核", "学籍已转接")
OUT_STEPS = ("已申请", "转入方已审核", "转出方已审核", "学籍已转出", "档案已寄出")


GRADE_NAMES = _GRADE_NAMES  # the wizard's 年级 names


def proofs_for(
    grade_level: int, reason: TransferReason, *, from_vocational: bool = False
) -> list[tuple[str, ...]]:
    """The proofs a transfer of this grade asks for (R17.1; R18.5's 中考成绩 for 中职 → 普高), for the wizard."""
    case = TransferCase(
        GradeFacts(grade_level, ""),
        grade_level,
        reason,
        True,
        True,
        False,
        1,
        date.today(),
        date.today(),
        from_vocational=from_vocational,
    )
    return rules.required_proofs(case)


def transfer_case(
    grade: GradeFacts,
    *,
    reason: TransferReason,
    crosses_county: bool,
    hukou_moved: bool,
    within_city_area: bool,
    term: tuple[int, date],
    on: date,
    to_grade_level: int | None = None,
    **more: Any,
) -> TransferCase:
    return TransferCase(
        grade,
        to_grade_level or grade.level,
        reason,
        crosses_county,
        hukou_moved,
        within_city_area,
        term[0],
        term[1],
        on,
        **more,
    )


def open_transfer_out(
    store: Store,
    student_id: int,
    *,
    to_school: str,
    reason: TransferReason,
    crosses_county: bool,
    hukou_moved: bool,
    within_city_area: bool = False,
    exam_registration_closed: bool = False,
    under_sanction: bool = False,
    special_education: bool = False,
    proofs: Sequence[ProofFile] = (),
    decision: Decision = NO_DECISION,
    today: date | None = None,
) -> int:
    """转出: our student asks to move to `to_school`; every rule of 第十六条 to 第十八条 from our side (R19.1: a move
    between special and regular schooling is not held to 第十六条's reasons)."""
    today = today or date.today()
    with store.transaction() as session:
        student = student_of(session, student_id)
        grade = grade_of(session, student)
        case = transfer_case(
            grade,
            reason=reason,
            crosses_county=crosses_county,
            hukou_moved=hukou_moved,
            within_city_area=within_city_area,
            term=term_of(session, today),
            on=today,
            exam_registration_closed=exam_registration_closed,
            student_status=student.status,
            under_sanction=under_sanction,
            special_education=special_education,
        )
        if not to_school.strip():
            raise RuleViolation([block("R17.1", "请填写转入学校的名称")])
        facts = {
            "to_school": to_school.strip(),
            "reason": reason.value,
            "crosses_county": crosses_county,
            "hukou_moved": hukou_moved,
            "within_city_area": within_city_area,
            "grade": grade.level,
            "special_education": special_education,
        }
        procedure = open_procedure(
            session,
            store,
            TRANSFER_OUT,
            student_id=student.id,
            student_name=student.name,
            facts=facts,
            findings=rules.check_transfer(case),
            decision=decision,
            proofs=proofs,
            required=rules.required_proofs(case),
            proof_rule="R17.1",
            on=today,
        )
        return procedure.id


def open_transfer_in(
    store: Store,
    *,
    name: str,
    gender: str,
    birth_date: date,
    id_number: str,
    from_school: str,
    grade_level: int,
    to_class_id: int,
    reason: TransferReason,
    crosses_county: bool,
    hukou_moved: bool,
    within_city_area: bool = False,
    national_student_id: str | None = None,
    proofs: Sequence[ProofFile] = (),
    decision: Decision = NO_DECISION,
    today: date | None = None,
    **senior: Any,
) -> int:
    """转入: a student from `from_school` asks to join `to_class_id`; the rules from our side (same grade R18.2, a free
    place R18.1, the timing R18.3 …) and the person's identity (R13.1: no record from false information, no second
    record)."""
    today = today or date.today()
    with store.transaction() as session:
        target = session.get(SchoolClass, to_class_id)
        if target is None:
            raise LookupError(f"没有编号为 {to_class_id} 的班级")
        school_stage = _stage(session)
        case = transfer_case(
            GradeFacts(grade_level, school_stage),
            reason=reason,
            crosses_county=crosses_county,
            hukou_moved=hukou_moved,
            within_city_area=within_city_area,
            term=term_of(session, today),
            on=today,
            to_grade_level=target.grade.level,
            **senior,
        )
        findings = rules.check_transfer(case)
        findings += _identity_findings(name, gender, birth_date, id_number)
        returning = _known(session, id_number)
        if returning is not None and returning.status != "转出":
            findings.append(
                block(
                    "R13.1",
                    f"身份证件号与本校学生“{returning.name}”（{returning.status}）相同，不得重复建立学籍",
                )
            )
        joining = 0 if returning is not None and returning.school_class_id == target.id else 1
        findings += rules.check_free_place(
            target.name, target.grade.level, class_size_now(session, target.id) + joining
        )
        facts = {
            "name": name.strip(),
            "gender": gender,
            "birth_date": birth_date,
            "id_number": id_number.strip().upper(),
            "national_student_id": (national_student_id or "").strip() or None,
            "from_school": from_school.strip(),
            "grade": grade_level,
            "to_class_id": target.id,
            "to_class": target.name,
            "reason": reason.value,
            "returning_student_id": returning.id if returning is not None else None,
        }
        procedure = open_procedure(
            session,
            store,
            TRANSFER_IN,
            student_id=returning.id if returning else None,
            student_name=name.strip(),
            facts=facts,
            findings=findings,
            decision=decision,
            proofs=proofs,
            required=rules.required_proofs(case),
            proof_rule="R17.1",
            on=today,
        )
        return procedure.id


def transfer_due(kind: str, days: dict[str, date], calendar: WorkingCalendar) -> DueDate | None:
    """R20.1: the record moved within 10 working days after both sides approved; the sending school's archive within
    one month after the record moved."""
    if "转出方已审核" in days and "学籍已转接" not in days and "学籍已转出" not in days:
        return calendar.add_working_days(days["转出方已审核"], rules.COMPLETION_WORKING_DAYS)
    if kind == "transfer_out" and "学籍已转出" in days:
        return DueDate(rules.archive_due(days["学籍已转出"]), False, ())
    return None


def _complete_out(session: Session, procedure: Procedure, facts: dict[str, Any], on: date) -> Completion:
    assert procedure.student_id is not None
    student = student_of(session, procedure.student_id)
    found = rules.check_student_state(student.status, False)
    if found:
        raise RuleViolation(found)
    # R17.2: the record stays here (electronic copy kept), closed as 转出; the class is kept as history
    return Completion(student, "转出", on, {"to_school": facts["to_school"]}, f"转入{facts['to_school']}")


def _complete_in(session: Session, procedure: Procedure, facts: dict[str, Any], on: date) -> Completion:
    """R13.2: the record is made (or a former student's reopened) only now, after the sending side approved."""
    target = session.get(SchoolClass, facts["to_class_id"])
    assert target is not None
    found = rules.check_free_place(target.name, target.grade.level, class_size_now(session, target.id) + 1)
    if any(f.blocks for f in found):
        raise RuleViolation([f for f in found if f.blocks])
    student = (
        session.get(Student, facts["returning_student_id"]) if facts.get("returning_student_id") else None
    )
    details: dict[str, Any] = {"from_school": facts["from_school"], "class_after": target.id}
    new_record = student is None
    if student is None:
        student = _new_student(session, facts, on)
    else:
        details["class_before"] = student.school_class_id
    student.school_class_id = target.id
    return Completion(student, "在读", on, details, f"由{facts['from_school']}转入", new_record=new_record)


def _new_student(session: Session, facts: dict[str, Any], on: date) -> Student:
    from xueji_desktop.reference.student_fields import new_student_defaults
    from xueji_desktop.services.students import apply_values

    values, _ = new_student_defaults(on)
    values.update(
        name=facts["name"],
        gender=facts["gender"],
        birth_date=date.fromisoformat(facts["birth_date"]),
        id_number=facts["id_number"],
        national_student_id=facts.get("national_student_id"),
        student_source="2",
        admission_method=None,
    )
    now = datetime.now()
    student = Student(created_at=now, updated_at=now, status="在读")
    apply_values(student, values)
    session.add(student)
    session.flush()
    audit.record(
        session,
        "student.create",
        "student",
        student.id,
        {"姓名": [None, student.name], "来源": [None, f"由{facts['from_school']}转入"]},
    )
    return student


def _identity_findings(name: str, gender: str, birth_date: date, id_number: str) -> list[Finding]:
    """R13.1: no record from false information — the ID number must be valid and agree with birth date and gender."""
    if not name.strip():
        return [block("R13.1", "请填写学生姓名")]
    try:
        facts = check_id_number(id_number)
    except IdNumberError as error:
        return [block("R13.1", str(error))]
    return [block("R13.1", problem) for problem in mismatches(facts, birth_date, gender)]


def _known(session: Session, id_number: str) -> Student | None:
    from xueji_desktop.rules.identity import normalise_id_number

    number = normalise_id_number(id_number)
    return session.scalar(select(Student).where(Student.id_number == number).limit(1)) if number else None


def _stage(session: Session) -> str:
    from xueji_desktop.models import School

    return session.scalar(select(School.stage).limit(1)) or "primary"


TRANSFER_IN = ProcedureKind("transfer_in", "转入", IN_STEPS, _complete_in)
TRANSFER_OUT = ProcedureKind("transfer_out", "转出", OUT_STEPS, _complete_out, effective_step="学籍已转出")
KINDS = (TRANSFER_IN, TRANSFER_OUT)
