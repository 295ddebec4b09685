"""What a rule says about a case: a finding (block or warn) carrying its rule id, article and Chinese message; and
`RuleViolation`, the refusal (a `DomainError`) that carries the findings to the clerk."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from xueji_desktop.errors import DomainError


class Severity(StrEnum):
    BLOCK = "block"
    WARN = "warn"


_ARTICLE_NUMERALS = "零一二三四五六七八九"


def article_name(article: int) -> str:
    """第十二条 for 12, 第三十五条 for 35 (the regulation has 38 articles)."""
    tens, ones = divmod(article, 10)
    text = ""
    if tens:
        text = ("" if tens == 1 else _ARTICLE_NUMERALS[tens]) + "十"
    if ones or not tens:
        text += _ARTICLE_NUMERALS[ones]
    return f"第{text}条"


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    severity: Severity
    message: str
    # a block the regulation states only 「原则上」 (in principle): the authority may approve an exception, which the
    # clerk records with its approval number and a written reason (kept with the status change)
    overridable: bool = False

    @property
    def article(self) -> int:
        return int(self.rule_id[1:].split(".")[0])

    @property
    def text(self) -> str:
        """The message as the clerk reads it, with the article it rests on."""
        return f"依据《细则》{article_name(self.article)}：{self.message}"

    @property
    def blocks(self) -> bool:
        return self.severity is Severity.BLOCK


def block(rule_id: str, message: str, *, overridable: bool = False) -> Finding:
    return Finding(rule_id, Severity.BLOCK, message, overridable)


def warn(rule_id: str, message: str) -> Finding:
    return Finding(rule_id, Severity.WARN, message)


class RuleViolation(DomainError):
    """A use case refused (or needing confirmation) because of findings; the UI shows each finding's text, each
    naming its article (a `DomainError` whose message is the findings' texts, one a line)."""

    findings: list[Finding]  # with severity and rule id; DomainError knows only their text

    def __init__(self, findings: list[Finding]):
        super().__init__("\n".join(f.text for f in findings), findings=findings)
        self.findings = findings

    @property
    def blocking(self) -> bool:
        return any(f.blocks for f in self.findings)
