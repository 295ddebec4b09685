"""建立学籍 (第十条, 第十五条): the 30-day deadline, the order of R10.3's steps, 初一/高一新生学籍转接 (R15.1: its
deadline, its two states, the schools that receive by it), and the form of a 学籍号 (R10.4).

Pure: dates and step names in, findings out. A step is one of models.statuses.EnrolmentStep's values; None means a
record that was formal before the app knew it, so none of these steps applies to it.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

from xueji_desktop.errors import InvalidInput
from xueji_desktop.models.statuses import EnrolmentStep  # the enum alone: no ORM, no SQLAlchemy
from xueji_desktop.rules.findings import Finding, Severity

ENROLMENT_DAYS = 30
STEPS: tuple[str, ...] = tuple(step.value for step in EnrolmentStep)  # R10.3's order
TRANSFER_GRADES = (7, 10)  # 初一、高一: 新生学籍转接 (R15.1) instead of a first registration (R10.1)
_ORDER_TEXT = " → ".join(STEPS)


def enrolment_deadline(enrolment_date: date) -> date:
    """The last day to finish: 30 calendar days after the enrolment date.

    Calendar days, not working days: 第十条 and 第十五条 say 「入学之日30天之内」 (30日), whereas where the regulation means
    working days it says 工作日 (第二十条、第二十七条).
    """
    return enrolment_date + timedelta(days=ENROLMENT_DAYS)


def is_overdue(step: str | None, enrolment_date: date | None, today: date) -> bool:
    """Still in the steps (not 审核通过) after the deadline day has passed."""
    if step is None or step == EnrolmentStep.APPROVED or enrolment_date is None:
        return False
    return today > enrolment_deadline(enrolment_date)


def enrolment_findings(
    step: str | None, enrolment_date: date | None, today: date, grade_level: int | None = None
) -> list[Finding]:
    """A WARN finding when a new student is overdue: R10.1 (小学初次建籍), or R15.1 for grade 7/10 newcomers, whose
    record comes over from their last school (学籍转接) rather than being established anew."""
    if enrolment_date is None or not is_overdue(step, enrolment_date, today):
        return []
    deadline = enrolment_deadline(enrolment_date)
    late = (today - deadline).days
    since = f"自入学之日（{enrolment_date:%Y-%m-%d}）起30天内"
    if grade_level in TRANSFER_GRADES:
        return [
            Finding(
                "R15.1",
                Severity.WARN,
                f"初一、高一新生应{since}办理学籍转接，期限{deadline:%Y-%m-%d}已过{late}天，当前步骤为“{step}”",
            )
        ]
    return [
        Finding(
            "R10.1",
            Severity.WARN,
            f"学籍应{since}建立，期限{deadline:%Y-%m-%d}已过{late}天，当前步骤为“{step}”",
        )
    ]


# --- 初一/高一新生学籍转接 (第十五条, R15.1) -------------------------------------------------------------------------
#
# A newcomer to grade 7 or 10 brings the 学籍号 of the primary (or junior) school: the record is not established anew
# (R10.3's form is not handed out again) but taken over, and the authority approves it. The student waits at
# 已录入系统 (the school has received them in the provincial system) until the clerk records 审核通过 — 转接完成.
# The days allowed are data (reference/school_year_calendar: continuation_days), given to these functions.

CONTINUATION_GRADES = {  # the grades a school of each stage takes newcomers into with their 学籍号
    "junior": (7,),
    "senior": (10,),
    "nine_year": (7,),  # its own 六年级 go on to 初一 at the year end; outsiders come in by 转接 as well
    "twelve_year": (7, 10),
    "special": (7,),
}
CONTINUATION_START = EnrolmentStep.ENTERED.value  # received in the provincial system, awaiting its 审核
CONTINUATION_STEPS = (CONTINUATION_START, EnrolmentStep.APPROVED.value)  # 待审核 → 转接完成


def continuation_grades(stage: str | None) -> tuple[int, ...]:
    """初一 and/or 高一 for a school of this stage; () for a primary school, which takes no one by 转接."""
    return CONTINUATION_GRADES.get(stage or "", ())


def check_continuation_school(stage_name: str, grades: tuple[int, ...]) -> list[Finding]:
    """R15.1: only a school with a grade 7 or 10 (of its stage, set up) receives 初一/高一新生 by 学籍转接."""
    if grades:
        return []
    return [
        Finding(
            "R15.1",
            Severity.BLOCK,
            f"本校（{stage_name}）没有初一、高一年级，不办理初一、高一新生学籍转接；一年级新生请用“导入新生”建立学籍",
        )
    ]


def continuation_deadline(entry_date: date, days: int) -> date:
    """The last day of 第十五条's 「入学之日30天之内」: `days` calendar days after the entry date (as R10.1 counts)."""
    return entry_date + timedelta(days=days)


def continuation_overdue(step: str | None, entry_date: date | None, today: date, days: int) -> bool:
    """Not yet 审核通过 (转接完成) after the deadline day has passed."""
    if step is None or step == EnrolmentStep.APPROVED or entry_date is None:
        return False
    return today > continuation_deadline(entry_date, days)


def continuation_findings(
    step: str | None, entry_date: date | None, today: date, *, days: int
) -> list[Finding]:
    """R15.1: a WARN finding when a 初一/高一新生's 学籍转接 is not complete by `days` days after the entry date; the
    deadline day itself is still in time. Nothing for a 转接 complete (审核通过) or without an entry date."""
    if entry_date is None or not continuation_overdue(step, entry_date, today, days):
        return []
    deadline = continuation_deadline(entry_date, days)
    return [
        Finding(
            "R15.1",
            Severity.WARN,
            f"初一、高一新生应自入学之日（{entry_date:%Y-%m-%d}）起{days}天内办理新生学籍转接，"
            f"期限{deadline:%Y-%m-%d}已过{(today - deadline).days}天，尚未转接完成（省级学籍系统审核通过）",
        )
    ]


def check_continuation_step(current: str | None, new: str, reason: str | None = None) -> list[Finding]:
    """R15.1: a 转接 has two states, 已录入系统 (awaiting the authority) and 审核通过 (转接完成); R10.3's form steps do
    not apply. Going back from 审核通过 needs a written reason, as R10.3's going back does."""
    _index(new)
    if current is None:
        return [Finding("R15.1", Severity.BLOCK, "该学生的学籍已是正式学籍，不在学籍转接中")]
    if new not in CONTINUATION_STEPS:
        return [
            Finding(
                "R15.1",
                Severity.BLOCK,
                f"新生学籍转接沿用原学籍，不走“{new}”这一建籍步骤；只能标记为“{CONTINUATION_STEPS[1]}”（转接完成）",
            )
        ]
    if new == current or new == EnrolmentStep.APPROVED:
        return []
    if reason and reason.strip():
        return []
    return [Finding("R15.1", Severity.BLOCK, f"从“{current}”退回“{new}”须写明原因（原因将记入操作日志）")]


def next_step(step: str | None) -> str | None:
    """The step after this one; None after 审核通过 (and for a formal record, which has no steps)."""
    if step is None:
        return None
    index = _index(step)
    return STEPS[index + 1] if index + 1 < len(STEPS) else None


def previous_step(step: str) -> str | None:
    index = _index(step)
    return STEPS[index - 1] if index > 0 else None


def check_step_change(current: str | None, new: str, reason: str | None = None) -> list[Finding]:
    """R10.3: steps move forward one at a time, in order. A mistaken step is corrected by going back to the previous
    step only, with a written reason (kept in the audit trail). The same step again is no change and no finding."""
    _index(new)
    if current is None:
        return [Finding("R10.3", Severity.BLOCK, "该学生的学籍已是正式学籍，不在建立学籍的步骤中")]
    if new == current or new == next_step(current):
        return []
    if new == previous_step(current):
        if reason and reason.strip():
            return []
        return [
            Finding(
                "R10.3",
                Severity.BLOCK,
                f"从“{current}”退回“{new}”须写明原因（原因将记入操作日志）",
            )
        ]
    direction = "跳过步骤" if _index(new) > _index(current) else "只能退回上一步"
    return [
        Finding(
            "R10.3",
            Severity.BLOCK,
            f"建立学籍须按顺序逐步办理（{_ORDER_TEXT}），不能从“{current}”直接改为“{new}”（{direction}）",
        )
    ]


def _index(step: str) -> int:
    try:
        return STEPS.index(step)
    except ValueError:
        raise InvalidInput(f"没有“{step}”这个建籍步骤（应为：{_ORDER_TEXT}）") from None


# --- 学籍号 (R10.4) ---------------------------------------------------------------------------------------------

NATIONAL_ID_PREFIXES = "GLJ"  # G 正式学籍号, L 临时学籍号, J 无有效身份证件号者
_NATIONAL_ID_TAIL = re.compile(r"[0-9]{17}[0-9X]")


class NationalIdError(InvalidInput):
    """A 学籍号 that cannot be one the national system issued; the message says why, in Chinese."""


def normalise_national_student_id(raw: str | None) -> str:
    """Full-width letters and digits to ASCII, spaces out, upper case."""
    text = unicodedata.normalize("NFKC", raw or "")
    return re.sub(r"[\s\u3000]", "", text).upper()


def check_national_student_id(raw: str | None) -> str:
    """The normalised 学籍号, or NationalIdError: one letter G, L or J, then 17 digits and a digit or X (19 in all).

    No checksum is run on the tail: an L number's last characters can be random (shared/data/SPEC.md §1).
    """
    number = normalise_national_student_id(raw)
    if not number:
        raise NationalIdError("学籍号为空")
    if number[0] not in NATIONAL_ID_PREFIXES:
        raise NationalIdError(f"学籍号“{number}”应以字母G、L或J开头（全国学籍系统生成的学籍号）")
    if len(number) != 19:
        raise NationalIdError(f"学籍号“{number}”应为19位（1位字母+18位），现在是{len(number)}位")
    if not _NATIONAL_ID_TAIL.fullmatch(number[1:]):
        raise NationalIdError(f"学籍号“{number}”字母后应为18位数字，最后一位可以是X")
    return number


def check_registration(step: str | None) -> list[Finding]:
    """R9.1: a new record is registered (注册, counted as the school's student) only after the authority approved it
    (审批); a formal record (step None) is registered."""
    if step is None or step == EnrolmentStep.APPROVED:
        return []
    return [Finding("R9.1", Severity.BLOCK, f"新生学籍须经学籍管理部门审批后才能注册，当前步骤为“{step}”")]


LATE_APPLICATION_DAYS = 7  # R11.1: 开学前一周内申请延期
LATE_EXTENSION_DAYS = 14  # R11.1: 延期期限不超过两周


def check_late_registration(
    term_start: date, applied_on: date, until: date, *, has_proof: bool
) -> list[Finding]:
    """R11.1: a new student who cannot come on time applies with proof within the week before the term starts, for
    at most two weeks; past that, the suspension procedure of chapter 5 applies."""
    found = []
    if not has_proof:
        found.append(Finding("R11.1", Severity.BLOCK, "申请延期办理入学手续须持有关证明"))
    if not term_start - timedelta(days=LATE_APPLICATION_DAYS) <= applied_on <= term_start:
        found.append(
            Finding(
                "R11.1",
                Severity.BLOCK,
                f"延期办理入学手续须在开学前一周内（{term_start - timedelta(days=LATE_APPLICATION_DAYS):%Y-%m-%d}"
                f"至{term_start:%Y-%m-%d}）申请",
            )
        )
    if until > term_start + timedelta(days=LATE_EXTENSION_DAYS):
        found.append(
            Finding(
                "R11.1", Severity.BLOCK, "延期期限不超过两周；超过延期期限仍不能正常入学的，请办理休学手续"
            )
        )
    return found


ARCHIVE_CONTENTS = (
    "学生基本信息",
    "学籍变动信息",
    "户籍证明",
    "转学申请",
    "休学申请",
    "综合素质评价报告",
    "体质健康测试",
    "健康体检",
    "预防接种",
    "奖励情况",
    "资助信息",
)  # R10.2: 学生学籍档案的内容


def missing_archive_contents(present: set[str]) -> list[Finding]:
    """R10.2: what a student archive should hold and does not (a warning for the term review)."""
    missing = [item for item in ARCHIVE_CONTENTS if item not in present]
    if not missing:
        return []
    return [Finding("R10.2", Severity.WARN, f"学生学籍档案缺少：{'、'.join(missing)}")]
