"""奖励 (第三十一条) and 处分 (第三十二条): recording awards and sanctions, lifting a sanction, and reading them for the
student, the transfer rules (R18.4), the term review and the printed 学生基本信息表 (R31.1, R32.2).

Why these are not kinds of the 异动 registry (services/procedures/registry.py), though the issue suggested it: a
procedure kind is a 学籍异动 — it starts from a status, passes steps, writes a StatusChange when it takes effect, is
reported in the 异动 upload batch under a JY/T 1001 学籍异动类别 and is checked by the term review for being reported
to the province. An award or a sanction is none of that: it changes no status, has no steps (the school's decision
is the record), is not a 学籍异动 of the national system and is never in an upload batch; a sanction's lifting is a
second record, not a step. Made a kind, each would write a status change from 在读 to 在读, appear in the 异动 list
and the upload batch under 99 其他, and be reported as unreported by the term review — all false. So they are their
own append-only records (models/sanctions.py, migration 0010), read where the registry's kinds read them: the 转出
kind's prepare and complete ask `under_sanction` here (R18.4) instead of a checkbox of the request, and the term
review asks `ended_unlifted` for 第三十二条's periods. The recipe's other habits are kept: rules in
rules/sanctions.py, one transaction and one audit entry per use case, refusals as RuleViolation naming the article.

开除学籍 (senior only, with the city's approval, R32.1) is recorded here as a sanction; closing the student's record
is a 学籍异动 and stays with the registry's procedures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from xueji_desktop.errors import InvalidInput, NotFound
from xueji_desktop.models import SanctionLifting, Student, StudentAward, StudentSanction
from xueji_desktop.rules import proofs
from xueji_desktop.rules import sanctions as rules
from xueji_desktop.rules.findings import RuleViolation, block
from xueji_desktop.services import audit
from xueji_desktop.services.roster import IN_SCHOOL_STATUSES
from xueji_desktop.store import Store

SANCTION_KINDS = rules.SENIOR_SANCTIONS  # 警告 … 开除学籍, mildest first
AWARD_LEVELS = rules.AWARD_LEVELS  # 班级 … 国家级, lowest first


@dataclass(frozen=True, slots=True)
class AwardRow:
    """奖励 as the screens and the CLI show it; `archived`: 校级 and above go into the archive (R31.1)."""

    id: int
    student_id: int
    student_name: str
    level: str
    title: str
    awarded_on: date
    issuer: str
    has_proof: bool

    @property
    def archived(self) -> bool:
        return rules.award_goes_into_archive(self.level)


@dataclass(frozen=True, slots=True)
class SanctionRow:
    """处分 with its lifting, if any; `archived`: 记过 and above go into the archive (R32.2)."""

    id: int
    student_id: int
    student_name: str
    kind: str
    reason: str
    decided_on: date
    period_end: date | None
    document_number: str
    lifted_on: date | None
    lift_reason: str | None

    @property
    def archived(self) -> bool:
        return rules.sanction_goes_into_archive(self.kind)

    def in_force(self, today: date) -> bool:
        """R18.4: from the decision until lifted."""
        return rules.in_force(self.decided_on, self.lifted_on, today)

    def state(self, today: date) -> str:
        if self.lifted_on is not None and self.lifted_on <= today:
            return f"已于{self.lifted_on:%Y-%m-%d}解除"
        if rules.period_ended_unlifted(self.period_end, self.lifted_on, today):
            return "期满未解除"
        return "执行中" if self.decided_on <= today else "尚未生效"


# --- writing ---------------------------------------------------------------------------------------------------


def add_award(
    store: Store,
    student_id: int,
    *,
    level: str,
    title: str,
    awarded_on: date,
    issuer: str,
    proof: Path | None = None,
) -> int:
    """奖励 (第三十一条): record an award; its certificate scan is optional. Returns the award's id."""
    if level not in AWARD_LEVELS:
        raise InvalidInput(f"奖励级别应为{'、'.join(AWARD_LEVELS)}之一，不能是“{level}”")
    title, issuer = _required(title, "奖励名称"), _required(issuer, "授奖单位")
    with store.transaction() as session:
        student = _student(session, student_id)
        attachment_id = None
        if proof is not None:
            from xueji_desktop.services.attachments import ProofFile, keep_proof

            kept = keep_proof(
                session, store.folder, ProofFile(proofs.AWARD_CERTIFICATE, Path(proof)), student_id=student.id
            )
            attachment_id = kept.id
        award = audit.kept(
            session,
            StudentAward(
                student_id=student.id,
                level=level,
                title=title,
                awarded_on=awarded_on,
                issuer=issuer,
                attachment_id=attachment_id,
            ),
        )
        audit.record(
            session,
            "award.add",
            "student",
            student.id,
            {"奖励": [None, f"{level}·{title}（{issuer}，{awarded_on:%Y-%m-%d}）"]},
        )
        return award.id


def add_sanction(
    store: Store,
    student_id: int,
    *,
    kind: str,
    reason: str,
    decided_on: date,
    document_number: str,
    period_end: date | None = None,
    city_approved: bool = False,
) -> int:
    """处分 (第三十二条): record a sanction the school decided. R32.1 refuses a kind the student's stage does not have
    (开除学籍 never in compulsory education), a 留校察看 longer than a year, an expulsion without the city's approval.
    Returns the sanction's id."""
    reason, document_number = _required(reason, "处分事由"), _required(document_number, "处分决定文号")
    with store.transaction() as session:
        from xueji_desktop.services.procedures.base import grade_of

        student = _student(session, student_id)
        found = rules.check_new_sanction(
            grade_of(session, student), kind, decided_on, period_end, city_approved=city_approved
        )
        if found:
            raise RuleViolation(found)
        sanction = audit.kept(
            session,
            StudentSanction(
                student_id=student.id,
                kind=kind,
                reason=reason,
                decided_on=decided_on,
                period_end=period_end,
                document_number=document_number,
            ),
        )
        period = f"，期限至{period_end:%Y-%m-%d}" if period_end else ""
        audit.record(
            session,
            "sanction.add",
            "student",
            student.id,
            {"处分": [None, f"{kind}（{document_number}，{decided_on:%Y-%m-%d}{period}）：{reason}"]},
        )
        return sanction.id


def lift_sanction(store: Store, sanction_id: int, *, lifted_on: date, reason: str) -> int:
    """解除处分: a new entry with the day and the reason; the sanction itself is never edited. Returns its id."""
    with store.transaction() as session:
        sanction = session.get(StudentSanction, sanction_id)
        if sanction is None:
            raise NotFound(f"没有编号为 {sanction_id} 的处分记录")
        already = session.scalar(
            select(SanctionLifting.lifted_on).where(SanctionLifting.sanction_id == sanction_id)
        )
        found = rules.check_lifting(sanction.decided_on, lifted_on, already, reason)
        if found:
            raise RuleViolation(found)
        lifting = audit.kept(
            session, SanctionLifting(sanction_id=sanction.id, lifted_on=lifted_on, reason=reason.strip())
        )
        audit.record(
            session,
            "sanction.lift",
            "student",
            sanction.student_id,
            {
                "处分": [
                    f"{sanction.kind}（{sanction.document_number}）",
                    f"已于{lifted_on:%Y-%m-%d}解除：{reason.strip()}",
                ]
            },
        )
        return lifting.id


# --- reading ---------------------------------------------------------------------------------------------------


def awards_of(store: Store, student_id: int | None = None) -> list[AwardRow]:
    """A student's awards (every student's with None), newest first."""
    with store.read() as session:
        return award_rows(session, student_id)


def sanctions_of(store: Store, student_id: int | None = None) -> list[SanctionRow]:
    """A student's sanctions with their liftings (every student's with None), newest first."""
    with store.read() as session:
        return sanction_rows(session, student_id)


def in_force(store: Store, *, today: date | None = None) -> list[SanctionRow]:
    """Every sanction in force on `today` (R18.4), newest first."""
    today = today or date.today()
    return [row for row in sanctions_of(store) if row.in_force(today)]


def award_rows(session: Session, student_id: int | None = None) -> list[AwardRow]:
    query = select(StudentAward, Student.name).join(Student, Student.id == StudentAward.student_id)
    if student_id is not None:
        query = query.where(StudentAward.student_id == student_id)
    query = query.order_by(StudentAward.awarded_on.desc(), StudentAward.id.desc())
    return [
        AwardRow(
            a.id, a.student_id, name, a.level, a.title, a.awarded_on, a.issuer, a.attachment_id is not None
        )
        for a, name in session.execute(query).tuples()
    ]


def sanction_rows(session: Session, student_id: int | None = None) -> list[SanctionRow]:
    query = (
        select(StudentSanction, Student.name, SanctionLifting.lifted_on, SanctionLifting.reason)
        .join(Student, Student.id == StudentSanction.student_id)
        .outerjoin(SanctionLifting, SanctionLifting.sanction_id == StudentSanction.id)
    )
    if student_id is not None:
        query = query.where(StudentSanction.student_id == student_id)
    query = query.order_by(StudentSanction.decided_on.desc(), StudentSanction.id.desc())
    return [
        SanctionRow(
            s.id,
            s.student_id,
            name,
            s.kind,
            s.reason,
            s.decided_on,
            s.period_end,
            s.document_number,
            lifted_on,
            lift_reason,
        )
        for s, name, lifted_on, lift_reason in session.execute(query).tuples()
    ]


def under_sanction(session: Session, student_id: int, today: date) -> bool:
    """R18.4: whether a sanction of the student is in force on `today` (学生受处分期间不予转学) — what the 转出 kind
    asks instead of a checkbox."""
    return any(row.in_force(today) for row in sanction_rows(session, student_id))


def archive_entries(session: Session, student_id: int) -> tuple[list[AwardRow], list[SanctionRow]]:
    """What goes into the student's archive record, oldest first: awards of 校级 and above (R31.1) and sanctions of
    记过 and above (R32.2), with their liftings."""
    awards = [row for row in award_rows(session, student_id) if row.archived]
    sanctions = [row for row in sanction_rows(session, student_id) if row.archived]
    return awards[::-1], sanctions[::-1]


def ended_unlifted(session: Session, today: date) -> list[SanctionRow]:
    """第三十二条 for the term review: sanctions of students in school whose period ended but were not lifted."""
    query = (
        select(StudentSanction.id)
        .join(Student, Student.id == StudentSanction.student_id)
        .where(Student.status.in_(IN_SCHOOL_STATUSES), StudentSanction.period_end < today)
    )
    candidates = set(session.scalars(query))
    return [
        row
        for row in sanction_rows(session)
        if row.id in candidates and rules.period_ended_unlifted(row.period_end, row.lifted_on, today)
    ]


# --- helpers ---------------------------------------------------------------------------------------------------


def _student(session: Session, student_id: int) -> Student:
    """The student, who must be in school (在读 or 休学) to be awarded or sanctioned."""
    student = session.get(Student, student_id)
    if student is None:
        raise NotFound(f"没有编号为 {student_id} 的学生")
    if student.status not in IN_SCHOOL_STATUSES:
        raise RuleViolation(
            [block("R32.1", f"{student.name}现为“{student.status}”，不是本校在校学生，不能记录奖惩")]
        )
    return student


def _required(value: str, label: str) -> str:
    if not (value or "").strip():
        raise InvalidInput(f"请填写{label}")
    return value.strip()
