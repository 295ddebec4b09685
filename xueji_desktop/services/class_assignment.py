"""新生编班 (第十二条, R12.1): balanced classes (均衡编班) for a cohort of newcomers, or the classes a file names.

Balanced means: final class sizes differ by at most one (water-filling from the current sizes); boys and girls are
each shared out in proportion, so their counts per class differ by at most one too; scores (when the file has them)
and birth dates are spread so that the classes' means agree. Within each gender the newcomers are ranked by score
(or by birth date when there are no scores) and dealt out a block at a time, one place per class, starting as a
snake (S型); inside a block, swaps between classes then bring each class's running sums of score and birth date back
towards the cohort's mean, and a last pass over the whole cohort makes the single swaps (same gender, so the counts
hold) that still help. For 500 newcomers the classes' mean scores then agree within a few hundredths of a point
and their mean birth dates within a day or two (~0.1 s). Deterministic: the same newcomers, classes and seed give
the same classes.

Pure: no store, no screen; the import service writes what the clerk confirms.
"""

from __future__ import annotations

import heapq
import math
import random
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from xueji_desktop.errors import InvalidInput
from xueji_desktop.rules import Finding, Severity
from xueji_desktop.rules.class_size import check_class_size, limits_for_grade

BOY, GIRL, OTHER = "1", "2", "9"  # 性别 codes; OTHER gathers 未知/未说明
POLISH_FULL_SEARCH = 400  # members of one gender up to which every swap is tried
POLISH_SAMPLE = 64  # above it, each member tries this many partners (fixed seed)
POLISH_ROUNDS = 3


@dataclass(frozen=True, slots=True)
class Newcomer:
    key: object  # whatever the caller finds them by again (a row number, a student id)
    gender: str  # "1"/"男", "2"/"女"
    birth_date: date
    score: float | None = None


@dataclass(frozen=True, slots=True)
class ClassSlot:
    id: int
    name: str
    current_size: int
    grade_level: int
    number: int | None = None  # 班号; read from the name (一年级(2)班 → 2) when not given


@dataclass(frozen=True, slots=True)
class ClassPreview:
    """A class before and after; boys, girls and the means are of the newcomers placed in it."""

    id: int
    name: str
    size_before: int
    size_after: int
    boys: int
    girls: int
    mean_birth_date: date | None
    mean_score: float | None


@dataclass(frozen=True, slots=True)
class UnmatchedLabel:
    key: object
    label: str
    message: str


@dataclass(slots=True)
class Assignment:
    class_of: dict[object, int]  # newcomer key → class id
    preview: list[ClassPreview]
    findings: list[Finding]
    unmatched: list[UnmatchedLabel] = field(default_factory=list)  # keep_file_classes: labels naming no class

    @property
    def blocked(self) -> bool:
        return any(f.blocks for f in self.findings)


def assign_balanced(
    newcomers: Sequence[Newcomer], classes: Sequence[ClassSlot], *, seed: int = 0
) -> Assignment:
    """均衡编班 of newcomers over classes (R12.1). A class left above the standard size is a WARN finding; when the
    newcomers cannot fit without a class going above the maximum, one BLOCK finding says how many classes are needed
    (the preview still shows the figures)."""
    if not classes:
        raise InvalidInput("本年级还没有班级，请先新建班级再编班")
    people = list(newcomers)
    # the seed orders equals (same score and birthday) and the order in which swaps are tried
    random.Random(seed).shuffle(people)
    quotas = _water_fill([c.current_size for c in classes], len(people))
    findings = _balanced_size_findings(classes, quotas, len(people))
    vectors = _Vectors(people)
    groups: dict[str, list[int]] = {}
    for i, person in enumerate(people):
        groups.setdefault(_gender(person.gender), []).append(i)
    remaining = list(quotas)
    sums = [[0.0, 0.0] for _ in classes]
    placed: list[int] = [-1] * len(people)
    vecs = [vectors.of(p) for p in people]
    for gender in sorted(groups, key=lambda g: (g == OTHER, g)):
        members = sorted(groups[gender], key=lambda i: vectors.rank_key(people[i]))
        targets = _share(len(members), remaining)
        remaining = [r - t for r, t in zip(remaining, targets, strict=True)]
        _deal(members, _slots(targets), sums, vecs, placed)
    for members in groups.values():
        _polish(members, placed, sums, vecs)
    class_of = {person.key: classes[c].id for person, c in zip(people, placed, strict=True)}
    return Assignment(class_of, _preview(classes, people, placed), findings)


def keep_file_classes(
    newcomers: Sequence[Newcomer], labels: Mapping[object, str], classes: Sequence[ClassSlot]
) -> Assignment:
    """Keep the class the file gives each newcomer (labels: newcomer key → 「1」「1班」「(1)班」「一年级(1)班」 …),
    matched to the grade's existing classes. Labels naming no class are listed in `unmatched` (those newcomers get no
    class); each class is then checked against R12.1 with its newcomers added (warn above the standard size, block
    above the maximum)."""
    by_name = {_plain(c.name): i for i, c in enumerate(classes)}
    by_number: dict[int, int] = {}
    for i, c in enumerate(classes):
        number = c.number if c.number is not None else _parse_label(c.name)[1]
        if number is not None:
            by_number.setdefault(number, i)
    grade_level = classes[0].grade_level if classes else None
    existing = "、".join(c.name for c in classes) or "无"
    people = list(newcomers)
    placed: list[int] = []
    unmatched: list[UnmatchedLabel] = []
    for person in people:
        label = str(labels.get(person.key) or "").strip()
        index, problem = _match(label, by_name, by_number, grade_level, existing)
        placed.append(index)
        if problem:
            unmatched.append(UnmatchedLabel(person.key, label, problem))
    class_of = {p.key: classes[c].id for p, c in zip(people, placed, strict=True) if c >= 0}
    preview = _preview(classes, people, placed)
    findings: list[Finding] = []
    for slot, shown in zip(classes, preview, strict=True):
        if shown.size_after > shown.size_before:
            findings += check_class_size(slot.name, slot.grade_level, shown.size_after)
    return Assignment(class_of, preview, findings, unmatched)


# --- sizes ------------------------------------------------------------------------------------------------------


def _water_fill(sizes: list[int], count: int) -> list[int]:
    """How many newcomers each class takes so that the smallest classes fill first: final sizes differ by at most
    one wherever a class started no larger than the rest. Ties go to the class listed first."""
    heap = [(size, i) for i, size in enumerate(sizes)]
    heapq.heapify(heap)
    quotas = [0] * len(sizes)
    for _ in range(count):
        size, i = heapq.heappop(heap)
        quotas[i] += 1
        heapq.heappush(heap, (size + 1, i))
    return quotas


def _balanced_size_findings(classes: Sequence[ClassSlot], quotas: list[int], count: int) -> list[Finding]:
    over = [
        (c, c.current_size + q)
        for c, q in zip(classes, quotas, strict=True)
        if q and c.current_size + q > limits_for_grade(c.grade_level).maximum
    ]
    if over:
        maximum = min(limits_for_grade(c.grade_level).maximum for c, _ in over)
        total = sum(c.current_size for c in classes) + count
        needed = max(math.ceil(total / maximum), len(classes) + 1)
        biggest = max(size for _, size in over)
        return [
            Finding(
                "R12.1",
                Severity.BLOCK,
                f"{count}名新生编入现有{len(classes)}个班后，班级人数将达{biggest}人，超过班额上限{maximum}人；"
                f"全年级共{total}人，至少需要{needed}个班，请再新建{needed - len(classes)}个班后编班",
            )
        ]
    findings: list[Finding] = []
    for slot, quota in zip(classes, quotas, strict=True):
        if quota:
            findings += check_class_size(slot.name, slot.grade_level, slot.current_size + quota)
    return findings


def _share(count: int, capacity: list[int]) -> list[int]:
    """count places over classes in proportion to their remaining capacity (largest remainders; ties to the class
    listed first), never above a class's capacity."""
    total = sum(capacity)
    if count >= total:
        return list(capacity)
    exact = [count * c / total for c in capacity]
    shares = [math.floor(x) for x in exact]
    order = sorted(range(len(capacity)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[: count - sum(shares)]:
        shares[i] += 1
    return shares


def _slots(targets: list[int]) -> list[int]:
    """The class of each rank position: class c's j-th place sits at rank (j + ½)/t_c of the way down the list, so
    a class's places are spread over the whole ranking."""
    places = [((j + 0.5) / t, c) for c, t in enumerate(targets) for j in range(t)]
    return [c for _, c in sorted(places)]


# --- spreading scores and birth dates --------------------------------------------------------------------------


class _Vectors:
    """Each newcomer as (score, birth date) centred on the cohort's means and scaled by its spreads."""

    def __init__(self, people: list[Newcomer]):
        scores = [p.score for p in people if p.score is not None]
        births = [p.birth_date.toordinal() for p in people]
        self.has_scores = bool(scores)
        self.score_mean, self.score_scale = _mean_and_spread(scores)
        self.birth_mean, self.birth_scale = _mean_and_spread(births)

    def of(self, person: Newcomer) -> tuple[float, float]:
        score = 0.0 if person.score is None else (person.score - self.score_mean) / self.score_scale
        return score, (person.birth_date.toordinal() - self.birth_mean) / self.birth_scale

    def rank_key(self, person: Newcomer) -> tuple:
        if self.has_scores:  # high scores first; those without a score last, by birth date
            return (person.score is None, -(person.score or 0.0), person.birth_date)
        return (person.birth_date,)


def _mean_and_spread(values: list[float] | list[int]) -> tuple[float, float]:
    if not values:
        return 0.0, 1.0
    mean = sum(values) / len(values)
    spread = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    return mean, spread or 1.0


def _deal(
    members: list[int],
    slots: list[int],
    sums: list[list[float]],
    vecs: list[tuple[float, float]],
    placed: list[int],
) -> None:
    """Deal ranked members (indices into vecs and placed) into their slots a block at a time, writing each one's
    class into `placed` and adding its vector to its class's running total in `sums`."""
    block_size = max(1, len(set(slots)))
    for number, start in enumerate(range(0, len(members), block_size)):
        block = members[start : start + block_size]
        block_slots = slots[start : start + block_size]
        if number % 2:
            block_slots = block_slots[::-1]  # S型: the next block starts from the other end
        block_vecs = [vecs[i] for i in block]
        for c, v in zip(block_slots, block_vecs, strict=True):
            sums[c][0] += v[0]
            sums[c][1] += v[1]
        _improve(block_slots, block_vecs, sums)
        for i, c in zip(block, block_slots, strict=True):
            placed[i] = c


def _improve(block_slots: list[int], vecs: list[tuple[float, float]], sums: list[list[float]]) -> None:
    """Swap block members between classes while that brings the classes' sums nearer zero (the cohort's mean)."""
    for _ in range(20):
        improved = False
        for a in range(len(block_slots)):
            for b in range(a + 1, len(block_slots)):
                ca, cb = block_slots[a], block_slots[b]
                if ca == cb:
                    continue
                d0 = vecs[b][0] - vecs[a][0]  # what class ca gains (and cb loses) by the swap
                d1 = vecs[b][1] - vecs[a][1]
                sa, sb = sums[ca], sums[cb]
                delta = 2 * (d0 * (sa[0] - sb[0]) + d1 * (sa[1] - sb[1])) + 2 * (d0 * d0 + d1 * d1)
                if delta < -1e-9:
                    sa[0] += d0
                    sa[1] += d1
                    sb[0] -= d0
                    sb[1] -= d1
                    block_slots[a], block_slots[b] = cb, ca
                    improved = True
        if not improved:
            return


def _polish(
    members: list[int], placed: list[int], sums: list[list[float]], vecs: list[tuple[float, float]]
) -> None:
    """Last touches over the whole group: for each member, the one swap with a member of another class that most
    brings the classes' sums nearer zero, for as long as any swap helps (a few rounds at most). In a large cohort each
    member looks at a fixed-seed sample of partners, not all of them: the full search is quadratic (7 s for 5,000
    newcomers) and the dealing has already done nearly all of the balancing."""
    sampler = random.Random(len(members))
    for _ in range(POLISH_ROUNDS):
        improved = False
        for a in members:
            ca = placed[a]
            best, best_delta = -1, -1e-9
            va0, va1 = vecs[a]
            sa = sums[ca]
            partners = (
                members if len(members) <= POLISH_FULL_SEARCH else sampler.sample(members, POLISH_SAMPLE)
            )
            for b in partners:
                cb = placed[b]
                if cb == ca:
                    continue
                d0 = vecs[b][0] - va0
                d1 = vecs[b][1] - va1
                sb = sums[cb]
                delta = 2 * (d0 * (sa[0] - sb[0]) + d1 * (sa[1] - sb[1])) + 2 * (d0 * d0 + d1 * d1)
                if delta < best_delta:
                    best, best_delta = b, delta
            if best >= 0:
                cb = placed[best]
                d0 = vecs[best][0] - va0
                d1 = vecs[best][1] - va1
                sums[ca][0] += d0
                sums[ca][1] += d1
                sums[cb][0] -= d0
                sums[cb][1] -= d1
                placed[a], placed[best] = cb, ca
                improved = True
        if not improved:
            return


# --- preview and labels -----------------------------------------------------------------------------------------


def _preview(classes: Sequence[ClassSlot], people: list[Newcomer], placed: list[int]) -> list[ClassPreview]:
    members: list[list[Newcomer]] = [[] for _ in classes]
    for person, c in zip(people, placed, strict=True):
        if c >= 0:
            members[c].append(person)
    preview = []
    for slot, group in zip(classes, members, strict=True):
        scores = [p.score for p in group if p.score is not None]
        births = [p.birth_date.toordinal() for p in group]
        preview.append(
            ClassPreview(
                slot.id,
                slot.name,
                slot.current_size,
                slot.current_size + len(group),
                sum(1 for p in group if _gender(p.gender) == BOY),
                sum(1 for p in group if _gender(p.gender) == GIRL),
                date.fromordinal(round(sum(births) / len(births))) if births else None,
                sum(scores) / len(scores) if scores else None,
            )
        )
    return preview


def _gender(value: str) -> str:
    text = (value or "").strip()
    if text in ("1", "男"):
        return BOY
    if text in ("2", "女"):
        return GIRL
    return OTHER


_NUMERALS = "一二三四五六七八九"
_LABEL = re.compile(
    r"(?P<grade>(?:[0-9]+|[一二三四五六七八九十]+)年级|[初高][一二三](?:年级)?)?"
    r"\(?(?P<number>[0-9]+|[一二三四五六七八九十]+)\)?班?"
)


def _plain(text: str) -> str:
    """Full-width brackets and digits to ASCII, spaces out."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text or ""))


def _chinese_number(text: str) -> int:
    """1, 01, 一, 十, 十二, 二十三 → int; ValueError for anything else (一二, 两 …)."""
    if text.isdigit():
        return int(text)
    digits = {c: i for i, c in enumerate(_NUMERALS, start=1)}
    if "十" not in text:
        if text not in digits:
            raise InvalidInput(text)
        return digits[text]
    tens, _, ones = text.partition("十")
    if (tens and tens not in digits) or (ones and ones not in digits):
        raise InvalidInput(text)
    return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)


def _parse_label(label: str) -> tuple[int | None, int | None]:
    """(grade level or None, class number) of a label such as 1, 1班, (1)班, 一年级(1)班, 初一(2)班; (None, None) when
    it is none of these."""
    match = _LABEL.fullmatch(_plain(label))
    if not match:
        return None, None
    try:
        number = _chinese_number(match["number"])
        grade_text = match["grade"]
        if not grade_text:
            return None, number
        if grade_text[0] in "初高":
            return (7 if grade_text[0] == "初" else 10) + "一二三".index(grade_text[1]), number
        return _chinese_number(grade_text.removesuffix("年级")), number
    except ValueError:
        return None, None


def _match(
    label: str, by_name: dict[str, int], by_number: dict[int, int], grade_level: int | None, existing: str
) -> tuple[int, str]:
    """(class index, "") or (-1, why not)."""
    if not label:
        return -1, "班级为空"
    if _plain(label) in by_name:
        return by_name[_plain(label)], ""
    grade, number = _parse_label(label)
    if number is None:
        return -1, f"无法识别班级“{label}”，请写成“1班”或“一年级(1)班”（本年级现有：{existing}）"
    if grade is not None and grade_level is not None and grade != grade_level:
        return -1, f"班级“{label}”不是本年级的班级（本年级现有：{existing}）"
    if number not in by_number:
        return -1, f"本年级没有“{label}”（本年级现有：{existing}），请先新建班级或改正班级"
    return by_number[number], ""
