"""rules.review, R34.1 (每学期复核) and R37.1 (what the school is blamed for): each check passes on good facts and
finds on bad ones, tagged with its rule id and article (第三十四条 / 第三十七条), naming the student and what to do."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import id_number, student_form
from xueji_desktop.reference.regions import region_table
from xueji_desktop.rules import Severity
from xueji_desktop.rules import review as rules
from xueji_desktop.rules.review import Check, ProcedureFacts, StudentRef
from xueji_desktop.rules.stages import GradeFacts
from xueji_desktop.rules.withdrawals import AttendanceFacts

TODAY = date(2026, 11, 20)
PUPIL = StudentRef(7, "李小明", "三年级(1)班")
PRIMARY, SENIOR = GradeFacts(3, "primary"), GradeFacts(11, "senior")


def _record(values=None, family=None):
    form = student_form(1, name=PUPIL.name, birth=date(2017, 5, 2))
    form.values.update(values or {})
    members = form.family if family is None else family
    return rules.record_findings(
        PUPIL, form.values, members, region_exists=region_table().exists, today=TODAY
    )


def _open(**changes) -> ProcedureFacts:
    facts = dict(
        id=1,
        label="转出",
        student=PUPIL,
        opened_on=date(2026, 10, 8),
        state="转出方已审核",
        next_state="学籍已转出",
        last_step_on=date(2026, 11, 2),
        due=date(2026, 11, 16),
        due_rule="第二十条",
    )
    facts.update(changes)
    return ProcedureFacts(**facts)


def _absence(grade: GradeFacts, weeks: AttendanceFacts, *, handled: bool = False, status: str = "在读"):
    """PUPIL's absence this term checked today: rules.absence_findings with the facts that change."""
    return rules.absence_findings(PUPIL, grade, status, weeks, handled=handled, today=TODAY)


# (id, the check's call on good facts, the same on bad facts, the check, what the finding must say)
CASES = [
    pytest.param(
        lambda: _record(),
        lambda: _record({"id_number": "140406201705020000"}),
        Check.RECORD,
        "身份证件号",
        id="R34.1-record-invalid-id-number",
    ),
    pytest.param(
        lambda: _record(),
        lambda: _record({"ethnicity": None}),
        Check.RECORD,
        "民族不能为空",
        id="R34.1-record-missing-required-field",
    ),
    pytest.param(
        lambda: _record(),
        lambda: _record(family=[{"name": "张建军", "relation": "1", "is_guardian": False}]),
        Check.RECORD,
        "监护人",
        id="R34.1-record-no-guardian",
    ),
    pytest.param(
        lambda: rules.enrolment_findings(PUPIL, "审核通过", date(2026, 9, 1), TODAY),
        lambda: rules.enrolment_findings(PUPIL, "已录入系统", date(2026, 9, 1), TODAY),
        Check.ENROLMENT,
        "期限2026-10-01已过50天",
        id="R37.1-enrolment-not-approved",
    ),
    pytest.param(  # still within the deadline is work in hand; with no enrolment date the deadline is unknown
        lambda: rules.enrolment_findings(PUPIL, "信息表已下发", date(2026, 11, 10), TODAY),
        lambda: rules.enrolment_findings(PUPIL, "信息表已下发", None, TODAY),
        Check.ENROLMENT,
        "入学日期未登记，无法判断期限",
        id="R37.1-enrolment-in-time-passes-unknown-date-listed",
    ),
    pytest.param(
        lambda: rules.procedure_findings(_open(), date(2026, 11, 16)),
        lambda: rules.procedure_findings(_open(), TODAY),
        Check.OVERDUE,
        "已逾期4天",
        id="R34.1-procedure-overdue-R20.1",
    ),
    pytest.param(
        lambda: rules.procedure_findings(_open(due=None, last_step_on=date(2026, 10, 21)), TODAY),
        lambda: rules.procedure_findings(_open(due=None, last_step_on=date(2026, 10, 20)), TODAY),
        Check.STALLED,
        "31天没有新的进展",
        id="R34.1-procedure-stalled-30-days",
    ),
    pytest.param(
        lambda: rules.archive_findings(PUPIL, date(2026, 10, 20), None, TODAY),
        lambda: rules.archive_findings(PUPIL, date(2026, 10, 19), None, TODAY),
        Check.ARCHIVE,
        "应于2026-11-19前转出",
        id="R37.1-R20.1-archive-not-sent-within-a-month",
    ),
    pytest.param(
        lambda: rules.archive_findings(PUPIL, date(2026, 9, 15), date(2026, 10, 15), TODAY),
        lambda: rules.archive_findings(PUPIL, date(2026, 9, 15), date(2026, 10, 16), TODAY),
        Check.ARCHIVE,
        "超过一个月的期限",
        id="R37.1-R20.1-archive-sent-late",
    ),
    pytest.param(
        lambda: rules.transfer_in_findings(
            PUPIL, {"已申请": 1, "转入方已审核": 1, "转出方已审核": 1, "学籍已转接": 1}
        ),
        lambda: rules.transfer_in_findings(PUPIL, {"已申请": 1, "转入方已审核": 1, "学籍已转接": 1}),
        Check.TRANSFER_IN,
        "没有转出学校",
        id="R37.1-R13.2-transfer-in-without-sending-approval",
    ),
    pytest.param(
        lambda: rules.unreported_findings(PUPIL, "休学", date(2026, 10, 8), "待上报", 10),
        lambda: rules.unreported_findings(PUPIL, "休学", date(2026, 10, 8), "待上报", 11),
        Check.UNREPORTED,
        "11个工作日仍未",
        id="R37.1-status-change-not-reported",
    ),
    pytest.param(
        lambda: rules.unreported_findings(PUPIL, "休学", date(2026, 10, 8), "已通过", 40),
        lambda: rules.unreported_findings(PUPIL, "休学", date(2026, 10, 8), "已退回", 11, "证明不清晰"),
        Check.UNREPORTED,
        "退回原因：证明不清晰",
        id="R37.1-status-change-returned-not-resent",
    ),
    pytest.param(
        lambda: _absence(SENIOR, AttendanceFacts(8, 9, True)),
        lambda: _absence(SENIOR, AttendanceFacts(9, 9, True)),
        Check.DROPOUT,
        "连续无故旷课9周",
        id="R37.1-R26.1-senior-candidate-not-handled",
    ),
    pytest.param(
        lambda: _absence(SENIOR, AttendanceFacts(9, 12, True), handled=True),
        lambda: _absence(PRIMARY, AttendanceFacts(2, 10, True)),
        Check.DROPOUT,
        "累计旷课10周",
        id="R37.1-R28.1-compulsory-dropout-not-reported",
    ),
    pytest.param(
        lambda: rules.suspension_findings(PUPIL, PRIMARY, TODAY, TODAY, handled=False),
        lambda: rules.suspension_findings(PUPIL, PRIMARY, date(2026, 11, 1), TODAY, handled=False),
        Check.SUSPENSION_ENDED,
        "休学已于2026-11-01期满",
        id="R34.1-suspension-ended-no-resumption",
    ),
]


@pytest.mark.parametrize(("good", "bad", "check", "says"), CASES)
def test_each_check_passes_good_facts_and_finds_bad_ones(good, bad, check, says):
    assert good() == []
    [found] = bad()
    rule = rules.RULE_OF_CHECK[check]
    article = {"R34.1": "第三十四条", "R37.1": "第三十七条"}[rule]
    assert found.check is check and found.rule_id == rule and found.severity is Severity.WARN
    assert found.text.startswith(f"依据《细则》{article}：{PUPIL.name}：")
    assert found.basis.startswith(f"《细则》{article}")
    assert says in found.problem and found.advice  # what is wrong, and what to do
    assert found.student == PUPIL


def test_r34_1_and_r37_1_each_check_has_its_rule():
    """R34.1 for what the term review must find (basic information, procedures, suspensions); R37.1 for each item of
    第三十七条 (no record, not reported, dropout, transfers, archives)."""
    assert {c for c, r in rules.RULE_OF_CHECK.items() if r == "R34.1"} == {
        Check.RECORD,
        Check.NAME,  # R13.1 (rules/names.py): a stored name with hidden characters or emoji
        Check.OVERDUE,
        Check.STALLED,
        Check.SUSPENSION_ENDED,
        Check.SANCTION_ENDED,  # 第三十二条: a sanction's period ended, not lifted
    }
    assert {c for c, r in rules.RULE_OF_CHECK.items() if r == "R37.1"} == {
        Check.ENROLMENT,
        Check.UNREPORTED,
        Check.DROPOUT,
        Check.ARCHIVE,
        Check.TRANSFER_IN,
    }
    assert set(rules.RULE_OF_CHECK) == set(Check)


def test_r37_1_basis_names_the_item_and_the_other_articles():
    [archive] = rules.archive_findings(PUPIL, date(2026, 9, 1), None, TODAY)
    assert archive.basis == "《细则》第三十七条第六项、第二十条"
    [record] = _record({"id_number": id_number(date(2016, 5, 2))})  # a valid number for another birth date
    assert record.rule_id == "R34.1" and record.basis == "《细则》第三十四条、第三十七条第二项"
    assert "出生日期" in record.problem


def test_r26_1_a_senior_suspension_ended_points_to_automatic_withdrawal():
    [senior] = rules.suspension_findings(PUPIL, SENIOR, date(2026, 11, 1), TODAY, handled=False)
    [primary] = rules.suspension_findings(PUPIL, PRIMARY, date(2026, 11, 1), TODAY, handled=False)
    assert "自动退学" in senior.advice and "第二十六条" in senior.basis
    assert "自动退学" not in primary.advice
    assert rules.suspension_findings(PUPIL, SENIOR, date(2026, 11, 1), TODAY, handled=True) == []


def test_r34_1_an_overdue_procedure_is_not_listed_again_as_stalled():
    [found] = rules.procedure_findings(_open(last_step_on=date(2026, 9, 1)), TODAY)
    assert found.check is Check.OVERDUE and "学籍已转出" in found.advice and "第二十条" in found.basis


def test_r37_1_a_student_who_left_is_not_a_dropout_to_report():
    assert _absence(PRIMARY, AttendanceFacts(12, 12, True), status="休学") == []
