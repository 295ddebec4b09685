"""居民身份证 numbers (GB 11643-1999): normalise, validate, and read the birth date and gender they carry.

Normalising comes first: a `\\d` regex accepts full-width and other Unicode digits, so anything that is not ASCII
0-9 (or a final X) after normalising is refused (RELIABILITY.md, T12).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from xueji_desktop.errors import InvalidInput

_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
_SPACES = re.compile(r"[\s\u3000\-]")


class IdNumberError(InvalidInput):
    """A 身份证件号 that cannot be right; the message names the field and says what is wrong, in Chinese."""


@dataclass(frozen=True, slots=True)
class IdFacts:
    number: str
    birth_date: date
    gender: str  # code of 性别: "1" 男, "2" 女
    region_code: str


def normalise_id_number(raw: str) -> str:
    """Full-width digits and X to ASCII, spaces and dashes out, lower-case x to X."""
    text = unicodedata.normalize("NFKC", raw or "")
    return _SPACES.sub("", text).upper()


def check_id_number(raw: str, field: str = "身份证件号") -> IdFacts:
    """Validate a 居民身份证 number and return what it tells; raise IdNumberError with a clear message."""
    from stdnum.cn import ric  # ~40 ms to import (pydoc, ssl): not before the roster is on screen
    from stdnum.exceptions import ValidationError

    number = normalise_id_number(raw)
    if not number:
        raise IdNumberError(f"{field}不能为空")
    if len(number) != 18:
        raise IdNumberError(f"{field}应为18位，现在是{len(number)}位")
    if not _SHAPE.fullmatch(number):
        raise IdNumberError(f"{field}只能是数字，最后一位可以是X")
    if number[-1] != ric.calc_check_digit(number):
        raise IdNumberError(f"{field}的校验位不对，请逐位核对（常见为某一位抄错或两位颠倒）")
    try:
        born = ric.get_birth_date(number)
    except ValidationError:
        raise IdNumberError(
            f"{field}中的出生日期 {number[6:10]}-{number[10:12]}-{number[12:14]} 不存在"
        ) from None
    # The region part is not refused: numbers are for life, and codes change (潞城市 140481 became 潞城区 140406 in
    # 2018), so a real child's number may carry a code that stdnum's table places in another period.
    gender = "1" if int(number[16]) % 2 == 1 else "2"
    return IdFacts(number, born, gender, number[:6])


def mismatches(facts: IdFacts, birth_date: date | None, gender: str | None) -> list[str]:
    """Chinese messages for each of 出生日期 / 性别 that disagrees with the ID number."""
    problems = []
    if birth_date is not None and birth_date != facts.birth_date:
        problems.append(f"出生日期 {birth_date:%Y-%m-%d} 与身份证件号中的 {facts.birth_date:%Y-%m-%d} 不一致")
    if gender and gender != facts.gender:
        said = "男" if gender == "1" else "女"
        carried = "男" if facts.gender == "1" else "女"
        problems.append(f"性别“{said}”与身份证件号（第17位表示{carried}）不一致")
    return problems


def mask_id_number(number: str | None) -> str:
    """1404**********123X: the first four and last four characters, as GB/T 35273 asks for screens and paper."""
    if not number:
        return ""
    if len(number) <= 8:
        return number[:1] + "*" * (len(number) - 1)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_national_student_id(national_student_id: str | None, id_number: str | None = None) -> str:
    """G1404**********123X: a 学籍号 made of G and the 身份证件号 carries the ID number, so it is masked wherever the
    ID number is (screens, rosters for others, exports meant for people); a temporary L/J… 学籍号 carries no ID
    number and is shown whole. Full only where the ID number is full (the upload batch, the archive copy)."""
    if not national_student_id:
        return ""
    prefix, body = national_student_id[:1], national_student_id[1:]
    if prefix.upper() != "G":
        return national_student_id
    carries_id = bool(_SHAPE.fullmatch(body.upper())) or (bool(id_number) and body == id_number)
    return prefix + mask_id_number(body) if carries_id else national_student_id
