"""services.class_assignment: 均衡编班 under R12.1 (第十二条) — equal sizes, boys and girls spread, scores and birth dates
balanced, the size limits — and keeping the classes a file names."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

import pytest

from xueji_desktop.rules import Severity
from xueji_desktop.services.class_assignment import (
    ClassSlot,
    Newcomer,
    assign_balanced,
    keep_file_classes,
)


def cohort(count, *, seed=1, scores=True, girls_share=0.5):
    """Newcomers born over one year (Sept to Aug), scores 40-100 (or none), about girls_share girls."""
    rng = random.Random(seed)
    return [
        Newcomer(
            key=("row", n),
            gender="2" if rng.random() < girls_share else "1",
            birth_date=date(2019, 9, 1) + timedelta(days=rng.randrange(365)),
            score=round(rng.uniform(40, 100), 1) if scores else None,
        )
        for n in range(count)
    ]


def empty_classes(count, level=1, start_id=1):
    grade = {1: "一年级", 7: "七年级", 10: "高一"}[level]
    return [ClassSlot(start_id + i, f"{grade}({i + 1})班", 0, level) for i in range(count)]


def spread(values):
    return max(values) - min(values)


def _members(assignment, newcomers):
    by_class = {}
    for person in newcomers:
        by_class.setdefault(assignment.class_of[person.key], []).append(person)
    return by_class


@pytest.mark.parametrize(
    ("count", "classes", "scores"),
    [
        pytest.param(200, 5, True, id="200-in-5-with-scores"),
        pytest.param(200, 5, False, id="200-in-5-by-birth-date"),
        pytest.param(500, 12, True, id="500-in-12-with-scores"),
        pytest.param(500, 11, False, id="500-in-11-by-birth-date"),
    ],
)
def test_r12_1_balanced_classes(count, classes, scores):
    """R12.1 均衡编班: sizes differ by at most one, so do boys and girls, mean scores within 0.5 of a point and mean
    birth dates within 3 days of each other; never above the maximum of 50; everyone placed once."""
    newcomers = cohort(count, scores=scores)
    slots = empty_classes(classes)
    assignment = assign_balanced(newcomers, slots)
    assert set(assignment.class_of) == {p.key for p in newcomers}
    assert set(assignment.class_of.values()) == {s.id for s in slots}
    preview = assignment.preview
    sizes = [p.size_after for p in preview]
    assert sum(sizes) == count and spread(sizes) <= 1
    assert max(sizes) <= 50
    assert spread([p.boys for p in preview]) <= 1 and spread([p.girls for p in preview]) <= 1
    assert spread([p.mean_birth_date.toordinal() for p in preview]) <= 3
    if scores:
        assert spread([p.mean_score for p in preview]) < 0.5
    else:
        assert all(p.mean_score is None for p in preview)
    assert not assignment.blocked


def test_r12_1_preview_agrees_with_the_assignment():
    """The preview's figures are those of the newcomers actually placed in each class."""
    newcomers = cohort(200)
    slots = empty_classes(5)
    assignment = assign_balanced(newcomers, slots)
    members = _members(assignment, newcomers)
    for shown in assignment.preview:
        group = members[shown.id]
        genders = Counter(p.gender for p in group)
        assert (shown.size_before, shown.size_after) == (0, len(group))
        assert (shown.boys, shown.girls) == (genders["1"], genders["2"])
        assert shown.mean_score == pytest.approx(sum(p.score for p in group) / len(group))
        mean_birth = sum(p.birth_date.toordinal() for p in group) / len(group)
        assert abs(shown.mean_birth_date.toordinal() - mean_birth) <= 0.5
        assert shown.name == next(s.name for s in slots if s.id == shown.id)


def test_r12_1_much_better_than_chance():
    """The balance is the algorithm's doing: a random split of the same cohort spreads far more."""
    newcomers = cohort(500)
    slots = empty_classes(12)
    balanced = assign_balanced(newcomers, slots).preview
    rng = random.Random(5)
    shuffled = newcomers[:]
    rng.shuffle(shuffled)
    random_means = [sum(p.score for p in shuffled[i::12]) / len(shuffled[i::12]) for i in range(12)]
    assert spread([p.mean_score for p in balanced]) * 20 < spread(random_means)


def test_r12_1_uneven_genders_and_unknown_gender():
    """R12.1: 130 boys / 70 girls, and a few 未说明 (code 9): each group's counts per class still differ by at most one."""
    newcomers = cohort(200, girls_share=0.35)
    newcomers += [Newcomer(("x", n), "9", date(2019, 12, n + 1), 70.0) for n in range(4)]
    assignment = assign_balanced(newcomers, empty_classes(5))
    members = _members(assignment, newcomers)
    for gender in ("1", "2", "9"):
        assert spread([sum(1 for p in group if p.gender == gender) for group in members.values()]) <= 1
    assert spread([p.size_after for p in assignment.preview]) <= 1


def test_r12_1_gender_given_as_names():
    newcomers = [
        Newcomer(n, "男" if n % 2 else "女", date(2019, 10, 1) + timedelta(days=n), None) for n in range(40)
    ]
    preview = assign_balanced(newcomers, empty_classes(2)).preview
    assert [(p.boys, p.girls) for p in preview] == [(10, 10), (10, 10)]


def test_r12_1_some_scores_missing():
    """Newcomers without a score still get placed; the mean score is over those who have one."""
    newcomers = cohort(100)
    newcomers[::10] = [Newcomer(p.key, p.gender, p.birth_date, None) for p in newcomers[::10]]
    assignment = assign_balanced(newcomers, empty_classes(3))
    assert len(assignment.class_of) == 100
    members = _members(assignment, newcomers)
    for shown in assignment.preview:
        scored = [p.score for p in members[shown.id] if p.score is not None]
        assert shown.mean_score == pytest.approx(sum(scored) / len(scored))
    assert spread([p.size_after for p in assignment.preview]) <= 1


def test_r12_1_classes_that_already_have_students_fill_the_smallest_first():
    """Final sizes as even as the current ones allow: 30, 20 and 25 plus 30 newcomers → 35 each."""
    slots = [
        ClassSlot(1, "一年级(1)班", 30, 1),
        ClassSlot(2, "一年级(2)班", 20, 1),
        ClassSlot(3, "一年级(3)班", 25, 1),
    ]
    assignment = assign_balanced(cohort(30), slots)
    assert [(p.size_before, p.size_after) for p in assignment.preview] == [(30, 35), (20, 35), (25, 35)]
    assert Counter(assignment.class_of.values()) == {1: 5, 2: 15, 3: 10}


def test_r12_1_deterministic():
    """The same newcomers, classes and seed give the same classes; the seed decides between equals."""
    newcomers = cohort(200)
    slots = empty_classes(5)
    first = assign_balanced(newcomers, slots, seed=3)
    assert assign_balanced(list(newcomers), slots, seed=3).class_of == first.class_of
    assert assign_balanced(newcomers, slots, seed=4).class_of != first.class_of


def test_r12_1_above_the_standard_size_is_a_warning_per_class():
    """R12.1 primary: 46-50 a class warns (标准班额45人), but the assignment can go ahead."""
    assignment = assign_balanced(cohort(230), empty_classes(5))
    assert [p.size_after for p in assignment.preview] == [46] * 5
    assert len(assignment.findings) == 5
    assert all(f.rule_id == "R12.1" and f.severity is Severity.WARN for f in assignment.findings)
    assert "一年级(1)班将有46人，超过标准班额45人" in assignment.findings[0].message
    assert not assignment.blocked


def test_r12_1_within_the_standard_size_no_finding():
    assert assign_balanced(cohort(225), empty_classes(5)).findings == []


def test_r12_1_a_cohort_that_cannot_fit_is_refused_saying_how_many_classes_are_needed():
    """R12.1 (第十二条): 260 newcomers in 5 primary classes would make 52 a class, above the maximum of 50: one BLOCK
    finding that says 6 classes are needed (one more to create)."""
    assignment = assign_balanced(cohort(260), empty_classes(5))
    [finding] = assignment.findings
    assert finding.rule_id == "R12.1" and finding.blocks and assignment.blocked
    assert "第十二条" in finding.text
    assert "52人" in finding.message and "上限50人" in finding.message
    assert "至少需要6个班" in finding.message and "再新建1个班" in finding.message


def test_r12_1_junior_and_senior_maximums():
    """R12.1: junior classes never above 55, senior grade 10 never above 56."""
    assert not assign_balanced(cohort(275), empty_classes(5, level=7)).blocked  # 55 each
    junior = assign_balanced(cohort(276), empty_classes(5, level=7))
    assert junior.blocked and "上限55人" in junior.findings[0].message
    assert not assign_balanced(cohort(280), empty_classes(5, level=10)).blocked  # 56 each
    senior = assign_balanced(cohort(281), empty_classes(5, level=10))
    assert senior.blocked and "至少需要6个班" in senior.findings[0].message


def test_r12_1_full_classes_count_towards_the_classes_needed():
    """R12.1: 48 and 40 already, 20 newcomers → 54 at least somewhere: 108 in all needs 3 classes."""
    slots = [ClassSlot(1, "一年级(1)班", 48, 1), ClassSlot(2, "一年级(2)班", 40, 1)]
    [finding] = assign_balanced(cohort(20), slots).findings
    assert finding.blocks and "全年级共108人，至少需要3个班" in finding.message


def test_no_classes_at_all():
    with pytest.raises(ValueError, match="请先新建班级"):
        assign_balanced(cohort(10), [])


# --- keeping the file's classes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label",
    [
        "2",
        "2班",
        "(2)班",
        "（2）班",
        "一年级(2)班",
        "一年级（2）班",
        " 一年级 (2) 班 ",
        "二班",
        "02",
        "１年级2班",
        "(二)",
    ],
)
def test_keep_file_classes_label_forms(label):
    newcomers = cohort(1)
    assignment = keep_file_classes(newcomers, {newcomers[0].key: label}, empty_classes(3))
    assert assignment.class_of == {newcomers[0].key: 2}
    assert assignment.unmatched == []


def test_keep_file_classes_renamed_class_by_its_name_and_number():
    """A class renamed 火箭班 is found by its name, and by its number when the slot gives it."""
    slots = [ClassSlot(1, "一年级(1)班", 0, 1), ClassSlot(2, "火箭班", 0, 1, number=2)]
    newcomers = cohort(2)
    labels = {newcomers[0].key: "火箭班", newcomers[1].key: "2班"}
    assert keep_file_classes(newcomers, labels, slots).class_of == {newcomers[0].key: 2, newcomers[1].key: 2}


def test_keep_file_classes_junior_labels():
    slots = empty_classes(3, level=7)
    newcomers = cohort(3)
    labels = {newcomers[0].key: "初一(3)班", newcomers[1].key: "七年级1班", newcomers[2].key: "初二(1)班"}
    assignment = keep_file_classes(newcomers, labels, slots)
    assert assignment.class_of == {newcomers[0].key: 3, newcomers[1].key: 1}
    [unmatched] = assignment.unmatched
    assert (unmatched.key, unmatched.label) == (newcomers[2].key, "初二(1)班")
    assert "不是本年级的班级" in unmatched.message


def test_keep_file_classes_unknown_labels_are_reported():
    newcomers = cohort(5)
    labels = {
        newcomers[0].key: "1班",
        newcomers[1].key: "4班",
        newcomers[2].key: "二年级(1)班",
        newcomers[3].key: "实验班",
    }  # newcomers[4] has no class at all
    assignment = keep_file_classes(newcomers, labels, empty_classes(3))
    assert assignment.class_of == {newcomers[0].key: 1}
    problems = {u.key: u.message for u in assignment.unmatched}
    assert set(problems) == {p.key for p in newcomers[1:]}
    assert "本年级没有“4班”" in problems[newcomers[1].key]
    assert "一年级(1)班、一年级(2)班、一年级(3)班" in problems[newcomers[1].key]
    assert "不是本年级的班级" in problems[newcomers[2].key]
    assert "无法识别班级“实验班”" in problems[newcomers[3].key]
    assert problems[newcomers[4].key] == "班级为空"
    assert [p.size_after for p in assignment.preview] == [1, 0, 0]


def test_r12_1_keep_file_classes_checks_each_class_after_adding():
    """R12.1 per class: 一年级(1)班 has 40 and gets 8 (48: warn), 一年级(2)班 has 45 and gets 6 (51: block),
    一年级(3)班 gets 2 (fine)."""
    slots = [
        ClassSlot(1, "一年级(1)班", 40, 1),
        ClassSlot(2, "一年级(2)班", 45, 1),
        ClassSlot(3, "一年级(3)班", 10, 1),
    ]
    newcomers = cohort(16)
    labels = {p.key: label for p, label in zip(newcomers, ["1"] * 8 + ["2"] * 6 + ["3"] * 2, strict=True)}
    assignment = keep_file_classes(newcomers, labels, slots)
    assert [(p.size_before, p.size_after) for p in assignment.preview] == [(40, 48), (45, 51), (10, 12)]
    warn, block = assignment.findings
    assert (warn.rule_id, warn.severity) == ("R12.1", Severity.WARN) and "一年级(1)班将有48人" in warn.message
    assert (block.rule_id, block.severity) == (
        "R12.1",
        Severity.BLOCK,
    ) and "一年级(2)班将有51人" in block.message
    assert "第十二条" in block.text and assignment.blocked
