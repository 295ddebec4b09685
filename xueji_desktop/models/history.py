"""Append-only history: status changes (异动), proof documents (证明材料) and the audit trail.

Rows here are never updated or deleted; database triggers (migration 0001) refuse it, and a mistake is corrected by a
new entry that names the one it reverses.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xueji_desktop.models.base import Base

APPEND_ONLY_TABLES = (
    "status_change",
    "audit_event",
    "attachment",
    "upload_batch",
    "procedure",
    "procedure_event",
    "procedure_proof",
    "absence_record",
    "certificate_issue",
    "document_setting",
    "record_consultation",
    "paper_archive_place",
    "holiday_list",  # models/holidays.py
    "fitness_result",  # models/fitness.py
    "pe_exemption",
    "student_award",  # models/sanctions.py
    "student_sanction",
    "sanction_lifting",
    "year_end",  # models/year_end.py
)


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


class Procedure(Base):
    """一项异动手续: one procedure of chapters 3–6 (转入, 休学, 退学 …) for one student, as the clerk opened it.

    Its facts and the findings the clerk saw are fixed when it is opened (a warning confirmed, an exception the
    authority approved with its number and the written reason); where it stands is told by its events, and a
    completed procedure has written its StatusChange.
    """

    __tablename__ = "procedure"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for a transfer in until it completes: the student's record is made then, from the facts (R13.2)
    student_id: Mapped[int | None] = mapped_column(ForeignKey("student.id"), index=True)
    student_name: Mapped[str] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(30))  # transfer_in, suspension … (GLOSSARY.md)
    opened_on: Mapped[date]
    facts: Mapped[str] = mapped_column(Text, default="{}")  # JSON: the case as the rules saw it
    findings: Mapped[str] = mapped_column(Text, default="[]")  # JSON: warnings confirmed, exceptions approved
    actor: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime]


class ProcedureEvent(Base):
    """A step of a procedure: its own state (已申请 → … → 已完成, or 已撤销) on the "steps" track, and where it stands
    in the provincial system (待上报 → 已上报 → 已通过 / 已退回) on the "province" track; the newest event of a track
    is its state."""

    __tablename__ = "procedure_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id"), index=True)
    track: Mapped[str] = mapped_column(String(10))  # steps | province
    state: Mapped[str] = mapped_column(String(20))
    on: Mapped[date]
    approval_number: Mapped[str | None] = mapped_column(String(60))  # 审批文号 / 批准文号
    note: Mapped[str | None] = mapped_column(Text)  # a return's reason, a cancellation's reason …
    status_change_id: Mapped[int | None] = mapped_column(ForeignKey("status_change.id"))
    actor: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime]


class ProcedureProof(Base):
    """A proof attached to a procedure (the Attachment is the file; this links it to the procedure that asked)."""

    __tablename__ = "procedure_proof"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id"), index=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachment.id"))


class AbsenceRecord(Base):
    """无故旷课: a senior student's unexcused absence in a term as the school counts it (R26.1), recorded as it grows;
    the newest record of a student and term is the count."""

    __tablename__ = "absence_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    term_start: Mapped[date]  # the term it counts in
    longest_continuous_weeks: Mapped[float]
    total_weeks: Mapped[float]
    contacted_family: Mapped[bool]  # 经学校与父母或其他监护人多次联系帮助教育
    note: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime]


class CertificateIssue(Base):
    """开具记录: every certificate the school issues (在读证明, 学历证明书 …), numbered per kind and year, with a digest
    of what it says (its QR code carries number and digest, so a paper copy can be checked against this log)."""

    __tablename__ = "certificate_issue"
    __table_args__ = (UniqueConstraint("kind", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # enrolment_proof, education_certificate …
    number: Mapped[str] = mapped_column(String(30))
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    purpose: Mapped[str | None] = mapped_column(Text)
    content: Mapped[str] = mapped_column(Text)  # JSON: what the certificate states
    digest: Mapped[str] = mapped_column(String(64))
    issued_on: Mapped[date]
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


class DocumentSetting(Base):
    """A printed wording the clerk set (证明抬头, 在读证明正文 …; services.document_settings names the keys): the newest
    row of a key is in force, a row with no value puts the default back. Append-only, so every change is kept."""

    __tablename__ = "document_setting"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), index=True)
    value: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime]


class RecordConsultation(Base):
    """查阅登记 (R35.1): who consulted the records, from where, on what basis (介绍信, the guardian's 户口簿 or 身份证),
    about which student (none: the school's data), what, whether anything was copied or taken out and the authority's
    written approval number for it. An ID number shown as basis is kept as typed and masked wherever it is shown."""

    __tablename__ = "record_consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    on: Mapped[date]
    visitor: Mapped[str] = mapped_column(String(50))  # 查阅人姓名
    organisation: Mapped[str | None] = mapped_column(String(100))  # 查阅单位; none for a guardian
    basis: Mapped[str] = mapped_column(
        String(30)
    )  # 介绍信 / 监护人户口簿 / 监护人身份证 / 学籍管理部门书面批准
    basis_number: Mapped[str | None] = mapped_column(String(60))  # 介绍信编号, or the ID number shown
    student_id: Mapped[int | None] = mapped_column(ForeignKey("student.id"), index=True)
    what: Mapped[str] = mapped_column(Text)  # 查阅内容
    copies_out: Mapped[bool]  # anything copied or taken out
    approval_number: Mapped[str | None] = mapped_column(String(60))  # 学籍管理部门书面批准文号
    actor: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime]


class PaperArchivePlace(Base):
    """Where a paper archive file is kept (R5.1: the app is the electronic index of the paper archive): an item of the
    school archive (no student) or of a student's archive; the newest row of a (student, item) is in force, and a move
    is a new row, so every earlier place stays readable."""

    __tablename__ = "paper_archive_place"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int | None] = mapped_column(ForeignKey("student.id"), index=True)
    item: Mapped[str] = mapped_column(String(100))  # 学生学籍档案, 在校生分班名册 2026-2027学年第一学期 …
    place: Mapped[str] = mapped_column(String(200))  # 档案室 · 3号柜 · 第2层 · 12盒
    actor: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime]
