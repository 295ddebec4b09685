"""R12.1 (第十二条) class size as a pure rule: warn above the standard size, block above the maximum, per stage."""

from __future__ import annotations

import pytest

from xueji_desktop.rules import RuleViolation, Severity
from xueji_desktop.rules.class_size import check_class_size, limits_for_grade
from xueji_desktop.rules.findings import Finding, article_name

# (grade levels, standard, maximum) as RULES.md states R12.1
STAGES = [
    pytest.param(range(1, 7), 45, 50, id="primary"),
    pytest.param(range(7, 10), 50, 55, id="junior"),
    pytest.param(range(10, 13), 50, 56, id="senior"),
]


@pytest.mark.parametrize(("levels", "standard", "maximum"), STAGES)
def test_r12_1_limits_per_stage(levels, standard, maximum):
    """R12.1: primary 45/50, junior 50/55, senior 50/56."""
    for level in levels:
        limits = limits_for_grade(level)
        assert (limits.standard, limits.maximum) == (standard, maximum)


@pytest.mark.parametrize(("levels", "standard", "maximum"), STAGES)
def test_r12_1_no_finding_up_to_the_standard_size(levels, standard, maximum):
    for level in levels:
        assert check_class_size("某班", level, 1) == []
        assert check_class_size("某班", level, standard) == []


@pytest.mark.parametrize(("levels", "standard", "maximum"), STAGES)
def test_r12_1_warns_above_the_standard_size(levels, standard, maximum):
    """R12.1: standard + 1 … maximum is a warning citing 第十二条."""
    for level in levels:
        for size in (standard + 1, maximum):
            [finding] = check_class_size("二年级(1)班", level, size)
            assert finding.rule_id == "R12.1"
            assert finding.severity is Severity.WARN
            assert not finding.blocks
            assert "第十二条" in finding.text
            assert f"二年级(1)班将有{size}人" in finding.text
            assert f"标准班额{standard}人" in finding.text


@pytest.mark.parametrize(("levels", "standard", "maximum"), STAGES)
def test_r12_1_blocks_above_the_maximum(levels, standard, maximum):
    """R12.1: maximum + 1 is refused, citing 第十二条 and the maximum."""
    for level in levels:
        [finding] = check_class_size("高一(3)班", level, maximum + 1)
        assert finding.rule_id == "R12.1"
        assert finding.blocks
        assert finding.text.startswith("依据《细则》第十二条：")
        assert f"超过班额上限{maximum}人" in finding.text


def test_r12_1_violation_carries_the_findings_text():
    findings = check_class_size("一年级(1)班", 1, 51)
    violation = RuleViolation(findings)
    assert violation.blocking
    assert "第十二条" in str(violation)
    assert not RuleViolation(check_class_size("一年级(1)班", 1, 46)).blocking


@pytest.mark.parametrize(
    ("article", "name"),
    [
        (3, "第三条"),
        (10, "第十条"),
        (12, "第十二条"),
        (20, "第二十条"),
        (35, "第三十五条"),
        (38, "第三十八条"),
    ],
)
def test_article_names_are_written_in_chinese_numerals(article, name):
    assert article_name(article) == name
    assert Finding(f"R{article}.1", Severity.WARN, "x").article == article
