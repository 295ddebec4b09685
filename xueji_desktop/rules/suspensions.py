"""休学、复学 (第二十一条、第二十二条): why a student may be suspended, when not, for how long, with which proofs; and
where a resumed student goes.

Pure: facts in, findings out. Durations are calendar spans (「一年」「两年」), not working days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from xueji_desktop.rules import proofs
from xueji_desktop.rules.findings import Finding, block, warn
from xueji_desktop.rules.stages import TERM_NAMES, GradeFacts

MAX_TOTAL_YEARS = 2  # R22.3: 最多可休学两年


class SuspensionReason(StrEnum):
    """第二十一条's two grounds; the value is what the screen shows."""

    ILLNESS = "因病需停课治疗休养（超过一学期总学时三分之一）"
    FORCE_MAJEURE = "本人其他不可抗拒原因"


@dataclass(frozen=True, slots=True)
class SuspensionCase:
    grade: GradeFacts
    term_number: int
    reason: SuspensionReason | None
    start: date
    end: date  # the planned last day (one year by default: default_end)
    student_status: str = "在读"
    days_suspended_before: int = 0  # earlier suspensions of this student, in days
    illness_share_of_term: float | None = None  # the share of the term's hours the treatment takes (ILLNESS)


def default_end(start: date) -> date:
    """R22.3: one year in principle — the day before the same date a year later."""
    return add_years(start, 1) - timedelta(days=1)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def check_suspension(case: SuspensionCase) -> list[Finding]:
    """Every rule on a new suspension or an extension (days_suspended_before > 0 with the same student)."""
    found = check_reason(case.reason, case.illness_share_of_term)
    found += check_not_forbidden_term(case.grade, case.term_number)
    found += check_duration(case.start, case.end, case.days_suspended_before)
    if case.student_status not in ("在读", "休学"):
        found.append(block("R22.1", f"该学生当前状态为“{case.student_status}”，不能办理休学"))
    return found


def check_reason(reason: SuspensionReason | None, illness_share: float | None = None) -> list[Finding]:
    """R21.1: only illness needing leave above one third of a term's hours, or other force majeure; never to repeat
    a year (留级)."""
    if reason is None:
        return [
            block(
                "R21.1",
                "休学只限两种情形：因病需停课治疗休养占一学期总学时三分之一以上，或本人其他不可抗拒原因；"
                "不允许以留级为目的休学",
            )
        ]
    if reason is SuspensionReason.ILLNESS and illness_share is None:  # asked, never assumed
        return [
            block(
                "R21.1",
                "因病休学须填写停课治疗休养占本学期总学时的比例（按医疗单位病历），超过三分之一方可休学",
            )
        ]
    if reason is SuspensionReason.ILLNESS and illness_share is not None and illness_share <= 1 / 3:
        return [block("R21.1", "因病休学须停课治疗休养占一学期总学时三分之一以上")]
    return []


def check_not_forbidden_term(grade: GradeFacts, term_number: int) -> list[Finding]:
    """R22.4: no suspension in the second term of a compulsory graduating grade; none in the senior graduating year
    (both 「原则上」)."""
    if grade.graduating and grade.senior:
        return [block("R22.4", "普通高中毕业年级原则上不允许休学", overridable=True)]
    if grade.graduating and grade.compulsory and term_number == 2:
        return [
            block(
                "R22.4",
                f"义务教育阶段毕业年级（{grade.name}）{TERM_NAMES[2]}原则上不允许休学",
                overridable=True,
            )
        ]
    return []


def check_duration(start: date, end: date, days_before: int = 0) -> list[Finding]:
    """R22.3: one year in principle (longer: warn, needs an extension with new proof); two years at most in all."""
    if end < start:
        return [block("R22.3", f"休学截止日期（{end:%Y-%m-%d}）早于开始日期（{start:%Y-%m-%d}）")]
    total = days_before + (end - start).days + 1
    anchor = start - timedelta(days=days_before)  # as if every suspension had been one, from its first day
    limit = (add_years(anchor, MAX_TOTAL_YEARS) - anchor).days
    if total > limit:
        return [block("R22.3", f"休学累计将达{total}天，超过最多两年的期限")]
    if days_before == 0 and end > default_end(start):
        return [warn("R22.3", "休学期限原则上为一年；期满仍不能复学的，凭新的证明申请延长休学")]
    return []


def required_proofs(reason: SuspensionReason | None) -> list[proofs.Requirement]:
    """R22.1: the 休学、复学申请表, and a county-level-or-above hospital record (illness) or a county-level public
    security / civil affairs / human resources certificate (other reasons)."""
    evidence = proofs.HOSPITAL_RECORD if reason is SuspensionReason.ILLNESS else proofs.AUTHORITY_CERTIFICATE
    return [(proofs.SUSPENSION_FORM,), (evidence,)]


def extension_proofs() -> list[proofs.Requirement]:
    """R22.3: an extension needs new proof — a hospital record or another certificate."""
    return [(proofs.SUSPENSION_FORM,), (proofs.HOSPITAL_RECORD, proofs.AUTHORITY_CERTIFICATE)]


def resumption_proofs() -> list[proofs.Requirement]:
    """R22.2: the form and the proof (recovered, or the reason ended)."""
    return [(proofs.SUSPENSION_FORM,), (proofs.HOSPITAL_RECORD, proofs.AUTHORITY_CERTIFICATE)]


def check_resumption(status: str, suspended_grade: int, to_grade: int) -> list[Finding]:
    """R22.2: back to the same grade or the next one, as the family asks; R21.1: never a lower grade (留级)."""
    found = []
    if status != "休学":
        found.append(block("R22.2", f"该学生当前状态为“{status}”，不在休学中，不能办理复学"))
    if to_grade < suspended_grade:
        found.append(block("R21.1", "不允许留级：复学不能回到比休学时更低的年级"))
    elif to_grade > suspended_grade + 1:
        found.append(block("R22.2", "复学时可回原年级就读，也可到下一年级就读，不能跨越两个年级"))
    return found


def expired(end: date, today: date) -> bool:
    """A suspension whose last day has passed without a resumption or an extension (R22.3; R26.1 for senior)."""
    return today > end
