"""The rules of chapters 3–8 not covered by the procedure tables: registration (R9.1), late registration (R11.1),
archive contents (R10.2), special education (R19.1), diplomas (R29.1, R30.1), awards and sanctions (R31.1, R32.1,
R32.2) — cases that pass and cases that block, each named by its id."""

from __future__ import annotations

from datetime import date

import pytest

from xueji_desktop.rules import enrolment, graduation, sanctions, transfers
from xueji_desktop.rules.findings import Severity
from xueji_desktop.rules.stages import GradeFacts
from xueji_desktop.rules.transfers import TransferCase, TransferReason

TERM = date(2026, 9, 1)


def _only(findings, rule_id: str, severity: Severity | None) -> None:
    mine = [f for f in findings if f.rule_id == rule_id]
    if severity is None:
        assert mine == [], [f.text for f in mine]
    else:
        assert mine and all(f.severity is severity for f in mine)
        assert all(f.text.startswith("依据《细则》第") for f in mine)


@pytest.mark.parametrize(
    ("step", "severity"),
    [
        ("审核通过", None),
        (None, None),
        ("已录入系统", Severity.BLOCK),
        ("信息表已下发", Severity.BLOCK),
    ],
)
def test_r9_1_registered_only_after_the_authority_approved(step, severity):
    _only(enrolment.check_registration(step), "R9.1", severity)


@pytest.mark.parametrize(
    ("applied", "until", "proof", "severity"),
    [
        (date(2026, 8, 28), date(2026, 9, 14), True, None),
        (date(2026, 8, 25), date(2026, 9, 10), True, None),
        (date(2026, 8, 20), date(2026, 9, 10), True, Severity.BLOCK),  # more than a week before
        (date(2026, 9, 5), date(2026, 9, 10), True, Severity.BLOCK),  # after the term began
        (date(2026, 8, 28), date(2026, 9, 20), True, Severity.BLOCK),  # longer than two weeks
        (date(2026, 8, 28), date(2026, 9, 10), False, Severity.BLOCK),  # no proof
    ],
)
def test_r11_1_late_registration(applied, until, proof, severity):
    _only(enrolment.check_late_registration(TERM, applied, until, has_proof=proof), "R11.1", severity)


def test_r10_2_archive_contents():
    _only(enrolment.missing_archive_contents(set(enrolment.ARCHIVE_CONTENTS)), "R10.2", None)
    found = enrolment.missing_archive_contents({"学生基本信息", "学籍变动信息"})
    _only(found, "R10.2", Severity.WARN)
    assert "综合素质评价报告" in found[0].message and "资助信息" in found[0].message


@pytest.mark.parametrize(("special", "severity"), [(True, None), (False, Severity.BLOCK)])
def test_r19_1_a_special_education_move_is_not_held_to_article_16(special, severity):
    """R19.1: a move between a special school and regular schooling (随班就读) may carry the record, whatever 第十六条's
    reasons say; the same request without it is a 转学 held to R16.1."""
    case = TransferCase(
        GradeFacts(4, "primary"),
        4,
        TransferReason.OTHER,
        False,
        False,
        False,
        1,
        TERM,
        date(2026, 9, 5),
        special_education=special,
    )
    _only(transfers.check_transfer(case), "R16.1", severity)
    _only(transfers.check_admission_needs_transfer(False, special), "R13.2", severity)


@pytest.mark.parametrize(
    ("passed", "exempt", "severity"),
    [
        (True, False, None),
        (False, True, None),
        (False, False, Severity.BLOCK),
    ],
)
def test_r29_1_diploma_and_the_physical_health_standard(passed, exempt, severity):
    _only(graduation.check_diploma(passed, exempt), "R29.1", severity)


def test_r30_1_lost_diploma_never_reissued_certificate_once():
    _only(graduation.check_lost_diploma("补发毕业证书", 0), "R30.1", Severity.BLOCK)
    _only(graduation.check_lost_diploma("学历证明书", 0), "R30.1", None)
    second = graduation.check_lost_diploma("学历证明书", 1)
    _only(second, "R30.1", Severity.BLOCK)
    assert second[0].overridable  # 「原则上只能办理一次」


@pytest.mark.parametrize(
    ("level", "kind", "kwargs", "severity"),
    [
        (8, "记过", {}, None),
        (8, "留校察看", {"probation_months": 6}, Severity.BLOCK),
        (5, "开除学籍", {"city_approved": True}, Severity.BLOCK),  # compulsory: never expelled
        (11, "留校察看", {"probation_months": 12}, None),
        (11, "留校察看", {"probation_months": 13}, Severity.BLOCK),
        (11, "开除学籍", {}, Severity.BLOCK),
        (11, "开除学籍", {"city_approved": True}, None),
        (11, "劝退", {}, Severity.BLOCK),
    ],
)
def test_r32_1_sanctions_by_stage(level, kind, kwargs, severity):
    stage = "senior" if level >= 10 else "nine_year"
    _only(sanctions.check_sanction(GradeFacts(level, stage), kind, **kwargs), "R32.1", severity)


@pytest.mark.parametrize(
    ("kind", "archived"),
    [("警告", False), ("严重警告", False), ("记过", True), ("留校察看", True), ("开除学籍", True)],
)
def test_r32_2_demerit_and_above_go_into_the_archive(kind, archived):
    assert sanctions.sanction_goes_into_archive(kind) is archived


@pytest.mark.parametrize(
    ("level", "archived"), [("班级", False), ("校级", True), ("县级", True), ("国家级", True)]
)
def test_r31_1_awards_at_school_level_and_above_go_into_the_archive(level, archived):
    assert sanctions.award_goes_into_archive(level) is archived
