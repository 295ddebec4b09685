"""The papers a procedure needs, filled from it: 《山西省中小学生休学、复学申请表》 (第二十二条, R22.1/R22.2),
《山西省中小学生退学申请表》 (第二十五条, R25.1), the 转学联系函 with its tear-off 回执 (第十七条, R17.1) and the
辍学书面报告 (第二十八条, R28.1).

Each is a short list of pieces; the service (services.forms) hands them plain text — names for codes, dates written
out — and what has been recorded so far (a step's date and approval number); what is not yet recorded stays blank for
the pen.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from xueji_desktop.documents import fonts, pieces
from xueji_desktop.documents.pieces import A4, BOTTOM, MARGIN, Approval, Cell, Page

SUSPENSION_TITLE = "山西省中小学生休学、复学申请表"
WITHDRAWAL_TITLE = "山西省中小学生退学申请表"
TRANSFER_TITLE = "转学联系函"
DROPOUT_TITLE = "辍学书面报告"
REGULATION = "《长治市潞城区中小学生学籍管理细则》"
BLANK_DAY = "　　年　　月　　日"
SUSPENSION_NOTE = (
    "注：因伤病申请休学的，须附县级以上医疗单位病历；因不可抗拒的原因申请休学的，须附县级以上公安、民政或人社等"
    "有关部门的证明。证明材料作为本表附件保存备查（《细则》第二十二条）。休学期限原则上为一年，最多可休学两年。"
)
WITHDRAWAL_NOTE = (
    "注：义务教育阶段除丧失学习能力（附县级以上医疗单位病历）或出境定居（附本人护照复印件、《居民户口簿》复印件）"
    "外不允许退学，学校不得以任何理由劝退、开除学生（《细则》第二十三条）；普通高中学生退学依第二十四条。"
)
AUTOMATIC_NOTE = (
    "注：普通高中学生在一学期内连续无故旷课超过8周或累计旷课10周及以上，经学校与父母或其他监护人多次联系帮助教育"
    "无效的，或休学期满仍未复学、不按期办理继续休学手续的，经学校报请学籍管理部门批准，按自动退学处理"
    "（《细则》第二十六条）。"
)


@dataclass(frozen=True, slots=True)
class Particulars:
    """The student as every form names them."""

    name: str
    gender: str
    birth_date: str  # 2019年3月14日
    id_number: str
    national_student_id: str
    grade_class: str  # 三年级(1)班 (or the grade only, for a student not yet ours)
    guardian: str = ""
    phone: str = ""
    address: str = ""

    def cells(self) -> list[Cell]:
        return [
            Cell("姓名", self.name),
            Cell("性别", self.gender),
            Cell("出生日期", self.birth_date),
            Cell("身份证件号", self.id_number),
            Cell("学籍号", self.national_student_id),
            Cell("年级班级", self.grade_class),
            Cell("监护人", self.guardian),
            Cell("联系电话", self.phone, 2),
            Cell("家庭住址", self.address, 3),
        ]

    def sentence(self) -> str:
        """「李小明（男，2019年3月14日出生）」 for running text; the numbers are in the grid beside it (a long number
        would break across lines)."""
        parts = [self.gender, f"{self.birth_date}出生" if self.birth_date else ""]
        return f"{self.name}（{'，'.join(p for p in parts if p)}）"


@dataclass(frozen=True, slots=True)
class Choice:
    """A line of options with boxes, those chosen ticked: 申请类别 ☑休学 □延长休学 □复学."""

    label: str
    options: tuple[str, ...]
    chosen: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Application:
    """休学、复学申请表 or 退学申请表."""

    title: str
    school_name: str
    number: str  # the procedure's number, linking the paper to the record
    applied_on: str
    student: Particulars
    choices: tuple[Choice, ...]  # the kind first
    reason: str
    details: tuple[Cell, ...]  # the period, the class returned to …
    proofs: tuple[str, ...]  # 「县级以上医疗单位病历（病历.jpg）」
    applicants: tuple[str, ...]  # signature lines: 学生签字, 监护人签字
    approvals: tuple[Approval, ...]
    footnote: str = ""  # what the regulation asks of this application
    note: str = ""  # a cancelled procedure says so


@dataclass(frozen=True, slots=True)
class TransferLetter:
    """转学联系函 from this school to the other one, with the 回执 the other school fills in and sends back."""

    number: str
    school_name: str  # this school: the letter's writer, the 回执's addressee
    other_school: str
    outgoing: (
        bool  # True: our student moves to other_school (转出); False: other_school's student asks to join us
    )
    student: Particulars
    reason: str
    class_here: str  # the class left (转出) or offered (转入)
    written_on: str  # the day this school agreed, or blank
    recorded: tuple[str, ...] = ()  # steps already recorded, with approval numbers
    note: str = ""


@dataclass(frozen=True, slots=True)
class DropoutReport:
    """辍学书面报告 to the township government, the county education bureau and the authority."""

    number: str
    school_name: str
    recipients: tuple[str, ...]
    student: Particulars
    since: str
    reported_on: str
    recorded: tuple[str, ...] = ()
    note: str = ""


Form = Application | TransferLetter | DropoutReport


def draw_application(canvas: Canvas, form: Application) -> None:
    page = Page(canvas, 18)
    pieces.title(page, form.title, size=18)
    pieces.text_line(
        page, f"学校：{form.school_name}", f"手续编号：{form.number}　　申请日期：{form.applied_on}"
    )
    pieces.grid(page, form.student.cells(), row_height=9, size=11)
    page.top += 3
    for choice in form.choices:
        pieces.choices(page, choice.label, choice.options, choice.chosen, size=11, line_height=9)
    pieces.boxed_text(page, "申请事由", form.reason, height_mm=36, size=11, ruled=True)
    if form.details:
        pieces.grid(page, form.details, columns=2, row_height=9, size=11, label_mm=26)
    proofs = "\n".join(f"{n}. {proof}" for n, proof in enumerate(form.proofs, start=1)) or "（无）"
    pieces.boxed_text(page, "证明材料\n（附后）", proofs, height_mm=22, size=11)
    page.top += 4
    pieces.signatures(page, form.applicants, size=11)
    room = BOTTOM - page.top - 14  # the footnote under the opinions
    pieces.approvals(page, form.approvals, height_mm=max(44.0, min(64.0, room)), size=11)
    page.top += 3
    if form.footnote:
        pieces.paragraph(page, form.footnote, size=8.5, indent=0, leading=4.5)
    _foot(page, form.note)


def draw_transfer_letter(canvas: Canvas, letter: TransferLetter) -> None:
    student = letter.student
    page = Page(canvas, 15)
    pieces.right_note(page, f"编号：{letter.number}", size=9)
    pieces.title(page, TRANSFER_TITLE, size=18)
    pieces.paragraph(page, f"{letter.other_school}：", size=11.5, indent=0, leading=7.5)
    pieces.paragraph(page, _letter_body(letter), size=11.5, leading=7.5)
    page.top += 2
    pieces.grid(page, student.cells(), row_height=7.5, size=10)
    if letter.recorded:
        page.top += 1
        pieces.paragraph(page, "审批情况：" + "；".join(letter.recorded), size=9, indent=0, leading=5)
    page.top += 14
    pieces.seal_area(page, letter.school_name, letter.written_on or BLANK_DAY, size=11)
    pieces.cut_line(page)
    pieces.title(page, "回　执", size=15)
    pieces.paragraph(page, f"{letter.school_name}：", size=11.5, indent=0, leading=7.5)
    receipt, options = _receipt(letter)
    pieces.paragraph(page, receipt, size=11.5, leading=7.5)
    page.top += 1
    pieces.grid(
        page,
        [Cell("姓名", student.name), Cell("性别", student.gender), Cell("身份证件号", student.id_number)],
        row_height=7.5,
        size=10,
    )
    page.top += 2
    pieces.choices(page, "我校意见", options, size=11)
    pieces.text_line(page, "不同意的原因：" + "＿" * 32, size=11, height=9)
    page.top += 12
    pieces.seal_area(page, letter.other_school, BLANK_DAY, size=11)
    _foot(page, letter.note)


def draw_dropout_report(canvas: Canvas, report: DropoutReport) -> None:
    student = report.student
    page = Page(canvas, 15)
    pieces.right_note(page, f"编号：{report.number}", size=9)
    pieces.title(page, DROPOUT_TITLE, size=18, subtitle=f"关于{student.name}同学辍学情况的报告")
    pieces.paragraph(page, f"{'、'.join(report.recipients)}：", size=11.5, indent=0, leading=7.5)
    pieces.paragraph(
        page,
        f"我校{student.grade_class}学生{student.sentence()}，自{report.since}起未到校上课，已辍学。"
        f"根据{REGULATION}第二十八条，现将该生辍学情况书面报告如下：",
        size=11.5,
        leading=7.5,
    )
    page.top += 2
    pieces.grid(
        page,
        [*student.cells(), Cell("辍学时间", report.since), Cell("辍学原因", "", 2)],
        row_height=7.5,
        size=10,
    )
    pieces.boxed_text(
        page,
        "学校劝返\n工作情况",
        "（家访、联系父母或其他监护人、约谈等工作的时间、经过和结果）",
        height_mm=52,
        size=10,
        ruled=True,
    )
    page.top += 2
    pieces.paragraph(
        page,
        "该生在义务教育年限内学籍予以保留，学校将继续做好劝返复学工作，并利用电子学籍系统进行管理。"
        "恳请协助督促其父母或其他监护人送其返校就读。",
        size=11.5,
        leading=7.5,
    )
    pieces.paragraph(page, "特此报告。", size=11.5, leading=7.5)
    if report.recorded:
        pieces.paragraph(page, "办理情况：" + "；".join(report.recorded), size=9, indent=0, leading=5)
    page.top += 16
    pieces.seal_area(page, report.school_name, report.reported_on or BLANK_DAY, size=11)
    _foot(page, report.note)


def _letter_body(letter: TransferLetter) -> str:
    student = letter.student
    if letter.outgoing:
        return (
            f"我校{letter.class_here}学生{student.sentence()}，因{letter.reason}，其父母或其他监护人申请转入贵校就读。"
            "经审核，我校同意该生转出。请贵校审核并通过电子学籍系统办理转入手续，我校将在学籍转接后一个月内"
            "转出学籍档案。请将下方回执填写后寄回我校。"
        )
    return (
        f"贵校{student.grade_class}学生{student.sentence()}，因{letter.reason}，其父母或其他监护人向我校申请转学。"
        f"经审核，我校有空余学位，同意接收该生转入{letter.class_here}就读。请贵校审核同意后通过电子学籍系统办理"
        "转出手续，并在学籍转接后一个月内将学生学籍档案转寄我校。请将下方回执填写后寄回我校。"
    )


def _receipt(letter: TransferLetter) -> tuple[str, tuple[str, ...]]:
    name = letter.student.name
    if letter.outgoing:
        return (
            f"贵校学生{name}的转学联系函已收到。经审核，我校意见如下（请在所选项的方框内打√）：",
            ("同意接收，编入＿＿＿＿年级＿＿＿＿班", "不同意接收"),
        )
    return (
        f"贵校关于学生{name}转学的联系函已收到。经审核，我校意见如下（请在所选项的方框内打√）：",
        ("同意该生转出，学籍档案将按时转寄贵校", "不同意转出"),
    )


def _foot(page: Page, note: str) -> None:
    if note:
        fonts.draw(page.canvas, MARGIN, 10 * mm, note, 9)


def title_of(form: Form) -> str:
    if isinstance(form, Application):
        return form.title
    return TRANSFER_TITLE if isinstance(form, TransferLetter) else DROPOUT_TITLE


def draw(canvas: Canvas, form: Form) -> None:
    """The drawing for the form given."""
    if isinstance(form, Application):
        draw_application(canvas, form)
    elif isinstance(form, TransferLetter):
        draw_transfer_letter(canvas, form)
    else:
        draw_dropout_report(canvas, form)


def write(out: Path, form: Form) -> Path:
    """The form as a one-page PDF (the caller writes it to a temporary name and moves it into place)."""
    fonts.registered()
    canvas = Canvas(str(out), pagesize=A4, pageCompression=1)
    canvas.setTitle(title_of(form))
    canvas.setAuthor("学籍桌面")
    draw(canvas, form)
    canvas.showPage()
    canvas.save()
    return out
