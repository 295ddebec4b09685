"""SQLAlchemy 2 typed tables of the school's records; no behaviour that needs a session or a screen.

The package loads lazily (PEP 562): `from xueji_desktop.models import StudentStatus` (or `models.statuses`) does not
import SQLAlchemy, so the roster can be filled before it loads (benchmarks/roster_startup.py); the first table name asked
for imports every table module, so the mapper registry and Base.metadata are always complete.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from xueji_desktop.models.statuses import EnrolmentStep, StudentStatus

if TYPE_CHECKING:
    from xueji_desktop.models.base import Base
    from xueji_desktop.models.fitness import FitnessResult, PeExemption
    from xueji_desktop.models.history import (
        AbsenceRecord,
        Attachment,
        AuditEvent,
        CertificateIssue,
        DocumentSetting,
        PaperArchivePlace,
        Procedure,
        ProcedureEvent,
        ProcedureProof,
        RecordConsultation,
        StatusChange,
        UploadBatch,
    )
    from xueji_desktop.models.holidays import HolidayList
    from xueji_desktop.models.sanctions import SanctionLifting, StudentAward, StudentSanction
    from xueji_desktop.models.school import Grade, ImportMapping, School, SchoolClass, SchoolYear
    from xueji_desktop.models.student import FamilyMember, Student
    from xueji_desktop.models.year_end import YearEnd

_TABLE_MODULES = {
    "base": ("Base",),
    "history": (
        "AbsenceRecord",
        "Attachment",
        "AuditEvent",
        "CertificateIssue",
        "DocumentSetting",
        "PaperArchivePlace",
        "Procedure",
        "ProcedureEvent",
        "ProcedureProof",
        "RecordConsultation",
        "StatusChange",
        "UploadBatch",
    ),
    "fitness": ("FitnessResult", "PeExemption"),
    "holidays": ("HolidayList",),
    "sanctions": ("SanctionLifting", "StudentAward", "StudentSanction"),
    "school": ("Grade", "ImportMapping", "School", "SchoolClass", "SchoolYear"),
    "student": ("FamilyMember", "Student"),
    "year_end": ("YearEnd",),
}

__all__ = [
    "AbsenceRecord",
    "Attachment",
    "AuditEvent",
    "CertificateIssue",
    "DocumentSetting",
    "EnrolmentStep",
    "Base",
    "FamilyMember",
    "FitnessResult",
    "Grade",
    "HolidayList",
    "ImportMapping",
    "PaperArchivePlace",
    "PeExemption",
    "Procedure",
    "ProcedureEvent",
    "ProcedureProof",
    "RecordConsultation",
    "SanctionLifting",
    "School",
    "SchoolClass",
    "SchoolYear",
    "StatusChange",
    "Student",
    "StudentAward",
    "StudentSanction",
    "StudentStatus",
    "UploadBatch",
    "YearEnd",
]


def __getattr__(name: str) -> Any:
    if not any(name in names for names in _TABLE_MODULES.values()):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    for module_name, names in _TABLE_MODULES.items():  # all of them: relationships name each other by string
        module = import_module(f"{__name__}.{module_name}")
        for each in names:
            globals()[each] = getattr(module, each)
    return globals()[name]
