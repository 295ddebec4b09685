"""拼音 search keys for names: full spelling and initials, computed once when a name is written."""

from __future__ import annotations

from pypinyin import lazy_pinyin


def pinyin_keys(name: str) -> tuple[str, str]:
    """("zhangsan", "zs") for 张三; letters and digits in the name are kept as they are, lower-cased."""
    syllables = [s.lower() for s in lazy_pinyin(name, errors="default") if s.strip()]
    full = "".join(syllables).replace("ü", "v")
    initials = "".join(s[0] for s in syllables if s)
    return full, initials


def pinyin_spelling(name: str) -> str:
    """姓名拼音 as the record writes it: ZHANG SAN."""
    return " ".join(s.upper() for s in lazy_pinyin(name, errors="default") if s.strip()).replace("Ü", "V")
