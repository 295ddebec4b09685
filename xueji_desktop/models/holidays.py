"""节假日安排 kept in the database: the clerk's own year lists of days off and make-up working days, which move the
working-day deadlines of R20.1 and R27.1 (services/holidays.py reads and writes them, reference/working_days.py counts
with them).

Append-only like the other history (trigger in migration 0009): saving a year's list again is a new row, the newest
row of a year is in force, and a row with no entries takes the clerk's list of that year away again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xueji_desktop.models.base import Base


class HolidayList(Base):
    """One version of a year's 节假日安排 as the clerk saved it (typed in, imported from a CSV file, or taken in from
    the files of an earlier version of the app)."""

    __tablename__ = "holiday_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    # JSON [["2027-10-01", "休", "国庆节"], …] sorted by date; none: the clerk's list of the year was removed
    entries: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(
        String(200)
    )  # 录入 / 导入：<file name> / 旧版文件：holidays/2027.csv / 删除
    actor: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime]
