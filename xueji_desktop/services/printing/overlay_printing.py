"""套打 (printing onto the authority's pre-printed blanks): the values of each graduate's 毕业证书, the calibration page,
and each printer's offset, measured once and remembered (as a setting row: append-only, the newest in force)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from xueji_desktop.documents import overlay
from xueji_desktop.documents.files import placed
from xueji_desktop.documents.overlay import Offset
from xueji_desktop.errors import InvalidInput, NotFound
from xueji_desktop.models import CertificateIssue, DocumentSetting, School, StatusChange, Student
from xueji_desktop.rules.findings import RuleViolation, block
from xueji_desktop.services import audit
from xueji_desktop.store import Store

OFFSET_KEY = "printer_offset:"
DIPLOMA = "diploma"  # the 开具记录 kind of a numbered 毕业证书
YEARS_OF_STUDY = {"primary": "六", "junior": "三", "senior": "三", "nine_year": "九"}


def layouts() -> dict[str, overlay.Layout]:
    """The 套打 layouts the 套打 dialog offers (documents/overlay.py)."""
    return overlay.layouts()


def _key(printer: str) -> str:
    return OFFSET_KEY + (printer.strip() or "默认打印机")[:60]


def printer_offset(store: Store, printer: str) -> Offset:
    """The offset last saved for `printer`; none yet is (0, 0)."""
    with store.read() as session:
        value = session.scalar(
            select(DocumentSetting.value)
            .where(DocumentSetting.key == _key(printer))
            .order_by(DocumentSetting.id.desc())
            .limit(1)
        )
    if not value:
        return Offset()
    saved = json.loads(value)
    return Offset(float(saved["dx"]), float(saved["dy"]))


def save_printer_offset(store: Store, printer: str, offset: Offset) -> None:
    before = printer_offset(store, printer)
    with store.transaction() as session:
        audit.kept(
            session, DocumentSetting(key=_key(printer), value=json.dumps({"dx": offset.dx, "dy": offset.dy}))
        )
        audit.record(
            session,
            "setting.change",
            "document_setting",
            None,
            {
                f"套打偏移（{printer or '默认打印机'}）": [
                    f"{before.dx:g},{before.dy:g}",
                    f"{offset.dx:g},{offset.dy:g}",
                ]
            },
        )


def calibration_page(out: Path, layout_key: str, offset: Offset, printer: str = "") -> Path:
    layout = overlay.layouts()[layout_key]
    with placed(out) as temporary:
        overlay.write_calibration(temporary, layout.page_mm, offset, printer)
    return Path(out)


def diploma_numbers(first: str, count: int) -> list[str]:
    """`count` certificate numbers from `first` on: its last run of digits counts up, keeping its width and whatever
    stands before it (潞小毕2027001 → 潞小毕2027002 …)."""
    match = re.search(r"(\d+)(\D*)$", first.strip())
    if match is None:
        raise InvalidInput(f"证书起始编号应以数字结尾，如 潞小毕2027001：{first}")
    stem, digits, tail = first.strip()[: match.start(1)], match.group(1), match.group(2)
    start = int(digits)
    return [f"{stem}{start + n:0{len(digits)}d}{tail}" for n in range(count)]


def diplomas(
    store: Store,
    student_ids: Sequence[int],
    out: Path,
    *,
    layout_key: str,
    offset: Offset | None = None,
    issued_on: date | None = None,
    first_number: str = "",
) -> int:
    """The values of each graduate's 毕业证书 at the layout's places, one sheet each. Refused, with nothing written, for
    a student who has not graduated, or whom R29.1 gives no certificate (below the 体质健康 standard and not 体育免修).
    With `first_number`, the certificates are numbered in the order given (证书编号, printed where the layout has a
    place for it) and each number is logged against its graduate (开具记录, kind diploma): a number already used is
    refused. Returns the number of sheets."""
    layout = overlay.layouts().get(layout_key)
    if layout is None:
        raise NotFound(f"没有名为 {layout_key} 的套打版式")
    issued_on = issued_on or date.today()
    numbers = diploma_numbers(first_number, len(student_ids)) if first_number.strip() else []
    with store.read() as session:
        school = session.scalar(select(School).limit(1))
        assert school is not None
        students = {s.id: s for s in session.scalars(select(Student).where(Student.id.in_(student_ids)))}
        graduated_on: dict[int, date] = dict(
            session.execute(
                select(StatusChange.student_id, StatusChange.effective_date)
                .where(StatusChange.kind == "graduation", StatusChange.student_id.in_(student_ids))
                .order_by(StatusChange.id)
            )
            .tuples()
            .all()
        )
        sheets = []
        for student_id in student_ids:
            student = students.get(student_id)
            if student is None:
                raise NotFound(f"没有编号为 {student_id} 的学生")
            if student.status != "毕业":
                raise InvalidInput(f"{student.name}当前状态为“{student.status}”，不能打印毕业证书")
            finished = graduated_on.get(student.id, issued_on)
            entry_year, _, entry_month = student.entry_month.partition("-")
            sheets.append(
                {
                    "姓名": student.name,
                    "性别": "男" if student.gender == "1" else "女",
                    "出生年": str(student.birth_date.year),
                    "出生月": str(student.birth_date.month),
                    "出生日": str(student.birth_date.day),
                    "入学年": entry_year,
                    "入学月": str(int(entry_month or 0) or ""),
                    "毕业年": str(finished.year),
                    "毕业月": str(finished.month),
                    "学制": YEARS_OF_STUDY.get(school.stage, ""),
                    "学籍号": student.national_student_id or "",
                    "校长": school.principal,
                    "学校名称": school.name,
                    "发证年": str(issued_on.year),
                    "发证月": str(issued_on.month),
                    "发证日": str(issued_on.day),
                }
            )
            if numbers:
                sheets[-1]["证书编号"] = numbers[len(sheets) - 1]
        _refuse_without_diploma(session, student_ids, graduated_on, issued_on)
        _refuse_used_numbers(session, numbers)
    with placed(out) as temporary:
        pages = overlay.write(temporary, layout, sheets, offset or Offset())
    with store.transaction() as session:
        _refuse_used_numbers(session, numbers)
        if numbers:
            log_numbers(session, layout.title, zip(student_ids, numbers, sheets, strict=True), issued_on)
        audit.record_many(
            session,
            [
                ("diploma.print", "student", s, {layout.title: [None, number or str(issued_on)]})
                for s, number in zip(student_ids, numbers or [""] * len(student_ids), strict=True)
            ],
        )
    return pages


def _refuse_without_diploma(
    session: Session, student_ids: Sequence[int], graduated_on: dict[int, date], issued_on: date
) -> None:
    """R29.1 for each graduate, in the 学年 he graduated in (his graduation's date; the issue date without one)."""
    from xueji_desktop.services.fitness import eligibility_in

    by_year: dict[int, list[int]] = {}
    for student_id in student_ids:
        day = graduated_on.get(student_id, issued_on)
        by_year.setdefault(day.year if day.month >= 8 else day.year - 1, []).append(student_id)
    refused = [
        block(finding.rule_id, f"{eligibility.name}：{finding.message}")
        for year, ids in by_year.items()
        for eligibility in eligibility_in(session, ids, school_year=year)
        for finding in eligibility.findings
        if finding.blocks
    ]
    if refused:
        raise RuleViolation(refused)


def _refuse_used_numbers(session: Session, numbers: Sequence[str]) -> None:
    if not numbers:
        return
    used = session.scalars(
        select(CertificateIssue.number).where(
            CertificateIssue.kind == DIPLOMA, CertificateIssue.number.in_(list(numbers))
        )
    ).all()
    if used:
        raise InvalidInput(f"证书编号 {'、'.join(sorted(used))} 已经用过，请换一个起始编号")


def log_numbers(session: Session, title: str, numbered, issued_on: date) -> None:
    """开具记录 of numbered 毕业证书: one row per certificate with its number and a digest of what it states."""
    from xueji_desktop.services.printing.certificates import content_digest

    now = datetime.now()
    for student_id, number, sheet in numbered:
        content = {key: str(value) for key, value in sheet.items()}
        session.add(
            CertificateIssue(
                kind=DIPLOMA,
                number=number,
                student_id=student_id,
                purpose=title,
                content=json.dumps(content, ensure_ascii=False),
                digest=content_digest(content),
                issued_on=issued_on,
                actor=audit.actor(session),
                created_at=now,
            )
        )
    session.flush()
