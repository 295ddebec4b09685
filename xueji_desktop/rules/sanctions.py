"""奖励 (第三十一条) and 处分 (第三十二条): which sanctions a stage allows, how long 留校察看 lasts, who approves an
expulsion, when a sanction is in force (R18.4: no transfer while it is), when it is lifted, and what goes into the
student archive.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date

from xueji_desktop.rules.findings import Finding, block
from xueji_desktop.rules.stages import GradeFacts

COMPULSORY_SANCTIONS = ("警告", "严重警告", "记过")
SENIOR_SANCTIONS = (*COMPULSORY_SANCTIONS, "留校察看", "开除学籍")
PROBATION_MAX_MONTHS = 12
AWARD_LEVELS = ("班级", "校级", "县级", "市级", "省级", "国家级")


def check_sanction(
    grade: GradeFacts, kind: str, *, probation_months: int = 0, city_approved: bool = False
) -> list[Finding]:
    """R32.1: compulsory stage — 警告, 严重警告, 记过 only (never expelled); senior — also 留校察看 (at most a year) and
    开除学籍 (approved by the city education bureau)."""
    allowed = COMPULSORY_SANCTIONS if grade.compulsory else SENIOR_SANCTIONS
    if kind not in allowed:
        stage = "义务教育阶段" if grade.compulsory else "普通高中"
        return [block("R32.1", f"{stage}学生的处分只有{'、'.join(allowed)}，不能给予“{kind}”")]
    if kind == "留校察看" and not 0 < probation_months <= PROBATION_MAX_MONTHS:
        return [block("R32.1", "留校察看时间最长不超过一年")]
    if kind == "开除学籍" and not city_approved:
        return [block("R32.1", "开除普通高中学生的学籍须报市级教育行政部门批准")]
    return []


def sanction_goes_into_archive(kind: str) -> bool:
    """R32.2: 记过 and above are written into the student archive."""
    return kind in SENIOR_SANCTIONS[SENIOR_SANCTIONS.index("记过") :]


def award_goes_into_archive(level: str) -> bool:
    """R31.1: awards at school level and above are written into the student archive."""
    return level in AWARD_LEVELS and AWARD_LEVELS.index(level) >= AWARD_LEVELS.index("校级")


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has no such day: 1月31日 + 1 → 2月28日)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def months_of(start: date, end: date) -> int:
    """The whole months a period from `start` to `end` takes, a part of a month counting as one (R32.1's 一年 is 12)."""
    months = 0
    while add_months(start, months) < end:
        months += 1
    return months


def check_new_sanction(
    grade: GradeFacts,
    kind: str,
    decided_on: date,
    period_end: date | None,
    *,
    city_approved: bool = False,
) -> list[Finding]:
    """R32.1 for a sanction as the clerk records it: the kinds of the stage; 留校察看 with its period's last day, at
    most a year after the decision (`months_of`); a period never ends before it starts."""
    if period_end is not None and period_end <= decided_on:
        return [
            block("R32.1", f"处分期限（{period_end:%Y-%m-%d}）须晚于处分决定日期（{decided_on:%Y-%m-%d}）")
        ]
    if kind == "留校察看" and period_end is None and not grade.compulsory:
        return [block("R32.1", "留校察看须填写察看期满日期（最长不超过一年）")]
    months = months_of(decided_on, period_end) if period_end is not None else 0
    return check_sanction(grade, kind, probation_months=months, city_approved=city_approved)


def in_force(decided_on: date, lifted_on: date | None, today: date) -> bool:
    """R18.4: a sanction is in force from its decision until it is lifted (解除); a period that has ended does not
    lift it by itself — the school decides the lifting (and the term review lists the ones not lifted)."""
    return decided_on <= today and (lifted_on is None or lifted_on > today)


def check_lifting(
    decided_on: date, lifted_on: date, already_lifted: date | None, reason: str
) -> list[Finding]:
    """第三十二条: a lifting is a new entry with its day and reason; a sanction is lifted once, never before it was
    decided."""
    if already_lifted is not None:
        return [block("R32.1", f"该处分已于{already_lifted:%Y-%m-%d}解除，不能再次解除")]
    if lifted_on < decided_on:
        return [
            block("R32.1", f"解除日期（{lifted_on:%Y-%m-%d}）不能早于处分决定日期（{decided_on:%Y-%m-%d}）")
        ]
    if not reason.strip():
        return [block("R32.1", "请填写解除处分的理由")]
    return []


def period_ended_unlifted(period_end: date | None, lifted_on: date | None, today: date) -> bool:
    """A sanction whose period has ended but which nobody lifted: the term review lists it (第三十四条)."""
    return period_end is not None and period_end < today and lifted_on is None
