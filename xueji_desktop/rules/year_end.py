"""学年结束: which grades graduate and which move up, who may graduate, when a year end may run (第十五条、第二十一条、
第二十九条).

Pure: facts in, findings and plans out. services/year_end.py reads the school and writes what these decide.

- **毕业** (第二十九条, R29.1): a school's last grade of each stage it teaches graduates (小学六年级, 初中九年级, 高中三年级);
  only students 在读 graduate; unfinished business (a procedure under way, a record not yet 审核通过, a change the
  provincial system has not received, a sanction due to be lifted) blocks the graduation of the student it touches —
  the national system refuses it until its 在办业务清理 is done.
- **小学毕业，升入初中** (第十五条, R15.1): a nine-year (or twelve-year) school's 六年级 graduate from primary and go on
  into its own 初一 as 初一新生学籍转接.
- **升级** (第十五条 R15.1, 第二十一条 R21.1): every other student 在读 moves up one grade; no one is held back (留级 is
  not allowed); a suspended student stays with the grade he left until he resumes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from xueji_desktop.rules.findings import Finding, block, warn
from xueji_desktop.rules.stages import GradeFacts


class GradeOutcome(StrEnum):
    """What the year end does with a grade's students 在读; the value is what the preview shows."""

    GRADUATE = "毕业"
    GRADUATE_AND_CONTINUE = "小学毕业，升入初中"
    MOVE_UP = "升级"


# the nine-year and twelve-year schools' sixth grade finish primary school and stay: 初一新生学籍转接 in the same school
_CONTINUING_PRIMARY = {"nine_year": 6, "twelve_year": 6}


def grade_outcome(level: int, school_stage: str, levels: frozenset[int]) -> GradeOutcome:
    """What happens to grade `level` of a school teaching `levels`: its last grade of a stage graduates, a nine-year
    school's 六年级 graduate from primary and go on, every other grade moves up (R15.1, R21.1)."""
    if _CONTINUING_PRIMARY.get(school_stage) == level and level + 1 in levels:
        return GradeOutcome.GRADUATE_AND_CONTINUE
    if GradeFacts(level, school_stage).graduating or level + 1 not in levels:
        return GradeOutcome.GRADUATE
    return GradeOutcome.MOVE_UP


def starting_levels(school_stage: str, levels: frozenset[int]) -> list[int]:
    """The grades no one moves into at a year end (a school's first grade of each stage it takes newcomers into):
    they start the new year with empty classes for the new students."""
    return sorted(
        level
        for level in levels
        if level - 1 not in levels or grade_outcome(level - 1, school_stage, levels) is GradeOutcome.GRADUATE
    )


def check_graduate(status: str, name: str) -> list[Finding]:
    """R29.1: 「学习期满后，予以毕业」 — only a student 在读 graduates; a suspended student stays with his grade until he
    resumes, one who has left is not the school's to graduate."""
    if status == "在读":
        return []
    if status == "休学":
        return [warn("R29.1", f"{name}正在休学，不参加本次毕业，复学后随所在年级毕业")]
    return [block("R29.1", f"{name}的学籍状态为“{status}”，只有在读学生才能毕业")]


def block_graduation(name: str, what: str, rule_id: str) -> Finding:
    """The graduation of a student waits for his unfinished business (the national system's 在办业务清理): the
    finding rests on the rule that business breaks (R7.1 a change not finished or not reported, R10.3 a record not
    审核通过, R32.1 a sanction to be lifted)."""
    return block(rule_id, f"{name}有未办结的业务（{what}），办结或撤销后才能毕业")


def check_no_repeat(unplaced: int) -> list[Finding]:
    """R21.1: no student may repeat a year — every student 在读 moves up with his class, so one in no class (whom
    the year end cannot move) must be placed in a class first."""
    if unplaced <= 0:
        return []
    return [
        block(
            "R21.1",
            f"有{unplaced}名在读学生没有分班，无法随年级升级（义务教育和普通高中阶段不允许留级）：请先为他们分班",
        )
    ]


@dataclass(frozen=True, slots=True)
class YearFacts:
    """The school year to be ended: its first year, when its second term ends and when its first term began, and
    whether a year end began it (then it cannot be ended before it has even started)."""

    start_year: int
    term1_start: date
    term2_end: date
    begun_by_year_end: bool


def check_year_end_date(facts: YearFacts, on: date, *, date_confirmed: bool) -> list[Finding]:
    """When a year end may run (R15.1): not twice for one year (the year the last one began has not started yet on
    `on`), and not before the last term has ended unless the clerk confirms the date."""
    if facts.begun_by_year_end and on < facts.term1_start:
        return [
            block(
                "R15.1",
                f"{facts.start_year - 1}-{facts.start_year}学年的学年结束已经办理，同一学年不能办理两次"
                f"（{facts.start_year}-{facts.start_year + 1}学年{facts.term1_start:%Y-%m-%d}才开始）",
            )
        ]
    if on < facts.term2_end and not date_confirmed:
        return [
            warn(
                "R15.1",
                f"第二学期{facts.term2_end:%Y-%m-%d}结束，{on:%Y-%m-%d}尚未结束：请确认以这一天办理学年结束",
            )
        ]
    return []


@dataclass(frozen=True, slots=True)
class TermDates:
    """A new school year's two terms."""

    term1_start: date
    term1_end: date
    term2_start: date
    term2_end: date


def propose_terms(last: TermDates) -> TermDates:
    """Next year's terms from last year's: each day a year on, moved to the same weekday (a term that began on a
    Monday begins on a Monday); the clerk edits them before the year end runs."""

    def a_year_on(day: date) -> date:
        later = day + timedelta(days=364)  # same weekday, one or two days before the anniversary
        try:
            anniversary = day.replace(year=day.year + 1)
        except ValueError:  # 29 February
            anniversary = day + timedelta(days=365)
        return later if (anniversary - later).days <= 3 else later + timedelta(days=7)

    return TermDates(
        a_year_on(last.term1_start),
        a_year_on(last.term1_end),
        a_year_on(last.term2_start),
        a_year_on(last.term2_end),
    )


def check_terms(terms: TermDates, new_start_year: int) -> list[str]:
    """What is wrong with a new year's term dates (empty: nothing), each in the clerk's words."""
    problems = []
    if terms.term1_start.year != new_start_year:
        problems.append(f"第一学期应在{new_start_year}年开始")
    if not terms.term1_start < terms.term1_end < terms.term2_start < terms.term2_end:
        problems.append("学期日期应依次为：第一学期开始 < 第一学期结束 < 第二学期开始 < 第二学期结束")
    return problems
