"""毕业证书 (第二十九条) and 学历证明书 (第三十条).

Pure: facts in, findings out. The graduation procedure itself (and printing) belongs to later issues; the rules are
here so the term review and the wizards ask the same ones.
"""

from __future__ import annotations

from xueji_desktop.rules.findings import Finding, block


def check_diploma(physical_health_passed: bool, pe_exempt: bool) -> list[Finding]:
    """R29.1: no diploma below the physical-health standard, unless exempt from PE (体育免修)."""
    if physical_health_passed or pe_exempt:
        return []
    return [block("R29.1", "未达体质健康合格标准（且非体育免修学生），不得发放毕业证书")]


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
