"""每学期复核 (第三十四条): every record and procedure checked in one read for what is missing, wrong or overdue, and
each problem of 第三十七条 looked for (rules/review.py says which check finds which); and the report as an Excel
file for the term's archive.

`review` reads; `export_review` reviews again and writes the report (to a temporary file moved into place, so a
failed write leaves no half file). Nothing here changes a record.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xueji_desktop.errors import DomainError
from xueji_desktop.models import (
    AbsenceRecord,
    FamilyMember,
    Grade,
    Procedure,
    School,
    SchoolClass,
    SchoolYear,
    StatusChange,
    Student,
)
from xueji_desktop.reference.regions import region_table
from xueji_desktop.reference.school_year_calendar import summer_calendar
from xueji_desktop.reference.student_fields import FAMILY_FIELDS, STUDENT_FIELDS
from xueji_desktop.reference.working_days import WorkingCalendar
from xueji_desktop.rules import review as rules
from xueji_desktop.rules.review import NOT_CHECKED, Check, ProcedureFacts, ReviewFinding, StudentRef
from xueji_desktop.rules.stages import TERM_NAMES, GradeFacts
from xueji_desktop.rules.withdrawals import AttendanceFacts
from xueji_desktop.services.enrolment import continuing_students
from xueji_desktop.services.holidays import working_calendar
from xueji_desktop.services.procedures.kinds import ANSWERS_ABSENCE, ANSWERS_SUSPENSION
from xueji_desktop.services.roster import IN_SCHOOL_STATUSES
from xueji_desktop.spreadsheets.saving import save_workbook, write_failure
from xueji_desktop.store import Store

REPORT_COLUMNS = ("序号", "类别", "学生", "班级", "问题", "依据", "建议")
REPORT_WIDTHS = (6, 24, 12, 16, 70, 30, 50)


class ReviewExportError(DomainError):
    """The report could not be written; the message says why, in Chinese. No partial file is left behind."""


@dataclass(frozen=True, slots=True)
class ReviewGroup:
    """One check of the review with what it found (empty: the check passed)."""

    check: Check
    findings: tuple[ReviewFinding, ...]

    @property
    def title(self) -> str:
        return self.check.value

    @property
    def count(self) -> int:
        return len(self.findings)


@dataclass(frozen=True, slots=True)
class Review:
    """The term review: when, which term, how many students and procedures were looked at, and the findings by check
    (every check listed, in rules.review.Check's order, so the report shows what passed too)."""

    reviewed_at: datetime
    today: date
    term_label: str
    students_checked: int
    procedures_checked: int
    groups: tuple[ReviewGroup, ...]
    not_checked: tuple[str, ...] = NOT_CHECKED
    # e.g. the working days estimated for a year with no holiday list
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def counts(self) -> dict[Check, int]:
        return {group.check: group.count for group in self.groups}

    @property
    def total(self) -> int:
        return sum(group.count for group in self.groups)

    @property
    def findings(self) -> list[ReviewFinding]:
        return [f for group in self.groups for f in group.findings]


def review(store: Store, *, today: date | None = None, calendar: WorkingCalendar | None = None) -> Review:
    """Review every student in school and every procedure, as things stand on `today`, in one read."""
    today = today or date.today()
    calendar = calendar or working_calendar(store)
    regions = region_table()
    found: list[ReviewFinding] = []
    with store.read() as session:
        stage = session.scalar(select(School.stage).limit(1)) or "primary"
        term_label, term_start = _term(session, today)
        people = _people(session)
        rank = {student_id: position for position, student_id in enumerate(people)}
        in_school = _students_in_school(session)
        continuing = set(session.scalars(continuing_students()))  # 新生学籍转接 (R15.1)
        days = summer_calendar().continuation_days
        for row, values, family in in_school:
            ref = people[row["id"]]
            found += rules.record_findings(ref, values, family, region_exists=regions.exists, today=today)
            found += rules.stored_name_findings(ref, values, family)
            if row["id"] in continuing:
                found += rules.continuation_findings(
                    ref, row["enrolment_step"], row["enrolment_date"], today, days=days
                )
            else:
                found += rules.enrolment_findings(
                    ref, row["enrolment_step"], row["enrolment_date"], today, row["_grade"]
                )
        procedures, handling, notes = _procedure_findings(session, people, today, term_start, calendar)
        found += procedures.findings
        levels = {row["id"]: row["_grade"] for row, _, _ in in_school}
        status = {row["id"]: row["status"] for row, _, _ in in_school}
        if term_start is not None:
            for student_id, attendance in _absence(session, term_start).items():
                if student_id not in levels or levels[student_id] is None:
                    continue
                found += rules.absence_findings(
                    people[student_id],
                    GradeFacts(levels[student_id], stage),
                    status[student_id],
                    attendance,
                    handled=ANSWERS_ABSENCE in handling[student_id],
                    today=today,
                )
        found += _suspension_findings(session, people, levels, status, stage, handling, today)
        found += _sanction_findings(session, people, today)
    grouped: dict[Check, list[ReviewFinding]] = defaultdict(list)
    for item in found:
        grouped[item.check].append(item)

    def order(item: ReviewFinding) -> tuple:  # as the roster lists students: grade, class, 拼音
        return (
            rank.get(item.student.id, len(rank)) if item.student.id is not None else len(rank),
            item.student.name,
            item.problem,
        )

    groups = tuple(ReviewGroup(check, tuple(sorted(grouped[check], key=order))) for check in Check)
    return Review(
        datetime.now().replace(microsecond=0),
        today,
        term_label,
        len(in_school),
        procedures.count,
        groups,
        notes=tuple(notes),
    )


def export_review(
    store: Store, out: Path, *, today: date | None = None, result: Review | None = None
) -> Path:
    """Write the term's review report as .xlsx (one sheet: 序号/类别/学生/班级/问题/依据/建议, bold frozen header);
    `result` writes a review already made (the dialog's) instead of reviewing again. Returns the path written;
    ReviewExportError (Chinese) when the folder cannot be written, with no partial file left."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    result = result or review(store, today=today)
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        out = out.with_name(out.name + ".xlsx")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(result.term_label)
    workbook.properties.title = f"{result.term_label}学籍复核报告"
    workbook.properties.creator = "学籍桌面"
    sheet.append(list(REPORT_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
    wrap = Alignment(wrap_text=True, vertical="top")
    number = 0
    for item in result.findings:
        number += 1
        sheet.append(
            [
                number,
                item.check.value,
                item.student.name,
                item.student.class_name,
                item.problem,
                item.basis,  # the article (第三十四条), not the rule id: the report is for people
                item.advice,
            ]
        )
    if not number:
        clean = f"{result.term_label}复核（{result.reviewed_at:%Y-%m-%d %H:%M}）没有发现问题"
        sheet.append(["", "", "", "", clean, "", ""])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    for index, width in enumerate(REPORT_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    try:
        return save_workbook(workbook, out)
    except OSError as error:
        raise ReviewExportError(write_failure(error, out, "复核报告")) from error


def default_file_name(result: Review) -> str:
    return f"{result.term_label}学籍复核报告_{result.reviewed_at:%Y%m%d}.xlsx"


# --- reading ---------------------------------------------------------------------------------------------------


def _term(session: Session, today: date) -> tuple[str, date | None]:
    """The term `today` falls in ("2026-2027学年第一学期", its first day); the newest year set if today is before all."""
    year = session.scalar(
        select(SchoolYear)
        .where(SchoolYear.term1_start <= today)
        .order_by(SchoolYear.start_year.desc())
        .limit(1)
    )
    if year is None:
        year = session.scalar(select(SchoolYear).where(SchoolYear.is_current).limit(1))
    if year is None:
        return "（尚未设置学年）", None
    number = year.term_on(today)
    return f"{year.name}{TERM_NAMES[number]}", year.term1_start if number == 1 else year.term2_start


def _people(session: Session) -> dict[int, StudentRef]:
    """Every student's name and class (procedures name students who have left, too), in the roster's order."""
    rows = session.execute(
        select(Student.id, Student.name, SchoolClass.name)
        .outerjoin(SchoolClass, SchoolClass.id == Student.school_class_id)
        .outerjoin(Grade, Grade.id == SchoolClass.grade_id)
        .order_by(Grade.level.is_(None), Grade.level, SchoolClass.number, Student.pinyin_key, Student.id)
    ).all()
    return {sid: StudentRef(sid, name, class_name or "") for sid, name, class_name in rows}


def _students_in_school(session: Session) -> list[tuple[Any, dict[str, Any], list[dict[str, Any]]]]:
    """(row, field values, family members) for every student 在读 or 休学, in two queries."""
    columns = [
        Student.__table__.c[key]
        for key in (
            "id",
            "status",
            "enrolment_step",
            "enrolment_date",
            *(spec.key for spec in STUDENT_FIELDS),
        )
    ]
    query = (
        select(*columns, Grade.level.label("_grade"))
        .outerjoin(SchoolClass, SchoolClass.id == Student.school_class_id)
        .outerjoin(Grade, Grade.id == SchoolClass.grade_id)
        .where(Student.status.in_(IN_SCHOOL_STATUSES))
        .order_by(Grade.level, SchoolClass.number, Student.pinyin_key, Student.id)
    )
    rows = session.execute(query).mappings().all()
    members = FamilyMember.__table__
    family: dict[int, list[dict[str, Any]]] = defaultdict(list)
    family_query = (
        select(members.c.student_id, *(members.c[spec.key] for spec in FAMILY_FIELDS))
        .join(Student, Student.id == members.c.student_id)
        .where(Student.status.in_(IN_SCHOOL_STATUSES))
        .order_by(members.c.student_id, members.c.position_in_list)
    )
    for member in session.execute(family_query).mappings():
        family[member["student_id"]].append({spec.key: member[spec.key] for spec in FAMILY_FIELDS})
    return [
        (row, {spec.key: row[spec.key] for spec in STUDENT_FIELDS}, family.get(row["id"], [])) for row in rows
    ]


@dataclass(slots=True)
class _ProcedureResult:
    findings: list[ReviewFinding]
    count: int


def _procedure_findings(
    session: Session,
    people: dict[int, StudentRef],
    today: date,
    term_start: date | None,
    calendar: WorkingCalendar,
) -> tuple[_ProcedureResult, dict[int, set[str]], list[str]]:
    """Open procedures overdue or stalled, each kind's own checks (ReviewChecks: archives not sent, transfers in
    without approval), 异动 not reported; and, per student, the problems answered by a procedure opened and not
    cancelled (ReviewChecks.answers: an absence, a suspension)."""
    from xueji_desktop.services.procedures.state import procedure_states

    states = procedure_states(session)
    reversed_ids = set(
        session.scalars(select(StatusChange.reverses_id).where(StatusChange.reverses_id.is_not(None)))
    )
    effective_dates = dict(
        session.execute(select(StatusChange.id, StatusChange.effective_date)).tuples().all()
    )
    found: list[ReviewFinding] = []
    handling: dict[int, set[str]] = defaultdict(set)
    estimated: set[int] = set()
    count = 0
    for procedure in session.scalars(select(Procedure).order_by(Procedure.opened_on, Procedure.id)):
        count += 1
        state = states.get(procedure.id)
        if state is None or not state.known or state.cancelled:
            continue
        kind, days = state.kind, state.days
        assert kind is not None
        student = _ref(procedure, people)
        if procedure.student_id is not None:
            handling[procedure.student_id] |= kind.review.answers
        if kind.review.follow_up is not None and kind.effective in days:
            found += kind.review.follow_up(student, days, today, term_start)
        elif state.open:
            due = state.due(json.loads(procedure.facts or "{}"), calendar)
            if due is not None and due.estimated:
                estimated.update(due.years_estimated)
            assert state.next_step is not None and state.step_on is not None  # open: a step, and one to come
            facts = ProcedureFacts(
                procedure.id,
                kind.label,
                student,
                procedure.opened_on,
                state.step,
                state.next_step,
                state.step_on,
                due.day if due else None,
                kind.due_article,
                due.note if due else "",
            )
            found += rules.procedure_findings(facts, today)
        if kind.review.always is not None:
            found += kind.review.always(student, days)
        change = state.status_change_id
        if change is not None and change not in reversed_ids and state.province:
            assert state.province_on is not None  # recorded together with state.province
            since = max(days.get(kind.effective) or state.step_on or state.province_on, state.province_on)
            found += rules.unreported_findings(
                student,
                kind.label,
                effective_dates.get(change, since),
                state.province,
                calendar.working_days_between(since, today),
                state.province_note,
            )
            if state.province in rules.UNREPORTED_STATES:
                estimated.update(calendar.years_estimated(since, today))
    notes = []
    if estimated:
        from xueji_desktop.reference.working_days import estimate_note

        notes.append(f"工作日{estimate_note(estimated)}")
    return _ProcedureResult(found, count), handling, notes


def _ref(procedure: Procedure, people: dict[int, StudentRef]) -> StudentRef:
    if procedure.student_id is not None and procedure.student_id in people:
        return people[procedure.student_id]
    facts = json.loads(procedure.facts or "{}")
    # a transfer in not yet received: no record here yet, the class it asks for
    return StudentRef(None, procedure.student_name, facts.get("to_class", ""))


def _absence(session: Session, term_start: date) -> dict[int, AttendanceFacts]:
    """The newest absence record of each student this term."""
    newest: dict[int, AttendanceFacts] = {}
    for record in session.scalars(
        select(AbsenceRecord).where(AbsenceRecord.term_start == term_start).order_by(AbsenceRecord.id)
    ):
        newest[record.student_id] = AttendanceFacts(
            record.longest_continuous_weeks, record.total_weeks, record.contacted_family
        )
    return newest


def _suspension_findings(
    session: Session,
    people: dict[int, StudentRef],
    levels: dict[int, int | None],
    status: dict[int, str],
    stage: str,
    handling: dict[int, set[str]],
    today: date,
) -> list[ReviewFinding]:
    from xueji_desktop.services.procedures.suspensions import current_period

    found = []
    for student_id, current in status.items():
        if current != "休学" or levels.get(student_id) is None:
            continue
        period = current_period(session, student_id)
        if period is None:
            continue
        found += rules.suspension_findings(
            people[student_id],
            GradeFacts(levels[student_id] or 0, stage),
            period.end,
            today,
            handled=ANSWERS_SUSPENSION in handling[student_id],
        )
    return found


def _sanction_findings(session: Session, people: dict[int, StudentRef], today: date) -> list[ReviewFinding]:
    """第三十二条: sanctions whose period ended but that were not lifted (services/sanctions.py)."""
    from xueji_desktop.services.sanctions import ended_unlifted

    found = []
    for row in ended_unlifted(session, today):
        ref = people.get(row.student_id, StudentRef(row.student_id, row.student_name))
        found += rules.sanction_findings(ref, row.kind, row.decided_on, row.period_end, row.lifted_on, today)
    return found


# --- writing ---------------------------------------------------------------------------------------------------


def _sheet_title(label: str) -> str:
    cleaned = "".join("_" if ch in "\\*?:/[]" else ch for ch in label)
    return (cleaned or "学籍复核")[:31]
