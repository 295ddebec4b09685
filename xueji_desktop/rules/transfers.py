"""转学 (第十三条、第十六条至第二十条): who may transfer, when, into which grade and class, with which proofs; the
states a transfer goes through; its deadlines.

Pure: facts in, findings out. A transfer in (转入) and a transfer out (转出) ask the same rules from their two sides;
the wizard, the CLI and the term review all call check_transfer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from xueji_desktop.rules import proofs
from xueji_desktop.rules.class_size import check_class_size, limits_for_grade
from xueji_desktop.rules.findings import Finding, block, warn
from xueji_desktop.rules.stages import TERM_NAMES, GradeFacts

EARLY_TERM_DAYS = 15  # R17.1: 转学一般应在学期初15天之内办理
COMPLETION_WORKING_DAYS = 10  # R20.1


class TransferReason(StrEnum):
    """Why the family asks (第十六条): the screen shows the value."""

    FAMILY_MOVED = "家庭居住地迁移且户籍已迁入"
    WORKPLACE_MOVED = "外来务工人员务工地变化"
    OTHER = "其他原因"


class TransferState(StrEnum):
    """R17.1's states, in order; the value is what the screen shows."""

    REQUESTED = "已申请"
    RECEIVING_APPROVED = "转入方已审核"
    SENDING_APPROVED = "转出方已审核"
    COMPLETED = "已完成"


STATE_ORDER = tuple(TransferState)


@dataclass(frozen=True, slots=True)
class TransferCase:
    """The facts of one transfer, as the wizard gathers them."""

    grade: GradeFacts  # the student's grade at the sending school
    to_grade_level: int  # the grade asked for at the receiving school
    reason: TransferReason
    crosses_county: bool  # 跨省、市、县（市、区）
    hukou_moved: bool  # 户籍已迁入居住地
    within_city_area: bool  # 同城区内 / 同一城市区域 (senior: never)
    term_number: int  # 1 or 2
    term_start: date
    on: date  # the day the request is made
    exam_registration_closed: bool = False  # 中考/高考报名已结束
    student_status: str = "在读"
    under_sanction: bool = False  # 处分期间
    special_education: bool = False  # 特殊教育学校 ↔ 随班就读 (第十九条)
    into_provincial_model_school: bool = False  # 省级示范高中
    from_vocational: bool = False  # 中职 → 普高
    zhongkao_score: float | None = None
    receiving_line: float | None = None  # the receiving school's 录取分数线 that year
    makeup_courses_arranged: bool = False  # 补学缺修课程


def check_transfer(case: TransferCase) -> list[Finding]:
    """Every rule of 第十六条 to 第十九条 on one transfer, in the order of the regulation."""
    found = check_reason(case)
    found += check_same_grade(case.grade.level, case.to_grade_level)
    found += check_timing(case)
    found += check_student_state(case.student_status, case.under_sanction)
    if case.grade.senior:
        found += check_senior_school(case)
    return found


def check_reason(case: TransferCase) -> list[Finding]:
    """R16.1 compulsory stage: family moved across province/city/county with 户籍 moved, or the migrant parents'
    workplace moved across them. R16.2 senior: only a family move across city/county (not within the same urban
    district) with 户籍 moved. Both 「原则上」: the authority may approve an exception."""
    if case.special_education:
        return []  # 第十九条: a move between special and regular schooling is not a 转学 of 第十六条
    if case.grade.compulsory:
        if case.reason is TransferReason.OTHER or not case.crosses_county:
            return [
                block(
                    "R16.1",
                    "义务教育阶段学生原则上不得随意转学：须因家庭居住地跨省、市、县（市、区）迁移且户籍"
                    "已迁入居住地，或外来务工人员务工地跨省、市、县（市、区）发生变化",
                    overridable=True,
                )
            ]
        if case.reason is TransferReason.FAMILY_MOVED and not case.hukou_moved:
            return [block("R16.1", "因家庭居住地迁移转学的，户籍须已迁入居住地", overridable=True)]
        return []
    if (
        case.reason is not TransferReason.FAMILY_MOVED
        or not case.crosses_county
        or not case.hukou_moved
        or case.within_city_area
    ):
        return [
            block(
                "R16.2",
                "普通高中学生原则上不予转学：仅家庭居住地跨省、市、县迁移（不含同城区内迁移）且户籍已迁入"
                "居住地、无法在原学校学习的，可以申请转学",
                overridable=True,
            )
        ]
    return []


def check_same_grade(from_level: int, to_level: int) -> list[Finding]:
    """R18.2: 同级互转, the grade never changes."""
    if from_level != to_level:
        return [
            block(
                "R18.2",
                f"转学执行同级互转的原则，不得变更就读年级（原为{GradeFacts(from_level, '').name}，"
                f"申请转入{GradeFacts(to_level, '').name}）",
            )
        ]
    return []


def check_timing(case: TransferCase) -> list[Finding]:
    """R18.3: not in the first term of a starting grade, not in the second term of a graduating grade, not after
    中考/高考 registration closed (each 「原则上」); R17.1: normally within the first 15 days of a term (warn)."""
    grade, term = case.grade, TERM_NAMES.get(case.term_number, "")
    found = []
    if grade.starting and case.term_number == 1:
        found.append(block("R18.3", f"起始年级（{grade.name}）{term}原则上不能转学", overridable=True))
    if grade.graduating and case.term_number == 2:
        found.append(block("R18.3", f"毕业年级（{grade.name}）{term}原则上不能转学", overridable=True))
    if grade.graduating and case.exam_registration_closed:
        exam = "高考" if grade.senior else "中考"
        found.append(
            block("R18.3", f"{exam}报名结束后，原则上不再办理毕业年级学生转学手续", overridable=True)
        )
    days = (case.on - case.term_start).days + 1
    if days > EARLY_TERM_DAYS:
        found.append(warn("R17.1", f"转学一般应在学期初{EARLY_TERM_DAYS}天之内办理，今天是本学期第{days}天"))
    return found


def check_student_state(status: str, under_sanction: bool) -> list[Finding]:
    """R18.4: no transfer while suspended or during a sanction period."""
    found = []
    if status == "休学":
        found.append(block("R18.4", "学生休学期间不予转学，请先办理复学"))
    elif status != "在读":
        found.append(block("R18.4", f"该学生当前状态为“{status}”，只有在读学生可以转学"))
    if under_sanction:
        found.append(block("R18.4", "学生受处分期间不予转学"))
    return found


def check_senior_school(case: TransferCase) -> list[Finding]:
    """R18.5: not into a provincial model high school, not within the same city area; 中职 → 普高 only with a 中考
    score at the receiving school's line and the missing courses made up (普高 → 中职 is allowed)."""
    found = []
    if case.into_provincial_model_school:
        found.append(block("R18.5", "一般普通高中不能转入省级示范高中", overridable=True))
    if case.within_city_area:
        found.append(block("R18.5", "同一城市区域普通高中之间不能转学"))
    if case.from_vocational:
        if case.zhongkao_score is None or case.receiving_line is None:
            found.append(
                block("R18.5", "中等职业学校学生转入普通高中，须提供中考成绩和转入学校当年录取分数线")
            )
        elif case.zhongkao_score < case.receiving_line:
            found.append(
                block(
                    "R18.5",
                    f"中考成绩{case.zhongkao_score:g}分未达到转入学校当年录取分数线{case.receiving_line:g}分",
                )
            )
        if not case.makeup_courses_arranged:
            found.append(block("R18.5", "中等职业学校学生转入普通高中，应安排补学相应的缺修课程"))
    return found


def check_free_place(class_label: str, grade_level: int, size_after: int) -> list[Finding]:
    """R18.1: a transfer in only where the class has a free place within the caps of 第十二条 (R12.1 warns above the
    standard size)."""
    if size_after > limits_for_grade(grade_level).maximum:
        return [
            block(
                "R18.1",
                f"{class_label}已无空余学位（转入后{size_after}人，超过班额上限"
                f"{limits_for_grade(grade_level).maximum}人），不得接收转入",
            )
        ]
    return check_class_size(class_label, grade_level, size_after)


def check_admission_needs_transfer(sending_side_approved: bool, special_education: bool) -> list[Finding]:
    """R13.2: 籍随人走 — a student is not admitted (a transfer in not completed) before the sending side has approved,
    except the special-education cases of 第十三条."""
    if special_education or sending_side_approved:
        return []
    return [block("R13.2", "学籍管理实行“籍随人走”：转出学校及其学籍管理部门审核同意前，不得接收该学生入学")]


def required_proofs(case: TransferCase) -> list[proofs.Requirement]:
    """R16.1 / R17.1: the guardian's request, and the 户籍证明 or 居住证 the receiving school uploads; R18.5: the 中考
    score for 中职 → 普高."""
    needed: list[proofs.Requirement] = [
        (proofs.TRANSFER_APPLICATION,),
        (proofs.HUKOU_PROOF, proofs.RESIDENCE_PERMIT),
    ]
    if case.grade.senior and case.from_vocational:
        needed.append((proofs.ZHONGKAO_SCORE,))
    return needed


def check_state_change(current: TransferState | None, new: TransferState) -> list[Finding]:
    """R17.1: requested → receiving side approved → sending side approved → completed, one step at a time."""
    expected = (
        STATE_ORDER[0]
        if current is None
        else (STATE_ORDER[STATE_ORDER.index(current) + 1] if current is not TransferState.COMPLETED else None)
    )
    if new is expected:
        return []
    shown = "（尚未申请）" if current is None else f"“{current}”"
    return [block("R17.1", f"转学须依次经过：{' → '.join(STATE_ORDER)}；当前为{shown}，不能改为“{new}”")]


def archive_due(completed_on: date) -> date:
    """R20.1: the sending school sends the student archive within one month of the transfer (the same day of the
    next month, or that month's last day)."""
    year, month = (
        (completed_on.year + 1, 1)
        if completed_on.month == 12
        else (completed_on.year, completed_on.month + 1)
    )
    for day in range(completed_on.day, 27, -1):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return date(year, month, min(completed_on.day, 28))
