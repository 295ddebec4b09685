"""第七条 (R7.1) in the summer: every change of status waits for the authority's review in the provincial student-record
system, and each summer the system stops accepting new business for the graduating grades (while they graduate) and
new transfers (while the other grades move up). A procedure opened in those weeks can be done at school, but cannot be
reported until they are over: the clerk is warned and confirms.

Pure: the day, whether the student is in a graduating grade, whether the procedure is a transfer, and the two windows
(reference/school_year_calendar.py reads them from resources/reference/school_year.json) in; findings out.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from xueji_desktop.rules.findings import Finding, warn

if TYPE_CHECKING:
    from xueji_desktop.reference.school_year_calendar import Window

_GRADUATING_DEFAULT = "暂停受理毕业年级学生的新业务"
_TRANSFER_DEFAULT = "暂停受理新的转学业务"


def check_summer_freeze(
    day: date,
    procedure: str,
    *,
    graduating: bool,
    transfer: bool,
    graduating_freeze: Window,
    transfer_freeze: Window,
) -> list[Finding]:
    """R7.1: a warning for each of the system's summer pauses that `day` falls in and that concerns this procedure
    (`procedure`: its Chinese name, 休学 …) — the graduating grades' pause for a student in a graduating grade, the
    transfers' pause for a 转入 or 转出. Each names its dates and the first day the procedure can be reported."""
    found = []
    if graduating and graduating_freeze.contains(day):
        found.append(_paused(day, procedure, graduating_freeze, _GRADUATING_DEFAULT))
    if transfer and transfer_freeze.contains(day):
        found.append(_paused(day, procedure, transfer_freeze, _TRANSFER_DEFAULT))
    return found


def _paused(day: date, procedure: str, window: Window, default: str) -> Finding:
    after = window.last_day(day.year) + timedelta(days=1)
    return warn(
        "R7.1",
        f"省级学籍系统{window.label}{window.note or default}：本{procedure}手续可在学校办理，"
        f"但须待暂停期过后（{after.month}月{after.day}日起）再上报学籍管理部门审核",
    )
