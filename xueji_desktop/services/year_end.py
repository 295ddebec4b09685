"""学年结束: the check (在办业务清理), the preview, the run (毕业, 升级, the new 学年) and its undo.

- `check` lists everything unfinished that a year end must see: procedures under way, new students not yet 审核通过,
  changes the provincial system has not received, sanctions whose period ended unlifted — each with its student and
  what to do. An item touching a graduating student blocks the graduation (the national system's 在办业务清理).
- `preview` says, per grade, who graduates, who moves up, who stays (休学) and who blocks, and what the new year will
  be; nothing is written. `run` does exactly that in one transaction, after a verified backup kept apart under
  backups/year_end/: each graduate's 毕业 and each promotion is a status change (append-only); every class moves up
  one grade keeping its number and its 班主任 (一年级(1)班 → 二年级(1)班); the starting grades get empty classes; the new
  学年 with its two terms becomes current.
- `undo` puts that backup back — every table exactly as before — as long as nothing has been done since (the audit
  trail's newest entry is the year end's); the audit trail then records the undo.

Rules: rules/year_end.py (R15.1, R21.1, R29.1); R29.1's 毕业证书 from services/fitness.py `diploma_eligibility`.
All writes are bulk statements: a 50,000-student school ends its year in seconds (benchmarks/year_end.py).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.orm import Session

from xueji_desktop.errors import InvalidInput, NotFound
from xueji_desktop.models import (
    AuditEvent,
    EnrolmentStep,
    Grade,
    Procedure,
    School,
    SchoolClass,
    SchoolYear,
    StatusChange,
    Student,
    StudentStatus,
    YearEnd,
)
from xueji_desktop.models.terms import school_year_name
from xueji_desktop.rules import year_end as rules
from xueji_desktop.rules.enrolment import CONTINUATION_START
from xueji_desktop.rules.findings import Finding, RuleViolation
from xueji_desktop.rules.year_end import GradeOutcome, TermDates
from xueji_desktop.services import audit
from xueji_desktop.services.enrolment import continuing_students
from xueji_desktop.services.procedures.state import procedure_states
from xueji_desktop.services.roster import IN_SCHOOL_STATUSES
from xueji_desktop.services.school_setup import default_class_name
from xueji_desktop.services.upload_batches import UNREPORTED
from xueji_desktop.store import Store

ACTIVE, SUSPENDED, GRADUATED = (
    StudentStatus.ACTIVE.value,
    StudentStatus.SUSPENDED.value,
    StudentStatus.GRADUATED.value,
)
BACKUP_FOLDER = "year_end"  # under backups/: kept apart from the everyday backups' rotation
BACKUPS_KEPT = 5
RUN_ACTION, UNDO_ACTION = "year_end.run", "year_end.undo"
PROMOTION_STATE = (
    "系统自动升级"  # 第十五条: the national system moves the grades up itself; nothing to report
)


class Problem:
    """The kinds of unfinished business the check lists (the value is what the clerk reads)."""

    PROCEDURE = "在办异动手续"
    ENROLMENT = "新生学籍未审核通过"
    CONTINUATION = "新生学籍转接未完成"
    UNREPORTED = "异动未上报省级系统"
    SANCTION = "处分期满未解除"


@dataclass(frozen=True, slots=True)
class Item:
    """One unfinished thing: whose, what, what to do, the rule it rests on, and what to act on from the list."""

    problem: str  # Problem.*
    student_id: int | None
    student_name: str
    class_name: str
    detail: str
    advice: str
    rule_id: str
    graduating: bool  # touches a student of a graduating grade: his graduation waits for it
    procedure_id: int | None = None
    sanction_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "类别": self.problem,
            "学生": self.student_name,
            "班级": self.class_name,
            "情况": self.detail,
            "处理": self.advice,
            "依据": self.rule_id,
            "阻止毕业": self.graduating,
        }


@dataclass(frozen=True, slots=True)
class Check:
    school_year: str
    items: tuple[Item, ...]

    @property
    def blocking(self) -> tuple[Item, ...]:
        """The items that hold a graduation back."""
        return tuple(item for item in self.items if item.graduating)


@dataclass(frozen=True, slots=True)
class GradePlan:
    """What the year end does with one grade."""

    level: int
    name: str
    outcome: GradeOutcome
    moving: int  # 在读: graduate, or move up
    staying: int  # 休学: stay with this grade until they resume
    blocked: tuple[str, ...]  # names of graduating students held back by unfinished business
    to_name: str  # the grade they go into (empty when they graduate)
    no_diploma: tuple[str, ...] = ()  # graduates R29.1 gives no 毕业证书: 「姓名：理由」

    @property
    def line(self) -> str:
        parts = [f"{self.name}：在读{self.moving}人{self.outcome.value}"]
        if self.outcome is GradeOutcome.MOVE_UP:
            parts[0] += f"，升入{self.to_name}"
        if self.staying:
            parts.append(f"休学{self.staying}人留在本年级")
        if self.blocked:
            parts.append(f"{len(self.blocked)}人有未办结业务，暂不能毕业")
        if self.no_diploma:
            parts.append(f"{len(self.no_diploma)}人结业（未发毕业证书）")
        return "；".join(parts)


@dataclass(frozen=True, slots=True)
class Plan:
    """The preview: what `run` would do on `on`, and what stops it (findings naming their article)."""

    ended_year: int
    new_year: int
    on: date
    grades: tuple[GradePlan, ...]
    terms: TermDates
    starting_classes: dict[int, int]  # starting grade → number of classes it will have
    grade_names: dict[int, str]  # level → the school's name for the grade
    findings: tuple[Finding, ...]  # blocks stop the run; warnings need the clerk's confirmation
    check: Check

    @property
    def ended_name(self) -> str:
        return school_year_name(self.ended_year)

    @property
    def new_name(self) -> str:
        return school_year_name(self.new_year)

    @property
    def graduates(self) -> int:
        """毕业 and leave the school."""
        return sum(g.moving for g in self.grades if g.outcome is GradeOutcome.GRADUATE)

    @property
    def continuing(self) -> int:
        """小学毕业, and go on into the school's own 初一 (a nine-year school's 六年级)."""
        return sum(g.moving for g in self.grades if g.outcome is GradeOutcome.GRADUATE_AND_CONTINUE)

    @property
    def promoted(self) -> int:
        """升级 within a stage."""
        return sum(g.moving for g in self.grades if g.outcome is GradeOutcome.MOVE_UP)

    @property
    def staying(self) -> int:
        return sum(g.staying for g in self.grades)

    @property
    def counts_line(self) -> str:
        return counts_line(self.graduates, self.continuing, self.promoted, self.staying)

    @property
    def blocks(self) -> bool:
        return any(f.blocks for f in self.findings)

    def as_dict(self) -> dict[str, Any]:
        return {
            "结束学年": self.ended_name,
            "新学年": self.new_name,
            "办理日期": self.on.isoformat(),
            "年级": [
                {
                    "年级": g.name,
                    "处理": g.outcome.value,
                    "在读人数": g.moving,
                    "升入": g.to_name,
                    "休学留在本年级": g.staying,
                    "有未办结业务": list(g.blocked),
                    "结业（未发毕业证书）": list(g.no_diploma),
                }
                for g in self.grades
            ],
            "新学年学期": {
                "第一学期": [self.terms.term1_start.isoformat(), self.terms.term1_end.isoformat()],
                "第二学期": [self.terms.term2_start.isoformat(), self.terms.term2_end.isoformat()],
            },
            "起始年级班级数": {
                self.grade_names[level]: count for level, count in self.starting_classes.items()
            },
            "问题": [f.text for f in self.findings],
        }


def counts_line(graduated: int, continued: int, promoted: int, stayed: int) -> str:
    """毕业 N 人（, 小学毕业升入初中 N 人）, 升级 N 人, 休学留在原年级 N 人: each student counted once."""
    continuing = f"，小学毕业升入初中 {continued} 人" if continued else ""
    return f"毕业 {graduated} 人{continuing}，升级 {promoted} 人，休学留在原年级 {stayed} 人"


@dataclass(frozen=True, slots=True)
class Result:
    ended_year: int
    new_year: int
    graduated: int  # 毕业 and left
    promoted: int  # 升级 within a stage
    stayed: int  # 休学, with the grade they left
    backup: Path
    graduate_ids: tuple[int, ...] = field(default=())  # those who left as 毕业: the 毕业证书 batch
    continued: int = 0  # 小学毕业, on into the school's 初一

    @property
    def counts_line(self) -> str:
        return counts_line(self.graduated, self.continued, self.promoted, self.stayed)


# --- reading ---------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _School:
    """What a year end reads once: the school, its years, grades, classes and who is in them."""

    stage: str
    year: SchoolYear
    levels: frozenset[int]
    grade_ids: dict[int, int]  # level → grade id
    grade_names: dict[int, str]  # level → the school's name for it (七年级 or 初一)
    classes: dict[int, dict[int, SchoolClass]]  # level → number → class
    class_level: dict[int, int]  # class id → level
    begun_by_year_end: bool

    def outcome(self, level: int) -> GradeOutcome:
        return rules.grade_outcome(level, self.stage, self.levels)

    def graduating_levels(self) -> set[int]:
        return {level for level in self.levels if self.outcome(level) is not GradeOutcome.MOVE_UP}


def _school(session: Session) -> _School:
    school = session.scalar(select(School).limit(1))
    if school is None:
        raise InvalidInput("尚未设置学校，无法办理学年结束")
    year = session.scalar(
        select(SchoolYear).order_by(SchoolYear.is_current.desc(), SchoolYear.start_year.desc()).limit(1)
    )
    if year is None:
        raise InvalidInput("尚未设置学年，无法办理学年结束")
    grade_rows = session.execute(select(Grade.level, Grade.id, Grade.name)).tuples().all()
    grades = {level: grade_id for level, grade_id, _ in grade_rows}
    level_of = {grade_id: level for level, grade_id in grades.items()}
    classes: dict[int, dict[int, SchoolClass]] = defaultdict(dict)
    class_level = {}
    for school_class in session.scalars(select(SchoolClass)):
        level = level_of[school_class.grade_id]
        classes[level][school_class.number] = school_class
        class_level[school_class.id] = level
    begun = session.scalar(select(YearEnd.id).where(YearEnd.new_year == year.start_year)) is not None
    names = {level: name for level, _, name in grade_rows}
    return _School(school.stage, year, frozenset(grades), grades, names, classes, class_level, begun)


def _people(session: Session, school: _School) -> dict[int, tuple[str, int | None, str]]:
    """Students in school (在读, 休学): id → (name, class id, status)."""
    return {
        sid: (name, class_id, status)
        for sid, name, class_id, status in session.execute(
            select(Student.id, Student.name, Student.school_class_id, Student.status).where(
                Student.status.in_(IN_SCHOOL_STATUSES)
            )
        )
    }


def _items(session: Session, school: _School, on: date) -> list[Item]:
    from xueji_desktop.services.sanctions import ended_unlifted

    graduating = school.graduating_levels()
    names = {c.id: c.name for by_number in school.classes.values() for c in by_number.values()}

    def where(student_id: int | None) -> tuple[str, bool]:
        """The student's class, and whether he is to graduate (在读 in a graduating grade)."""
        if student_id is None:
            return "", False
        class_id, status = session.execute(
            select(Student.school_class_id, Student.status).where(Student.id == student_id)
        ).one()
        level = school.class_level.get(class_id) if class_id is not None else None
        return names.get(
            class_id, ""
        ) if class_id is not None else "", status == ACTIVE and level in graduating

    items: list[Item] = []
    procedures = {p.id: p for p in session.scalars(select(Procedure))}
    for pid, state in sorted(procedure_states(session, list(procedures)).items()):
        procedure = procedures[pid]
        class_name, touches = where(procedure.student_id)
        if state.open:
            items.append(
                Item(
                    Problem.PROCEDURE,
                    procedure.student_id,
                    procedure.student_name,
                    class_name,
                    f"{state.label}（{procedure.opened_on:%Y-%m-%d}办理）停在“{state.step}”",
                    f"办理下一步“{state.next_step}”，或撤销并写明原因",
                    "R7.1",
                    touches,
                    procedure_id=pid,
                )
            )
        elif state.status_change_id is not None and not state.cancelled and state.province in UNREPORTED:
            items.append(
                Item(
                    Problem.UNREPORTED,
                    procedure.student_id,
                    procedure.student_name,
                    class_name,
                    f"{state.label}已生效，省级学籍系统中为“{state.province}”",
                    "导出上报批次报省级学籍系统，审核通过后记录“已通过”",
                    "R7.1",
                    touches,
                    procedure_id=pid,
                )
            )
    continuing = set(session.scalars(continuing_students()))
    for sid, name, class_id, status, step in session.execute(
        select(
            Student.id, Student.name, Student.school_class_id, Student.status, Student.enrolment_step
        ).where(
            Student.status.in_(IN_SCHOOL_STATUSES),
            Student.enrolment_step.is_not(None),
            Student.enrolment_step != EnrolmentStep.APPROVED.value,
        )
    ):
        continuation = sid in continuing
        items.append(
            Item(
                Problem.CONTINUATION if continuation else Problem.ENROLMENT,
                sid,
                name,
                names.get(class_id, ""),
                "新生学籍转接尚未完成" if continuation else f"建立学籍停在“{step}”",
                "在省级学籍系统完成转接后记录“转接完成”"
                if continuation
                else "办完建籍各步，在省级学籍系统审核通过后记录“审核通过”",
                "R15.1" if continuation else "R10.3",
                status == ACTIVE and school.class_level.get(class_id) in graduating,
            )
        )
    for row in ended_unlifted(session, on):
        class_name, touches = where(row.student_id)
        items.append(
            Item(
                Problem.SANCTION,
                row.student_id,
                row.student_name,
                class_name,
                f"{row.kind}处分已于{row.period_end:%Y-%m-%d}期满，尚未解除",
                "按学校决定解除处分（记录解除日期和理由）",
                "R32.1",
                touches,
                sanction_id=row.id,
            )
        )
    return items


def check(store: Store, *, on: date | None = None) -> Check:
    """Everything unfinished a year end on `on` (today) must see, graduating students' first."""
    on = on or date.today()
    with store.read() as session:
        school = _school(session)
        items = _items(session, school, on)
        name = school_year_name(school.year.start_year)
    items.sort(key=lambda item: (not item.graduating, item.class_name, item.student_name))
    return Check(name, tuple(items))


def grade_levels(store: Store) -> dict[str, int]:
    """The school's grade names → levels (七年级 → 7), for a clerk who names a grade."""
    with store.read() as session:
        return dict(session.execute(select(Grade.name, Grade.level)).tuples().all())


def proposed_terms(store: Store) -> TermDates:
    """The new year's terms proposed from the current year's (same weekdays a year on)."""
    with store.read() as session:
        year = _school(session).year
        last = TermDates(year.term1_start, year.term1_end, year.term2_start, year.term2_end)
    return rules.propose_terms(last)


def preview(
    store: Store,
    *,
    on: date,
    terms: TermDates | None = None,
    starting_classes: dict[int, int] | None = None,
    date_confirmed: bool = False,
) -> Plan:
    """What a year end on `on` would do, grade by grade, and what stops it; nothing is written."""
    with store.read() as session:
        return _plan(session, on, terms, starting_classes, date_confirmed, store)


def _plan(
    session: Session,
    on: date,
    terms: TermDates | None,
    starting_classes: dict[int, int] | None,
    date_confirmed: bool,
    store: Store,
) -> Plan:
    from xueji_desktop.services.fitness import eligibility_in

    school = _school(session)
    year = school.year
    terms = terms or rules.propose_terms(
        TermDates(year.term1_start, year.term1_end, year.term2_start, year.term2_end)
    )
    items = _items(session, school, on)
    blocked_ids = {item.student_id for item in items if item.graduating and item.student_id is not None}
    people = _people(session, school)
    by_level: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for sid, (name, class_id, status) in people.items():
        if class_id is not None and class_id in school.class_level:
            by_level[school.class_level[class_id]].append((sid, name, status))
    graduate_ids = [
        sid
        for level in school.graduating_levels()
        for sid, _, status in by_level[level]
        if status == ACTIVE and sid not in blocked_ids
    ]
    no_diploma: dict[int, str] = {
        e.student_id: f"{e.name}：{e.reason}"
        for e in eligibility_in(session, graduate_ids, school_year=year.start_year)
        if not e.may_receive
    }
    grades = []
    for level in sorted(school.levels):
        outcome = school.outcome(level)
        members = by_level[level]
        active = [m for m in members if m[2] == ACTIVE]
        graduating = outcome is not GradeOutcome.MOVE_UP
        grades.append(
            GradePlan(
                level,
                school.grade_names[level],
                outcome,
                len(active),
                sum(1 for m in members if m[2] == SUSPENDED),
                tuple(name for sid, name, _ in active if graduating and sid in blocked_ids),
                school.grade_names[level + 1] if outcome is not GradeOutcome.GRADUATE else "",
                tuple(no_diploma[sid] for sid, _, _ in active if sid in no_diploma),
            )
        )
    findings: list[Finding] = []
    facts = rules.YearFacts(year.start_year, year.term1_start, year.term2_end, school.begun_by_year_end)
    findings += rules.check_year_end_date(facts, on, date_confirmed=date_confirmed)
    unplaced = sum(1 for _, class_id, status in people.values() if status == ACTIVE and class_id is None)
    findings += rules.check_no_repeat(unplaced)
    for item in items:
        if item.graduating:
            findings.append(
                rules.block_graduation(item.student_name, f"{item.problem}：{item.detail}", item.rule_id)
            )
    problems = rules.check_terms(terms, year.start_year + 1)
    if problems:
        raise InvalidInput("新学年的学期日期有误：" + "；".join(problems))
    starting = {
        level: (starting_classes or {}).get(level, len(school.classes.get(level, {})))
        for level in rules.starting_levels(school.stage, school.levels)
    }
    if any(count < 0 for count in starting.values()):
        raise InvalidInput("起始年级的班级数不能为负数")
    return Plan(
        year.start_year,
        year.start_year + 1,
        on,
        tuple(grades),
        terms,
        starting,
        dict(school.grade_names),
        tuple(findings),
        Check(school_year_name(year.start_year), tuple(items)),
    )


# --- writing ---------------------------------------------------------------------------------------------------


def run(
    store: Store,
    *,
    on: date,
    terms: TermDates | None = None,
    starting_classes: dict[int, int] | None = None,
    date_confirmed: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Result:
    """毕业, 升级 and the new 学年, in one transaction after a verified backup; refused (RuleViolation naming the
    articles) while the preview finds anything that stops it. `progress(done, total)` is told each step; it may
    raise to cancel (the UI's 取消) — before the commit, so a cancelled year end writes nothing (its backup stays)."""
    tell = progress or (lambda done, total: None)
    tell(0, 4)
    plan = preview(
        store, on=on, terms=terms, starting_classes=starting_classes, date_confirmed=date_confirmed
    )
    if plan.findings:
        raise RuleViolation(list(plan.findings))
    tell(1, 4)
    backup = store.backup(BACKUPS_KEPT, into=store.folder.backups / BACKUP_FOLDER)
    tell(2, 4)
    with store.transaction() as session:
        school = _school(session)
        if school.year.start_year != plan.ended_year:  # something changed the year since the preview
            raise InvalidInput("学年已变化，请重新预览后再办理")
        graduated, continued, promoted, stayed, graduate_ids = _carry_out(session, school, plan)
        tell(3, 4)
        summary = {
            "毕业": graduated,
            "小学毕业升入初中": continued,
            "升级": promoted,
            "休学留在原年级": stayed,
        }
        session.add(
            YearEnd(
                ended_year=plan.ended_year,
                new_year=plan.new_year,
                effective_date=on,
                backup_file=str(backup.relative_to(store.folder.root)),
                summary=json.dumps(summary, ensure_ascii=False),
                actor=audit.actor(session),
                created_at=datetime.now(),
            )
        )
        audit.record(
            session,
            RUN_ACTION,
            "school_year",
            None,
            {"学年": [plan.ended_name, plan.new_name], **{k: [None, v] for k, v in summary.items()}},
        )
        tell(4, 4)  # the last chance to cancel: the commit follows
    return Result(
        plan.ended_year, plan.new_year, graduated, promoted, stayed, backup, tuple(graduate_ids), continued
    )


def _carry_out(session: Session, school: _School, plan: Plan) -> tuple[int, int, int, int, list[int]]:
    on, now, who = plan.on, datetime.now(), audit.actor(session)
    levels = sorted(school.levels)
    changes: list[dict[str, Any]] = []
    graduate_ids: list[int] = []

    def change(sid: int, kind: str, before: str, after: str, state: str, details: dict[str, Any]) -> None:
        changes.append(
            {
                "student_id": sid,
                "kind": kind,
                "effective_date": on,
                "status_before": before,
                "status_after": after,
                "reason": None,
                "details": json.dumps(details, ensure_ascii=False),
                "authority_state": state,
                "reverses_id": None,
                "actor": who,
                "created_at": now,
            }
        )

    active_in: dict[int, list[int]] = defaultdict(list)  # class id → students 在读
    for sid, class_id in session.execute(
        select(Student.id, Student.school_class_id).where(Student.status == ACTIVE)
    ):
        if class_id is not None:
            active_in[class_id].append(sid)
    filled: set[int] = set()
    # 毕业 first (the top grades empty), then each grade into the one above, top down
    for level in reversed(levels):
        outcome = school.outcome(level)
        for number, school_class in sorted(school.classes.get(level, {}).items()):
            students = active_in.get(school_class.id, [])
            if outcome is not GradeOutcome.MOVE_UP:
                details = {
                    "班级": school_class.name,
                    "班主任": school_class.head_teacher or "",
                    "学段": "小学" if level <= 6 else ("初中" if level <= 9 else "普通高中"),
                }
                for sid in students:
                    change(sid, "graduation", ACTIVE, GRADUATED, "待审核", details)
                if outcome is GradeOutcome.GRADUATE:
                    graduate_ids += students
                    _graduate_class(session, school_class.id, now)
                    continue
            target = _class_above(session, school, level, number)
            for sid in students:
                if outcome is GradeOutcome.GRADUATE_AND_CONTINUE:
                    change(sid, "continuation", GRADUATED, ACTIVE, "待审核", {"升入": target.name})
                else:
                    change(
                        sid,
                        "promotion",
                        ACTIVE,
                        ACTIVE,
                        PROMOTION_STATE,
                        {"从": school_class.name, "到": target.name},
                    )
            _move_class(
                session,
                school_class.id,
                target.id,
                now,
                continuation=plan.terms.term1_start
                if outcome is GradeOutcome.GRADUATE_AND_CONTINUE
                else None,
            )
            target.head_teacher = school_class.head_teacher  # the 班主任 goes up with the class
            filled.add(target.id)
    for level in levels:  # a class no class moved up into has no 班主任 for its new students yet
        for school_class in school.classes.get(level, {}).values():
            if school_class.id not in filled and school.outcome(level - 1) is GradeOutcome.MOVE_UP:
                school_class.head_teacher = None
    for level in rules.starting_levels(school.stage, school.levels):
        _prepare_starting_grade(session, school, level, plan.starting_classes.get(level, 0))
    for chunk in _chunks(changes, 5000):
        session.execute(insert(cast(Table, StatusChange.__table__)), chunk)
    session.execute(update(SchoolYear).values(is_current=False))
    session.add(
        SchoolYear(
            start_year=plan.new_year,
            term1_start=plan.terms.term1_start,
            term1_end=plan.terms.term1_end,
            term2_start=plan.terms.term2_start,
            term2_end=plan.terms.term2_end,
            is_current=True,
        )
    )
    session.flush()
    stayed = session.scalar(select(func.count(Student.id)).where(Student.status == SUSPENDED)) or 0
    counts = Counter(c["kind"] for c in changes)
    continued = counts["continuation"]
    return counts["graduation"] - continued, continued, counts["promotion"], stayed, graduate_ids


def _class_above(session: Session, school: _School, level: int, number: int) -> SchoolClass:
    """Class `number` of the grade above, made when the grade above has fewer classes."""
    above = school.classes.setdefault(level + 1, {})
    if number not in above:
        name = default_class_name(school.grade_names[level + 1], number)
        above[number] = SchoolClass(grade_id=school.grade_ids[level + 1], number=number, name=name)
        session.add(above[number])
        session.flush()
        school.class_level[above[number].id] = level + 1
    return above[number]


def _prepare_starting_grade(session: Session, school: _School, level: int, wanted: int) -> None:
    """The starting grade's classes for the newcomers: numbered 1…wanted, without a 班主任 yet. A class beyond `wanted`
    is removed only if no student, past or present, was ever in it (its history stays otherwise)."""
    classes = school.classes.setdefault(level, {})
    for school_class in classes.values():
        school_class.head_teacher = None
    for number in range(1, wanted + 1):
        if number not in classes:
            classes[number] = SchoolClass(
                grade_id=school.grade_ids[level],
                number=number,
                name=default_class_name(school.grade_names[level], number),
            )
            session.add(classes[number])
    for number in sorted(n for n in classes if n > wanted):
        school_class = classes[number]
        if school_class.id is None:
            continue
        used = session.scalar(select(Student.id).where(Student.school_class_id == school_class.id).limit(1))
        if used is None:
            session.delete(school_class)
            del classes[number]
    session.flush()


_STUDENTS = cast(Table, Student.__table__)  # Core statements: one per class, no ORM bookkeeping per row


def _graduate_class(session: Session, class_id: int, now: datetime) -> None:
    """毕业: the class's students 在读 (the suspended stay 休学 with it)."""
    session.execute(
        update(_STUDENTS)
        .where(_STUDENTS.c.school_class_id == class_id, _STUDENTS.c.status == ACTIVE)
        .values(status=GRADUATED, updated_at=now)
    )


def _move_class(
    session: Session, class_id: int, target_id: int, now: datetime, *, continuation: date | None = None
) -> None:
    """升级: the class's students 在读 into the class above (run top down, so no one moves twice). A class going on
    from primary into 初一 (`continuation`: the new term's first day) is tracked to 第十五条's 30 days of 新生学籍转接
    (R15.1) like a 转接 from another school."""
    values: dict[str, Any] = {"school_class_id": target_id, "updated_at": now}
    if continuation is not None:
        values |= {"enrolment_step": CONTINUATION_START, "enrolment_date": continuation}
    session.execute(
        update(_STUDENTS)
        .where(_STUDENTS.c.school_class_id == class_id, _STUDENTS.c.status == ACTIVE)
        .values(**values)
    )


def _chunks(values: list, size: int) -> list[list]:
    return [values[i : i + size] for i in range(0, len(values), size)]


# --- undo ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Undoable:
    """The year end that can be undone, or why none can."""

    ended_year: int | None
    refusal: str  # empty when it can be undone

    @property
    def name(self) -> str:
        return school_year_name(self.ended_year) if self.ended_year is not None else ""


def undoable(store: Store) -> Undoable:
    """Whether the last year end can be undone: only while it is the newest thing the audit trail records."""
    with store.read() as session:
        last = session.scalar(select(YearEnd).order_by(YearEnd.id.desc()).limit(1))
        if last is None:
            return Undoable(None, "还没有办理过学年结束，无可撤销")
        newest = session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
        if newest is None or newest.action != RUN_ACTION:
            what = audit_label(newest.action) if newest is not None else ""
            return Undoable(
                last.ended_year,
                f"{school_year_name(last.ended_year)}的学年结束之后已有新的操作（{what}，"
                f"{newest.at:%Y-%m-%d %H:%M}），不能再撤销"
                if newest is not None
                else "审计记录缺失，不能撤销",
            )
        if not (store.folder.root / last.backup_file).exists():
            return Undoable(last.ended_year, f"学年结束前的备份文件 {last.backup_file} 不见了，不能撤销")
        return Undoable(last.ended_year, "")


def audit_label(action: str) -> str:
    from xueji_desktop.services.history import ACTION_NAMES

    return ACTION_NAMES.get(action, "其他操作")  # never the action's code in front of the clerk


def undo(store: Store) -> str:
    """Put back the backup taken just before the last year end: every table exactly as it was; then the audit trail
    records that the year end was undone. Returns the 学年's name."""
    can = undoable(store)
    if can.refusal:
        raise InvalidInput(can.refusal)
    with store.read() as session:
        last = session.scalar(select(YearEnd).order_by(YearEnd.id.desc()).limit(1))
        if last is None:
            raise NotFound("还没有办理过学年结束")
        backup = store.folder.root / last.backup_file
        ended, done_on, summary = last.ended_year, last.effective_date, json.loads(last.summary)
    store.restore_in_place(backup)
    with store.transaction() as session:
        audit.record(
            session,
            UNDO_ACTION,
            "school_year",
            None,
            {
                "撤销学年结束": [f"{school_year_name(ended)}（{done_on:%Y-%m-%d}办理）", None],
                **{k: [v, 0] for k, v in summary.items()},
            },
        )
    return school_year_name(ended)
