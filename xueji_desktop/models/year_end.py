"""学年结束: the record of a year end (毕业, 升级, the new 学年) the school carried out, append-only.

One row per 学年 ended (unique), so a second run for the same year is refused by the database too. Undoing a year end
puts back the backup taken just before it (services/year_end.py), which holds no such row: the audit trail, kept
outside that restore, tells that the year end was done and undone.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xueji_desktop.models.base import Base


class YearEnd(Base):
    __tablename__ = "year_end"

    id: Mapped[int] = mapped_column(primary_key=True)
    ended_year: Mapped[int] = mapped_column(unique=True)  # the 学年 ended: 2025 for 2025-2026学年
    new_year: Mapped[int]  # the 学年 begun
    effective_date: Mapped[date]  # the day written on the graduations and promotions
    backup_file: Mapped[str] = mapped_column(
        String(260)
    )  # the backup taken just before, under backups/year_end/
    summary: Mapped[str] = mapped_column(Text, default="{}")  # JSON: how many graduated, moved up, stayed …
    actor: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime]
