"""Certificates the school issues — first the 在读证明 — numbered, logged and checkable.

Issuing writes the PDF (to a temporary name, moved into place) and, in the same transaction, one CertificateIssue per
student: the number (per kind and year: 2026-0001 …), what the certificate states and a digest of it. The QR code on
the paper carries school code, number and digest; verify() says whether a scanned or typed code is one this school
issued, unchanged.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Row, Table, func, insert, select
from sqlalchemy.orm import Session

from xueji_desktop.documents.files import placed
from xueji_desktop.errors import DomainError, InvalidInput, NotFound
from xueji_desktop.models import CertificateIssue, School, SchoolClass, Student
from xueji_desktop.services import audit
from xueji_desktop.services.printing import document_settings
from xueji_desktop.store import Store

ENROLMENT_PROOF = "enrolment_proof"
EDUCATION_CERTIFICATE = "education_certificate"
KIND_NAMES = {ENROLMENT_PROOF: "在读证明", EDUCATION_CERTIFICATE: "学历证明书", "diploma": "毕业证书"}
NUMBER_PREFIX = {ENROLMENT_PROOF: "", EDUCATION_CERTIFICATE: "XL"}  # numbers never meet across kinds
QR_PREFIX = "XJ1"
DIGEST_LENGTH = 16
IN_SCHOOL = ("在读",)


Certified = Student | Row[Any]  # a student, or the row of the columns a certificate states (_CERTIFIED)
_CERTIFIED = (
    Student.id,
    Student.name,
    Student.gender,
    Student.id_number,
    Student.birth_date,
    Student.entry_month,
    Student.status,
    Student.school_class_id,
)  # what a certificate states: read as rows, not whole records


class CertificateRefused(DomainError, ValueError):
    """Nothing was issued; the message says why, in Chinese."""


@dataclass(frozen=True, slots=True)
class Issued:
    path: Path
    numbers: list[str]


@dataclass(frozen=True, slots=True)
class Verification:
    ok: bool
    message: str  # one Chinese line for the clerk


def issue_enrolment_proofs(
    store: Store, student_ids: Sequence[int], out: Path, *, purpose: str = "", today: date | None = None
) -> Issued:
    """在读证明 for each student (only students 在读), one page each in `out`; every one numbered and logged."""
    from xueji_desktop.documents import enrolment_proof

    today = today or date.today()
    if not student_ids:
        raise InvalidInput("没有选择学生")
    purpose = purpose.strip()
    with (
        store.transaction() as session,
        placed(out) as temporary,
    ):  # the paper in place before the log commits
        school = _school(session)
        words = document_settings.wording(session)
        proofs, numbers = [], []
        loaded = {s.id: s for s in session.execute(select(*_CERTIFIED).where(Student.id.in_(student_ids)))}
        classes = {c.id: c.name for c in session.scalars(select(SchoolClass))}
        log = _Log(session, ENROLMENT_PROOF, today)
        for student_id in student_ids:
            student = loaded.get(student_id)
            if student is None:
                raise NotFound(f"没有编号为 {student_id} 的学生")
            if student.status not in IN_SCHOOL:
                raise CertificateRefused(
                    f"{student.name}当前状态为“{student.status}”，不是在读学生，不能开具在读证明"
                )
            number = log.next_number()
            content = _content(
                school, student, classes.get(student.school_class_id, ""), number, purpose, today
            )
            digest = log.add(student, number, content, purpose)
            proofs.append(
                enrolment_proof.EnrolmentProof(
                    number=number,
                    body=words.fill("enrolment_proof.body", content | {"学校名称": school.name}),
                    particulars=[content[label] for label in enrolment_proof.GRID_LABELS],
                    qr_payload=qr_payload(school.code, number, digest),
                )
            )
            numbers.append(number)
        log.audit()
        closing = (
            words.fill("enrolment_proof.closing", {"用途": purpose})
            if purpose
            else words["enrolment_proof.closing_plain"]
        )
        batch = enrolment_proof.ProofBatch(
            letterhead=words["letterhead"],
            title=words["enrolment_proof.title"],
            closing=closing,
            issuer=words["issuer"],
            issued_on=f"{today.year}年{today.month}月{today.day}日",
        )
        enrolment_proof.write(temporary, batch, proofs)
    return Issued(Path(out), numbers)


def issue_education_certificate(
    store: Store,
    student_id: int,
    out: Path,
    *,
    studied_until: date,
    approval_number: str = "",
    reason: str = "",
    today: date | None = None,
) -> Issued:
    """学历证明书 (R30.1) for a graduate whose diploma is lost: numbered and logged; in principle only once — a second
    one needs the authority's approval number and a written reason, kept in the log."""
    from xueji_desktop.documents import education_certificate
    from xueji_desktop.rules.findings import RuleViolation
    from xueji_desktop.rules.graduation import check_lost_diploma

    today = today or date.today()
    with (
        store.transaction() as session,
        placed(out) as temporary,
    ):  # the paper in place before the log commits
        school = _school(session)
        student = session.get(Student, student_id)
        if student is None:
            raise NotFound(f"没有编号为 {student_id} 的学生")
        if student.status != "毕业":
            raise CertificateRefused(f"{student.name}当前状态为“{student.status}”，学历证明书只为毕业生开具")
        before = session.scalar(
            select(func.count(CertificateIssue.id)).where(
                CertificateIssue.kind == EDUCATION_CERTIFICATE, CertificateIssue.student_id == student.id
            )
        )
        findings = check_lost_diploma("学历证明书", before or 0)
        if findings and not (approval_number.strip() and reason.strip()):
            raise RuleViolation(findings)
        log = _Log(session, EDUCATION_CERTIFICATE, today)
        number = log.next_number()
        content = _content(school, student, "", number, "", today)
        content["学习截至"] = f"{studied_until.year}年{studied_until.month}月"
        if findings:
            content["例外批准"] = f"{approval_number.strip()}：{reason.strip()}"
        digest = log.add(student, number, content, None)
        log.audit()
        words = document_settings.wording(session)
        education_certificate.write(
            temporary,
            education_certificate.EducationCertificate(
                number=number,
                letterhead=words["letterhead"],
                title=words["education_certificate.title"],
                body=words.fill("education_certificate.body", content | {"学校名称": school.name}),
                note=words["education_certificate.note"],
                issuer=words["issuer"],
                issued_on=content["开具日期"],
                authority=words["authority"],
                qr_payload=qr_payload(school.code, number, digest),
            ),
        )
    return Issued(Path(out), [number])


class _Log:
    """The issue log of one kind in one transaction: numbers per year (2026-0001 …), one row per certificate, one
    audit batch."""

    def __init__(self, session: Session, kind: str, today: date) -> None:
        self.session, self.kind, self.today = session, kind, today
        self.prefix = NUMBER_PREFIX[kind]
        self.sequence = _last_sequence(session, kind, f"{self.prefix}{today.year}")
        self.entries: list = []
        self.rows: list[dict] = []

    def next_number(self) -> str:
        self.sequence += 1
        return f"{self.prefix}{self.today.year}-{self.sequence:04d}"

    def add(self, student: Certified, number: str, content: dict[str, str], purpose: str | None) -> str:
        digest = content_digest(content)
        self.rows.append(
            {
                "kind": self.kind,
                "number": number,
                "student_id": student.id,
                "purpose": purpose or None,
                "content": json.dumps(content, ensure_ascii=False),
                "digest": digest,
                "issued_on": self.today,
                "actor": audit.actor(self.session),
                "created_at": datetime.now(),
            }
        )
        self.entries.append(
            ("certificate.issue", "student", student.id, {KIND_NAMES[self.kind]: [None, number]})
        )
        return digest

    def audit(self) -> None:
        """Write the log's rows and their audit events, all at once."""
        self.session.execute(insert(cast(Table, CertificateIssue.__table__)), self.rows)  # Core, as they are
        audit.record_many(self.session, self.entries)


def _school(session: Session) -> School:
    school = session.scalar(select(School).limit(1))
    assert school is not None
    return school


def qr_payload(school_code: str, number: str, digest: str) -> str:
    """XJ1:学校标识码:编号:摘要 — only characters of the QR alphanumeric mode (digits, capitals, - and :), the digest's
    64 bits in base32 (13 characters, not 16 in hex): 38 characters fit a version-2 code (25 × 25 modules), smaller,
    faster to make and easier to scan than the same text in byte mode."""
    return (
        f"{QR_PREFIX}:{school_code}:{number}:{base64.b32encode(bytes.fromhex(digest)).decode().rstrip('=')}"
    )


def _digest_of(text: str) -> str | None:
    """The hex digest a QR code's last part carries: base32 (13 characters), or hex (16, the first certificates)."""
    text = text.strip().upper()
    if len(text) == DIGEST_LENGTH and all(c in "0123456789ABCDEF" for c in text):
        return text.lower()
    try:
        return base64.b32decode(text + "=" * (-len(text) % 8)).hex()
    except (ValueError, binascii.Error):
        return None


def content_digest(content: dict[str, str]) -> str:
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:DIGEST_LENGTH]


def verify(store: Store, code: str) -> Verification:
    """A scanned QR code (XJ1:学校标识码:编号:摘要) or a typed number (2026-0001): issued by this school, unchanged?"""
    text = code.strip().replace("|", ":")  # the first certificates (stop 8) wrote | between the parts
    parts = text.split(":")
    with store.read() as session:
        school_code = session.scalar(select(School.code).limit(1)) or ""
        if len(parts) == 4 and parts[0] == QR_PREFIX:
            _, their_school, number, coded = parts
            digest = _digest_of(coded) or "?"
            if their_school != school_code:
                return Verification(
                    False, f"这张证明不是本校开具的（学校标识码 {their_school}，本校为 {school_code}）"
                )
        elif len(parts) == 1 and text:
            number, digest = text, None
        else:
            return Verification(
                False, "无法识别的核验码：请扫描证明上的二维码，或输入证明编号（如 2026-0001）"
            )
        issue = session.scalar(select(CertificateIssue).where(CertificateIssue.number == number))
        if issue is None:
            return Verification(False, f"本校没有开具过编号为 {number} 的证明")
        content = json.loads(issue.content)
        where = content.get("年级班级") or f"{content.get('毕业年', '')}年毕业"  # a 毕业证书 names no class
        said = f"{KIND_NAMES.get(issue.kind, issue.kind)} {number}：{content.get('姓名')}，{where}，{issue.issued_on:%Y-%m-%d}开具"
        if digest is not None and digest != issue.digest:
            return Verification(
                False,
                f"编号 {number} 确为本校开具，但二维码中的摘要与开具记录不符，证明内容可能被改动（开具记录：{said}）",
            )
        if digest is None:
            return Verification(True, f"本校开具过此编号的证明，请与纸面核对：{said}")
        return Verification(True, f"核验通过：{said}，内容未被改动")


def verify_scan(store: Store, path: Path) -> list[Verification]:
    """Each certificate QR code in a scanned or photographed certificate (image or PDF), checked as verify() does."""
    from xueji_desktop.documents.qr_scan import read_codes

    codes = read_codes(path)
    if not codes:
        return [
            Verification(
                False, "没有在这个文件中找到二维码：请扫描清晰一些（二维码完整、不反光），或直接输入证明编号"
            )
        ]
    return [verify(store, code) for code in codes]


def _last_sequence(session: Session, kind: str, stem: str) -> int:
    last = session.scalar(
        select(func.max(CertificateIssue.number)).where(
            CertificateIssue.kind == kind, CertificateIssue.number.like(f"{stem}-%")
        )
    )
    return int(last.split("-")[1]) if last else 0


def _content(
    school: School, student: Certified, class_name: str, number: str, purpose: str, today: date
) -> dict[str, str]:
    entry_year, _, entry_month = (student.entry_month or "").partition("-")
    return {
        "编号": number,
        "学校": school.name,
        "姓名": student.name,
        "性别": "男" if student.gender == "1" else "女",
        "身份证件号": student.id_number or "",
        "出生日期": f"{student.birth_date.year}年{student.birth_date.month}月{student.birth_date.day}日",
        "年级班级": class_name,
        "入学年月": f"{entry_year}年{int(entry_month)}月"
        if entry_month.isdigit()
        else (student.entry_month or ""),
        "用途": purpose,
        "开具日期": f"{today.year}年{today.month}月{today.day}日",
    }
