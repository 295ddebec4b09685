"""What a person's name may hold (R13.1: no record from false information): the name on the 居民户口簿, nothing hidden.

A name that looks right on the screen but carries characters nobody typed on purpose is not the name on the 户口簿:
control characters (line breaks, tabs pasted from another program), bidirectional overrides (U+202A–U+202E,
U+2066–U+2069, which make 「张三」 display as something else than what is stored), zero-width characters (U+200B–U+200D,
U+FEFF, U+2060) and emoji. Such a record no longer matches the same person's record elsewhere — R13.1's duplicate
check compares names — and is, in the words of 第三十七条第二项, a record built on false information. They are refused
wherever a name is written: the import, the student dialog (rules.student_record.check_student), 信息变更.

A name beginning with = + - @ is only warned: Excel and WPS take such a cell for a formula when the record is exported
(formula injection), and no Chinese name begins so.

Fine, and kept as typed: 「·」 in names of the 维吾尔, 哈萨克 … peoples (阿依古丽·买买提; the look-alike dots clerks type —
•, ・, ‧, ∙, ⋅, ．, . — are made the one 「·」 U+00B7 by normalise_dots) and rare characters of the CJK extensions
(𠮷, 䶮, extension B and beyond).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from xueji_desktop.rules.findings import Finding, block, warn

RULE = "R13.1"
NAME_DOT = "\u00b7"  # 「·」 as GB 18030 and the 户口簿 write it
_DOT_VARIANTS = "•・‧∙⋅．.･ㆍ"
_DOTS = str.maketrans(dict.fromkeys(_DOT_VARIANTS, NAME_DOT))
BIDI = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C))
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\ufeff\u2060\u180e")
FORMULA_START = "=+-@＝＋－＠"
# Emoji and pictographs: the blocks they live in (Unicode's emoji are almost all here), the variation selectors that
# make a character an emoji, the skin-tone modifiers and tag characters (flags).
_EMOJI_RANGES = (
    (0x1F000, 0x1FAFF),  # mahjong, cards, enclosed, pictographs, emoticons, transport, symbols extended …
    (0x2600, 0x27BF),  # miscellaneous symbols, dingbats
    (0x2300, 0x23FF),  # ⌚ ⏰ …
    (0x2B00, 0x2BFF),  # ⭐ ⬛ …
    (0xFE0E, 0xFE0F),  # variation selectors: text / emoji presentation
    (0xE0020, 0xE007F),  # tags (subdivision flags)
)
# the person-name fields of a student record and of a family member (reference/student_fields.py keys)
STUDENT_NAME_FIELDS = {"name": "姓名", "former_name": "曾用名"}
MEMBER_NAME_FIELD = "name"


def normalise_dots(text: str) -> str:
    """阿依古丽•买买提, 阿依古丽・买买提, 阿依古丽．买买提 → 阿依古丽·买买提 (one dot, U+00B7)."""
    return text.translate(_DOTS)


def _is_control(char: str) -> bool:
    category = unicodedata.category(char)
    return (
        category in ("Cc", "Cs", "Zl", "Zp")
        or (0xFDD0 <= ord(char) <= 0xFDEF)
        or ord(char) & 0xFFFE == 0xFFFE
    )


def _is_emoji(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _EMOJI_RANGES)


def name_findings(text: object, label: str = "姓名") -> list[Finding]:
    """R13.1 for one name: a block per kind of character a name cannot hold (control, direction override, zero-width,
    emoji), a warning for a leading = + - @ (Excel formula). Empty or not text: nothing to say here."""
    if not isinstance(text, str) or not text:
        return []
    found: list[Finding] = []
    if text.isascii() and text.isprintable():  # the common quick case: only the leading character matters
        controls = bidi = zero = emoji = ""
    else:
        controls = "".join(c for c in text if _is_control(c))
        bidi = "".join(c for c in text if c in BIDI)
        zero = "".join(c for c in text if c in ZERO_WIDTH)
        emoji = "".join(c for c in text if _is_emoji(c))
    if controls:
        found.append(
            block(
                RULE, f"{label}中有控制字符（{_codes(controls)}，如换行、制表符），请删去后按户口簿重新输入"
            )
        )
    if bidi:
        found.append(
            block(
                RULE,
                f"{label}中有改变文字方向的不可见字符（{_codes(bidi)}），显示的姓名与实际保存的不符，"
                "请删去后按户口簿重新输入",
            )
        )
    if zero:
        found.append(block(RULE, f"{label}中有看不见的零宽字符（{_codes(zero)}），请删去后按户口簿重新输入"))
    if emoji:
        shown = "".join(dict.fromkeys(c for c in emoji if not 0xFE00 <= ord(c) <= 0xFE0F)) or _codes(emoji)
        found.append(block(RULE, f"{label}中有表情符号“{shown}”，姓名只能用户口簿上的文字"))
    if text.lstrip()[:1] in tuple(FORMULA_START):
        found.append(
            warn(
                RULE,
                f"{label}“{text}”以“{text.lstrip()[0]}”开头，导出到 Excel 时可能被当作公式；请核对是否为户口簿上的姓名",
            )
        )
    return found


def refusals(text: object, label: str = "姓名") -> list[Finding]:
    """The blocking findings of name_findings only."""
    return [f for f in name_findings(text, label) if f.blocks]


def record_name_findings(
    values: Mapping[str, Any], family: Sequence[Mapping[str, Any]] = ()
) -> list[tuple[str, Finding]]:
    """(field key, finding) for every name of a record: 姓名, 曾用名 and each family member's name
    ("family.N.name", N from 1 as check_student counts them)."""
    found = [
        (key, finding)
        for key, label in STUDENT_NAME_FIELDS.items()
        for finding in name_findings(values.get(key), label)
    ]
    for index, member in enumerate(family, start=1):
        label = f"家庭成员{index} 姓名"
        found += [
            (f"family.{index}.{MEMBER_NAME_FIELD}", f)
            for f in name_findings(member.get(MEMBER_NAME_FIELD), label)
        ]
    return found


def changed_name_findings(new_values: Mapping[str, Any]) -> list[Finding]:
    """信息变更 (R14.1 with R13.1): the findings for the names among the new values asked for."""
    return [
        finding
        for key, label in STUDENT_NAME_FIELDS.items()
        if key in new_values
        for finding in name_findings(new_values[key], label)
    ]


def _codes(chars: Iterable[str]) -> str:
    return "、".join(f"U+{ord(c):04X}" for c in dict.fromkeys(chars))
