"""Stages (学段) and the grades the regulation names: compulsory or senior, starting grade, graduating grade.

The regulation's rules turn on these words — 「起始年级第一学期」「毕业年级第二学期」「义务教育阶段」「普通高中」 — so
they are worked out here once, from the grade (1–12) and the kind of school (School.stage: primary, junior, senior,
nine_year, twelve_year, special).
"""

from __future__ import annotations

from dataclasses import dataclass

STARTING_GRADES = frozenset({1, 7, 10})  # 一年级、初一、高一
_GRADUATING = {  # the last grade of each kind of school: its students leave the school after it
    "primary": frozenset({6}),
    "junior": frozenset({9}),
    "senior": frozenset({12}),
    "nine_year": frozenset({9}),  # a nine-year school's 六年级 go on to its own 初一
    "twelve_year": frozenset({9, 12}),  # 初三 sits 中考 to enter senior school, even in the same school
    "special": frozenset({9}),
}
GRADE_NAMES = {
    1: "一年级",
    2: "二年级",
    3: "三年级",
    4: "四年级",
    5: "五年级",
    6: "六年级",
    7: "初一",
    8: "初二",
    9: "初三",
    10: "高一",
    11: "高二",
    12: "高三",
}


@dataclass(frozen=True, slots=True)
class GradeFacts:
    """Where a student stands: the grade (1–12) and the kind of school."""

    level: int
    school_stage: str

    @property
    def compulsory(self) -> bool:
        """义务教育阶段: 小学 and 初中 (grades 1–9)."""
        return self.level <= 9

    @property
    def senior(self) -> bool:
        """普通高中 (grades 10–12)."""
        return self.level >= 10

    @property
    def starting(self) -> bool:
        return self.level in STARTING_GRADES

    @property
    def graduating(self) -> bool:
        return self.level in _GRADUATING.get(self.school_stage, frozenset({6, 9, 12}))

    @property
    def name(self) -> str:
        return GRADE_NAMES.get(self.level, f"{self.level}年级")

    @property
    def stage_name(self) -> str:
        if self.senior:
            return "普通高中"
        return "初中" if self.level >= 7 else "小学"


TERM_NAMES = {1: "第一学期", 2: "第二学期"}
