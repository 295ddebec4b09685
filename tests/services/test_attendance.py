"""R26.1: absence recorded for senior students, the candidates for 自动退学 listed with the article, and suspensions
ending or ended listed for the clerk with the procedure to start (R22.3)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import (
    add_student,
    advance_to,
    class_id_of,
    illness_proofs,
    open_suspension,
    senior_school,
)
from xueji_desktop.rules.findings import RuleViolation
from xueji_desktop.services.procedures import attendance

TODAY = date(2026, 11, 20)


@pytest.fixture
def senior(tmp_path):
    with senior_school(tmp_path / "senior", levels=(10, 11)) as store:
        yield store


def test_r26_1_a_senior_student_absent_past_the_limit_is_a_candidate(senior):
    student = add_student(senior, class_id_of(senior, 11), name="韩梅")
    attendance.record_absence(
        senior,
        student,
        longest_continuous_weeks=3,
        total_weeks=5,
        contacted_family=True,
        today=date(2026, 10, 20),
    )
    assert attendance.needing_attention(senior, today=TODAY) == []
    attendance.record_absence(
        senior, student, longest_continuous_weeks=9, total_weeks=10, contacted_family=True, today=TODAY
    )
    [item] = attendance.needing_attention(senior, today=TODAY)
    assert (item.student_name, item.procedure, item.urgent) == ("韩梅", "automatic_withdrawal", True)
    assert "第二十六条" in item.text and "连续无故旷课9周" in item.text
    assert (
        attendance.absence_this_term(senior, student, today=TODAY).total_weeks == 10
    )  # the newest record counts
    assert (
        attendance.needing_attention(senior, today=date(2027, 3, 10)) == []
    )  # a new term starts from nothing


def test_r26_1_absence_weeks_must_make_sense(senior):
    student = add_student(senior, class_id_of(senior, 10))
    with pytest.raises(RuleViolation, match="连续旷课周数不能大于累计周数"):
        attendance.record_absence(
            senior, student, longest_continuous_weeks=5, total_weeks=3, contacted_family=False, today=TODAY
        )


def test_r22_3_suspensions_ending_are_listed_with_resumption(school, scan):
    student = add_student(school, class_id_of(school, 3), name="孙小圣")
    december = date(2025, 12, 1)
    advance_to(school, open_suspension(school, student, illness_proofs(scan), today=december), on=december)
    [soon] = attendance.needing_attention(school, today=TODAY)
    assert soon.procedure == "resumption" and not soon.urgent and "2026-11-30" in soon.text
    [ended] = attendance.needing_attention(school, today=date(2026, 12, 5))
    assert ended.urgent and "期满" in ended.text
