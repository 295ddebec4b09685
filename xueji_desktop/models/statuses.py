"""The student's status and enrolment-step enums, importable without SQLAlchemy (the roster paints before it loads)."""

from __future__ import annotations

from enum import StrEnum


class StudentStatus(StrEnum):
    """学生当前状态: the value is what the screen shows."""

    ACTIVE = "在读"
    SUSPENDED = "休学"
    TRANSFERRED_OUT = "转出"
    WITHDRAWN = "退学"
    DROPPED_OUT = "辍学"
    DECEASED = "死亡"
    GRADUATED = "毕业"
    COMPLETED = "结业"
    NON_COMPLETED = "肄业"


class EnrolmentStep(StrEnum):
    """R10.3's steps of establishing a 学籍, in order; the value is what the screen shows."""

    FORM_HANDED_OUT = "信息表已下发"
    FORM_SIGNED = "已签字回收"
    ENTERED = "已录入系统"
    APPROVED = "审核通过"
