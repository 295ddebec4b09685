"""Valid test data: 居民身份证 numbers with a correct GB 11643 check digit, and student forms that pass check_form.

Every student made here goes through services.students.create_student, the same path as the detail dialog.
"""

from __future__ import annotations

import itertools
from datetime import date

from xueji_desktop.services.students import StudentForm, blank_form, create_student
from xueji_desktop.store import Store

# Region prefixes that stdnum's table accepts for every birth year from 1995 on (潞城区 140406 only from 2018).
REGION_PREFIXES = ("110101", "310115", "440305", "650102", "140425")
LUCHENG = "140406"

_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
_sequence = itertools.count(1)


def check_digit(first17: str) -> str:
    """GB 11643-1999 (ISO 7064 MOD 11-2): the 18th character for 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def id_number(birth: date, gender: str = "1", seq: int | None = None, region: str = LUCHENG) -> str:
    """A valid number: region + YYYYMMDD + a three-digit sequence whose last digit is odd for 男 ("1"), even for 女."""
    if seq is None:
        seq = next(_sequence)
    seq = seq % 500 * 2 + (1 if gender == "1" else 0)  # 0..999 with the parity of the gender
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)


def id_number_ending_in_x(birth: date, gender: str = "1", region: str = LUCHENG) -> str:
    """A valid number whose check digit is X (one sequence in eleven has it)."""
    for seq in range(500):
        number = id_number(birth, gender, seq, region)
        if number.endswith("X"):
            return number
    raise AssertionError("no sequence gives X")  # pragma: no cover - arithmetic guarantees one


def student_form(
    school_class_id: int | None = None,
    *,
    name: str | None = None,
    birth: date = date(2019, 3, 14),
    gender: str = "1",
    number: str | None = None,
    **values: object,
) -> StudentForm:
    """A form that passes check_form: blank_form's defaults plus name, birth date, gender, a matching ID number and
    two named family members (the father the guardian). Extra keyword arguments set more student fields."""
    form = blank_form(school_class_id)
    serial = next(_sequence)
    form.values.update(
        name=name or f"学生{serial}",
        gender=gender,
        birth_date=birth,
        id_number=number or id_number(birth, gender, serial),
        **values,
    )
    form.family[0].update(name="张建军", phone="13800138000")
    form.family[1].update(name="王丽")
    return form


def add_student(
    store: Store, school_class_id: int | None = None, *, confirmed: bool = False, **kwargs
) -> int:
    """Create a valid student through the service; returns its id."""
    return create_student(store, student_form(school_class_id, **kwargs), confirmed=confirmed)
