"""The school, its school years with two terms, its grades and classes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xueji_desktop.models import terms
from xueji_desktop.models.base import Base


class School(Base):
    """The one school this data file belongs to (学校)."""

    __tablename__ = "school"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(10))  # 学校标识码
    stage: Mapped[str] = mapped_column(
        String(20)
    )  # 学段: primary / junior / senior / nine_year / twelve_year / special
    region_code: Mapped[str] = mapped_column(String(6))  # 所在地行政区划 (GB/T 2260)
    authority: Mapped[str] = mapped_column(String(100))  # 学籍管理部门
    principal: Mapped[str] = mapped_column(String(50))  # 校长
    registrar: Mapped[str] = mapped_column(String(50))  # 学籍管理员
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]


class SchoolYear(Base):
    """学年 with its two terms' dates (第一学期 autumn, 第二学期 spring), set by the school."""

    __tablename__ = "school_year"

    id: Mapped[int] = mapped_column(primary_key=True)
    start_year: Mapped[int] = mapped_column(unique=True)  # 2026 for 2026-2027
    term1_start: Mapped[date]
    term1_end: Mapped[date]
    term2_start: Mapped[date]
    term2_end: Mapped[date]
    is_current: Mapped[bool] = mapped_column(default=False)

    @property
    def name(self) -> str:
        return terms.school_year_name(self.start_year)

    def term_on(self, day: date) -> int:
        """1 or 2: the term a day belongs to (a day in a holiday counts for the term that follows it)."""
        return terms.term_on(self.term1_end, day)


class Grade(Base):
    """年级 1-12 (一年级 … 高三); entry_year is the autumn its students started grade 1 of their stage."""

    __tablename__ = "grade"

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(20))

    classes: Mapped[list[SchoolClass]] = relationship(back_populates="grade", order_by="SchoolClass.number")


class SchoolClass(Base):
    """班级: a numbered class of a grade; its name may be renamed (一年级(2)班 by default)."""

    __tablename__ = "school_class"
    __table_args__ = (UniqueConstraint("grade_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grade_id: Mapped[int] = mapped_column(ForeignKey("grade.id"), index=True)
    number: Mapped[int]  # 班号 within the grade
    name: Mapped[str] = mapped_column(String(40))
    head_teacher: Mapped[str | None] = mapped_column(String(50))

    grade: Mapped[Grade] = relationship(back_populates="classes")


class ImportMapping(Base):
    """A column mapping the clerk confirmed, remembered for files of the same shape (same headers in order)."""

    __tablename__ = "import_mapping"

    id: Mapped[int] = mapped_column(primary_key=True)
    template: Mapped[str] = mapped_column(String(30))
    signature: Mapped[str] = mapped_column(String(64))  # sha256 of the header row
    mapping: Mapped[str] = mapped_column(Text)  # JSON {column index: field key}
    confirmed_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("template", "signature"),)
