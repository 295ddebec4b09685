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
    """Each row against every stored student and the rows before it (a stored student is named first)."""
    stored, earlier = _Seen(), _Seen()
    for student in existing:
        stored.add(student, _name_key(student.name), replace=True)
    found: list[DuplicateFinding] = []
    for row in rows:
        name_key = _name_key(row.name)
        if duplicate := _duplicate(row, name_key, stored, earlier):
            found.append(duplicate)
        earlier.add(row, name_key)
    return found


def _duplicate(row: Person, name_key: str, stored: _Seen, earlier: _Seen) -> DuplicateFinding | None:
    """R13.1 for one row: the same ID number blocks; the same name, birth date and gender warns, and so does the same
    拼音 and birth date under another spelling of the name."""
    if row.id_number and (hit := _lookup("by_id", row.id_number, stored, earlier)):
        severity, said = Severity.BLOCK, "身份证件号 {id} 与{label}相同，同一人不能重复建立学籍"
    elif hit := _lookup("by_person", (name_key, row.birth_date, row.gender), stored, earlier):
        severity, said = Severity.WARN, "与{label}同名、同出生日期、同性别，可能是重复学籍，请核实"
    elif (
        row.pinyin
        and (hit := _lookup("by_sound", (row.pinyin.split(" ", 1)[0], row.birth_date), stored, earlier))
        and _name_key(hit[2].name) != name_key
    ):
        severity = Severity.WARN
        said = "与{label}姓名读音相同（{name} / {other}）、出生日期相同，可能是同一人的不同写法，请核实"
    else:
        return None
    label, ref, other = hit
    message = said.format(id=row.id_number, label=label, name=row.name, other=_name_key(other.name))
    return DuplicateFinding(row.ref, label, ref, Finding("R13.1", severity, message))


class _Seen:
    """Persons by ID number, by name + birth date + gender, and by 拼音 + birth date.

    The dictionaries hold the Person itself, its label made only for a duplicate found: a 100,000-row file keeps
    three entries a row and nothing more."""

    __slots__ = ("by_id", "by_person", "by_sound")

    def __init__(self) -> None:
        self.by_id: dict[str, Person] = {}
        self.by_person: dict[tuple[str, date | None, str | None], Person] = {}
        self.by_sound: dict[tuple[str, date | None], Person] = {}

    def add(self, person: Person, name_key: str, *, replace: bool = False) -> None:
        keep = dict.__setitem__ if replace else dict.setdefault
        if person.id_number:
            keep(self.by_id, person.id_number, person)
        keep(self.by_person, (name_key, person.birth_date, person.gender), person)
        if person.pinyin:
            keep(self.by_sound, (person.pinyin.split(" ", 1)[0], person.birth_date), person)  # preferred 拼音


def _lookup(table: str, key: object, stored: _Seen, earlier: _Seen) -> tuple[str, int | None, Person] | None:
    """(「已有学生“张三”（在读）」, student id, who) for a stored student, else (「第5行（张三）」, None, who) for an earlier
    row, else None."""
    person = getattr(stored, table).get(key)
    if person is not None:
        return f"已有学生“{person.name}”（{person.status}）", person.ref, person
    person = getattr(earlier, table).get(key)
    if person is not None:
        return f"第{person.ref}行（{person.name}）", None, person
    return None
