"""R29.1 on recorded 体质健康 results: the 《国家学生体质健康标准》 bands, the graduation score (50% graduating year,
50% the mean of the others), a 体育免修 student always passes, anyone else below 及格 or without a result is blocked."""

from __future__ import annotations

import pytest

from xueji_desktop.rules import graduation
from xueji_desktop.rules.findings import Severity


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        (120, "优秀"),
        (90, "优秀"),
        (89.9, "良好"),
        (80, "良好"),
        (79.9, "及格"),
        (60, "及格"),
        (59.9, "不及格"),
        (0, "不及格"),
    ],
)
def test_the_standard_bands(total, grade):
    assert graduation.fitness_grade(total) == grade


def test_the_graduation_score_weights_the_last_year_half():
    assert graduation.graduation_fitness_score({2026: 70}, 2026) == 70
    assert graduation.graduation_fitness_score({2024: 50, 2025: 60, 2026: 70}, 2026) == pytest.approx(62.5)
    assert graduation.graduation_fitness_score({2024: 90}, 2026) is None
    # a later year than the graduating one is not counted
    assert graduation.graduation_fitness_score({2026: 70, 2027: 10}, 2026) == 70


def test_r29_1_passing_or_exempt_may_receive_the_diploma():
    assert graduation.check_diploma_fitness({2025: 55, 2026: 66}, 2026, False, "2026-2027学年") == []
    assert graduation.check_diploma_fitness({2026: 30}, 2026, True, "2026-2027学年") == []
    assert graduation.check_diploma_fitness({}, 2026, True, "2026-2027学年") == []


@pytest.mark.parametrize(
    ("totals", "words"),
    [
        ({2025: 40, 2026: 70}, "55.0 分"),
        ({2026: 59.5}, "59.5 分"),
        ({2025: 90}, "没有2026-2027学年的体质健康测试成绩"),
    ],
)
def test_r29_1_blocks_below_the_standard_or_without_a_result(totals, words):
    findings = graduation.check_diploma_fitness(totals, 2026, False, "2026-2027学年")
    assert [(f.rule_id, f.severity) for f in findings] == [("R29.1", Severity.BLOCK)]
    assert words in findings[0].message and "第二十九条" in findings[0].text
