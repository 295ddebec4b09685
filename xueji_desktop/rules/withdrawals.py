"""退学 (第二十三条至第二十六条), 死亡 (第二十七条), 辍学 (第二十八条), and restoring a record (第二十五条第二款).

Pure: facts in, findings out. In the compulsory stage a student may leave only for the two reasons of 第二十三条, on
the approval of the township government or the county education bureau; schools may never persuade a student out or
expel one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from xueji_desktop.rules import proofs
from xueji_desktop.rules.findings import Finding, block, warn
from xueji_desktop.rules.stages import GradeFacts

DEATH_WORKING_DAYS = 10  # R27.1
CONTINUOUS_ABSENCE_WEEKS = 8  # R26.1: 连续无故旷课超过8周
TOTAL_ABSENCE_WEEKS = 10  # R26.1: 累计旷课10周及以上


class WithdrawalReason(StrEnum):
    """第二十三条 and 第二十四条's reasons; the value is what the screen shows."""

    LOST_ABILITY = "丧失学习能力"  # compulsory only
    SETTLING_ABROAD = "出境定居"
    INCURABLE_ILLNESS = "患不能治愈的重症或严重传染疾病，已休学两年"  # senior
    ACCIDENT_DISABILITY = "意外伤害事故导致严重智力障碍或生活不能自理"  # senior
    OTHER = "本人及监护人因其他原因申请"  # senior


class ApprovingBody(StrEnum):
    TOWNSHIP = "乡镇人民政府"
    COUNTY_BUREAU = "县级教育行政部门"
    AUTHORITY = "学籍管理部门"


COMPULSORY_REASONS = (WithdrawalReason.LOST_ABILITY, WithdrawalReason.SETTLING_ABROAD)
SENIOR_REASONS = (
    WithdrawalReason.INCURABLE_ILLNESS,
    WithdrawalReason.ACCIDENT_DISABILITY,
    WithdrawalReason.SETTLING_ABROAD,
    WithdrawalReason.OTHER,
)


@dataclass(frozen=True, slots=True)
class WithdrawalCase:
    grade: GradeFacts
    reason: WithdrawalReason
    approved_by: ApprovingBody | None  # who approved (compulsory: township government or county bureau)
    student_status: str = "在读"
    days_suspended: int = 0  # INCURABLE_ILLNESS needs two years' suspension first


def check_withdrawal(case: WithdrawalCase) -> list[Finding]:
    found = []
    if case.student_status not in ("在读", "休学"):
        found.append(block("R25.1", f"该学生当前状态为“{case.student_status}”，不能办理退学"))
    if case.grade.compulsory:
        if case.reason not in COMPULSORY_REASONS:
            found.append(
                block(
                    "R23.1",
                    "义务教育阶段除丧失学习能力或出境定居外，不允许学生退学；学校不得以任何理由劝退、"
                    "开除学生",
                )
            )
        if case.approved_by not in (ApprovingBody.TOWNSHIP, ApprovingBody.COUNTY_BUREAU):
            found.append(
                block(
                    "R23.1",
                    "义务教育阶段学生退学须报所在乡镇人民政府或县级教育行政部门批准，退学手续由县级"
                    "教育行政部门办理",
                )
            )
        return found
    if case.reason not in SENIOR_REASONS:
        found.append(block("R24.1", f"普通高中学生不能以“{case.reason}”为由退学"))
    if case.reason is WithdrawalReason.INCURABLE_ILLNESS and case.days_suspended < 730:
        found.append(block("R24.1", "因患不能治愈的重症或严重传染疾病退学的，须已休学两年"))
    if case.approved_by is None:
        found.append(block("R25.1", "退学须经学校审核同意并报学籍管理部门批准"))
    return found


def required_proofs(reason: WithdrawalReason) -> list[proofs.Requirement]:
    """R23.1 / R24.1 / R25.1: the 退学申请表 and the proof of the reason."""
    needed: list[proofs.Requirement] = [(proofs.WITHDRAWAL_FORM,)]
    if reason is WithdrawalReason.SETTLING_ABROAD:
        needed += [(proofs.PASSPORT_COPY,), (proofs.HOUSEHOLD_REGISTER_COPY,)]
    elif reason in (WithdrawalReason.LOST_ABILITY, WithdrawalReason.INCURABLE_ILLNESS):
        needed.append((proofs.HOSPITAL_RECORD,))
    elif reason is WithdrawalReason.ACCIDENT_DISABILITY:
        needed.append((proofs.GRADE_A_HOSPITAL_RECORD,))
    return needed


@dataclass(frozen=True, slots=True)
class AttendanceFacts:
    """A senior student's unexcused absence in the current term, as the school records it (R26.1)."""

    longest_continuous_weeks: float = 0
    total_weeks: float = 0
    contacted_family: bool = False  # 经学校与父母或其他监护人多次联系帮助教育无效


def automatic_withdrawal_grounds(
    grade: GradeFacts, status: str, attendance: AttendanceFacts, suspension_end: date | None, today: date
) -> list[Finding]:
    """R26.1: a senior student is a candidate for 自动退学 after more than 8 continuous or 10 total weeks of unexcused
    absence in a term (the family contacted repeatedly), or a suspension expired without resumption or extension.
    Warnings: the authority's approval is still needed, and the clerk starts the procedure."""
    if not grade.senior:
        return []
    found = []
    if status == "在读":
        continuous = attendance.longest_continuous_weeks > CONTINUOUS_ABSENCE_WEEKS
        total = attendance.total_weeks >= TOTAL_ABSENCE_WEEKS
        if continuous or total:
            weeks = (
                f"连续无故旷课{attendance.longest_continuous_weeks:g}周"
                if continuous
                else f"累计旷课{attendance.total_weeks:g}周"
            )
            contact = (
                "，经多次联系帮助教育无效"
                if attendance.contacted_family
                else "；须先与监护人多次联系、帮助教育"
            )
            found.append(warn("R26.1", f"本学期{weeks}{contact}，可报学籍管理部门批准后按自动退学处理"))
    if status == "休学" and suspension_end is not None and today > suspension_end:
        found.append(
            warn(
                "R26.1",
                f"休学已于{suspension_end:%Y-%m-%d}期满，仍未复学或办理延长休学，可报学籍管理部门批准后"
                "按自动退学处理",
            )
        )
    return found


def check_death(status: str, died_on: date, today: date) -> list[Finding]:
    """R27.1: reported within 10 working days, with proof (the deadline itself is a working-day count: services)."""
    if status in ("死亡",):
        return [block("R27.1", "该学生已做过死亡异动")]
    if died_on > today:
        return [block("R27.1", f"死亡日期（{died_on:%Y-%m-%d}）不能晚于今天")]
    return []


def check_dropout(grade: GradeFacts, status: str) -> list[Finding]:
    """R28.1: the dropout report is for compulsory-stage students, whose record is kept for the whole compulsory
    period (a senior student who stops coming is R26.1's automatic withdrawal)."""
    if not grade.compulsory:
        return [block("R28.1", "辍学报告针对义务教育阶段学生；普通高中学生长期旷课按第二十六条自动退学办理")]
    if status != "在读":
        return [block("R28.1", f"该学生当前状态为“{status}”，只有在读学生可以报告辍学")]
    return []


DROPOUT_RECIPIENTS = (ApprovingBody.TOWNSHIP, ApprovingBody.COUNTY_BUREAU, ApprovingBody.AUTHORITY)  # R28.1


def check_restoration(status: str, last_withdrawal_reason: str | None) -> list[Finding]:
    """R25.2: a student back from abroad gets the old record restored (a record withdrawn for 出境定居); anyone else
    with a record here is not restored this way."""
    if status != "退学" or last_withdrawal_reason != WithdrawalReason.SETTLING_ABROAD:
        return [
            block(
                "R25.2", "只有因出境定居退学、又回到境内就读的学生可以恢复原学籍；其他情形请按第三章新建学籍"
            )
        ]
    return []
