"""体质健康 (第二十九条, R29.1): each 学年's 《国家学生体质健康标准》 result of a student, and 体育免修.

Append-only like the other history (triggers in migration 0011): a correction is a newer row, and the newest row of a
(student, 学年) is in force. services/fitness.py writes and reads them; rules/graduation.py decides the diploma.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xueji_desktop.models.base import Base


class FitnessResult(Base):
    """One 学年's result as imported (or typed): 总分 (标准分 plus 加分) and its 等级; the newest row of a student and
    学年 is in force."""

    __tablename__ = "fitness_result"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    school_year: Mapped[int]  # the 学年's first year: 2026 for 2026-2027学年
    total_score: Mapped[float]
    grade: Mapped[str] = mapped_column(String(4))  # 优秀 / 良好 / 及格 / 不及格
    source: Mapped[str] = mapped_column(String(260))  # the imported file's name, or 录入 / 演示
    actor: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime]


class PeExemption(Base):
    """体育免修 for a 学年, with its reason and proof (R29.1: an exempt student may receive the 毕业证书 without a
    passing result). The newest row of a student and 学年 is in force; a row with exempt False withdraws it."""

    __tablename__ = "pe_exemption"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    school_year: Mapped[int]
    exempt: Mapped[bool]
    reason: Mapped[str] = mapped_column(Text)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"))
    actor: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime]
