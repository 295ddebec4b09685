"""体质健康 (第二十九条, R29.1): each 学年's 《国家学生体质健康标准》 results imported from Excel, 体育免修 recorded with
its reason and proof, a student's results for the screen, and who may receive the 毕业证书 and why not.

Importing is plan, then commit (as for new students): `plan_import` reads the file (spreadsheets/reader.py) and checks
every row — the student known by 身份证件号 or 学籍号, the 学年, the 总分 (0 to 120: 标准分 plus 加分), the 等级
(优秀/良好/及格/不及格, and the one the standard gives that 总分) — without writing; `commit_import` writes the rows
in one transaction with one audit entry, and refuses a file with errors unless the clerk asks for the valid rows only.
The problems are CellProblems, so spreadsheets/error_workbook.py writes them back into the file's own rows.

Results and exemptions are append-only (models/fitness.py): a corrected result is a newer row, and the newest row of a
student and 学年 is in force. The diploma is decided by rules/graduation.py `check_diploma_fitness`; the year end
(issue 12, §4) asks `diploma_eligibility` for its graduates; docs/regulation/graduation-reading.md is the reading of
chapter 7 (结业, 肄业) it follows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from xueji_desktop.errors import InvalidInput, NotFound
from xueji_desktop.models import FitnessResult, PeExemption, SchoolYear, Student
from xueji_desktop.models.terms import school_year_name
from xueji_desktop.rules import proofs
from xueji_desktop.rules.findings import Finding
from xueji_desktop.rules.graduation import (
    FITNESS_GRADES,
    FITNESS_MAX_TOTAL,
    check_diploma_fitness,
    fitness_grade,
    graduation_fitness_score,
)
from xueji_desktop.rules.identity import normalise_id_number
from xueji_desktop.services import audit
from xueji_desktop.services.attachments import ProofFile, keep_proof
from xueji_desktop.spreadsheets.errors import ImportFileError
from xueji_desktop.spreadsheets.normalise import CellProblem
from xueji_desktop.spreadsheets.reader import SheetTable, list_sheets, read_table
from xueji_desktop.store import Store

__all__ = [
    "DiplomaEligibility",
    "Exemption",
    "ImportPlan",
    "ImportResult",
    "PlannedResult",
    "Result",
    "StudentFitness",
    "commit_import",
    "diploma_eligibility",
    "exemption_years",
    "parse_school_year",
    "plan_import",
    "record_exemption",
    "results_of",
]

ENTITY = "fitness_result"
ACTION_IMPORT = "fitness.import"
ACTION_EXEMPT = "fitness.exempt"
EXEMPTION_PROOF = proofs.PE_EXEMPTION_PROOF  # the standard's 「经医疗单位证明」, a kind of its own
DIPLOMA = "毕业证书"
NO_DIPLOMA = "结业（未发毕业证书）"  # docs/regulation/graduation-reading.md

# the columns, by the names provincial and district exports give them
ID_NUMBER = "身份证件号"
NATIONAL_ID = "学籍号"
YEAR = "学年"
TOTAL = "总分"
GRADE = "等级"
_ALIASES = {
    ID_NUMBER: ("身份证件号", "身份证件号码", "身份证号", "身份证号码", "证件号码", "证件号"),
    NATIONAL_ID: ("学籍号", "全国学籍号", "学籍号码", "学籍辅号"),
    YEAR: ("学年", "学年度", "测试学年"),
    TOTAL: ("总分", "学年总分", "测试总分", "综合成绩", "总成绩"),
    GRADE: ("等级", "总分等级", "评定等级", "综合评定", "等级评定"),
}
_COLUMN_OF_HEADER = {alias: column for column, aliases in _ALIASES.items() for alias in aliases}
_YEAR = re.compile(r"^(\d{4})\s*(?:[-—–~－至到/]\s*(\d{4}))?\s*(?:学年度?|年度?)?$")


# --- reading a file ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlannedResult:
    row_number: int
    student_id: int
    name: str
    school_year: int
    total_score: float
    grade: str


@dataclass(slots=True)
class ImportPlan:
    path: Path
    table: SheetTable
    rows: list[PlannedResult]  # the rows without errors
    problems: list[CellProblem]
    unchanged_rows: set[int] = field(default_factory=set)  # the same result as the one in force already
    sheet_names: list[str] = field(default_factory=list)  # the workbook's sheets, for the wizard's choice

    @property
    def error_rows(self) -> set[int]:
        return {problem.row_number for problem in self.problems}

    @property
    def new_rows(self) -> list[PlannedResult]:
        return [row for row in self.rows if row.row_number not in self.unchanged_rows]


@dataclass(frozen=True, slots=True)
class ImportResult:
    recorded: int
    unchanged: int
    skipped_rows: tuple[int, ...]


def _header_column(header: str) -> str | None:
    return _COLUMN_OF_HEADER.get(re.sub(r"\s+", "", str(header)).removesuffix("*"))


def parse_school_year(value: object) -> int | None:
    """The 学年's first year from 2026, 「2026-2027」, 「2026-2027学年」, 「2026—2027学年度」; None when it is none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if float(value).is_integer() and 2000 <= value <= 2100:
            return int(value)
        return None
    match = _YEAR.match(re.sub(r"\s+", "", str(value)))
    if not match:
        return None
    first = int(match.group(1))
    if match.group(2) is not None and int(match.group(2)) != first + 1:
        return None
    return first if 2000 <= first <= 2100 else None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _number(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def plan_import(store: Store, path: Path, *, sheet: str | None = None) -> ImportPlan:
    """Read and check the file; nothing is written. A file without the needed columns is refused (ImportFileError)."""
    path = Path(path)
    table = read_table(
        path,
        sheet,
        is_header=lambda header: _header_column(header) is not None,
        expected_headers=tuple(_ALIASES),
    )
    index: dict[str, int] = {}
    for position, header in enumerate(table.headers):
        column = _header_column(header)
        if column is not None and column not in index:
            index[column] = position
    missing = [column for column in (YEAR, TOTAL, GRADE) if column not in index]
    if ID_NUMBER not in index and NATIONAL_ID not in index:
        missing.insert(0, f"{ID_NUMBER}或{NATIONAL_ID}")
    if missing:
        raise ImportFileError(
            f"“{path.name}”缺少列：{'、'.join(missing)}；体质健康成绩应有身份证件号（或学籍号）、学年、总分、等级各列",
            code="missing_columns",
        )
    with store.read() as session:
        students = session.execute(
            select(Student.id, Student.name, Student.id_number, Student.national_student_id)
        )
        by_id_number: dict[str, tuple[int, str]] = {}
        by_national_id: dict[str, tuple[int, str]] = {}
        for student_id, name, id_number, national_id in students:
            if id_number:
                by_id_number[id_number.upper()] = (student_id, name)
            if national_id:
                by_national_id[national_id.upper()] = (student_id, name)
        in_force = {
            key: (row.total_score, row.grade) for key, row in _results_in_force(session, None).items()
        }

    plan = ImportPlan(path=path, table=table, rows=[], problems=[], sheet_names=list_sheets(path))
    seen: dict[tuple[int, int], int] = {}
    for row in table.rows:
        values = {column: row.cells[i] if i < len(row.cells) else None for column, i in index.items()}
        cell = values.get
        problem = partial(_add_problem, plan, index, row.row_number, values)

        before = len(plan.problems)
        student = _student_of(
            cell(ID_NUMBER), cell(NATIONAL_ID), by_id_number, by_national_id, index, problem
        )
        year = parse_school_year(cell(YEAR)) if cell(YEAR) is not None else None
        if year is None:
            problem(YEAR, "学年不正确" if cell(YEAR) is not None else "学年为空", "如 2026-2027学年 或 2026")
        total = _number(cell(TOTAL))
        if total is None:
            problem(TOTAL, "总分不是数字" if cell(TOTAL) is not None else "总分为空", "填写测试总分，如 78.5")
        elif not 0 <= total <= FITNESS_MAX_TOTAL:
            problem(
                TOTAL,
                f"总分应在 0 到 {FITNESS_MAX_TOTAL:g} 之间",
                "《国家学生体质健康标准》总分为标准分与加分之和",
            )
            total = None
        grade = re.sub(r"\s+", "", _text(cell(GRADE)))
        if grade not in FITNESS_GRADES:
            problem(GRADE, "等级为空" if not grade else "等级不正确", "填写 优秀、良好、及格 或 不及格")
        elif total is not None and fitness_grade(total) != grade:
            problem(GRADE, f"等级与总分不符：{total:g} 分应为“{fitness_grade(total)}”", "请核对总分和等级")
        if student is not None and year is not None:
            earlier = seen.setdefault((student[0], year), row.row_number)
            if earlier != row.row_number:
                problem(YEAR, f"与第 {earlier} 行是同一学生同一学年的成绩", "每名学生每学年只保留一行")
        if len(plan.problems) > before or student is None or year is None or total is None:
            continue
        planned = PlannedResult(row.row_number, student[0], student[1], year, total, grade)
        plan.rows.append(planned)
        if in_force.get((planned.student_id, year)) == (total, grade):
            plan.unchanged_rows.add(row.row_number)
    return plan


def _add_problem(
    plan: ImportPlan,
    index: dict[str, int],
    row_number: int,
    values: dict[str, object],
    column: str,
    message: str,
    hint: str = "",
) -> None:
    plan.problems.append(
        CellProblem(
            row_number,
            plan.table.headers[index[column]],
            _text(values.get(column)),
            message,
            hint,
            column=index[column],
        )
    )


def _student_of(
    id_value, national_value, by_id_number, by_national_id, index, problem
) -> tuple[int, str] | None:
    id_text = normalise_id_number(_text(id_value)) if _text(id_value) else ""
    national_text = _text(national_value).upper()
    by_id = by_id_number.get(id_text.upper()) if id_text else None
    by_national = by_national_id.get(national_text) if national_text else None
    if not id_text and not national_text:
        problem(
            ID_NUMBER if ID_NUMBER in index else NATIONAL_ID, "身份证件号和学籍号都为空", "至少填写其中一项"
        )
        return None
    if id_text and by_id is None:
        problem(ID_NUMBER, "本校没有身份证件号为此的学生", "请核对身份证件号，或先在名册中登记该学生")
        return None
    if national_text and by_national is None and by_id is None:
        problem(NATIONAL_ID, "本校没有学籍号为此的学生", "请核对学籍号，或先在名册中登记该学生")
        return None
    if by_id is not None and by_national is not None and by_id != by_national:
        problem(
            NATIONAL_ID, f"学籍号属于{by_national[1]}，与身份证件号（{by_id[1]}）不是同一学生", "请核对两列"
        )
        return None
    return by_id or by_national


def commit_import(store: Store, plan: ImportPlan, *, valid_only: bool = False) -> ImportResult:
    """Write the planned results in one transaction with one audit entry. A file with errors is refused (nothing is
    written) unless `valid_only`: then the rows without errors are written and the others skipped."""
    if plan.problems and not valid_only:
        raise InvalidInput(
            f"“{plan.path.name}”有 {len(plan.problems)} 处错误（{len(plan.error_rows)} 行），没有导入任何成绩",
            hint="改正后重新导入，或只导入没有错误的行",
        )
    rows = plan.new_rows
    with store.transaction() as session:
        actor, now = audit.actor(session), datetime.now()
        session.add_all(
            FitnessResult(
                student_id=row.student_id,
                school_year=row.school_year,
                total_score=row.total_score,
                grade=row.grade,
                source=plan.path.name[:260],
                actor=actor,
                created_at=now,
            )
            for row in rows
        )
        audit.record(
            session,
            ACTION_IMPORT,
            ENTITY,
            None,
            {
                "文件": [None, plan.path.name],
                "导入成绩条数": [None, len(rows)],
                "跳过有错误的行": [None, len(plan.error_rows)],
            },
        )
    return ImportResult(len(rows), len(plan.unchanged_rows), tuple(sorted(plan.error_rows)))


# --- 体育免修 ----------------------------------------------------------------------------------------------------------


def record_exemption(
    store: Store,
    student_id: int,
    school_year: int,
    reason: str,
    proof: Path | None = None,
    *,
    exempt: bool = True,
) -> int:
    """Record 体育免修 for a 学年 (or, `exempt=False`, withdraw it) with its reason and, when given, the proof (a
    medical unit's certificate, kept as an attachment); a new row, the newest of the student and 学年 in force."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请填写体育免修的原因" if exempt else "请填写取消体育免修的原因")
    if exempt and proof is None:
        raise InvalidInput("体育免修须附医疗单位的证明（扫描件或照片）")
    if parse_school_year(school_year) is None:
        raise InvalidInput(f"学年不正确：{school_year}")
    with store.transaction() as session:
        student = session.get(Student, student_id)
        if student is None:
            raise NotFound(f"没有编号为 {student_id} 的学生")
        attachment_id = None
        if proof is not None:
            attachment_id = keep_proof(
                session, store.folder, ProofFile(EXEMPTION_PROOF, Path(proof)), student_id=student_id
            ).id
        row = audit.kept(
            session,
            PeExemption(
                student_id=student_id,
                school_year=school_year,
                exempt=exempt,
                reason=reason[:500],
                attachment_id=attachment_id,
            ),
        )
        audit.record(
            session,
            ACTION_EXEMPT,
            "student",
            student_id,
            {
                f"体育免修（{school_year_name(school_year)}）": [
                    None,
                    ("免修：" if exempt else "取消免修：") + reason,
                ]
            },
        )
        return row.id


# --- reading --------------------------------------------------------------------------------------------------------


def exemption_years(store: Store, student_id: int) -> tuple[int | None, list[int]]:
    """The 学年 a 体育免修 may be recorded for, newest first — the school's 学年 and those the student has a result or
    an exemption in — and the school's current one (the dialog's default; None before any is set)."""
    with store.read() as session:
        current = session.scalar(select(SchoolYear.start_year).where(SchoolYear.is_current))
        years = set(session.scalars(select(SchoolYear.start_year)))
        years |= set(
            session.scalars(select(FitnessResult.school_year).where(FitnessResult.student_id == student_id))
        )
        years |= set(
            session.scalars(select(PeExemption.school_year).where(PeExemption.student_id == student_id))
        )
    return current, sorted(years, reverse=True)


@dataclass(frozen=True, slots=True)
class Result:
    school_year: int
    total_score: float
    grade: str
    source: str
    recorded_at: datetime
    corrections: int  # earlier rows of the same 学年 this one replaced

    @property
    def year_name(self) -> str:
        return school_year_name(self.school_year)


@dataclass(frozen=True, slots=True)
class Exemption:
    school_year: int
    reason: str
    attachment_id: int | None
    recorded_at: datetime

    @property
    def year_name(self) -> str:
        return school_year_name(self.school_year)


@dataclass(frozen=True, slots=True)
class StudentFitness:
    results: tuple[Result, ...]  # in force, newest 学年 first
    exemptions: tuple[Exemption, ...]  # in force, newest 学年 first


def _results_in_force(
    session: Session, student_ids: Sequence[int] | None
) -> dict[tuple[int, int], FitnessResult]:
    query = select(FitnessResult).order_by(FitnessResult.id)
    if student_ids is not None:
        query = query.where(FitnessResult.student_id.in_(student_ids))
    return {(row.student_id, row.school_year): row for row in session.scalars(query)}


def _exemptions_in_force(session: Session, student_ids: Sequence[int]) -> dict[tuple[int, int], PeExemption]:
    query = select(PeExemption).where(PeExemption.student_id.in_(student_ids)).order_by(PeExemption.id)
    found = {(row.student_id, row.school_year): row for row in session.scalars(query)}
    return {key: row for key, row in found.items() if row.exempt}


def results_of(store: Store, student_id: int) -> StudentFitness:
    """A student's results and 体育免修 in force, newest 学年 first (for the student dialog)."""
    with store.read() as session:
        if session.get(Student, student_id) is None:
            raise NotFound(f"没有编号为 {student_id} 的学生")
        rows = session.scalars(
            select(FitnessResult).where(FitnessResult.student_id == student_id).order_by(FitnessResult.id)
        ).all()
        counts: dict[int, int] = {}
        for row in rows:
            counts[row.school_year] = counts.get(row.school_year, 0) + 1
        results = _results_in_force(session, [student_id])
        exemptions = _exemptions_in_force(session, [student_id])
        return StudentFitness(
            results=tuple(
                Result(
                    r.school_year, r.total_score, r.grade, r.source, r.created_at, counts[r.school_year] - 1
                )
                for (_, _), r in sorted(results.items(), key=lambda item: -item[0][1])
            ),
            exemptions=tuple(
                Exemption(e.school_year, e.reason, e.attachment_id, e.created_at)
                for (_, _), e in sorted(exemptions.items(), key=lambda item: -item[0][1])
            ),
        )


@dataclass(frozen=True, slots=True)
class DiplomaEligibility:
    """R29.1 for one student: may he receive the 毕业证书, and if not, why (the findings name 第二十九条)."""

    student_id: int
    name: str
    school_year: int  # the graduating 学年
    score: float | None  # the standard's graduation score; None without a result for the graduating 学年
    exempt: bool
    findings: tuple[Finding, ...]

    @property
    def may_receive(self) -> bool:
        return not any(finding.blocks for finding in self.findings)

    @property
    def outcome(self) -> str:
        return DIPLOMA if self.may_receive else NO_DIPLOMA

    @property
    def reason(self) -> str:
        """One line for a list: 「体育免修」, 「毕业成绩 72.5 分」, or the finding naming the article."""
        if not self.may_receive:
            return "；".join(finding.text for finding in self.findings)
        return "体育免修" if self.exempt else f"体质健康毕业成绩 {self.score:.1f} 分"


def diploma_eligibility(
    store: Store, student_ids: Sequence[int], *, school_year: int | None = None
) -> list[DiplomaEligibility]:
    """R29.1 for each student, in the order given: the graduating 学年 is `school_year`, or the school's current one.
    Reads only; the 套打 list asks it for its graduates."""
    with store.read() as session:
        return eligibility_in(session, student_ids, school_year=school_year)


def eligibility_in(
    session: Session, student_ids: Sequence[int], *, school_year: int | None = None
) -> list[DiplomaEligibility]:
    """`diploma_eligibility` in a session the caller holds (the year end's preview reads it with everything else)."""
    if school_year is None:
        current = session.scalar(
            select(SchoolYear.start_year).order_by(SchoolYear.is_current.desc(), SchoolYear.start_year.desc())
        )
        if current is None:
            raise InvalidInput("尚未设置学年，无法判断毕业学年")
        school_year = current
    names = dict(
        session.execute(select(Student.id, Student.name).where(Student.id.in_(student_ids))).tuples().all()
    )
    totals: dict[int, dict[int, float]] = {}
    for (student_id, year), row in _results_in_force(session, student_ids).items():
        totals.setdefault(student_id, {})[year] = row.total_score
    exemptions = set(_exemptions_in_force(session, student_ids))
    found = []
    for student_id in student_ids:
        if student_id not in names:
            raise NotFound(f"没有编号为 {student_id} 的学生")
        mine = totals.get(student_id, {})
        exempt = (student_id, school_year) in exemptions
        findings = check_diploma_fitness(mine, school_year, exempt, school_year_name(school_year))
        found.append(
            DiplomaEligibility(
                student_id,
                names[student_id],
                school_year,
                graduation_fitness_score(mine, school_year),
                exempt,
                tuple(findings),
            )
        )
    return found
