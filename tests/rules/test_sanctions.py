"""rules.sanctions for records as the clerk enters them (第三十二条; R32.1, R18.4) and the term review's check of
sanctions whose period ended without a lifting (R34.1). The stage table of check_sanction and R31.1/R32.2's archive
tests are in test_chapters_3_to_8_rules.py."""

from __future__ import annotations

from datetime import date

import pytest

from xueji_desktop.rules import review, sanctions
from xueji_desktop.rules.findings import Severity
from xueji_desktop.rules.review import Check, StudentRef
from xueji_desktop.rules.stages import GradeFacts

D = date(2027, 3, 1)


def _only(findings, rule_id, severity):
    if severity is None:
        assert findings == []
    else:
        assert [(f.rule_id, f.severity) for f in findings] == [(rule_id, severity)]


@pytest.mark.parametrize(
    ("level", "kind", "period_end", "kwargs", "severity"),
    [
        pytest.param(4, "警告", None, {}, None, id="R32.1-compulsory-warning"),
        pytest.param(8, "记过", date(2027, 9, 1), {}, None, id="R32.1-compulsory-demerit-with-period"),
        pytest.param(8, "留校察看", date(2027, 9, 1), {}, Severity.BLOCK, id="R32.1-probation-only-senior"),
        pytest.param(
            5, "开除学籍", None, {"city_approved": True}, Severity.BLOCK, id="R32.1-never-expel-compulsory"
        ),
        pytest.param(11, "留校察看", date(2028, 3, 1), {}, None, id="R32.1-probation-exactly-12-months"),
        pytest.param(
            11, "留校察看", date(2028, 3, 2), {}, Severity.BLOCK, id="R32.1-probation-over-12-months"
        ),
        pytest.param(11, "留校察看", None, {}, Severity.BLOCK, id="R32.1-probation-needs-its-end"),
        pytest.param(11, "记过", date(2027, 2, 1), {}, Severity.BLOCK, id="R32.1-period-before-decision"),
        pytest.param(
            11, "开除学籍", None, {"city_approved": True}, None, id="R32.1-senior-expelled-with-approval"
        ),
        pytest.param(11, "开除学籍", None, {}, Severity.BLOCK, id="R32.1-expulsion-needs-city-approval"),
    ],
)
def test_r32_1_a_new_sanction(level, kind, period_end, kwargs, severity):
    stage = "senior" if level >= 10 else "nine_year"
    _only(
        sanctions.check_new_sanction(GradeFacts(level, stage), kind, D, period_end, **kwargs),
        "R32.1",
        severity,
    )


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2027, 3, 1), date(2028, 3, 1), 12),
        (date(2027, 3, 1), date(2027, 3, 2), 1),
        (date(2027, 1, 31), date(2027, 2, 28), 1),
    ],
)
def test_months_of_a_period(start, end, months):
    assert sanctions.months_of(start, end) == months


@pytest.mark.parametrize(
    ("lifted_on", "today", "in_force"),
    [
        pytest.param(None, D, True, id="R18.4-in-force-from-decision"),
        pytest.param(None, date(2027, 2, 1), False, id="R18.4-not-before-decision"),
        pytest.param(date(2027, 6, 1), date(2027, 5, 31), True, id="R18.4-in-force-until-lifted"),
        pytest.param(date(2027, 6, 1), date(2027, 6, 1), False, id="R18.4-lifted"),
    ],
)
def test_r18_4_a_sanction_is_in_force_until_lifted(lifted_on, today, in_force):
    assert sanctions.in_force(D, lifted_on, today) is in_force


@pytest.mark.parametrize(
    ("lifted_on", "already", "reason", "severity"),
    [
        pytest.param(date(2027, 9, 1), None, "表现良好", None, id="R32.1-lifting"),
        pytest.param(date(2027, 9, 1), date(2027, 8, 1), "表现良好", Severity.BLOCK, id="R32.1-lifted-once"),
        pytest.param(date(2027, 2, 1), None, "表现良好", Severity.BLOCK, id="R32.1-not-before-decision"),
        pytest.param(date(2027, 9, 1), None, " ", Severity.BLOCK, id="R32.1-lifting-needs-reason"),
    ],
)
def test_r32_1_lifting_a_sanction(lifted_on, already, reason, severity):
    _only(sanctions.check_lifting(D, lifted_on, already, reason), "R32.1", severity)


@pytest.mark.parametrize(
    ("period_end", "lifted_on", "today", "found"),
    [
        pytest.param(date(2027, 9, 1), None, date(2027, 9, 2), True, id="R34.1-sanction-ended-not-lifted"),
        pytest.param(date(2027, 9, 1), None, date(2027, 9, 1), False, id="R34.1-sanction-period-running"),
        pytest.param(
            date(2027, 9, 1), date(2027, 9, 1), date(2027, 10, 1), False, id="R34.1-sanction-lifted"
        ),
        pytest.param(None, None, date(2030, 1, 1), False, id="R34.1-sanction-without-period"),
    ],
)
def test_r34_1_term_review_lists_sanctions_ended_but_not_lifted(period_end, lifted_on, today, found):
    result = review.sanction_findings(
        StudentRef(1, "张三", "初二(1)班"), "记过", D, period_end, lifted_on, today
    )
    assert bool(result) is found
    if found:
        assert result[0].check is Check.SANCTION_ENDED and result[0].rule_id == "R34.1"
        assert "尚未解除" in result[0].problem and "第三十二条" in result[0].basis
