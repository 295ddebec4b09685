"""转入、转出 (第十三条、第十六条至第二十条) as procedure kinds: the rules checked from each side, the proofs the receiving
school uploads, R17.1's states, R20.1's deadlines (10 working days to complete after approval; the archive sent
within a month), and what completing does — a student record made or reopened here (转入), or closed here and kept
(转出, R17.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xueji_desktop.models import Procedure, SchoolClass, Student
from xueji_desktop.reference.working_days import DueDate, WorkingCalendar
from xueji_desktop.rules import review as review_rules
from xueji_desktop.rules import transfers as rules
from xueji_desktop.rules.findings import Finding, RuleViolation, block
from xueji_desktop.rules.identity import IdNumberError, check_id_number, mismatches
from xueji_desktop.rules.review import ReviewFinding, StudentRef
from xueji_desktop.rules.stages import GRADE_NAMES as _GRADE_NAMES
from xueji_desktop.rules.stages import GradeFacts
from xueji_desktop.rules.transfers import TransferCase, TransferReason
from xueji_desktop.services.procedures.base import class_of, grade_of, procedure_student, student_of, term_of
from xueji_desktop.services.procedures.kinds import (
    TRANSFER_LETTER,
    BatchColumns,
    ClassId,
    Completion,
    Opening,
    ProcedureKind,
    Proofs,
    ReviewChecks,
    ask,
)
from xueji_desktop.services.roster import class_size_now
from xueji_desktop.services.sanctions import under_sanction

# R17.1's states from each side; the status change is written when the student's record moves (学籍已转接), then the
# sending school still sends the archive (R20.1: within a month)
IN_STEPS = ("已申请", "转入方已审核", "转出方已审核", "学籍已转接")
OUT_STEPS = ("已申请", "转入方已审核", "转出方已审核", "学籍已转出", "档案已寄出")


GRADE_NAMES = _GRADE_NAMES  # the wizard's 年级 names

_CROSSES = "家庭居住地（或务工地）跨省、市、县（市、区）迁移"
_HUKOU = "户籍已迁入居住地"
_SAME_AREA = "在同一城区（城市区域）内迁移"
_SPECIAL = "特殊教育学校与普通学校之间转学（随班就读，第十九条）"


@dataclass(frozen=True, slots=True, kw_only=True)
class TransferOutRequest:
    """转出: our student asks to move to another school (第十六条至第十八条)."""

    student_id: int
    to_school: str = ask("转入学校", hint="转入学校全称")
    reason: TransferReason = ask("转学原因")
    crosses_county: bool = ask(_CROSSES, initial=True)
    hukou_moved: bool = ask(_HUKOU, initial=True)
    within_city_area: bool = ask(_SAME_AREA, False)
    special_education: bool = ask(_SPECIAL, False)
    exam_registration_closed: bool = ask("本年度中考/高考报名已结束（毕业年级）", False)
    # R18.4's 受处分期间 is not asked: the sanctions recorded (services/sanctions.py) say it


@dataclass(frozen=True, slots=True, kw_only=True)
class TransferInRequest:
    """转入: a student of another school asks to join one of our classes (第十三条、第十七条、第十八条); the student's
    particulars, since no record exists here yet."""

    name: str = ask("姓名")
    gender: str = ask("性别", code_table="gender")
    birth_date: date = ask("出生日期", initial=lambda today: date(today.year - 8, 1, 1))
    id_number: str = ask("身份证件号", hint="18位居民身份证号")
    national_student_id: str | None = ask("学籍号", None, hint="原学籍号（如已知）")
    from_school: str = ask("原就读学校")
    grade_level: int = ask("原就读年级", names=_GRADE_NAMES)
    to_class_id: ClassId = ask("转入班级")
    reason: TransferReason = ask("转学原因")
    crosses_county: bool = ask(_CROSSES, initial=True)
    hukou_moved: bool = ask(_HUKOU, initial=True)
    within_city_area: bool = ask(_SAME_AREA, False)
    special_education: bool = ask(_SPECIAL, False)
    # 第十八条's senior cases: asked of every transfer in, they matter only for 高中 grades
    into_provincial_model_school: bool = ask("本校是省级示范高中", False)
    from_vocational: bool = ask("由中等职业学校转入", False)
    zhongkao_score: float | None = ask("中考成绩", None, maximum=1000, suffix=" 分")
    receiving_line: float | None = ask("本校当年录取分数线", None, maximum=1000, suffix=" 分")
    makeup_courses_arranged: bool = ask("已安排补学缺修课程", False)


SENIOR_FIELDS = (
    "into_provincial_model_school",
    "from_vocational",
    "zhongkao_score",
    "receiving_line",
    "makeup_courses_arranged",
)  # asked only where the school has 高中 grades


def proofs_for(
    grade_level: int, reason: TransferReason, *, from_vocational: bool = False
) -> list[tuple[str, ...]]:
    """The proofs a transfer of this grade asks for (R17.1; R18.5's 中考成绩 for 中职 → 普高)."""
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


def _prepare_out(session: Session, request: TransferOutRequest, today: date) -> Opening:
    """转出: every rule of 第十六条 to 第十八条 from our side (R19.1: a move between special and regular schooling is
    not held to 第十六条's reasons)."""
    student = student_of(session, request.student_id)
    grade = grade_of(session, student)
    case = transfer_case(
        grade,
        reason=request.reason,
        crosses_county=request.crosses_county,
        hukou_moved=request.hukou_moved,
        within_city_area=request.within_city_area,
        term=term_of(session, today),
        on=today,
        exam_registration_closed=request.exam_registration_closed,
        student_status=student.status,
        under_sanction=under_sanction(session, student.id, today),  # R18.4, from the records
        special_education=request.special_education,
    )
    if not request.to_school.strip():
        raise RuleViolation([block("R17.1", "请填写转入学校的名称")])
    facts = {
        "to_school": request.to_school.strip(),
        "reason": request.reason.value,
        "crosses_county": request.crosses_county,
        "hukou_moved": request.hukou_moved,
        "within_city_area": request.within_city_area,
        "grade": grade.level,
        "special_education": request.special_education,
    }
    return Opening(student.id, student.name, facts, rules.check_transfer(case))


def _prepare_in(session: Session, request: TransferInRequest, today: date) -> Opening:
    """转入: the rules from our side (same grade R18.2, a free place R18.1, the timing R18.3 …) and the person's
    identity (R13.1: no record from false information, no second record)."""
    target = class_of(session, request.to_class_id)
    case = transfer_case(
        GradeFacts(request.grade_level, _stage(session)),
        reason=request.reason,
        crosses_county=request.crosses_county,
        hukou_moved=request.hukou_moved,
        within_city_area=request.within_city_area,
        term=term_of(session, today),
        on=today,
        to_grade_level=target.grade.level,
        **{name: getattr(request, name) for name in ("special_education", *SENIOR_FIELDS)},
    )
    findings = rules.check_transfer(case)
    findings += _identity_findings(request.name, request.gender, request.birth_date, request.id_number)
    returning = _known(session, request.id_number)
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
        "name": request.name.strip(),
        "gender": request.gender,
        "birth_date": request.birth_date,
        "id_number": request.id_number.strip().upper(),
        "national_student_id": (request.national_student_id or "").strip() or None,
        "from_school": request.from_school.strip(),
        "grade": request.grade_level,
        "to_class_id": target.id,
        "to_class": target.name,
        "reason": request.reason.value,
        "returning_student_id": returning.id if returning is not None else None,
    }
    return Opening(returning.id if returning else None, request.name.strip(), facts, findings)


def transfer_due(kind: str, days: dict[str, date], calendar: WorkingCalendar) -> DueDate | None:
    """R20.1: the record moved within 10 working days after both sides approved; the sending school's archive within
    one month after the record moved."""
    if "转出方已审核" in days and "学籍已转接" not in days and "学籍已转出" not in days:
        return calendar.add_working_days(days["转出方已审核"], rules.COMPLETION_WORKING_DAYS)
    if kind == "transfer_out" and "学籍已转出" in days:
        return DueDate(rules.archive_due(days["学籍已转出"]), False, ())
    return None


def _complete_out(session: Session, procedure: Procedure, facts: dict[str, Any], on: date) -> Completion:
    student = procedure_student(session, procedure)
    found = rules.check_student_state(student.status, under_sanction(session, student.id, on))  # R18.4 still
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
    from xueji_desktop.services.students import add_student

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
    return add_student(
        session, values, {"姓名": [None, facts["name"]], "来源": [None, f"由{facts['from_school']}转入"]}
    )


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


def _archive_check(
    student: StudentRef, days: dict[str, date], today: date, term_start: date | None
) -> list[ReviewFinding]:
    """R20.1: the archive sent within a month of the record moving; one sent late is reported in the term it was
    sent, not every term after."""
    sent = days.get("档案已寄出")
    if sent is None or term_start is None or sent >= term_start:
        return review_rules.archive_findings(student, days["学籍已转出"], sent, today)
    return []


TRANSFER_IN = ProcedureKind(
    code="transfer_in",
    label="转入",
    request=TransferInRequest,
    statuses=(),
    explanation=(
        "依据《细则》第十三条、第十七条、第十八条：“籍随人走”，须在转出学校及其学籍管理部门审核同意后才能接收入学；"
        "同级互转，不得变更就读年级；班级须有空余学位。"
    ),
    steps=IN_STEPS,
    prepare=_prepare_in,
    complete=_complete_in,
    proofs=Proofs(
        "R17.1",
        lambda r: proofs_for(r.grade_level, r.reason, from_vocational=r.from_vocational),
        depends_on=("grade_level", "from_vocational"),
    ),
    batch=BatchColumns("22", "转学（转入）"),
    due=lambda facts, days, calendar: transfer_due("transfer_in", days, calendar),
    due_article="第二十条",
    forms=(TRANSFER_LETTER,),
    review=ReviewChecks(always=review_rules.transfer_in_findings),
)
TRANSFER_OUT = ProcedureKind(
    code="transfer_out",
    label="转出",
    request=TransferOutRequest,
    statuses=("在读",),
    explanation=(
        "依据《细则》第十六条至第十八条：义务教育阶段因家庭居住地跨省、市、县迁移且户籍已迁入，或外来务工人员务工地"
        "变化确需转学的，由监护人向转入学校申请，经双方学校和学籍管理部门审核；休学和受处分期间不予转学。"
    ),
    steps=OUT_STEPS,
    prepare=_prepare_out,
    complete=_complete_out,
    proofs=Proofs("R17.1", lambda r: proofs_for(1, r.reason)),
    batch=BatchColumns("21", "转学（转出）"),
    effective_step="学籍已转出",
    due=lambda facts, days, calendar: transfer_due("transfer_out", days, calendar),
    due_article="第二十条",
    forms=(TRANSFER_LETTER,),
    review=ReviewChecks(follow_up=_archive_check),
)
