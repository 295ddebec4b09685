"""The national student-record system's summer calendar, read from resources/reference/school_year.json: when the
school must have graduated its top grades, when the system moves the others up (第十五条), the weeks it accepts no new
business for graduating grades or no new transfers, and the 30 days of 初一/高一新生学籍转接.

These are facts researched from the system's manuals and provincial notices; they change from year to year, so they
are data a clerk can correct without a new release, not constants in the code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache

from xueji_desktop.reference.resources import resource_path


@dataclass(frozen=True, slots=True)
class Window:
    """A stretch of days each summer (month-day to month-day), with what the system does not accept in it."""

    start: tuple[int, int]
    end: tuple[int, int]
    note: str

    def contains(self, day: date) -> bool:
        return self.start <= (day.month, day.day) <= self.end

    def last_day(self, year: int) -> date:
        return date(year, *self.end)

    @property
    def label(self) -> str:
        return f"{self.start[0]}月{self.start[1]}日至{self.end[0]}月{self.end[1]}日"


@dataclass(frozen=True, slots=True)
class SummerCalendar:
    graduation_due: tuple[int, int]
    promotion_on: tuple[int, int]
    graduating_freeze: Window
    transfer_freeze: Window
    continuation_days: int

    def graduation_due_in(self, year: int) -> date:
        return date(year, *self.graduation_due)

    def promotion_day_in(self, year: int) -> date:
        return date(year, *self.promotion_on)


def _month_day(text: str) -> tuple[int, int]:
    month, day = text.split("-")
    return int(month), int(day)


def _window(entry: dict) -> Window:
    return Window(_month_day(entry["from"]), _month_day(entry["to"]), entry.get("note", ""))


@cache
def summer_calendar() -> SummerCalendar:
    data = json.loads(resource_path("reference", "school_year.json").read_text(encoding="utf-8"))
    return SummerCalendar(
        graduation_due=_month_day(data["graduation_due"]),
        promotion_on=_month_day(data["promotion_on"]),
        graduating_freeze=_window(data["graduating_freeze"]),
        transfer_freeze=_window(data["transfer_freeze"]),
        continuation_days=int(data["continuation_days"]),
    )
