"""每学期复核 (第三十四条) and what the school is blamed for (第三十七条): one check per kind of problem, each over plain
facts, each finding naming the student, what is wrong and what to do.

Pure: facts in, findings out (services/term_review.py gathers the facts in one read and groups the findings). The
checks reuse the rules that already exist — the record checks of rules.student_record, R10.3's steps, R20.1's archive
month, R26.1's absence limits, the suspension's end — rather than saying them again.

What 第三十七条 lists and where it is looked for:
  (一) 不为已接收学生建立学籍档案 — enrolment_findings (R10.3 not finished), and for 初一/高一新生 who came with a
       学籍号, continuation_findings (第十五条's 新生学籍转接 not finished in time, R15.1);
  (二) 以虚假信息建立学籍 — record_findings (the record checks: an invalid ID number, fields that disagree) under
       第三十四条's 基本信息准确; duplicate ID numbers are refused when a record is written (R13.1), so not again here;
  (三) 不及时把学籍变动信息纳入学籍档案 — unreported_findings (a 异动 still 待上报 / 已退回 in the provincial system);
  (四) 不及时报告辍学 — absence_findings (absence above R26.1's limits with no 辍学 / 退学 procedure);
  (五) 接收学生不为其办理转学手续 — transfer_in_findings (a transfer in completed without the sending side's approval);
  (六) 不按规定转接学生档案 — archive_findings (R20.1: the archive sent within one month);
  (七) 泄露学籍信息 — not checked: the app keeps no register of who looked at or was given a record (第三十五条's
       查阅登记 is on paper), so there is nothing to review.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from xueji_desktop.models.statuses import EnrolmentStep
from xueji_desktop.rules.enrolment import TRANSFER_GRADES, continuation_deadline, enrolment_deadline
from xueji_desktop.rules.findings import Finding, Severity, article_name
from xueji_desktop.rules.names import record_name_findings
from xueji_desktop.rules.stages import GradeFacts
from xueji_desktop.rules.student_record import check_student
from xueji_desktop.rules.suspensions import expired
from xueji_desktop.rules.transfers import archive_due, check_admission_needs_transfer
from xueji_desktop.rules.withdrawals import (
    CONTINUOUS_ABSENCE_WEEKS,
    TOTAL_ABSENCE_WEEKS,
    AttendanceFacts,
    automatic_withdrawal_grounds,
)

REVIEW = "R34.1"  # 每学期复核: procedures complete, information correct
BLAME = "R37.1"  # 第三十七条: what the authority holds the school to account for
# A 异动 written in the app should be in the provincial system within 10 working days: the regulation's own span for
# handling a status change in the electronic system (第二十条 转接、第二十七条 死亡异动 both allow 10 工作日).
REPORT_WORKING_DAYS = 10
# An open procedure with no step for this many days has stalled (the family or the authority is waiting on the school).
STALLED_DAYS = 30
UNREPORTED_STATES = ("待上报", "已退回")


class Check(StrEnum):
    """The kinds of problem the review looks for, in the order the report lists them; the value is the heading."""

    RECORD = "基本信息不准确"
    NAME = "姓名含不可用的字符"  # rules/names.py (R13.1)
    ENROLMENT = "已接收学生未建立学籍"
    CONTINUATION = "新生学籍转接逾期"  # 第十五条 (R15.1)
    OVERDUE = "手续逾期未办结"
    STALLED = "手续长期未推进"
    UNREPORTED = "学籍变动未及时上报"
    SUSPENSION_ENDED = "休学期满未办理复学或延长"
    DROPOUT = "旷课辍学未报告"
    ARCHIVE = "学籍档案未及时转出"
    TRANSFER_IN = "未办理转学手续接收学生"
    SANCTION_ENDED = "处分期满未解除"  # 第三十二条 (rules/sanctions.py)


RULE_OF_CHECK = {
    Check.RECORD: REVIEW,
    Check.NAME: REVIEW,
    Check.ENROLMENT: BLAME,
    Check.CONTINUATION: "R15.1",
    Check.OVERDUE: REVIEW,
    Check.STALLED: REVIEW,
    Check.UNREPORTED: BLAME,
    Check.SUSPENSION_ENDED: REVIEW,
    Check.DROPOUT: BLAME,
    Check.ARCHIVE: BLAME,
    Check.TRANSFER_IN: BLAME,
    Check.SANCTION_ENDED: REVIEW,
}

NOT_CHECKED = (
    "泄露或非法使用学生学籍信息（第三十七条第七项）：无法由学籍记录判断；请对照「查阅登记」簿（第三十五条）复核每次查阅和提供是否经过批准",
)


@dataclass(frozen=True, slots=True)
class StudentRef:
    """Who a finding is about, so the screen can open the student (id None: no record here yet, a transfer in)."""

    id: int | None
    name: str
    class_name: str = ""


@dataclass(frozen=True, slots=True)
class ReviewFinding(Finding):
    """A finding of the review: a warning tagged R34.1 or R37.1, with the check it belongs to, the student, the
    problem and the advice apart (the report has a column for each), and the other articles it rests on."""

    check: Check = Check.RECORD
    student: StudentRef = StudentRef(None, "")
    problem: str = ""
    advice: str = ""
    item: str = ""  # the item of the article: 第一项 … (第三十七条 lists seven)
    also: str = ""  # other articles the problem rests on: 第十条, 第二十条 …

    @property
    def basis(self) -> str:
        """《细则》第三十七条第一项、第十条 — what the report's 依据 column says."""
        return f"《细则》{article_name(self.article)}{self.item}" + (f"、{self.also}" if self.also else "")


def finding(
    check: Check, student: StudentRef, problem: str, advice: str, *, item: str = "", also: str = ""
) -> ReviewFinding:
    message = f"{student.name}：{problem}。{advice}"
    return ReviewFinding(
        RULE_OF_CHECK[check], Severity.WARN, message, False, check, student, problem, advice, item, also
    )


# --- 基本信息 (第三十四条; 第三十七条第二项) ---------------------------------------------------------------------


def record_findings(
    student: StudentRef,
    values: Mapping[str, Any],
    family: Sequence[Mapping[str, Any]],
    *,
    region_exists: Callable[[str], bool],
    today: date,
) -> list[ReviewFinding]:
    """R34.1: the record of a student in school fails the checks every saved record must pass (rules.student_record:
    required fields, the ID number and what it says, a guardian …) — one finding listing every problem."""
    problems = check_student(
        values, list(family), region_exists=region_exists, today=today, check_names=False
    )
    if not problems:
        return []
    listed = "；".join(p.message for p in problems)
    return [
        finding(
            Check.RECORD,
            student,
            f"学籍信息未通过检查（{len(problems)}处）：{listed}",
            "请核对原始证件后在学生信息中改正（已上报的信息须办理信息变更）",
            also="第三十七条第二项",
        )
    ]


def stored_name_findings(
    student: StudentRef, values: Mapping[str, Any], family: Sequence[Mapping[str, Any]]
) -> list[ReviewFinding]:
    """R34.1 with R13.1: a stored name (姓名, 曾用名, a family member's) that rules.names refuses — control,
    direction-override or zero-width characters, emoji, written before the rule or behind the app's back — or warns
    of (a leading = + - @); one finding listing each."""
    found = record_name_findings(values, family)
    if not found:
        return []
    listed = "；".join(f.message for _, f in found)
    return [
        finding(
            Check.NAME,
            student,
            f"姓名有{len(found)}处问题：{listed}",
            "请对照户口簿改正（学籍已建立的须办理信息变更）",
            also="第十三条、第三十七条第二项",
        )
    ]


# --- 建立学籍 (第十条; 第三十七条第一项) -------------------------------------------------------------------------


def enrolment_findings(
    student: StudentRef,
    step: str | None,
    enrolment_date: date | None,
    today: date,
    grade_level: int | None = None,
) -> list[ReviewFinding]:
    """R37.1 (一): a student in school whose R10.3 steps have not reached 审核通过 by the deadline — received but
    without a formal record. Still within the deadline is work in hand, not a problem; with no enrolment date the
    deadline is unknown and the student is listed. A record formal before the app knew it has no step (None)."""
    if step is None or step == EnrolmentStep.APPROVED:
        return []
    article = "第十五条" if grade_level in TRANSFER_GRADES else "第十条"
    when = "，入学日期未登记，无法判断期限"
    if enrolment_date is not None:
        deadline = enrolment_deadline(enrolment_date)
        if today <= deadline:
            return []
        when = f"，期限{deadline:%Y-%m-%d}已过{(today - deadline).days}天"
    return [
        finding(
            Check.ENROLMENT,
            student,
            f"建立学籍尚未完成，当前步骤为“{step}”{when}",
            "请按信息表下发、签字回收、录入系统、审核通过的顺序办结",
            item="第一项",
            also=article,
        )
    ]


def continuation_findings(
    student: StudentRef, step: str | None, entry_date: date | None, today: date, *, days: int
) -> list[ReviewFinding]:
    """R15.1: a 初一/高一新生 taken in with a 学籍号 whose 新生学籍转接 has not reached 审核通过 within `days` days of entry
    (第十五条; the days are data, school_year.json). Still within them is work in hand; with no entry date the
    deadline is unknown and the student is listed. Also 第三十七条第一项: received without a record of the school's."""
    if step is None or step == EnrolmentStep.APPROVED:
        return []
    when = "，入学日期未登记，无法判断期限"
    if entry_date is not None:
        deadline = continuation_deadline(entry_date, days)
        if today <= deadline:
            return []
        when = f"，入学之日起{days}天的期限{deadline:%Y-%m-%d}已过{(today - deadline).days}天"
    return [
        finding(
            Check.CONTINUATION,
            student,
            f"新生学籍转接尚未完成（省级学籍系统未审核通过）{when}",
            "请在省级学籍系统中接收该生并提请审核，审核通过后在“新生建籍”页标记转接完成",
            also="第三十七条第一项",
        )
    ]


# --- 异动手续 (第三十四条 手续完备; 第二十条、第二十七条的期限) -------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProcedureFacts:
    """An open procedure as the review sees it: where it stands and, where the regulation sets one, its due day."""

    id: int
    label: str  # 转入, 休学 … (the kind's)
    student: StudentRef
    opened_on: date
    state: str
    next_state: str
    last_step_on: date
    due: date | None = None
    due_rule: str = ""  # the article the deadline comes from: 第二十条, 第二十七条 …
    due_note: str = ""  # 按周一至周五估算 … when the working days were estimated


def procedure_findings(procedure: ProcedureFacts, today: date) -> list[ReviewFinding]:
    """R34.1 手续完备: an open procedure past its due day, or one with no step for more than STALLED_DAYS days."""
    p = procedure
    where = f"{p.label}手续（{p.opened_on:%Y-%m-%d}办理，当前“{p.state}”）"
    if p.due is not None and today > p.due:
        note = f"（{p.due_note}）" if p.due_note else ""
        return [
            finding(
                Check.OVERDUE,
                p.student,
                f"{where}应于{p.due:%Y-%m-%d}前办结{note}，已逾期{(today - p.due).days}天",
                f"请尽快办理“{p.next_state}”，并说明逾期原因",
                also=p.due_rule,
            )
        ]
    idle = (today - p.last_step_on).days
    if idle > STALLED_DAYS:
        return [
            finding(
                Check.STALLED,
                p.student,
                f"{where}已有{idle}天没有新的进展",
                f"请办理下一步“{p.next_state}”；不再办理的，请写明原因后撤销",
            )
        ]
    return []


def archive_findings(
    student: StudentRef, moved_on: date, sent_on: date | None, today: date
) -> list[ReviewFinding]:
    """R37.1 (六) with R20.1: after the record moved out, the sending school sends the archive within one month."""
    due = archive_due(moved_on)
    if sent_on is None and today > due:
        return [
            finding(
                Check.ARCHIVE,
                student,
                f"学籍已于{moved_on:%Y-%m-%d}转出，学籍档案应于{due:%Y-%m-%d}前转出，"
                f"至今未登记寄出，已逾期{(today - due).days}天",
                "请尽快将学籍档案转交转入学校，并在转出手续中登记“档案已寄出”",
                item="第六项",
                also="第二十条",
            )
        ]
    if sent_on is not None and sent_on > due:
        return [
            finding(
                Check.ARCHIVE,
                student,
                f"学籍已于{moved_on:%Y-%m-%d}转出，学籍档案{sent_on:%Y-%m-%d}才寄出，"
                f"超过一个月的期限（{due:%Y-%m-%d}）",
                "请在复核报告中说明延误原因",
                item="第六项",
                also="第二十条",
            )
        ]
    return []


def transfer_in_findings(student: StudentRef, steps_done: Collection[str]) -> list[ReviewFinding]:
    """R37.1 (五) with R13.2: a transfer in completed (学籍已转接) with no approval of the sending side recorded."""
    if "学籍已转接" not in steps_done:
        return []
    refused = check_admission_needs_transfer("转出方已审核" in steps_done, special_education=False)
    if not refused:
        return []
    return [
        finding(
            Check.TRANSFER_IN,
            student,
            "已转入本校，但没有转出学校及其学籍管理部门审核同意的记录",
            "请向转出学校补办转学手续，并补录审核结果",
            item="第五项",
            also="第十三条",
        )
    ]


# --- 上报 (第三十七条第三项) -------------------------------------------------------------------------------------


def unreported_findings(
    student: StudentRef,
    label: str,
    effective_on: date,
    province_state: str,
    waited_working_days: int,
    note: str | None = None,
) -> list[ReviewFinding]:
    """R37.1 (三): a 异动 written in the app but still 待上报 (or 已退回) in the provincial system more than
    REPORT_WORKING_DAYS working days later (`waited_working_days`: counted by the service on the working calendar)."""
    if province_state not in UNREPORTED_STATES or waited_working_days <= REPORT_WORKING_DAYS:
        return []
    if province_state == "已退回":
        why = f"（退回原因：{note}）" if note else ""
        problem = f"{label}异动（{effective_on:%Y-%m-%d}生效）被学籍管理部门退回{why}，{waited_working_days}个工作日未重新上报"
        advice = "请按退回原因改正后，在省级学籍系统中重新上报"
    else:
        problem = f"{label}异动已于{effective_on:%Y-%m-%d}生效，{waited_working_days}个工作日仍未在省级学籍系统中上报"
        advice = f"请导出学籍异动上报文件并在省级学籍系统中办理（应在{REPORT_WORKING_DAYS}个工作日内上报）"
    return [finding(Check.UNREPORTED, student, problem, advice, item="第三项")]


# --- 旷课、辍学 (第二十六条、第二十八条; 第三十七条第四项) -------------------------------------------------------


def absence_findings(
    student: StudentRef,
    grade: GradeFacts,
    status: str,
    attendance: AttendanceFacts,
    *,
    handled: bool,
    today: date,
) -> list[ReviewFinding]:
    """R37.1 (四): unexcused absence this term above R26.1's limits with no 辍学, 退学 or 自动退学 procedure opened
    (`handled`). A senior student is R26.1's automatic-withdrawal candidate; a compulsory-stage student so long away
    has in fact dropped out, which 第二十八条 says must be reported in writing (the same limits are used, since
    the regulation sets none for the compulsory stage)."""
    if handled or status != "在读":
        return []
    if grade.senior:
        grounds = automatic_withdrawal_grounds(grade, status, attendance, None, today)
        return [
            finding(
                Check.DROPOUT,
                student,
                ground.message,
                "尚未办理自动退学手续，请报学籍管理部门批准后办理",
                item="第四项",
                also="第二十六条",
            )
            for ground in grounds
        ]
    continuous = attendance.longest_continuous_weeks > CONTINUOUS_ABSENCE_WEEKS
    if not continuous and attendance.total_weeks < TOTAL_ABSENCE_WEEKS:
        return []
    weeks = (
        f"连续无故旷课{attendance.longest_continuous_weeks:g}周"
        if continuous
        else f"累计旷课{attendance.total_weeks:g}周"
    )
    return [
        finding(
            Check.DROPOUT,
            student,
            f"本学期{weeks}，可能已辍学，尚未书面报告",
            "义务教育阶段学生辍学须及时书面报告乡镇人民政府、县级教育行政部门和学籍管理部门，请办理辍学报告",
            item="第四项",
            also="第二十八条",
        )
    ]


def suspension_findings(
    student: StudentRef, grade: GradeFacts, end: date, today: date, *, handled: bool
) -> list[ReviewFinding]:
    """R34.1: a suspension past its last day without a resumption, an extension or (senior) an automatic withdrawal
    opened (`handled`); for a senior student R26.1's automatic withdrawal applies."""
    if handled or not expired(end, today):
        return []
    senior = automatic_withdrawal_grounds(grade, "休学", AttendanceFacts(), end, today)
    advice = "请联系监护人办理复学；仍不能复学的，凭新的证明申请延长休学（最多两年）"
    if senior:
        advice += "；联系后仍不办理的，可报学籍管理部门批准后按自动退学处理"
    return [
        finding(
            Check.SUSPENSION_ENDED,
            student,
            f"休学已于{end:%Y-%m-%d}期满（{(today - end).days}天前），没有复学或延长休学的手续",
            advice,
            also="第二十二条" + ("、第二十六条" if senior else ""),
        )
    ]


def sanction_findings(
    student: StudentRef,
    kind: str,
    decided_on: date,
    period_end: date | None,
    lifted_on: date | None,
    today: date,
) -> list[ReviewFinding]:
    """R34.1: a sanction whose period has ended but was not lifted (第三十二条) — still in force, so it still blocks a
    transfer (R18.4) and, for 留校察看, the school must decide: lift it, or (no improvement) 开除学籍."""
    from xueji_desktop.rules.sanctions import period_ended_unlifted

    if not period_ended_unlifted(period_end, lifted_on, today):
        return []
    assert period_end is not None
    advice = "请按学校决定办理解除处分（记录解除日期和理由）"
    if kind == "留校察看":
        advice += "；期满后仍无改正表现的，按第三十二条开除学籍须报市级教育行政部门批准"
    return [
        finding(
            Check.SANCTION_ENDED,
            student,
            f"{kind}处分（{decided_on:%Y-%m-%d}决定）已于{period_end:%Y-%m-%d}期满，尚未解除",
            advice,
            also="第三十二条",
        )
    ]
