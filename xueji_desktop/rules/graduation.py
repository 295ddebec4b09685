"""毕业证书 (第二十九条) and 学历证明书 (第三十条).

Pure: facts in, findings out. The graduation procedure itself (and printing) belongs to later issues; the rules are
here so the term review and the wizards ask the same ones.
"""

from __future__ import annotations

from collections.abc import Mapping

from xueji_desktop.rules.findings import Finding, block

# 《国家学生体质健康标准（2014年修订）》: the 等级 of a 总分 (标准分 plus 加分, so at most 120), and the pass mark that
# is R29.1's 「体质健康合格标准」 (及格, 60 and above). Kept as data: a revision of the standard changes only these.
FITNESS_GRADES = ("优秀", "良好", "及格", "不及格")
FITNESS_BANDS = ((90.0, "优秀"), (80.0, "良好"), (60.0, "及格"), (0.0, "不及格"))
FITNESS_PASS_MARK = 60.0
FITNESS_MAX_TOTAL = 120.0
# the standard's graduation score: half the graduating year's 总分, half the mean of the other years'
FITNESS_LAST_YEAR_WEIGHT = 0.5


def fitness_grade(total: float) -> str:
    """The 等级 the standard gives a 总分 (优秀 ≥ 90, 良好 ≥ 80, 及格 ≥ 60, else 不及格)."""
    for floor, grade in FITNESS_BANDS:
        if total >= floor:
            return grade
    return FITNESS_BANDS[-1][1]


def graduation_fitness_score(totals_by_year: Mapping[int, float], graduating_year: int) -> float | None:
    """The standard's 毕业成绩: 50% of the graduating 学年's 总分 plus 50% of the mean of the other 学年 recorded (only
    the graduating year's when no other is); None when the graduating year has no result."""
    if graduating_year not in totals_by_year:
        return None
    last = totals_by_year[graduating_year]
    others = [total for year, total in totals_by_year.items() if year < graduating_year]
    if not others:
        return last
    return FITNESS_LAST_YEAR_WEIGHT * last + (1 - FITNESS_LAST_YEAR_WEIGHT) * sum(others) / len(others)


def check_diploma(physical_health_passed: bool, pe_exempt: bool) -> list[Finding]:
    """R29.1: no diploma below the physical-health standard, unless exempt from PE (体育免修)."""
    if physical_health_passed or pe_exempt:
        return []
    return [block("R29.1", "未达体质健康合格标准（且非体育免修学生），不得发放毕业证书")]


def check_diploma_fitness(
    totals_by_year: Mapping[int, float], graduating_year: int, pe_exempt: bool, year_name: str
) -> list[Finding]:
    """R29.1 on the recorded results: a 体育免修 student may receive the diploma; anyone else needs a 毕业成绩 of 及格
    (the standard's weighting, `graduation_fitness_score`). The finding says why not: no result for the graduating
    学年 (`year_name`, 「2026-2027学年」), or the score below the pass mark."""
    if pe_exempt:
        return []
    score = graduation_fitness_score(totals_by_year, graduating_year)
    if score is None:
        return [
            block(
                "R29.1",
                f"没有{year_name}的体质健康测试成绩，不能认定达到合格标准（且非体育免修学生），不得发放毕业证书",
            )
        ]
    if score >= FITNESS_PASS_MARK:
        return []
    return [
        block(
            "R29.1",
            f"体质健康毕业成绩 {score:.1f} 分，未达合格标准（{FITNESS_PASS_MARK:g} 分）且非体育免修学生，"
            "不得发放毕业证书",
        )
    ]


def check_lost_diploma(asked: str, certificates_issued_before: int) -> list[Finding]:
    """R30.1: a lost diploma is never reissued; the school issues a 学历证明书 instead, in principle only once."""
    if asked == "补发毕业证书":
        return [
            block(
                "R30.1",
                "毕业证书遗失的，一律不补发；可由毕业学校发给学历证明书，经主管教育行政部门验印后生效",
            )
        ]
    if certificates_issued_before >= 1:
        return [block("R30.1", "学历证明书原则上只能办理一次，该学生已办理过", overridable=True)]
    return []
