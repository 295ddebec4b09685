"""The regulation (《长治市潞城区中小学生学籍管理细则》) as pure functions: facts in, findings out.

Every finding names its rule id (RULES.md) and its article, so the clerk always sees why.
"""

from xueji_desktop.rules.findings import Finding, RuleViolation, Severity

__all__ = ["Finding", "RuleViolation", "Severity"]
