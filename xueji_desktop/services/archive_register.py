"""The archive's two registers: 查阅登记 (R35.1) — every consultation of the records, refused without its basis — and
where each paper archive file is kept (R5.1: the app is the electronic index of the paper archive).

Both are append-only. A consultation is checked by rules.confidentiality before anything is written; a refusal writes
nothing. A paper file moved is a new row: the newest row of a (student, item) is its place, the older ones its history.
An ID number shown as the basis of a consultation is stored as typed and masked wherever it is shown or exported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from xueji_desktop.errors import InvalidInput, NotFound
from xueji_desktop.models import PaperArchivePlace, RecordConsultation, School, Student
from xueji_desktop.rules.confidentiality import GUARDIAN_BASES, check_consultation
from xueji_desktop.rules.findings import RuleViolation
from xueji_desktop.rules.identity import mask_id_number, normalise_id_number
from xueji_desktop.services import audit
from xueji_desktop.spreadsheets.saving import UNWRITABLE, save_workbook
from xueji_desktop.store import Store

SCHOOL_ARCHIVE = "学校学籍档案"
STUDENT_ARCHIVE = "学生学籍档案"
# what the paper archives hold (第六条 for the school's, 第十条 for a student's): offered, the clerk may type others
SCHOOL_ITEMS = (
    "在校生分班名册",
    "学生转学申请及相关证明材料",
    "学生休学、复学、退学材料",
    "毕业生花名册",
    "初一、高一新生录取花名册",
    "学生奖励处分材料",
)
STUDENT_ITEMS = (
    STUDENT_ARCHIVE,
    "学生基本信息表（签字）",
    "户籍证明",
    "综合素质评价报告",
    "体质健康测试及健康检查材料",
    "奖励、处分材料",
)
EXPORT_HEADERS = (
    "日期",
    "查阅人",
    "单位",
    "依据",
    "依据编号",
    "学生",
    "查阅内容",
    "是否复制带出",
    "批准文号",
    "经办人",
)
EXPORT_WIDTHS = (12, 10, 22, 18, 22, 10, 30, 12, 22, 10)
NO_STUDENT = "（不限于某一学生）"
_ID_NUMBER = re.compile(r"[0-9]{17}[0-9X]|[0-9]{15}")
_SPACES = re.compile(r"\s+")


class ArchiveRegisterError(InvalidInput):
    """Nothing was written; the message says what is missing, in Chinese."""


@dataclass(frozen=True, slots=True)
class Consultation:
    """One entry of the 查阅登记簿, as stored (basis_number as typed: show basis_number_shown)."""

    id: int
    on: date
    visitor: str
    organisation: str
    basis: str
    basis_number: str
    student_id: int | None
    student_name: str
    what: str
    copies_out: bool
    approval_number: str
    actor: str
    created_at: datetime

    @property
    def basis_number_shown(self) -> str:
        return masked_basis_number(self.basis, self.basis_number)


@dataclass(frozen=True, slots=True)
class PlaceEntry:
    """One place a paper file was registered at."""

    id: int
    place: str
    actor: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class PaperPlace:
    """A paper file and the place in force (the newest entry); `history` holds every entry, newest first."""

    student_id: int | None
    student_name: str
    item: str
    history: tuple[PlaceEntry, ...]

    @property
    def archive(self) -> str:
        return SCHOOL_ARCHIVE if self.student_id is None else STUDENT_ARCHIVE

    @property
    def current(self) -> PlaceEntry:
        return self.history[0]

    @property
    def place(self) -> str:
        return self.current.place


def masked_basis_number(basis: str, number: str | None) -> str:
    """The basis number as shown on screens and paper: an ID number (the guardian's, or one that looks like it)
    masked as GB/T 35273 asks; a 介绍信 number as it is."""
    text = (number or "").strip()
    if not text:
        return ""
    normalised = normalise_id_number(text)
    if basis in GUARDIAN_BASES or _ID_NUMBER.fullmatch(normalised):
        return mask_id_number(normalised)
    return text


def _clean(text: str | None) -> str:
    return _SPACES.sub(" ", text or "").strip()


def _student_name(session: Session, student_id: int | None) -> str:
    if student_id is None:
        return ""
    name = session.scalar(select(Student.name).where(Student.id == student_id))
    if name is None:
        raise NotFound(f"没有编号为 {student_id} 的学生")
    return name


def register_consultation(
    store: Store,
    *,
    on: date,
    visitor: str,
    basis: str,
    what: str,
    organisation: str | None = None,
    basis_number: str | None = None,
    student_id: int | None = None,
    copies_out: bool = False,
    approval_number: str | None = None,
) -> int:
    """Register one consultation (R35.1) and its audit event in one transaction; returns its id. Refused by
    RuleViolation (no basis, a 介绍信 without its organisation, copies without the authority's written approval) or
    ArchiveRegisterError (who or what missing) — nothing is written then."""
    findings = check_consultation(basis, organisation, copies_out, approval_number)
    if findings:
        raise RuleViolation(findings)
    visitor, what = _clean(visitor), (what or "").strip()
    if not visitor:
        raise ArchiveRegisterError("请填写查阅人姓名")
    if not what:
        raise ArchiveRegisterError("请填写查阅内容")
    with store.transaction() as session:
        student_name = _student_name(session, student_id)
        row = RecordConsultation(
            on=on,
            visitor=visitor,
            organisation=_clean(organisation) or None,
            basis=basis.strip(),
            basis_number=(basis_number or "").strip() or None,
            student_id=student_id,
            what=what,
            copies_out=bool(copies_out),
            approval_number=_clean(approval_number) or None,
        )
        audit.kept(session, row)
        changes = {
            "查阅登记": [None, f"#{row.id}"],
            "日期": [None, on.isoformat()],
            "查阅人": [None, visitor],
            "单位": [None, row.organisation],
            "依据": [None, row.basis],
            "依据编号": [None, masked_basis_number(row.basis, row.basis_number)],
            "学生": [None, student_name or NO_STUDENT],
            "查阅内容": [None, what],
            "复制或带出": [None, "是" if copies_out else "否"],
            "批准文号": [None, row.approval_number],
        }
        if student_id is None:
            audit.record(session, "consultation.register", "school", None, changes)
        else:
            audit.record(session, "consultation.register", "student", student_id, changes)
        return row.id


def consultations(store: Store, *, student_id: int | None = None) -> list[Consultation]:
    """The register, newest first (by the date of the consultation, then by entry); only one student's if asked."""
    with store.read() as session:
        return _consultations(session, student_id, newest_first=True)


def _consultations(session: Session, student_id: int | None, *, newest_first: bool) -> list[Consultation]:
    query = select(RecordConsultation, Student.name).outerjoin(
        Student, Student.id == RecordConsultation.student_id
    )
    if student_id is not None:
        query = query.where(RecordConsultation.student_id == student_id)
    if newest_first:
        query = query.order_by(RecordConsultation.on.desc(), RecordConsultation.id.desc())
    else:
        query = query.order_by(RecordConsultation.on, RecordConsultation.id)
    return [
        Consultation(
            row.id,
            row.on,
            row.visitor,
            row.organisation or "",
            row.basis,
            row.basis_number or "",
            row.student_id,
            name or "",
            row.what,
            row.copies_out,
            row.approval_number or "",
            row.actor,
            row.created_at,
        )
        for row, name in session.execute(query)
    ]


def set_paper_place(store: Store, *, student_id: int | None, item: str, place: str) -> int:
    """Register where a paper file is kept (R5.1) — a school-archive item when student_id is None — or that it moved;
    returns the new entry's id. The earlier place stays in its history."""
    item, place = _clean(item), _clean(place)
    if not item:
        raise ArchiveRegisterError("请填写档案材料名称")
    if not place:
        raise ArchiveRegisterError(f"请填写“{item}”的存放位置")
    with store.transaction() as session:
        student_name = _student_name(session, student_id)
        before = session.scalar(
            select(PaperArchivePlace.place)
            .where(_same_student(student_id), PaperArchivePlace.item == item)
            .order_by(PaperArchivePlace.id.desc())
            .limit(1)
        )
        if before == place:
            raise ArchiveRegisterError(f"“{item}”已登记存放在 {place}，位置没有变化")
        row = audit.kept(session, PaperArchivePlace(student_id=student_id, item=item, place=place))
        label = f"{student_name}·{item}" if student_name else f"{SCHOOL_ARCHIVE}·{item}"
        audit.record(
            session,
            "archive.place",
            "student" if student_id is not None else "school",
            student_id,
            {f"纸质档案存放位置（{label}）": [before, place]},
        )
        return row.id


def _same_student(student_id: int | None):
    if student_id is None:
        return PaperArchivePlace.student_id.is_(None)
    return PaperArchivePlace.student_id == student_id


def paper_places(store: Store, *, student_id: int | None = None) -> list[PaperPlace]:
    """Every paper file with the place in force and its history of moves: the school archive's items first, then the
    students' in 拼音 order of their names; only one student's items if asked."""
    query = select(PaperArchivePlace, Student.name, Student.pinyin_key).outerjoin(
        Student, Student.id == PaperArchivePlace.student_id
    )
    if student_id is not None:
        query = query.where(PaperArchivePlace.student_id == student_id)
    entries: dict[tuple[int | None, str], list[PlaceEntry]] = {}
    names: dict[int | None, tuple[str, str]] = {}
    with store.read() as session:
        for row, name, pinyin in session.execute(query.order_by(PaperArchivePlace.id.desc())):
            entries.setdefault((row.student_id, row.item), []).append(
                PlaceEntry(row.id, row.place, row.actor, row.created_at)
            )
            names[row.student_id] = (name or "", pinyin or "")
    order = sorted(entries, key=lambda key: (key[0] is not None, names[key[0]][1], key[0] or 0, key[1]))
    return [PaperPlace(sid, names[sid][0], item, tuple(entries[sid, item])) for sid, item in order]


def export_consultations(store: Store, out: Path) -> Path:
    """The 查阅登记簿 as an .xlsx for the paper archive: every consultation in date order, ID numbers masked, every
    value kept as text (a name typed as =… never becomes a formula). Written to a temporary file, then moved."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    with store.read() as session:
        school = session.scalar(select(School.name).limit(1)) or ""
        rows = _consultations(session, None, newest_first=False)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "查阅登记簿"
    title = sheet.cell(row=1, column=1, value=f"{school}学生学籍信息查阅登记簿".strip())
    title.font = Font(bold=True, size=14)
    title.alignment = Alignment(horizontal="center", vertical="center")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(EXPORT_HEADERS))
    sheet.row_dimensions[1].height = 28
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for column, (header, width) in enumerate(zip(EXPORT_HEADERS, EXPORT_WIDTHS, strict=True), start=1):
        cell = sheet.cell(row=2, column=column, value=header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.border = border
        sheet.column_dimensions[cell.column_letter].width = width
    for number, entry in enumerate(rows, start=3):
        values = (
            entry.on.isoformat(),
            entry.visitor,
            entry.organisation,
            entry.basis,
            entry.basis_number_shown,
            entry.student_name or NO_STUDENT,
            entry.what,
            "是" if entry.copies_out else "否",
            entry.approval_number,
            entry.actor,
        )
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=number, column=column)
            cell.value = UNWRITABLE.sub("", value)
            cell.data_type = "s"  # text, always: =… typed by a visitor stays text (RELIABILITY.md, T11)
            cell.number_format = "@"
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.border = border
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    return save_workbook(workbook, out)
