"""姓名拼音 and the 拼音 search keys of a name, computed once when a name is written.

The family name reads as a surname (曾 ZENG, 解 XIE, 单 SHAN, 尉迟 YUCHI): resources/reference/surnames.csv, its
sources in surnames.SOURCE.md, compound surnames tried before single ones; pypinyin (which has no surname mode)
reads the given name, and the whole name when it carries a 「·」 (阿依古丽·买买提: no family name first).

The search keys hold every reading a clerk may type: `pinyin_key` is the preferred spelling, then, each after a
space, the spellings with other readings of a 多音字 ("zengzixuan cengzixuan"); `initials_key` the same for the
initials ("zzx czx"). A space sorts before every letter and digit, so ORDER BY pinyin_key orders by the preferred
spelling; the search (services/roster) matches the start of the key or of any part after a space. The other readings
of a character are those pypinyin's phrase dictionary uses (曾: 曾经 céng; 单: 单位 dān, 单于 chán), not the archaic
ones of its character dictionary (浩 gǎo), so a key stays short and a search does not find strangers.
"""

from __future__ import annotations

import csv
import itertools
from functools import cache, lru_cache

from xueji_desktop.reference.resources import resource_path

KEY_SEPARATOR = " "  # between the spellings of one key; sorts before every letter
MAX_SPELLINGS = 12  # a name of three 多音字 would have dozens: the likeliest (fewest other readings) are kept
_NO_FAMILY_NAME_FIRST = ("·", "•", "・")  # 少数民族 names in the 「名·父名」 order
# a surname's reading and the other readings it is known by, as plain syllables: (("yu", "chi"), ())
Reading = tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]


def pinyin_keys(name: str) -> tuple[str, str]:
    """("zhangsan", "zs") for 张三, ("zengzixuan cengzixuan", "zzx czx") for 曾子轩: the preferred spelling first,
    the other readings after a space; letters and digits in the name are kept as they are, lower-cased."""
    spellings = _spellings(name)
    full = KEY_SEPARATOR.join(dict.fromkeys("".join(syllables) for syllables, _ in spellings))
    initials = KEY_SEPARATOR.join(
        dict.fromkeys("".join(s[0] for s in syllables if s) for syllables, _ in spellings)
    )
    return full, initials


def preferred_key(key: str) -> str:
    """The preferred spelling of a stored `pinyin_key` (or initials): what it sorts by."""
    return key.split(KEY_SEPARATOR, 1)[0]


def pinyin_spelling(name: str) -> str:
    """姓名拼音 as the record writes it, the family name read as a surname: ZHANG SAN, ZENG ZI XUAN, YUCHI XIAO MING
    (a compound surname written as one word, GB/T 28039)."""
    return pinyin_choices(name)[0] if name.strip() else ""


def pinyin_choices(name: str) -> list[str]:
    """Every 姓名拼音 the name may be written as, the surname reading first: ['ZENG ZI XUAN', 'CENG ZI XUAN'] for
    曾子轩 — what the student dialog offers the clerk when a reading is not the one the family uses. A compound
    surname is offered only in its listed readings (尉迟 YUCHI, never WEICHI); the keys still find WEICHI."""
    family = _surname_of(name.strip())
    fixed = {family[1][0], *family[1][1]} if family and len(family[0]) > 1 else None
    return list(
        dict.fromkeys(
            _written(syllables, surname_length)
            for syllables, surname_length in _spellings(name)
            if fixed is None or syllables[:surname_length] in fixed
        )
    )


def stale_spelling(name: str, stored: str | None) -> str | None:
    """The surname-reading 姓名拼音 when `stored` is what this app used to fill in without surname readings (CENG ZI
    XUAN for 曾子轩) and that differs; None otherwise (a spelling the clerk typed or chose is never second-guessed)."""
    from pypinyin import lazy_pinyin

    if not stored or not name.strip():
        return None
    former = " ".join(s.upper() for s in lazy_pinyin(name, errors="default") if s.strip()).replace("Ü", "V")
    now = pinyin_spelling(name)
    return now if stored == former and now != former else None


def surname_reading(name: str) -> tuple[str, tuple[str, ...]] | None:
    """(family name, its surname reading as plain syllables) when the name begins with a listed surname:
    ("曾", ("zeng",)), ("尉迟", ("yu", "chi")); None else."""
    found = _surname_of(name)
    return (found[0], found[1][0]) if found else None


def _written(syllables: tuple[str, ...], surname_length: int) -> str:
    words = list(syllables)
    if surname_length > 1:
        words[:surname_length] = ["".join(words[:surname_length])]
    return " ".join(words).upper()


@lru_cache(maxsize=4096)  # pinyin_keys and pinyin_spelling of one name come together
def _spellings(name: str) -> tuple[tuple[tuple[str, ...], int], ...]:
    """(syllables, how many of them the family name takes) for each spelling, preferred first, at most
    MAX_SPELLINGS: first the preferred, then those with one other reading, then two …"""
    tokens, surname_length = _tokens(name)
    if not tokens:
        return (((), 0),)
    varying = [index for index, readings in enumerate(tokens) if len(readings) > 1]
    preferred = tuple(readings[0] for readings in tokens)
    found: list[tuple[tuple[str, ...], int]] = [(preferred, surname_length)]
    for count in range(1, len(varying) + 1):
        for positions in itertools.combinations(varying, count):
            for others in itertools.product(*(tokens[index][1:] for index in positions)):
                syllables = list(preferred)
                for index, reading in zip(positions, others, strict=True):
                    syllables[index] = reading
                found.append((tuple(syllables), surname_length))
                if len(found) >= MAX_SPELLINGS:
                    return tuple(found)
    return tuple(found)


def _tokens(name: str) -> tuple[list[tuple[str, ...]], int]:
    """Each character's readings (preferred first) and each run of other text as itself; and how many tokens the
    family name takes (0 when the name does not begin with a listed surname)."""
    text = name.strip()
    family = _surname_of(text) if not any(mark in text for mark in _NO_FAMILY_NAME_FIRST) else None
    tokens: list[tuple[str, ...]] = []
    if family:
        surname, (reading, others) = family
        for index, char in enumerate(surname):
            listed = (reading[index], *(other[index] for other in others))
            tokens.append(_unique((*listed, *_char_readings(char, everyday=True))))
        text = text[len(surname) :]
    tokens.extend(_given_tokens(text))
    return tokens, len(family[0]) if family else 0


@lru_cache(maxsize=16384)  # given names repeat across a school
def _given_tokens(text: str) -> tuple[tuple[str, ...], ...]:
    from pypinyin import lazy_pinyin  # 0.3 s and 60 MB to import: only when a name is written

    tokens: list[tuple[str, ...]] = []
    position = 0
    for item in lazy_pinyin(text, errors="default"):
        if text.startswith(item, position):  # not a character pypinyin reads: the text itself
            position += len(item)
            kept = "".join(item.split()).lower()
            if kept:
                tokens.append((kept,))
            continue
        char = text[position]
        position += 1
        tokens.append(_unique((_plain(item), *_char_readings(char))))
    return tuple(tokens)


def _unique(readings: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(readings))


def _plain(reading: str) -> str:
    return reading.lower().replace("ü", "v")


@cache
def _char_readings(char: str, *, everyday: bool = False) -> tuple[str, ...]:
    """The readings of one character that its phrases use, in pypinyin's order, and with `everyday` pypinyin's
    first reading too (阚 hǎn: what a clerk who does not know the surname types); () when it has only one."""
    from pypinyin.pinyin_dict import pinyin_dict

    listed = pinyin_dict.get(ord(char), "")
    if "," not in listed:
        return ()
    used = _phrase_readings().get(char, set())
    readings = _unique(tuple(_toneless(r) for r in listed.split(",")))
    return tuple(r for index, r in enumerate(readings) if r in used or (everyday and index == 0))


@cache
def _phrase_readings() -> dict[str, set[str]]:
    """Each character's readings as pypinyin's phrase dictionary uses them (~0.2 s, once per process)."""
    from pypinyin.phrases_dict import phrases_dict

    readings: dict[str, set[str]] = {}
    plain: dict[str, str] = {}
    for phrase, syllables in phrases_dict.items():
        for char, options in zip(phrase, syllables, strict=False):
            reading = plain.get(options[0])
            if reading is None:
                reading = plain[options[0]] = _toneless(options[0])
            readings.setdefault(char, set()).add(reading)
    return readings


def _toneless(reading: str) -> str:
    from pypinyin.contrib.tone_convert import to_normal

    return _plain(to_normal(reading))


def _surname_of(name: str) -> tuple[str, Reading] | None:
    compound, single = _surnames()
    if len(name) > 2 and name[:2] in compound:
        return name[:2], compound[name[:2]]
    if len(name) > 1 and name[0] in single:
        return name[0], single[name[0]]
    return None


@cache
def _surnames() -> tuple[dict[str, Reading], dict[str, Reading]]:
    """(compound surnames, single surnames) from resources/reference/surnames.csv, as plain syllables."""
    compound: dict[str, Reading] = {}
    single: dict[str, Reading] = {}
    with resource_path("reference", "surnames.csv").open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            reading = tuple(_toneless(s) for s in row["pinyin"].split())
            others = tuple(
                tuple(_toneless(s) for s in other.split()) for other in row["also"].split("|") if other
            )
            (compound if len(row["surname"]) > 1 else single)[row["surname"]] = (reading, others)
    return compound, single
