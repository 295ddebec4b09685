"""The rosters the school archive keeps (R6.1): 在校生分班名册 each term, 毕业生花名册 and 录取花名册 each year — one
table over as many pages as it needs, header row repeated, pages numbered; ID numbers masked unless the full form is
asked for (the archive copy)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from xueji_desktop.documents import fonts, pieces
from xueji_desktop.documents.pieces import A4, Column

COLUMNS = (
    Column("序号", 12, "centre"),
    Column("学号", 24),
    Column("姓名", 24),
    Column("性别", 12, "centre"),
    Column("出生日期", 24, "centre"),
    Column("身份证件号", 40),
    Column("学籍号", 36),
)


@dataclass(frozen=True, slots=True)
class RosterLine:
    school_number: str
    name: str
    gender: str
    birth_date: str
    id_number: str  # masked or full, as the caller chose
    national_student_id: str


def write(out: Path, title: str, subtitle: str, lines: Sequence[RosterLine]) -> int:
    """The roster as a PDF; returns the number of pages."""
    return write_classes(out, title, [(title, subtitle, lines)])


def write_classes(
    out: Path, document_title: str, classes: Sequence[tuple[str, str, Sequence[RosterLine]]]
) -> int:
    """Many class rosters in one PDF, each from a new page with its own title and page numbers; returns the pages."""
    fonts.registered()
    canvas = Canvas(str(out), pagesize=A4, pageCompression=1)
    canvas.setTitle(document_title)
    canvas.setAuthor("学籍桌面")
    pages = 0
    for title, subtitle, lines in classes:
        rows = [
            [
                str(n),
                line.school_number,
                line.name,
                line.gender,
                line.birth_date,
                line.id_number,
                line.national_student_id,
            ]
            for n, line in enumerate(lines, start=1)
        ]
        pages += pieces.table(canvas, title, subtitle, COLUMNS, rows)
    canvas.save()
    return pages


GRADUATE_COLUMNS = (
    Column("序号", 12, "centre"),
    Column("姓名", 22),
    Column("性别", 10, "centre"),
    Column("出生日期", 22, "centre"),
    Column("身份证件号", 40),
    Column("学籍号", 36),
    Column("毕业班级", 22),
    Column("入学年月", 18, "centre"),
)
ADMISSION_COLUMNS = (
    Column("序号", 12, "centre"),
    Column("姓名", 22),
    Column("性别", 10, "centre"),
    Column("出生日期", 22, "centre"),
    Column("身份证件号", 42),
    Column("录取班级", 24),
    Column("入学方式", 24),
    Column("入学年月", 18, "centre"),
)


def write_table(
    out: Path, title: str, subtitle: str, columns: Sequence[Column], rows: Sequence[Sequence[str]]
) -> int:
    """Any roster: numbered rows under `columns`; returns the number of pages."""
    fonts.registered()
    canvas = Canvas(str(out), pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor("学籍桌面")
    numbered = [[str(n), *row] for n, row in enumerate(rows, start=1)]
    pages = pieces.table(canvas, title, subtitle, columns, numbered)
    canvas.save()
    return pages
