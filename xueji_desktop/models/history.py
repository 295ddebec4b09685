"""Append-only history: status changes (异动), proof documents (证明材料) and the audit trail.

Rows here are never updated or deleted; database triggers (migration 0001) refuse it, and a mistake is corrected by a
new entry that names the one it reverses.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xueji_desktop.models.base import Base

APPEND_ONLY_TABLES = ("status_change", "audit_event", "attachment", "upload_batch")


class StatusChange(Base):
    """异动: one change of a student's status (入学, 转入, 休学 …), waiting for or confirmed by the authority (R7.1)."""

    __tablename__ = "status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # admission, transfer_in, suspension … (GLOSSARY.md)
    effective_date: Mapped[date]
    status_before: Mapped[str | None] = mapped_column(String(20))
    status_after: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[str] = mapped_column(Text, default="{}")  # JSON: the procedure's own facts
    authority_state: Mapped[str] = mapped_column(String(20), default="待审核")
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("status_change.id"))
    actor: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime]


class Attachment(Base):
    """证明材料: a scanned proof kept with a procedure and the student's archive (stored under attachments/)."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int | None] = mapped_column(ForeignKey("student.id"), index=True)
    status_change_id: Mapped[int | None] = mapped_column(ForeignKey("status_change.id"), index=True)
    kind: Mapped[str] = mapped_column(String(50))  # 户籍证明, 转学申请 …
    original_name: Mapped[str] = mapped_column(String(260))
    stored_name: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime]


class AuditEvent(Base):
    """Who did what, when, to which record, with old → new per field; HMAC-chained so tampering is detected."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(50))
    action: Mapped[str] = mapped_column(String(40))  # student.create, student.update, student.move …
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None]
    changes: Mapped[str] = mapped_column(Text, default="{}")  # JSON {field: [old, new]}
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class UploadBatch(Base):
    """上报批次: one Excel file exported for the provincial system — who, when, which students (append-only)."""

    __tablename__ = "upload_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # new_students, status_changes …
    file_name: Mapped[str] = mapped_column(String(260))
    student_ids: Mapped[str] = mapped_column(Text)  # JSON list
    student_count: Mapped[int]
    actor: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime]
