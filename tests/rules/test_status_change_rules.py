"""The rules of chapters 3–6 (第十三条 to 第二十八条) on status changes, table-driven: for every rule id, cases that
pass and cases that block or warn, each case named by its id (so coverage of the regulation can be counted)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from xueji_desktop.rules import information_change, proofs, suspensions, transfers, withdrawals
from xueji_desktop.rules.findings import Severity
from xueji_desktop.rules.stages import GradeFacts
from xueji_desktop.rules.suspensions import SuspensionCase, SuspensionReason
from xueji_desktop.rules.transfers import TransferCase, TransferReason, TransferState
from xueji_desktop.rules.withdrawals import ApprovingBody, AttendanceFacts, WithdrawalCase, WithdrawalReason

PRIMARY_3 = GradeFacts(3, "primary")
SENIOR = GradeFacts(11, "senior")
TERM1 = date(2026, 9, 1)
SENIOR_MOVE = {"grade": SENIOR, "to_grade_level": 11}  # a 高二 student moving into 高二
FROM_VOCATIONAL = {**SENIOR_MOVE, "from_vocational": True, "receiving_line": 540}  # the line is 540 points


def _transfer(**changes) -> TransferCase:
    base = TransferCase(
        grade=PRIMARY_3,
        to_grade_level=3,
        reason=TransferReason.FAMILY_MOVED,
        crosses_county=True,
        hukou_moved=True,
        within_city_area=False,
        term_number=1,
        term_start=TERM1,
        on=date(2026, 9, 8),
    )
    return replace(base, **changes)


def _ids(findings, severity=None) -> list[str]:
    return [f.rule_id for f in findings if severity is None or f.severity is severity]


def _assert(findings, rule_id: str, severity: Severity | None) -> None:
    """severity None: the rule says nothing; else it says exactly that, with the article in the clerk's text."""
    mine = [f for f in findings if f.rule_id == rule_id]
    if severity is None:
        assert mine == [], [f.text for f in mine]
        return
    assert mine and all(f.severity is severity for f in mine), [f.text for f in findings]
    article = int(rule_id[1:].split(".")[0])
    assert all(f.text.startswith("依据《细则》第") and f.article == article for f in mine)


def _by_rule(cases):
    """Parametrize a test over (rule_id, changes, severity) cases, each named by its rule id and place in the list."""
    return pytest.mark.parametrize(
        ("rule_id", "changes", "severity"), cases, ids=[f"{c[0]}-{i}" for i, c in enumerate(cases)]
    )


TRANSFER_CASES = [
    # R16.1 compulsory: the two reasons only, across county, 户籍 moved for a family move
    ("R16.1", {}, None),
    ("R16.1", {"reason": TransferReason.WORKPLACE_MOVED, "hukou_moved": False}, None),
    ("R16.1", {"reason": TransferReason.OTHER}, Severity.BLOCK),
    ("R16.1", {"crosses_county": False}, Severity.BLOCK),
    ("R16.1", {"hukou_moved": False}, Severity.BLOCK),
    ("R16.1", {"reason": TransferReason.OTHER, "special_education": True}, None),
    # R16.2 senior: family move across city/county, 户籍 moved, not within the same urban district
    ("R16.2", SENIOR_MOVE, None),
    ("R16.2", {**SENIOR_MOVE, "reason": TransferReason.WORKPLACE_MOVED}, Severity.BLOCK),
    ("R16.2", {**SENIOR_MOVE, "within_city_area": True}, Severity.BLOCK),
    ("R16.2", {**SENIOR_MOVE, "hukou_moved": False}, Severity.BLOCK),
    # R17.1 normally within the first 15 days of a term
    ("R17.1", {"on": date(2026, 9, 15)}, None),
    ("R17.1", {"on": date(2026, 9, 16)}, Severity.WARN),
    # R18.2 same grade
    ("R18.2", {"to_grade_level": 4}, Severity.BLOCK),
    ("R18.2", {"to_grade_level": 2}, Severity.BLOCK),
    # R18.3 starting grade term 1, graduating grade term 2, after exam registration
    ("R18.3", {}, None),
    ("R18.3", {"grade": GradeFacts(1, "primary"), "to_grade_level": 1}, Severity.BLOCK),
    ("R18.3", {"grade": GradeFacts(1, "primary"), "to_grade_level": 1, "term_number": 2}, None),
    ("R18.3", {"grade": GradeFacts(7, "junior"), "to_grade_level": 7}, Severity.BLOCK),
    ("R18.3", {"grade": GradeFacts(6, "primary"), "to_grade_level": 6, "term_number": 2}, Severity.BLOCK),
    ("R18.3", {"grade": GradeFacts(6, "nine_year"), "to_grade_level": 6, "term_number": 2}, None),
    ("R18.3", {"grade": GradeFacts(9, "nine_year"), "to_grade_level": 9, "term_number": 2}, Severity.BLOCK),
    (
        "R18.3",
        {"grade": GradeFacts(9, "junior"), "to_grade_level": 9, "exam_registration_closed": True},
        Severity.BLOCK,
    ),
    # R18.4 not while suspended or sanctioned
    ("R18.4", {"student_status": "休学"}, Severity.BLOCK),
    ("R18.4", {"under_sanction": True}, Severity.BLOCK),
    ("R18.4", {"student_status": "毕业"}, Severity.BLOCK),
    # R18.5 senior schools
    ("R18.5", SENIOR_MOVE, None),
    ("R18.5", {**SENIOR_MOVE, "into_provincial_model_school": True}, Severity.BLOCK),
    ("R18.5", {**SENIOR_MOVE, "within_city_area": True}, Severity.BLOCK),
    ("R18.5", {**FROM_VOCATIONAL, "zhongkao_score": 520, "makeup_courses_arranged": True}, Severity.BLOCK),
    ("R18.5", {**FROM_VOCATIONAL, "zhongkao_score": 560, "makeup_courses_arranged": False}, Severity.BLOCK),
    ("R18.5", {**FROM_VOCATIONAL, "zhongkao_score": 560, "makeup_courses_arranged": True}, None),
]


@_by_rule(TRANSFER_CASES)
def test_transfer_rules(rule_id, changes, severity):
    _assert(transfers.check_transfer(_transfer(**changes)), rule_id, severity)


def test_a_plain_transfer_has_no_findings():
    assert transfers.check_transfer(_transfer()) == []


def test_principle_rules_may_be_overridden_and_hard_ones_not():
    """RULES.md: an approved override only where the regulation says 「原则上」 (R16, R18.3, R22.4 …)."""
    timing = transfers.check_transfer(_transfer(grade=GradeFacts(1, "primary"), to_grade_level=1))
    assert [f.overridable for f in timing if f.rule_id == "R18.3"] == [True]
    assert not any(f.overridable for f in transfers.check_transfer(_transfer(student_status="休学")))
    assert not any(f.overridable for f in transfers.check_transfer(_transfer(to_grade_level=4)))


@pytest.mark.parametrize(
    ("size_after", "severity", "rule_id"),
    [
        (45, None, "R18.1"),
        (46, Severity.WARN, "R12.1"),
        (50, Severity.WARN, "R12.1"),
        (51, Severity.BLOCK, "R18.1"),
    ],
)
def test_r18_1_a_transfer_in_needs_a_free_place(size_after, severity, rule_id):
    found = transfers.check_free_place("三年级2班", 3, size_after)
    _assert(found, rule_id, severity)
    if severity is Severity.BLOCK:
        assert "空余学位" in found[0].message


@pytest.mark.parametrize(
    ("approved", "special", "severity"),
    [
        (False, False, Severity.BLOCK),
        (True, False, None),
        (False, True, None),
    ],
)
def test_r13_2_no_admission_before_the_sending_side_approved(approved, special, severity):
    _assert(transfers.check_admission_needs_transfer(approved, special), "R13.2", severity)


def test_r17_1_states_go_one_step_at_a_time():
    assert transfers.check_state_change(None, TransferState.REQUESTED) == []
    assert transfers.check_state_change(TransferState.REQUESTED, TransferState.RECEIVING_APPROVED) == []
    _assert(
        transfers.check_state_change(TransferState.REQUESTED, TransferState.COMPLETED),
        "R17.1",
        Severity.BLOCK,
    )
    _assert(
        transfers.check_state_change(TransferState.COMPLETED, TransferState.REQUESTED),
        "R17.1",
        Severity.BLOCK,
    )
    _assert(transfers.check_state_change(None, TransferState.SENDING_APPROVED), "R17.1", Severity.BLOCK)


def test_r17_1_proofs_of_a_transfer():
    needed = transfers.required_proofs(_transfer())
    _assert(proofs.check_proofs("R17.1", needed, {proofs.TRANSFER_APPLICATION}), "R17.1", Severity.BLOCK)
    assert proofs.check_proofs("R17.1", needed, {proofs.TRANSFER_APPLICATION, proofs.RESIDENCE_PERMIT}) == []
    missing = proofs.check_proofs("R17.1", needed, set())[0].message
    assert "户籍证明或居住证" in missing and "转学申请" in missing


@pytest.mark.parametrize(
    ("completed", "due"),
    [
        (date(2026, 9, 10), date(2026, 10, 10)),
        (date(2027, 1, 31), date(2027, 2, 28)),
        (date(2026, 12, 15), date(2027, 1, 15)),
        (date(2028, 1, 30), date(2028, 2, 29)),
    ],
)
def test_r20_1_archive_sent_within_one_month(completed, due):
    assert transfers.archive_due(completed) == due


def _suspension(**changes) -> SuspensionCase:
    base = SuspensionCase(
        grade=PRIMARY_3,
        term_number=1,
        reason=SuspensionReason.ILLNESS,
        start=date(2026, 10, 8),
        end=suspensions.default_end(date(2026, 10, 8)),
        illness_share_of_term=0.5,
    )
    return replace(base, **changes)


SUSPENSION_CASES = [
    ("R21.1", {}, None),
    ("R21.1", {"reason": None}, Severity.BLOCK),
    ("R21.1", {"illness_share_of_term": 0.3}, Severity.BLOCK),
    ("R21.1", {"reason": SuspensionReason.FORCE_MAJEURE, "illness_share_of_term": None}, None),
    ("R22.4", {"grade": GradeFacts(6, "primary"), "term_number": 2}, Severity.BLOCK),
    ("R22.4", {"grade": GradeFacts(6, "primary"), "term_number": 1}, None),
    ("R22.4", {"grade": GradeFacts(9, "junior"), "term_number": 2}, Severity.BLOCK),
    ("R22.4", {"grade": GradeFacts(12, "senior"), "term_number": 1}, Severity.BLOCK),
    ("R22.4", {"grade": GradeFacts(11, "senior"), "term_number": 2}, None),
    ("R22.3", {}, None),
    ("R22.3", {"end": date(2028, 1, 1)}, Severity.WARN),
    ("R22.3", {"end": date(2029, 1, 1)}, Severity.BLOCK),
    ("R22.3", {"days_suspended_before": 365, "end": date(2027, 10, 7)}, None),
    ("R22.3", {"days_suspended_before": 500, "end": date(2027, 10, 7)}, Severity.BLOCK),
    ("R22.3", {"end": date(2026, 10, 1)}, Severity.BLOCK),
    ("R22.1", {"student_status": "转出"}, Severity.BLOCK),
]


@_by_rule(SUSPENSION_CASES)
def test_suspension_rules(rule_id, changes, severity):
    _assert(suspensions.check_suspension(_suspension(**changes)), rule_id, severity)


def test_r22_3_one_year_by_default():
    assert suspensions.default_end(date(2026, 10, 8)) == date(2027, 10, 7)
    assert suspensions.default_end(date(2028, 2, 29)) == date(2029, 2, 27)


def test_r22_1_proofs_follow_the_reason():
    illness = suspensions.required_proofs(SuspensionReason.ILLNESS)
    other = suspensions.required_proofs(SuspensionReason.FORCE_MAJEURE)
    assert (proofs.HOSPITAL_RECORD,) in illness and (proofs.AUTHORITY_CERTIFICATE,) in other
    _assert(proofs.check_proofs("R22.1", illness, {proofs.SUSPENSION_FORM}), "R22.1", Severity.BLOCK)
    assert proofs.check_proofs("R22.1", illness, {proofs.SUSPENSION_FORM, proofs.HOSPITAL_RECORD}) == []


@pytest.mark.parametrize(
    ("status", "before", "after", "rule_id", "severity"),
    [
        ("休学", 3, 3, "R22.2", None),
        ("休学", 3, 4, "R22.2", None),
        ("休学", 3, 5, "R22.2", Severity.BLOCK),
        ("休学", 3, 2, "R21.1", Severity.BLOCK),
        ("在读", 3, 3, "R22.2", Severity.BLOCK),
    ],
)
def test_r22_2_resumption_into_the_same_or_the_next_grade(status, before, after, rule_id, severity):
    _assert(suspensions.check_resumption(status, before, after), rule_id, severity)


def _withdrawal(**changes) -> WithdrawalCase:
    base = WithdrawalCase(
        grade=PRIMARY_3, reason=WithdrawalReason.SETTLING_ABROAD, approved_by=ApprovingBody.COUNTY_BUREAU
    )
    return replace(base, **changes)


WITHDRAWAL_CASES = [
    ("R23.1", {}, None),
    ("R23.1", {"reason": WithdrawalReason.LOST_ABILITY, "approved_by": ApprovingBody.TOWNSHIP}, None),
    ("R23.1", {"reason": WithdrawalReason.OTHER}, Severity.BLOCK),
    ("R23.1", {"reason": WithdrawalReason.INCURABLE_ILLNESS}, Severity.BLOCK),
    ("R23.1", {"approved_by": ApprovingBody.AUTHORITY}, Severity.BLOCK),
    ("R23.1", {"approved_by": None}, Severity.BLOCK),
    (
        "R24.1",
        {"grade": SENIOR, "reason": WithdrawalReason.OTHER, "approved_by": ApprovingBody.AUTHORITY},
        None,
    ),
    ("R24.1", {"grade": SENIOR, "reason": WithdrawalReason.LOST_ABILITY}, Severity.BLOCK),
    (
        "R24.1",
        {"grade": SENIOR, "reason": WithdrawalReason.INCURABLE_ILLNESS, "days_suspended": 400},
        Severity.BLOCK,
    ),
    ("R24.1", {"grade": SENIOR, "reason": WithdrawalReason.INCURABLE_ILLNESS, "days_suspended": 731}, None),
    ("R25.1", {"grade": SENIOR, "reason": WithdrawalReason.OTHER, "approved_by": None}, Severity.BLOCK),
    ("R25.1", {"student_status": "毕业"}, Severity.BLOCK),
]


@_by_rule(WITHDRAWAL_CASES)
def test_withdrawal_rules(rule_id, changes, severity):
    _assert(withdrawals.check_withdrawal(_withdrawal(**changes)), rule_id, severity)


def test_r23_1_r24_1_proofs_follow_the_reason():
    abroad = withdrawals.required_proofs(WithdrawalReason.SETTLING_ABROAD)
    assert {(proofs.WITHDRAWAL_FORM,), (proofs.PASSPORT_COPY,), (proofs.HOUSEHOLD_REGISTER_COPY,)} == set(
        abroad
    )
    accident = withdrawals.required_proofs(WithdrawalReason.ACCIDENT_DISABILITY)
    assert (proofs.GRADE_A_HOSPITAL_RECORD,) in accident


TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("grade", "status", "attendance", "end", "count"),
    [
        (SENIOR, "在读", AttendanceFacts(8, 8, True), None, 0),
        (SENIOR, "在读", AttendanceFacts(8.5, 9, True), None, 1),
        (SENIOR, "在读", AttendanceFacts(3, 10, False), None, 1),
        (PRIMARY_3, "在读", AttendanceFacts(12, 12, True), None, 0),
        (SENIOR, "休学", AttendanceFacts(), date(2026, 11, 30), 1),
        (SENIOR, "休学", AttendanceFacts(), date(2026, 12, 1), 0),
    ],
)
def test_r26_1_automatic_withdrawal_candidates(grade, status, attendance, end, count):
    found = withdrawals.automatic_withdrawal_grounds(grade, status, attendance, end, TODAY)
    assert len(found) == count
    if count:
        _assert(found, "R26.1", Severity.WARN)


def test_r27_1_death():
    assert withdrawals.check_death("在读", date(2026, 11, 20), TODAY) == []
    _assert(withdrawals.check_death("在读", date(2026, 12, 2), TODAY), "R27.1", Severity.BLOCK)
    _assert(withdrawals.check_death("死亡", date(2026, 11, 20), TODAY), "R27.1", Severity.BLOCK)


def test_r28_1_dropout_only_in_the_compulsory_stage():
    assert withdrawals.check_dropout(GradeFacts(8, "junior"), "在读") == []
    _assert(withdrawals.check_dropout(SENIOR, "在读"), "R28.1", Severity.BLOCK)
    _assert(withdrawals.check_dropout(PRIMARY_3, "休学"), "R28.1", Severity.BLOCK)
    assert len(withdrawals.DROPOUT_RECIPIENTS) == 3


def test_r25_2_only_a_student_who_settled_abroad_is_restored():
    assert withdrawals.check_restoration("退学", WithdrawalReason.SETTLING_ABROAD.value) == []
    _assert(
        withdrawals.check_restoration("退学", WithdrawalReason.LOST_ABILITY.value), "R25.2", Severity.BLOCK
    )
    _assert(withdrawals.check_restoration("在读", None), "R25.2", Severity.BLOCK)


@pytest.mark.parametrize(
    ("status", "fields", "rule_id", "severity"),
    [
        ("在读", {"name"}, "R14.2", None),
        ("毕业", {"name"}, "R14.2", Severity.BLOCK),
        ("肄业", {"name"}, "R14.2", Severity.BLOCK),
        ("在读", {"national_student_id"}, "R10.4", Severity.BLOCK),
        ("在读", set(), "R14.1", Severity.BLOCK),
    ],
)
def test_r14_information_change(status, fields, rule_id, severity):
    _assert(information_change.check_information_change(status, fields), rule_id, severity)


def test_r14_1_applied_only_after_approval_with_proof():
    _assert(information_change.check_apply(False), "R14.1", Severity.BLOCK)
    assert information_change.check_apply(True) == []
    needed = information_change.required_proofs()
    assert proofs.check_proofs("R14.1", needed, {proofs.HOUSEHOLD_REGISTER_COPY}) == []
    _assert(proofs.check_proofs("R14.1", needed, set()), "R14.1", Severity.BLOCK)


@pytest.mark.parametrize(
    ("level", "stage", "compulsory", "starting", "graduating"),
    [
        (1, "primary", True, True, False),
        (6, "primary", True, False, True),
        (6, "nine_year", True, False, False),
        (7, "nine_year", True, True, False),
        (9, "nine_year", True, False, True),
        (10, "senior", False, True, False),
        (12, "senior", False, False, True),
        (9, "twelve_year", True, False, True),
    ],
)
def test_grades_the_regulation_names(level, stage, compulsory, starting, graduating):
    grade = GradeFacts(level, stage)
    assert (grade.compulsory, grade.starting, grade.graduating) == (compulsory, starting, graduating)
