"""奖励 (第三十一条) and 处分 (第三十二条) kept with the student: awards, sanctions and the liftings of sanctions.

Append-only like the other history (triggers in migration 0010): a sanction is lifted by a new SanctionLifting row
that names it, never by editing it; a wrong entry stays and is answered by a lifting that says why. These are records
of the student, not 学籍异动: they change no status and are not reported in the 异动 upload batch, so they are not
procedure kinds of the registry (services/sanctions.py explains the choice).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xueji_desktop.models.base import Base


class StudentAward(Base):
    """奖励: an award given to a student (R31.1: 校级 and above go into the archive)."""

    __tablename__ = "student_award"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    level: Mapped[str] = mapped_column(
        String(10)
    )  # 班级 / 校级 / 县级 / 市级 / 省级 / 国家级 (rules.sanctions)
    title: Mapped[str] = mapped_column(String(200))  # 奖励名称
    awarded_on: Mapped[date]
    issuer: Mapped[str] = mapped_column(String(100))  # 授奖单位
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"))  # 证书扫描件, optional
    actor: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime]


class StudentSanction(Base):
    """处分: a sanction decided by the school (R32.1: which kinds a stage allows; R32.2: 记过 and above go into the
    archive). In force from `decided_on` until lifted (a SanctionLifting) or, for 留校察看, its period is watched by the
    term review until it is lifted."""

    __tablename__ = "student_sanction"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # 警告 / 严重警告 / 记过 / 留校察看 / 开除学籍
    reason: Mapped[str] = mapped_column(Text)
    decided_on: Mapped[date]
    period_end: Mapped[date | None]  # 处分期限 (留校察看: at most 12 months, R32.1)
    document_number: Mapped[str] = mapped_column(String(60))  # 处分决定文号
    actor: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime]


class SanctionLifting(Base):
    """解除处分: a sanction lifted, with the day and the reason (a new row; the sanction itself is never edited)."""

    __tablename__ = "sanction_lifting"

    id: Mapped[int] = mapped_column(primary_key=True)
    sanction_id: Mapped[int] = mapped_column(ForeignKey("student_sanction.id"), index=True, unique=True)
    lifted_on: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime]
