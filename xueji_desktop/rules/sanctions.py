"""奖励 (第三十一条) and 处分 (第三十二条): which sanctions a stage allows, how long 留校察看 lasts, who approves an
expulsion, and what goes into the student archive.
"""

from __future__ import annotations

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
