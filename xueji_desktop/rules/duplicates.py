"""R13.1 (第十三条): no duplicate 学籍. The same ID number is the same person (block); the same name, birth date and
gender is a likely duplicate, and so is the same 拼音 with the same birth date (full-/half-width or traditional/
simplified variants of one name read the same) — the clerk decides (warn). Students who have left count too.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from xueji_desktop.rules.findings import Finding, Severity


@dataclass(frozen=True, slots=True)
class Person:
    """Who a row or a stored student is, as far as duplicates go. `ref` is a row number or a student id."""

    ref: int
    name: str
    birth_date: date | None
    gender: str | None
    id_number: str | None
    pinyin: str
    status: str = ""


@dataclass(frozen=True, slots=True)
class DuplicateFinding:
    row_number: int
    other: str  # 「第5行」 or 「已有学生“张三”（在读）」
    other_student_id: int | None
    finding: Finding


def _name_key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).replace(" ", "").replace("·", "").replace("•", "")


def find_duplicates(rows: Iterable[Person], existing: Iterable[Person]) -> list[DuplicateFinding]:
    """Each row against the rows before it and against every stored student."""
    by_id: dict[str, tuple[str, int | None]] = {}
    by_person: dict[tuple[str, date | None, str | None], tuple[str, int | None]] = {}
    by_sound: dict[tuple[str, date | None], tuple[str, int | None, str]] = {}
    for student in existing:
        label = f"已有学生“{student.name}”（{student.status}）"
        if student.id_number:
            by_id[student.id_number] = (label, student.ref)
        by_person[(_name_key(student.name), student.birth_date, student.gender)] = (label, student.ref)
        if student.pinyin:
            by_sound[(student.pinyin, student.birth_date)] = (label, student.ref, _name_key(student.name))
    found: list[DuplicateFinding] = []
    for row in rows:
        key = (_name_key(row.name), row.birth_date, row.gender)
        if row.id_number and row.id_number in by_id:
            label, ref = by_id[row.id_number]
            found.append(DuplicateFinding(row.ref, label, ref, Finding(
                "R13.1", Severity.BLOCK, f"身份证件号 {row.id_number} 与{label}相同，同一人不能重复建立学籍")))  # fmt: skip
        elif key in by_person:
            label, ref = by_person[key]
            found.append(DuplicateFinding(row.ref, label, ref, Finding(
                "R13.1", Severity.WARN, f"与{label}同名、同出生日期、同性别，可能是重复学籍，请核实")))  # fmt: skip
        elif row.pinyin and (row.pinyin, row.birth_date) in by_sound:
            label, ref, name = by_sound[(row.pinyin, row.birth_date)]
            if name != key[0]:
                found.append(DuplicateFinding(row.ref, label, ref, Finding(
                    "R13.1", Severity.WARN,
                    f"与{label}姓名读音相同（{row.name} / {name}）、出生日期相同，可能是同一人的不同写法，请核实")))  # fmt: skip
        here = f"第{row.ref}行（{row.name}）"
        if row.id_number:
            by_id.setdefault(row.id_number, (here, None))
        by_person.setdefault(key, (here, None))
        if row.pinyin:
            by_sound.setdefault((row.pinyin, row.birth_date), (here, None, key[0]))
    return found
