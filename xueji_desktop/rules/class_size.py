"""R12.1 (第十二条): class size — warn above the standard size, refuse above the maximum."""

from __future__ import annotations

from dataclasses import dataclass

from xueji_desktop.rules.findings import Finding, Severity


@dataclass(frozen=True, slots=True)
class ClassSizeLimits:
    standard: int
    maximum: int


def limits_for_grade(grade_level: int) -> ClassSizeLimits:
    """Primary (1-6) 45/50, junior (7-9) 50/55, senior (10-12) 50/56 — R12.1."""
    if grade_level <= 6:
        return ClassSizeLimits(45, 50)
    if grade_level <= 9:
        return ClassSizeLimits(50, 55)
    return ClassSizeLimits(50, 56)


def check_class_size(class_label: str, grade_level: int, size_after: int) -> list[Finding]:
    """Findings for a class that would hold size_after students."""
    limits = limits_for_grade(grade_level)
    if size_after > limits.maximum:
        return [
            Finding(
                "R12.1",
                Severity.BLOCK,
                f"{class_label}将有{size_after}人，超过班额上限{limits.maximum}人，不能再编入",
            )
        ]
    if size_after > limits.standard:
        return [
            Finding(
                "R12.1",
                Severity.WARN,
                f"{class_label}将有{size_after}人，超过标准班额{limits.standard}人",
            )
        ]
    return []
