"""拼音 search keys for names: full spelling and initials, computed once when a name is written."""

from __future__ import annotations


def pinyin_keys(name: str) -> tuple[str, str]:
    """("zhangsan", "zs") for 张三; letters and digits in the name are kept as they are, lower-cased."""
    from pypinyin import lazy_pinyin  # 0.3 s and 60 MB to import: only when a name is written

    syllables = [s.lower() for s in lazy_pinyin(name, errors="default") if s.strip()]
    full = "".join(syllables).replace("ü", "v")
    initials = "".join(s[0] for s in syllables if s)
    return full, initials


def pinyin_spelling(name: str) -> str:
    """姓名拼音 as the record writes it: ZHANG SAN."""
    from pypinyin import lazy_pinyin

    return " ".join(s.upper() for s in lazy_pinyin(name, errors="default") if s.strip()).replace("Ü", "V")
