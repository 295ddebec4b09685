"""《学生基本信息表》 (第十条, R10.3): the paper the guardian checks and signs before the record is entered — every field
of the national basic-information record in ruled cells, grouped as the provincial template groups them, with its
labels; the photo at the top right (or an empty box to stick one on); the family members; signature lines for the
guardian, the head teacher and the registrar. One page per student (a second only if the family is very large);
one PDF holds a whole class.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from xueji_desktop.documents import fonts, pieces
from xueji_desktop.documents.pieces import A4, BOTTOM, PAGE_WIDTH, Cell, Column, Page
from xueji_desktop.reference.student_fields import FIELDS_BY_KEY

TITLE = "学生基本信息表"
TOP = 12.0  # mm: the form is long, it starts higher than a certificate
ROW = 6.3  # mm: a row of the grid
BAND = 5.5  # mm: a section's heading
SIGN_OFF = 32.0  # mm: the note and the signature lines under the family table
PHOTO_WIDTH, PHOTO_HEIGHT = 27.0, 5 * ROW  # a one-inch photo (25 × 35 mm) in a box the height of five rows
# the labels the form prints where it shows a name rather than the template's code column
LABELS = {
    "birthplace_region": "出生地",
    "hukou_region": "户口所在地",
    "grade": "年级",
    "school_class": "班级",
}

# beside the photo: two pairs a row; then three a row; `0` spans the rest of the row
BESIDE_PHOTO = (
    "name",
    "gender",
    "former_name",
    "name_pinyin",
    "birth_date",
    "birthplace_region",
    "native_place",
    "ethnicity",
    "nationality",
    "overseas_status",
)
WIDE_LABELS = {"扩展信息": 35, "交通方式": 30}  # mm: 「是否进城务工人员随迁子女」 on one line
SECTIONS: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = (
    (
        "",
        (
            ("id_type", 1),
            ("id_number", 1),
            ("id_valid_until", 1),
            ("political_status", 1),
            ("health", 1),
            ("blood_type", 1),
            ("specialty", 3),
        ),
    ),
    (
        "学籍信息",
        (
            ("national_student_id", 1),
            ("aux_student_id", 1),
            ("school_number", 1),
            ("grade", 1),
            ("school_class", 1),
            ("seat_number", 1),
            ("entry_month", 1),
            ("admission_method", 1),
            ("attendance_mode", 1),
            ("student_source", 3),
        ),
    ),
    (
        "联系信息",
        (
            ("current_address", 3),
            ("mailing_address", 3),
            ("home_address", 3),
            ("phone", 1),
            ("postcode", 1),
            ("email", 1),
            ("homepage", 3),
        ),
    ),
    (
        "扩展信息",
        (
            ("only_child", 1),
            ("preschool", 1),
            ("left_behind", 1),
            ("migrant_child", 1),
            ("orphan", 1),
            ("martyr_child", 1),
            ("inclusive_education", 1),
            ("disability_type", 1),
            ("govt_funded_place", 1),
            ("needs_aid", 1),
            ("one_subsidy", 2),
        ),
    ),
    ("交通方式", (("commute_distance", 1), ("commute_mode", 1), ("needs_school_bus", 1))),
    ("户口信息", (("hukou_region", 2), ("hukou_type", 1))),
)
FAMILY_COLUMNS = (
    Column("姓名", 18),
    Column("关系", 24, "centre"),
    Column("是否监护人", 15, "centre"),
    Column("身份证件号", 36),
    Column("联系电话", 23),
    Column("工作单位", 25),
    Column("现住址", 29),
)
# 奖惩 that go into the archive (第三十一条 R31.1: awards of 校级 and above; 第三十二条 R32.2: 记过 and above)
RECORD_COLUMNS = (
    Column("类别", 12, "centre"),
    Column("级别/处分", 18, "centre"),
    Column("奖励名称/处分事由", 46),
    Column("日期", 26, "centre"),
    Column("授奖单位/决定文号", 34),
    Column("解除", 34, "centre"),
)
RECORDS_HEADING = "奖励和处分（记入学籍档案）"
SIGNERS = ("监护人签字", "班主任签字", "学籍管理员签字")
NOTE = (
    "说明：请监护人逐项核对，有误或空缺处请在该栏内用正楷更正或填写，经班主任、学校学籍工作主管领导审核后，由学籍管理员"
    "录入电子学籍系统；核对无误后请签字确认。本表经签字后存入学生学籍档案。"
)


@dataclass(frozen=True, slots=True)
class Member:
    """One family member as the form shows it (codes already turned into their names)."""

    name: str
    relation: str
    guardian: str  # 是 / 否
    id_number: str
    phone: str
    employer: str
    address: str


@dataclass(frozen=True, slots=True)
class InfoForm:
    school_name: str
    values: Mapping[
        str, str
    ]  # field key -> the value shown (名称 for codes, 是/否, 2019年3月14日 …); also grade, school_class
    members: Sequence[Member]
    photo: Path | None  # an existing image file, or None for the empty box
    printed_on: str  # 2026年9月10日
    # rows of RECORD_COLUMNS: what the archive keeps of 奖励 (R31.1) and 处分 (R32.2); none: the section is left out
    records: Sequence[Sequence[str]] = ()


def label(key: str) -> str:
    return LABELS.get(key) or FIELDS_BY_KEY[key].label


def draw(canvas: Canvas, form: InfoForm) -> int:
    """The form on one page (a second when the family table and the signatures do not fit); returns the pages."""
    page = Page(canvas, TOP)
    name = form.values.get("name", "")
    foot = f"{name}　{form.values.get('school_class', '')}"
    pieces.title(page, TITLE, size=18, subtitle=f"学校：{form.school_name}　　　打印日期：{form.printed_on}")
    pieces.band(page, "基本信息", size=9.5, height=BAND)
    pieces.photo_box(
        page,
        str(form.photo) if form.photo else None,
        left_mm=PAGE_WIDTH / mm - 20 - PHOTO_WIDTH,
        top_mm=page.top,
        width_mm=PHOTO_WIDTH,
        height_mm=PHOTO_HEIGHT,
    )
    pieces.grid(
        page,
        [Cell(label(key), form.values.get(key, "")) for key in BESIDE_PHOTO],
        columns=2,
        row_height=ROW,
        width_mm=170 - PHOTO_WIDTH,
    )
    for heading, keys in SECTIONS:
        if heading:
            pieces.band(page, heading, size=9.5, height=BAND)
        pieces.grid(
            page,
            [Cell(label(key), form.values.get(key, ""), span) for key, span in keys],
            row_height=ROW,
            label_mm=WIDE_LABELS.get(heading, 24),
        )
    if form.records:  # R31.1, R32.2
        pieces.band(page, RECORDS_HEADING, size=9.5, height=BAND)
        pieces.ruled_table(page, RECORD_COLUMNS, form.records, row_height=ROW)
    pages = 1
    rows = max(2, len(form.members))
    if page.top + BAND + (rows + 1) * ROW + SIGN_OFF > BOTTOM:  # the family and the signatures stay together
        _foot(canvas, foot)
        canvas.showPage()
        pages += 1
        page = Page(canvas, 20)
        pieces.title(page, f"{TITLE}（续）", size=16, subtitle=f"学校：{form.school_name}　　　学生：{name}")
    pieces.band(page, "家庭成员或监护人信息", size=9.5, height=BAND)
    pieces.ruled_table(
        page,
        FAMILY_COLUMNS,
        [[m.name, m.relation, m.guardian, m.id_number, m.phone, m.employer, m.address] for m in form.members],
        row_height=ROW,
        min_rows=2,
    )
    page.top += 3
    pieces.paragraph(page, NOTE, size=8, indent=0, leading=4.2)
    page.top += 2
    pieces.signatures(page, SIGNERS, size=10.5)
    _foot(canvas, foot)
    return pages


def _foot(canvas: Canvas, text: str) -> None:
    """Whose form this is, at the foot of each page (the pages of a class are handed out one by one)."""
    fonts.draw(canvas, PAGE_WIDTH / 2, 8 * mm, text, 7, align="centre")


def write(out: Path, forms: Iterable[InfoForm]) -> int:
    """Every form in one PDF, each starting on a new page; returns the number of pages."""
    fonts.registered()
    canvas = Canvas(str(out), pagesize=A4, pageCompression=1)
    canvas.setTitle(TITLE)
    canvas.setAuthor("学籍桌面")
    pages = 0
    for form in forms:
        pages += draw(canvas, form)
        canvas.showPage()
    canvas.save()
    return pages
