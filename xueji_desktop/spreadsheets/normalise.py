"""One spreadsheet cell → the value the model stores, or a plain-Chinese message (what is wrong) and hint (how to fix).

Clerks, kindergartens and head teachers type the same thing many ways: full-width digits, 「2015.3.4」, 「2015年3月4日」,
Excel date serials, ID numbers Excel turned into 1.4E+17, 「汉」 for 汉族, 「其它」 for 其他. Each column gets one
normaliser, built once from its ColumnSpec and cached; code tables and region names are dicts built once, so a
5,000-row file normalises in a fraction of a second.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache, partial
from itertools import product

from xueji_desktop.reference.codes import CodeTable, code_table
from xueji_desktop.reference.regions import PLACEHOLDERS as _PLACEHOLDERS
from xueji_desktop.reference.regions import RegionTable, region_table
from xueji_desktop.reference.student_fields import FAMILY_FIELDS_BY_KEY, FIELDS_BY_KEY, FieldKind, FieldSpec
from xueji_desktop.rules.identity import normalise_id_number
from xueji_desktop.rules.names import ZERO_WIDTH, normalise_dots, refusals
from xueji_desktop.spreadsheets.template import ColumnSpec

Result = tuple[object, str | None, str | None]
Normaliser = Callable[[object], Result]
_EMPTY: Result = (None, None, None)


@dataclass(slots=True)
class CellProblem:
    row_number: int  # as Excel shows it
    header: str  # the template's header of the column (the file may name it by an alias: see column)
    value: str  # the cell as Excel shows it
    message: str  # what is wrong
    hint: str  # how to fix it
    # index of the cell in the file's row (read_row sets it; the error workbook finds the cell by it)
    column: int | None = None


def normalise_cell(raw: object, column: ColumnSpec) -> Result:
    """(value, message, hint): the stored value (None when empty) and, for a wrong cell, what is wrong and how to
    fix it."""
    if raw is None or raw == "":
        return _EMPTY
    entry = _NORMALISERS.get(id(column))
    if entry is None or entry[0] is not column:
        entry = _NORMALISERS[id(column)] = (column, normaliser_for(column))
    return entry[1](raw)


_NORMALISERS: dict[int, tuple[ColumnSpec, Normaliser]] = {}  # id → (the spec kept alive, its normaliser)


def shown(raw: object) -> str:
    """A cell as Excel shows it, for the error table: 1.40406201903121E+17, 2015-03-04, 是."""
    if raw is None:
        return ""
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() and abs(raw) < 1e15 else f"{raw:.15G}"
    if isinstance(raw, datetime) and raw.time() == datetime.min.time():
        return raw.date().isoformat()
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    return str(raw)


# --- text -------------------------------------------------------------------------------------------------------

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_nfkc = partial(unicodedata.normalize, "NFKC")


def clean_text(raw: object) -> str:
    """Half-width (NFKC: full-width digits, letters, spaces, brackets), invisible characters out, trimmed."""
    text = raw if type(raw) is str else _text_of(raw)
    if not text.isascii():
        text = _nfkc(text)
        if _INVISIBLE.search(text):  # rare: searching is cheaper than rewriting every cell
            text = _INVISIBLE.sub("", text)
    return text.strip()


# full-width letters, digits and the ideographic space → ASCII; nothing else (free text keeps （）、，： as typed)
_WIDE = str.maketrans(
    {0x3000: " "}
    | {c: c - 0xFEE0 for r in ((0xFF10, 0xFF1A), (0xFF21, 0xFF3B), (0xFF41, 0xFF5B)) for c in range(*r)}
)


def clean_free_text(raw: object) -> str:
    """For free text (names, addresses, employers): full-width letters, digits and spaces half-width, invisible
    characters out, trimmed. Not NFKC: it would turn the Chinese punctuation clerks type (外出务工（郑州）) into ASCII
    and the record would no longer be the one exported (the export-import round trip)."""
    text = raw if type(raw) is str else _text_of(raw)
    if not text.isascii():
        text = text.translate(_WIDE)
        if _INVISIBLE.search(text):
            text = _INVISIBLE.sub("", text)
    return text.strip()


def _text_of(raw: object) -> str:
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() and abs(raw) < 1e15 else f"{raw:.15G}"
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat(" ")
    return raw.isoformat() if isinstance(raw, date) else str(raw)


def _squeeze(text: str) -> str:
    """Line breaks and runs of spaces inside a cell → one space."""
    return " ".join(text.split()) if ("  " in text or "\n" in text or "\t" in text or "\r" in text) else text


class _Text:
    __slots__ = ("max_length",)

    def __init__(self, max_length: int):
        self.max_length = max_length

    def __call__(self, raw: object) -> Result:
        text = _squeeze(clean_free_text(raw))
        if not text:
            return _EMPTY
        if len(text) > self.max_length:
            return (
                None,
                f"太长了：{len(text)}个字，最多{self.max_length}个字",
                f"请删减到{self.max_length}个字以内",
            )
        return text, None, None


_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_HAS_DIGIT = re.compile(r"[0-9]")
_NAME_HINT = "请删去这些字符，按户口簿重新输入姓名"


class _PersonName(_Text):
    """张　三 (spaces clerks type to line up two-character names) → 张三; 买买提•艾力 → 买买提·艾力. A name holding
    what rules.names refuses (control, direction-override or zero-width characters, emoji: R13.1) is an error of
    its cell — looked for before the cell is cleaned, which would hide some of them."""

    __slots__ = ()

    def __call__(self, raw: object) -> Result:
        if type(raw) is str and not (raw.isascii() and raw.isprintable()):
            typed = raw.strip()
            if typed.strip("".join(ZERO_WIDTH)).strip():  # a cell of only invisible characters is empty
                refused = refusals(typed)
                if refused:
                    return None, "；".join(f.message for f in refused), _NAME_HINT
        value, message, hint = super().__call__(raw)
        if value is None or message:
            return value, message, hint
        text = str(value)
        if not text.isascii():
            if " " in text:
                text = _CJK_SPACE.sub("", text)
            text = normalise_dots(text)
        if _HAS_DIGIT.search(text):
            return None, f"姓名中有数字：“{text}”", "请只填写姓名，编号等写在其他列"
        return text, None, None


# --- dates --------------------------------------------------------------------------------------------------------

_DATE_TEXT = re.compile(
    r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?",
    re.ASCII,
)
_DATE_DIGITS = re.compile(r"(\d{4})(\d{2})(\d{2})", re.ASCII)
_YEAR = re.compile(r"\d{4}\s*年?", re.ASCII)
_MONTH_TEXT = re.compile(r"(\d{4})\s*(?:[-./年]\s*(\d{1,2})\s*月?|(\d{2}))", re.ASCII)
_WINDOWS_EPOCH = datetime(1899, 12, 30)
_SERIAL_MAX = (
    date(2100, 12, 31) - _WINDOWS_EPOCH.date()
).days  # 73415; later serials are no register's dates
_DATE_HINT = "请写成 20150304、2015-03-04 或 2015年3月4日 的形式"
_MONTH_HINT = "请写成 201509、2015-09 或 2015年9月 的形式"
_FIRST_YEAR, _LAST_YEAR = 1900, 2100


def from_serial(value: float) -> date:
    """An Excel (1900 system) date serial → the day, exactly as openpyxl.utils.datetime.from_excel reads it."""
    day, fraction = divmod(value, 1)
    moment = timedelta(milliseconds=round(fraction * 86_400_000))
    if 0 < value < 60:  # Excel's fictitious 1900-02-29
        day += 1
    return (_WINDOWS_EPOCH + timedelta(days=day) + moment).date()


def _make_date(year: int, month: int, day: int) -> tuple[date | None, str | None, str | None]:
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        return None, f"年份 {year} 不对", "请核对年份（四位数字）"
    try:
        return date(year, month, day), None, None
    except ValueError:
        return (
            None,
            f"{year:04d}-{month:02d}-{day:02d} 不存在",
            "请核对月份和日子（每月最多31天，2月最多29天）",
        )


def _number_date(raw: float | int) -> Result:
    """20150304 typed in a numeric cell, or an Excel serial (42067)."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, int) and 10_000_000 <= raw <= 99_999_999:
        return _make_date(raw // 10_000, raw // 100 % 100, raw % 100)
    if isinstance(raw, int) and _FIRST_YEAR <= raw <= _LAST_YEAR:  # a year alone, not the serial of 1905
        return None, f"“{raw}”只有年份", _DATE_HINT
    if 1 <= raw <= _SERIAL_MAX:
        return from_serial(raw), None, None
    return None, f"“{shown(raw)}”不是日期", _DATE_HINT


def parse_date(raw: object) -> Result:
    """「2015.3.4」, 「2015-03-04」, 「2015/3/4」, 「2015年3月4日」, 「20150304」, serials and the reader's dates → date."""
    if isinstance(raw, datetime):
        return raw.date(), None, None
    if isinstance(raw, date):
        return raw, None, None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return _number_date(raw)
    text = clean_text(raw)
    if not text:
        return _EMPTY
    match = _DATE_TEXT.fullmatch(text) or _DATE_DIGITS.fullmatch(text)
    if match:
        return _make_date(int(match[1]), int(match[2]), int(match[3]))
    if _MONTH_TEXT.fullmatch(text):
        return None, f"“{text}”只有年月，缺少日", _DATE_HINT
    if _YEAR.fullmatch(text):
        return None, f"“{text}”只有年份", _DATE_HINT
    return None, f"“{text}”不是日期", _DATE_HINT


@dataclass(frozen=True, slots=True)
class BirthMonth:
    """出生日期 given as year and month only (「2020.08」, 「2020年8月」, 「2020-8」): kept until the row's ID number can
    give the day (settle_birth_month), which the cell alone cannot."""

    year: int
    month: int
    typed: str


_BIRTH_MONTH_HINT = "请写完整的出生日期，如 2020-08-15；填写了居民身份证号的，可以只写年月（日取自证件号）"


def parse_birth_date(raw: object) -> Result:
    """parse_date, except that a year and month alone is a BirthMonth for the row to settle with its ID number."""
    value, message, hint = parse_date(raw)
    if message is None or isinstance(raw, (int, float, date)):
        return value, message, hint
    text = clean_text(raw)
    match = _MONTH_TEXT.fullmatch(text)
    if match:
        year, month = int(match[1]), int(match[2] or match[3])
        if _FIRST_YEAR <= year <= _LAST_YEAR and 1 <= month <= 12:
            return BirthMonth(year, month, text), None, None
    return value, message, hint


def settle_birth_month(born: BirthMonth, id_type: object, id_number: object) -> tuple[date | None, str, str]:
    """(the full date, "", "") taken from a 居民身份证 number whose birth date has that year and month; else
    (None, message, hint): the number disagrees (both named) or there is no number to take the day from."""
    from xueji_desktop.rules.identity import IdNumberError, check_id_number

    shown_month = f"{born.year}年{born.month}月"
    if id_type == "1" and isinstance(id_number, str) and id_number:
        try:
            from_id = check_id_number(id_number).birth_date
        except IdNumberError:
            return None, f"“{born.typed}”只有年月，身份证件号有误，无法取得出生日", _BIRTH_MONTH_HINT
        if (from_id.year, from_id.month) == (born.year, born.month):
            return from_id, "", ""
        return (
            None,
            f"出生日期“{born.typed}”（{shown_month}）与身份证件号中的出生日期 {from_id:%Y-%m-%d} 不一致",
            "请以户口簿为准，核对出生日期和身份证件号",
        )
    return None, f"“{born.typed}”只有年月，缺少日", _BIRTH_MONTH_HINT


def _month_value(year: int, month: int) -> Result:
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        return None, f"年份 {year} 不对", "请核对年份（四位数字）"
    if not 1 <= month <= 12:
        return None, f"{year}年{month}月 不存在", _MONTH_HINT
    return f"{year:04d}-{month:02d}", None, None


def parse_month(raw: object) -> Result:
    """「201509」, 「2015-09」, 「2015.9」, 「2015年9月」 or a date → "2015-09"."""
    if isinstance(raw, date):
        return f"{raw.year:04d}-{raw.month:02d}", None, None
    if isinstance(raw, float) and not math.isfinite(raw):  # a damaged cell: repr gives "-inf", not digits
        return None, f"“{shown(raw)}”不是年月", _MONTH_HINT
    if isinstance(raw, float) and not raw.is_integer():
        # 「2015.9」 typed into a numeric cell; 「2015.10」 arrives as 2015.1, indistinguishable from January.
        text = repr(raw)
        year, _, month = text.partition(".")
        if len(year) != 4 or len(month) > 2:
            return None, f"“{text}”不是年月", _MONTH_HINT
        if month == "1":
            message = f"“{text}”可能是{year}年1月也可能是10月（Excel 把 .10 存成了 .1）"
            return None, message, f"请把该列设为文本格式，写成 {year}10 或 {year}-10"
        return _month_value(int(year), int(month))
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        number = int(raw)
        if 100_000 <= number <= 999_999:
            return _month_value(number // 100, number % 100)
        if _FIRST_YEAR <= number <= _LAST_YEAR:
            return None, f"“{number}”只有年份，缺少月份", _MONTH_HINT
        value, message, hint = _number_date(number)
        return _month_of(value, message, hint)
    text = clean_text(raw)
    if not text:
        return _EMPTY
    match = _MONTH_TEXT.fullmatch(text)
    if match:
        return _month_value(int(match[1]), int(match[2] or match[3]))
    if _YEAR.fullmatch(text):
        return None, f"“{text}”只有年份，缺少月份", _MONTH_HINT
    value, message, hint = parse_date(text)
    if message and "不是日期" in message:
        return None, f"“{text}”不是年月", _MONTH_HINT
    return _month_of(value, message, hint)


def _month_of(value: object, message: str | None, hint: str | None) -> Result:
    if isinstance(value, date):
        return f"{value.year:04d}-{value.month:02d}", None, None
    return None, message, hint


# --- numbers kept as text: ID numbers, phones, codes --------------------------------------------------------------

_ID_CHARS = re.compile(r"[0-9A-Z()]+", re.ASCII)
_FLOAT_ID_HINT = "请把该列设为文本格式后重新输入"


def parse_id_number(raw: object) -> Result:
    """rules.identity.normalise_id_number (full-width, spaces, lower-case x); a number Excel stored as a float has lost
    its last digits and is refused. The checksum is checked with the ID type (rules.student_record)."""
    if isinstance(raw, float):
        if raw.is_integer() and abs(raw) < 1e15:
            raw = int(raw)
        else:
            return None, f"证件号被 Excel 存成了数字（显示为 {shown(raw)}），后几位已经丢失", _FLOAT_ID_HINT
    number = normalise_id_number(clean_text(raw))
    if not number:
        return _EMPTY
    if not _ID_CHARS.fullmatch(number):
        return None, f"证件号“{number}”中有汉字或符号", "证件号只能是数字和字母，居民身份证号最后一位可以是X"
    if len(number) > 30:
        return None, f"证件号太长：{len(number)}位", "请核对证件号"
    return number, None, None


def _digits_of(raw: object) -> tuple[str, bool]:
    """A number-like cell as a digit string, and whether it came from a numeric cell (leading zeros lost)."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if isinstance(raw, float) and not raw.is_integer():
            return shown(raw), True
        return str(int(raw)), True
    return clean_text(raw).replace(" ", ""), False


_PHONE_DROP = str.maketrans("", "", " -()‐‑–—")
_MULTIPLE = re.compile(r"[/,;、或]")


def parse_phone(raw: object) -> Result:
    """An 11-digit mobile (13812345678) or a landline with its area code (0355-5123456); spaces and dashes allowed."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        text, _ = _digits_of(raw)
    else:
        text = clean_text(raw)
    if not text:
        return _EMPTY
    if _MULTIPLE.search(text):
        return None, f"“{text}”像是多个号码", "只填一个号码（手机号或带区号的固定电话）"
    digits = text.translate(_PHONE_DROP)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if not (digits.isdigit() and digits.isascii()):
        return None, f"“{text}”中有数字以外的字符", "电话只能是数字，可以用空格或短横线分隔"
    if digits[0] == "1":
        if len(digits) == 11 and digits[1] in "3456789":
            return digits, None, None
        return None, f"手机号应为11位，“{text}”是{len(digits)}位", "请核对手机号"
    if digits[0] == "0":
        area = 3 if digits[1:2] in ("1", "2") else 4
        local = digits[area:]
        if 7 <= len(local) <= 8 and local[0] not in "01":
            return f"{digits[:area]}-{local}", None, None
        return None, f"固定电话“{text}”位数不对", "请写成“区号-号码”，如 0355-5123456"
    if 7 <= len(digits) <= 8:
        return None, f"固定电话“{text}”缺少区号", "请写成“区号-号码”，如 0355-5123456；手机号为11位"
    return None, f"“{text}”不像手机号或固定电话", "手机号为11位；固定电话请写成“区号-号码”，如 0355-5123456"


def parse_postcode(raw: object) -> Result:
    digits, numeric = _digits_of(raw)
    if not digits:
        return _EMPTY
    if numeric and len(digits) == 5:  # 047500 typed into a numeric cell lost its leading zero
        digits = "0" + digits
    if len(digits) == 6 and digits.isdigit() and digits.isascii():
        return digits, None, None
    return None, f"邮政编码应为6位数字，“{digits}”不是", "请核对邮政编码，如 047500"


def parse_school_code(raw: object) -> Result:
    digits, _ = _digits_of(raw)
    if not digits:
        return _EMPTY
    if len(digits) == 10 and digits.isdigit() and digits.isascii():
        return digits, None, None
    return None, f"学校标识码应为10位数字，“{digits}”不是", "请填写本校的10位学校标识码"


def parse_class_number(raw: object) -> Result:
    text = _squeeze(clean_text(raw))
    if not text:
        return _EMPTY
    if len(text) > 30:
        return None, f"班号太长：{len(text)}个字", "请写成 1、01 或 一年级(1)班 的形式"
    return text, None, None


_DISTANCE_UNITS = re.compile(r"\s*(公里|千米|km|KM|Km)$")
_DISTANCE = re.compile(r"[0-9]+(\.[0-9]+)?", re.ASCII)


def parse_distance(raw: object) -> Result:
    """上下学距离 in kilometres: 2.5, 「2.5公里」, 「2.5km」 → "2.5"."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if not math.isfinite(raw) or raw < 0 or raw >= 1000:  # NaN would be stored as "nan"
            return None, f"上下学距离 {shown(raw)} 公里不合常理", "请填写以公里为单位的数字，如 2.5"
        return format(round(raw, 2), "g"), None, None
    text = _DISTANCE_UNITS.sub("", clean_text(raw))
    if not text:
        return _EMPTY
    if _DISTANCE.fullmatch(text) and len(text) <= 10:
        return text, None, None
    return None, f"“{text}”不是距离", "请填写以公里为单位的数字，如 2.5"


# --- 是/否 --------------------------------------------------------------------------------------------------------

_YES = frozenset("是 Y YES 1 √ ✓ ✔ ☑ TRUE T 有 对".split())
_NO = frozenset("否 N NO 0 × ✗ ✘ ☒ FALSE F 无 不是 没有".split())


def parse_yes_no(raw: object) -> Result:
    """是/否/Y/N/1/0/√/×/TRUE/FALSE → bool."""
    if isinstance(raw, bool):
        return raw, None, None
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return raw == 1, None, None
    text = clean_text(raw)
    if not text:
        return _EMPTY
    key = text.upper()
    if key in _YES:
        return True, None, None
    if key in _NO:
        return False, None, None
    return None, f"“{text}”应填“是”或“否”", "请填写“是”或“否”（也可填 Y/N、1/0、√/×）"


# --- code tables --------------------------------------------------------------------------------------------------

# Names clerks use for a value, beyond what the table's own names give (→ the table's name, or the names it could
# mean when it is ambiguous: the message then lists them).
_EXTRA_NAMES: dict[str, dict[str, str | tuple[str, ...]]] = {
    "gender": {"男性": "男", "女性": "女", "男生": "男", "女生": "女", "M": "男", "F": "女"},
    "nationality": {"中华人民共和国": "中国", "中国大陆": "中国", "CN": "中国"},
    "id_type": {"身份证": "居民身份证", "二代身份证": "居民身份证", "户口薄": "户口簿"},
    "overseas_status": {"无": "否", "非港澳台侨外": "否"},
    "hukou_type": {"城镇": "非农业户口", "城镇户口": "非农业户口"},
    "political_status": {"团员": "共青团员", "党员": "中共党员", "预备党员": "中共预备党员"},
    "relation": dict.fromkeys(("父", "爸爸", "父母"), "父亲")
    | dict.fromkeys(("母", "妈妈"), "母亲")
    | dict.fromkeys(
        ("爷爷 奶奶 外公 外婆 姥爷 姥姥 祖父 祖母 外祖父 外祖母 祖父母 外祖父母").split(), "祖父母或外祖父母"
    )
    | dict.fromkeys(("哥哥 姐姐 弟弟 妹妹 兄弟 姐妹 兄 姐 弟 妹").split(), "兄弟姐妹"),
    "admission_method": {"就近": "就近入学", "义务教育阶段其他": "其他"},
    "attendance_mode": {"住宿": "住校", "寄宿": "住校", "走读生": "走读", "住校生": "住校"},
    "left_behind": {
        "否": "非留守儿童",
        "无": "非留守儿童",
        "非留守": "非留守儿童",
        "单亲留守": "单亲留守儿童",
        "双亲留守": "双亲留守儿童",
        "是": ("单亲留守儿童", "双亲留守儿童"),
    },
    "commute_mode": {
        "自行车": "自行车（含摩托车、电动自行车）",
        "电动车": "自行车（含摩托车、电动自行车）",
        "公交": "公共交通（含城市公交、农村客运、地铁）",
        "家长接送": "家长自行接送",
        "接送": "家长自行接送",
    },
    "disability_type": {"无": "无残疾", "否": "无残疾"},
    "inclusive_education": {"否": "非随班就读", "无": "非随班就读"},
}
_PARENTHESES = re.compile(r"\(.*?\)")


def _key(text: str) -> str:
    return text.replace(" ", "").upper()


class CodeLookup:
    """A code table's names, codes and unambiguous variants (「汉」, 「其它」, 「A型」, 「01」 as 1) → code, as one dict."""

    def __init__(self, table: CodeTable):
        self.table = table
        exact: dict[str, str] = {}
        for item in table.codes:  # the first of two equal names wins, as CodeTable.code_of does
            for text in (item.code, item.name, item.label):
                if text:  # the label: the template's wording (高中阶段其他 is 99, 其他 alone the first, 12)
                    exact.setdefault(_key(clean_text(text)), item.code)
        variants: dict[str, set[str]] = {}
        for item in table.codes:
            for text in _variants(item.code, item.name):
                variants.setdefault(_key(text), set()).add(item.code)
        for alias, names in _EXTRA_NAMES.get(table.key, {}).items():
            for name in (names,) if isinstance(names, str) else names:
                code = exact.get(_key(clean_text(name)))
                if code is not None:
                    variants.setdefault(_key(alias), set()).add(code)
        self.codes = dict(exact)
        self.ambiguous: dict[str, list[str]] = {}
        for text, codes in variants.items():
            if text in exact or not text:
                continue
            if len(codes) == 1:
                self.codes[text] = next(iter(codes))
            else:
                self.ambiguous[text] = sorted(codes)

    def __call__(self, raw: object) -> Result:
        text = clean_text(raw)
        if not text:
            return _EMPTY
        code = self.codes.get(text) or self.codes.get(_key(text))
        if code is not None:
            return code, None, None
        names = [self.table.name_of(c) for c in self.ambiguous.get(_key(text), ())]
        if names:
            return None, f"“{text}”不明确，可能是{'或'.join(names)}", f"请填写完整名称：{'、'.join(names)}"
        return None, f"“{text}”不是可选的{self.table.title}", f"请填写：{self.allowed()}"

    def allowed(self) -> str:
        names = list(dict.fromkeys(item.name for item in self.table.codes))
        shown_names = "、".join(names[:8]) + ("等" if len(names) > 8 else "")
        return f"{shown_names}（也可填代码）"


def _variants(code: str, name: str) -> list[str]:
    found = [name.replace("其他", "其它"), _PARENTHESES.sub("", clean_text(name))]
    if code.isdigit() and code.lstrip("0") != code:
        found.append(code.lstrip("0") or "0")  # 01 typed into a numeric cell arrives as 1
    for suffix in ("族", "血型", "户口", "儿童"):
        if name.endswith(suffix) and len(name) > len(suffix):
            found.append(name[: -len(suffix)])
    if name.endswith("血型"):
        found.append(name[:-2] + "型")  # A型
    if "或" in name:
        found.extend(name.split("或"))
    return found


@cache
def code_lookup(table_key: str) -> CodeLookup:
    return CodeLookup(code_table(table_key))


# --- 行政区划 ----------------------------------------------------------------------------------------------------

_REGION_HINT = "请填写12位或6位行政区划代码（如 140406000000），或写出省市县名称（如 山西省长治市潞城区）"
_SUFFIXES = (
    "特别行政区",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "自治州",
    "自治县",
    "地区",
    "省",
    "市",
    "区",
    "县",
    "盟",
    "旗",
)


def _short(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


class RegionNames:
    """Names → six-digit codes: 「山西省长治市潞城区」, 「长治市潞城区」, 「潞城区」, 「山西潞城」 when only one current region
    has that name (a historical one only when no current one does)."""

    def __init__(self) -> None:
        regions = region_table()
        candidates: dict[str, set[str]] = {}
        for code in _all_codes(regions):
            if regions.get(code).name in _PLACEHOLDERS:  # type: ignore[union-attr]
                continue  # 北京市's 市辖区 has no name of its own: 「北京市」 is 110000, not also 110100
            chain = [r.name for r in regions.path(code) if r.name not in _PLACEHOLDERS]
            spellings = set(product(*({name, _short(name)} for name in chain)))  # 山西省长治市, 山西长治 …
            if len(chain) == 3:  # 山西省潞城区: the prefecture left out
                spellings |= {(first, last) for first, _, last in spellings}
            for parts in spellings:
                for start in range(len(parts)):
                    candidates.setdefault("".join(parts[start:]), set()).add(code)
        self.codes: dict[str, str] = {}
        self.ambiguous: dict[str, list[str]] = {}
        for name, codes in candidates.items():
            current = [c for c in codes if regions.get(c).current] or sorted(codes)  # type: ignore[union-attr]
            if len(current) == 1:
                self.codes[name] = current[0]
            else:
                self.ambiguous[name] = sorted(current)
        self.longest = max(map(len, candidates), default=0)

    def find(self, name: str) -> tuple[str | None, list[str]]:
        """(code, []) or (None, the codes it could mean); a longer text (a township, a village) by its longest
        known beginning."""
        # never longer than a known name: a long cell (1 MB of pasted text) would cost len² to slice and hash
        for end in range(min(len(name), self.longest), 1, -1):
            part = name[:end]
            code = self.codes.get(part)
            if code is not None:
                return code, []
            if part in self.ambiguous:
                return None, self.ambiguous[part]
        return None, []


def _all_codes(regions: RegionTable) -> list[str]:
    found: list[str] = []
    pending: list[str | None] = [None]
    while pending:
        for child in regions.children(pending.pop(), include_historical=True):
            found.append(child.code)
            pending.append(child.code)
    return found


@cache
def region_names() -> RegionNames:
    return RegionNames()


def parse_region(raw: object) -> Result:
    """6- or 12-digit code (140406, 140406000000, the township 140406100000: its first six digits are the county), or
    a name that means exactly one region → the six-digit code, which must exist (GB/T 2260)."""
    text, _ = _digits_of(raw)
    if not text:
        return _EMPTY
    regions = region_table()
    if text.isdigit() and text.isascii():
        if len(text) not in (6, 12):
            return None, f"行政区划代码应为12位或6位，“{text}”是{len(text)}位", _REGION_HINT
        code = text[:6]
        if not regions.exists(code):
            return None, f"行政区划代码 {text} 不存在", _REGION_HINT
        return code, None, None
    code, choices = region_names().find(text)
    if code is not None:
        return code, None, None
    if choices:
        names = "、".join(regions.full_name(c) for c in choices[:4])
        return (
            None,
            f"“{text}”有重名：{names}",
            "请写上省、市名称，如“山西省长治市潞城区”，或填写行政区划代码",
        )
    return None, f"找不到行政区划“{text}”", _REGION_HINT


# --- one normaliser per column ------------------------------------------------------------------------------------

_BY_KIND: dict[FieldKind, Normaliser] = {
    FieldKind.DATE: parse_date,
    FieldKind.MONTH: parse_month,
    FieldKind.BOOL: parse_yes_no,
    FieldKind.REGION: parse_region,
}
_BY_FORM: dict[str, Normaliser] = {
    "yes_no": parse_yes_no,
    "yyyymmdd": parse_date,
    "yyyymm": parse_month,
    "region12": parse_region,
    "region_name": parse_region,
}
_BY_KEY: dict[str, Normaliser] = {
    "id_number": parse_id_number,
    "phone": parse_phone,
    "postcode": parse_postcode,
    "commute_distance": parse_distance,
}
_OWN_COLUMNS: dict[str, Normaliser] = {"school_code": parse_school_code, "class_number": parse_class_number}


def field_spec(column: ColumnSpec) -> FieldSpec | None:
    """The reference.student_fields spec of a column's field (None for the template's own columns)."""
    by_key = FIELDS_BY_KEY if column.family_index is None else FAMILY_FIELDS_BY_KEY
    return by_key.get(column.field_key)


def normaliser_for(column: ColumnSpec) -> Normaliser:
    """The function that normalises this column's cells; columns with few distinct values (code tables, 是/否,
    regions) remember what each text gave."""
    function = _choose(column)
    return _Remembered(function) if function in _FEW_VALUES or isinstance(function, CodeLookup) else function


def _choose(column: ColumnSpec) -> Normaliser:
    if column.field in _OWN_COLUMNS:
        return _OWN_COLUMNS[column.field]
    if column.field == "birth_date":  # the student's own: a year and month is settled with the ID number
        return parse_birth_date
    spec = field_spec(column)
    if column.field_key in _BY_KEY:
        return _BY_KEY[column.field_key]
    if spec is not None and spec.kind is FieldKind.CODE and spec.table:
        return code_lookup(spec.table)
    if column.form in _BY_FORM:
        return _BY_FORM[column.form]
    if spec is not None and spec.kind in _BY_KIND:
        return _BY_KIND[spec.kind]
    max_length = spec.max_length if spec is not None else 200
    return _PersonName(max_length) if column.field_key == "name" else _Text(max_length)


_FEW_VALUES = frozenset({parse_yes_no, parse_region, parse_school_code, parse_class_number, parse_postcode})


class _Remembered:
    """A column's normaliser with the results for texts already seen (a 5,000-row file has a handful of 民族, regions,
    是/否). Only str cells: 1, 1.0 and True are equal dict keys but not the same cell."""

    __slots__ = ("function", "seen")

    def __init__(self, function: Normaliser):
        self.function = function
        self.seen: dict[str, Result] = {}

    def __call__(self, raw: object) -> Result:
        if type(raw) is not str:
            return self.function(raw)
        result = self.seen.get(raw)
        if result is None:
            result = self.function(raw)
            if len(self.seen) < 2048:
                self.seen[raw] = result
        return result
