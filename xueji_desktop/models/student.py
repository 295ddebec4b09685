"""The student (every field of the national basic-information record) and the family members on it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xueji_desktop.models.base import Base
from xueji_desktop.models.statuses import EnrolmentStep, StudentStatus

__all__ = ["EnrolmentStep", "FamilyMember", "Student", "StudentStatus"]


Str20 = String(20)


class Student(Base):
    __tablename__ = "student"
    # the class tree counts students per class and status on every refresh: answered from this index alone
    __table_args__ = (Index("ix_student_class_status", "school_class_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_class_id: Mapped[int | None] = mapped_column(ForeignKey("school_class.id"), index=True)
    status: Mapped[str] = mapped_column(Str20, default=StudentStatus.ACTIVE.value, index=True)

    # 基本信息
    name: Mapped[str] = mapped_column(String(50), index=True)
    gender: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[date]
    birthplace_region: Mapped[str | None] = mapped_column(String(6))
    native_place: Mapped[str | None] = mapped_column(String(6))
    ethnicity: Mapped[str] = mapped_column(String(2), default="01")
    nationality: Mapped[str] = mapped_column(String(3), default="CHN")
    id_type: Mapped[str] = mapped_column(String(1), default="1")
    id_number: Mapped[str | None] = mapped_column(String(30), index=True)
    overseas_status: Mapped[str | None] = mapped_column(String(2))
    political_status: Mapped[str | None] = mapped_column(String(2))
    health: Mapped[str | None] = mapped_column(String(2))
    name_pinyin: Mapped[str | None] = mapped_column(String(100))
    former_name: Mapped[str | None] = mapped_column(String(50))
    id_valid_until: Mapped[str | None] = mapped_column(String(30))
    blood_type: Mapped[str | None] = mapped_column(String(2))
    specialty: Mapped[str | None] = mapped_column(String(100))
    photo_path: Mapped[str | None] = mapped_column(String(260))

    # 学籍信息
    national_student_id: Mapped[str | None] = mapped_column(
        String(30), index=True
    )  # 学籍号: set once (R10.4)
    aux_student_id: Mapped[str | None] = mapped_column(String(30))
    school_number: Mapped[str | None] = mapped_column(String(30))
    seat_number: Mapped[str | None] = mapped_column(String(10))
    entry_month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    admission_method: Mapped[str | None] = mapped_column(String(2))
    attendance_mode: Mapped[str | None] = mapped_column(String(1))
    student_source: Mapped[str | None] = mapped_column(String(1))

    # 联系信息
    current_address: Mapped[str | None] = mapped_column(String(200))
    mailing_address: Mapped[str | None] = mapped_column(String(200))
    home_address: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(30))
    postcode: Mapped[str | None] = mapped_column(String(6))
    email: Mapped[str | None] = mapped_column(String(100))
    homepage: Mapped[str | None] = mapped_column(String(200))

    # 扩展信息
    only_child: Mapped[bool | None]
    preschool: Mapped[bool | None]
    left_behind: Mapped[str | None] = mapped_column(String(1))
    migrant_child: Mapped[bool | None]
    orphan: Mapped[bool | None]
    martyr_child: Mapped[bool | None]
    inclusive_education: Mapped[str | None] = mapped_column(String(1))
    disability_type: Mapped[str | None] = mapped_column(String(1))
    govt_funded_place: Mapped[bool | None]
    needs_aid: Mapped[bool | None]
    one_subsidy: Mapped[bool | None]

    # 交通方式
    commute_distance: Mapped[str | None] = mapped_column(String(10))
    commute_mode: Mapped[str | None] = mapped_column(String(20))
    needs_school_bus: Mapped[bool | None]

    # 户口
    hukou_region: Mapped[str | None] = mapped_column(String(6))
    hukou_type: Mapped[str | None] = mapped_column(String(1))

    # search keys, written with the name so that search never computes 拼音 per keystroke
    pinyin_key: Mapped[str] = mapped_column(String(200), default="")  # "zhangsan"
    initials_key: Mapped[str] = mapped_column(String(50), default="")  # "zs"

    # 建立学籍 (R10.3): the step this new student has reached, and the day the 30 days of R10.1 count from;
    # both empty for students whose record was formal before the app knew them
    enrolment_step: Mapped[str | None] = mapped_column(String(20), index=True)
    enrolment_date: Mapped[date | None]

    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    family_members: Mapped[list[FamilyMember]] = relationship(
        back_populates="student", order_by="FamilyMember.position_in_list", cascade="all, delete-orphan"
    )


class FamilyMember(Base):
    """家庭成员: the template carries two; the first guardian is flagged 是否监护人."""

    __tablename__ = "family_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    position_in_list: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(String(50))
    relation: Mapped[str] = mapped_column(String(2))
    relation_note: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(200))
    hukou_region: Mapped[str | None] = mapped_column(String(6))
    phone: Mapped[str | None] = mapped_column(String(30))
    is_guardian: Mapped[bool] = mapped_column(default=False)
    id_type: Mapped[str | None] = mapped_column(String(1))
    id_number: Mapped[str | None] = mapped_column(String(30))
    ethnicity: Mapped[str | None] = mapped_column(String(2))
    employer: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[str | None] = mapped_column(String(100))

    student: Mapped[Student] = relationship(back_populates="family_members")
