"""奖励 and 处分 on real data files (第三十一条、第三十二条; R31.1, R32.1, R32.2): recorded with one audit entry each,
refusals that write nothing, a lifting as a new entry, R18.4 through procedures.open of a 转出, and the term review's
处分期满未解除 (R34.1)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.factories import (
    add_award,
    add_sanction,
    add_student,
    advance_to,
    class_id_of,
    open_transfer_out,
    senior_school,
    transfer_proofs,
)
from xueji_desktop.errors import InvalidInput, NotFound
from xueji_desktop.models import AuditEvent, Procedure, SanctionLifting, StudentSanction
from xueji_desktop.rules.findings import RuleViolation
from xueji_desktop.rules.review import Check
from xueji_desktop.services import sanctions, term_review

DECIDED = date(2026, 9, 10)


def _count(store, table) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(table))


def _actions(store) -> list[str]:
    with store.read() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_r31_1_an_award_with_its_proof_and_one_audit_entry(school, scan):
    student = add_student(school, class_id_of(school, 2))
    proof = scan("获奖证书").path
    award = sanctions.add_award(
        school,
        student,
        level="县级",
        title="优秀少先队员",
        awarded_on=date(2026, 11, 5),
        issuer="潞城区教育局",
        proof=proof,
    )
    add_award(school, student, "班级", title="劳动之星", awarded_on=date(2026, 11, 6), issuer="二年级(1)班")
    rows = sanctions.awards_of(school, student)
    assert [(r.title, r.archived, r.has_proof) for r in rows] == [
        ("劳动之星", False, False),
        ("优秀少先队员", True, True),
    ]
    assert rows[1].id == award
    assert _actions(school)[-2:] == ["award.add", "award.add"]
    with school.read() as session:  # R31.1: 校级 and above in the archive
        awards, _ = sanctions.archive_entries(session, student)
    assert [a.title for a in awards] == ["优秀少先队员"]


def test_an_award_of_an_unknown_level_or_without_title_is_refused(school):
    student = add_student(school, class_id_of(school, 2))
    with pytest.raises(InvalidInput, match="奖励级别"):
        sanctions.add_award(school, student, level="区级", title="x", awarded_on=DECIDED, issuer="y")
    with pytest.raises(InvalidInput, match="奖励名称"):
        sanctions.add_award(school, student, level="校级", title=" ", awarded_on=DECIDED, issuer="y")
    assert sanctions.awards_of(school, student) == []


def test_r32_1_r32_2_a_sanction_recorded_and_lifted_as_a_new_entry(school):
    student = add_student(school, class_id_of(school, 3))
    warning = add_sanction(school, student)
    demerit = add_sanction(school, student, "记过", decided_on=date(2026, 10, 8), period_end=date(2027, 4, 8))
    sanctions.lift_sanction(school, warning, lifted_on=date(2026, 12, 1), reason="表现良好")
    rows = {r.kind: r for r in sanctions.sanctions_of(school, student)}
    assert rows["警告"].lifted_on == date(2026, 12, 1) and rows["警告"].lift_reason == "表现良好"
    assert rows["警告"].state(date(2026, 12, 2)) == "已于2026-12-01解除"
    assert rows["记过"].in_force(date(2026, 12, 2)) and rows["记过"].archived and not rows["警告"].archived
    assert [r.id for r in sanctions.in_force(school, today=date(2026, 12, 2))] == [demerit]
    assert _actions(school)[-3:] == ["sanction.add", "sanction.add", "sanction.lift"]
    with school.read() as session:  # R32.2: 记过 and above in the archive
        _, archived = sanctions.archive_entries(session, student)
    assert [s.kind for s in archived] == ["记过"]
    with pytest.raises(RuleViolation, match="不能再次解除") as caught:  # once
        sanctions.lift_sanction(school, warning, lifted_on=date(2026, 12, 5), reason="再次")
    assert caught.value.findings[0].rule_id == "R32.1"
    assert _count(school, SanctionLifting) == 1


def test_r32_1_sanctions_refused_by_stage_write_nothing(school):
    """R32.1: a primary pupil is never expelled nor put on probation."""
    student = add_student(school, class_id_of(school, 3))
    before = len(_actions(school))
    for kind in ("开除学籍", "留校察看"):
        with pytest.raises(RuleViolation, match="第三十二条") as caught:
            add_sanction(school, student, kind, period_end=date(2027, 3, 1), city_approved=True)
        assert caught.value.findings[0].rule_id == "R32.1"
    assert _count(school, StudentSanction) == 0 and len(_actions(school)) == before
    with pytest.raises(NotFound):
        sanctions.lift_sanction(school, 99, lifted_on=DECIDED, reason="x")


def test_r32_1_senior_probation_at_most_a_year(tmp_path):
    with senior_school(tmp_path / "senior") as store:
        student = add_student(store, class_id_of(store, 11))
        with pytest.raises(RuleViolation, match="最长不超过一年"):
            add_sanction(store, student, "留校察看", period_end=date(2027, 9, 11))
        assert add_sanction(store, student, "留校察看", period_end=date(2027, 9, 10))
        with pytest.raises(RuleViolation, match="市级教育行政部门批准"):
            add_sanction(store, student, "开除学籍")
        assert [r.kind for r in sanctions.sanctions_of(store, student)] == ["留校察看"]


TODAY = date(2026, 9, 14)  # within 第十七条's first 15 days of the term


def test_r18_4_a_sanction_in_force_blocks_a_transfer_out(school, scan):
    """R18.4 through procedures.open: the 转出 kind reads the records, no checkbox."""
    student = add_student(school, class_id_of(school, 3))
    add_sanction(school, student)
    with pytest.raises(RuleViolation) as caught:
        open_transfer_out(school, student, transfer_proofs(scan), today=TODAY)
    assert [f.rule_id for f in caught.value.findings] == ["R18.4"]
    assert _count(school, Procedure) == 0


def test_r18_4_a_lifted_sanction_no_longer_blocks_a_transfer_out(school, scan):
    student = add_student(school, class_id_of(school, 3))
    sanctions.lift_sanction(
        school, add_sanction(school, student), lifted_on=date(2026, 9, 12), reason="表现良好"
    )
    assert open_transfer_out(school, student, transfer_proofs(scan), today=TODAY)


def test_r18_4_a_sanction_decided_while_the_transfer_runs_stops_it_completing(school, scan):
    student = add_student(school, class_id_of(school, 3))
    procedure = open_transfer_out(school, student, transfer_proofs(scan), today=TODAY)
    add_sanction(school, student, decided_on=date(2026, 9, 15))
    with pytest.raises(RuleViolation, match="受处分期间不予转学"):
        advance_to(school, procedure, "学籍已转出", on=date(2026, 9, 20))


def test_the_transfer_out_request_asks_no_sanction_checkbox():
    from dataclasses import fields

    from xueji_desktop.services.procedures.transfers import TransferOutRequest

    assert "under_sanction" not in {f.name for f in fields(TransferOutRequest)}


def test_r34_1_the_term_review_lists_sanctions_ended_but_not_lifted(school):
    student = add_student(school, class_id_of(school, 3), name="李四")
    add_sanction(school, student, "记过", period_end=date(2026, 12, 10))
    other = add_student(school, class_id_of(school, 2))
    lifted = add_sanction(school, other, "严重警告", period_end=date(2026, 12, 10))
    sanctions.lift_sanction(school, lifted, lifted_on=date(2026, 12, 10), reason="期满表现良好")
    running = term_review.review(school, today=date(2026, 12, 10))
    assert running.counts[Check.SANCTION_ENDED] == 0
    ended = term_review.review(school, today=date(2026, 12, 11))
    group = next(g for g in ended.groups if g.check is Check.SANCTION_ENDED)
    assert [(f.student.id, f.rule_id) for f in group.findings] == [(student, "R34.1")]
    assert "记过处分" in group.findings[0].problem
