"""SQLAlchemy 2 typed tables of the school's records; no behaviour that needs a session or a screen."""

from xueji_desktop.models.base import Base
from xueji_desktop.models.history import Attachment, AuditEvent, StatusChange, UploadBatch
from xueji_desktop.models.school import Grade, ImportMapping, School, SchoolClass, SchoolYear
from xueji_desktop.models.student import EnrolmentStep, FamilyMember, Student, StudentStatus

__all__ = [
    "Attachment",
    "AuditEvent",
    "EnrolmentStep",
    "Base",
    "FamilyMember",
    "Grade",
    "ImportMapping",
    "School",
    "SchoolClass",
    "SchoolYear",
    "StatusChange",
    "Student",
    "StudentStatus",
    "UploadBatch",
]
