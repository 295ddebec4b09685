"""休学、延长休学、复学 end to end on a real data file: opened with the rules and proofs checked, moved through their
steps, completed with a status change; refusals write nothing; a mistake is reversed, never edited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.factories import add_student, advance_to, class_id_of, open_suspension, school_store
from xueji_desktop.errors import StoreError
from xueji_desktop.models import Attachment, AuditEvent, Procedure, StatusChange, Student
from xueji_desktop.rules.findings import RuleViolation
from xueji_desktop.rules.proofs import AUTHORITY_CERTIFICATE, HOSPITAL_RECORD, SUSPENSION_FORM
from xueji_desktop.rules.suspensions import SuspensionReason
from xueji_desktop.services import procedures
from xueji_desktop.services.attachments import ProofFile, ProofFileError
from xueji_desktop.services.procedures import Decision, suspensions

TODAY = date(2026, 10, 8)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture
def scans(tmp_path):
    folder = tmp_path / "scans"
    folder.mkdir()
    (folder / "申请表.pdf").write_bytes(PDF + b"form")
    (folder / "病历.jpg").write_bytes(JPEG)
    (folder / "证明.pdf").write_bytes(PDF + b"certificate")
    return {
        SUSPENSION_FORM: ProofFile(SUSPENSION_FORM, folder / "申请表.pdf"),
        HOSPITAL_RECORD: ProofFile(HOSPITAL_RECORD, folder / "病历.jpg"),
        AUTHORITY_CERTIFICATE: ProofFile(AUTHORITY_CERTIFICATE, folder / "证明.pdf"),
    }


def _status(store, student_id: int) -> tuple[str, int | None]:
    with store.read() as session:
        student = session.get(Student, student_id)
        return student.status, student.school_class_id


def _count(store, model) -> int:
    with store.read() as session:
        return session.scalar(select(func.count(model.id)))


def _illness(scans) -> list[ProofFile]:
    return [scans[SUSPENSION_FORM], scans[HOSPITAL_RECORD]]


def _suspend(store, student_id, scans) -> int:
    """A suspension for illness opened and registered today."""
    procedure_id = open_suspension(store, student_id, _illness(scans), today=TODAY, illness_share_of_term=0.5)
    return advance_to(store, procedure_id, on=TODAY, approval_number="潞教学籍〔2026〕12号")


def test_r22_1_a_suspension_goes_through_its_steps_and_changes_the_status(school, scans):
    student = add_student(school, class_id_of(school, 3))
    procedure_id = open_suspension(school, student, _illness(scans), today=TODAY, illness_share_of_term=0.5)
    assert _status(school, student) == ("在读", class_id_of(school, 3))  # opened, not yet done
    procedures.advance(school, procedure_id, "学校已审核", on=TODAY)
    procedures.advance(school, procedure_id, "学籍管理部门已登记", on=date(2026, 10, 10))
    # the class place is kept (第二十二条)
    assert _status(school, student) == ("休学", class_id_of(school, 3))
    with school.read() as session:
        change = session.scalar(select(StatusChange).where(StatusChange.kind == "suspension"))
        assert (change.status_before, change.status_after, change.effective_date) == ("在读", "休学", TODAY)
        assert procedures.current_state(session, procedure_id, "steps") == "学籍管理部门已登记"
        assert procedures.current_state(session, procedure_id, "province") == "待上报"
        period = suspensions.current_period(session, student)
        assert (period.origin, period.end) == (TODAY, date(2027, 10, 7))  # R22.3: one year
        kept = session.scalars(select(Attachment)).all()
        assert {a.kind for a in kept} == {SUSPENSION_FORM, HOSPITAL_RECORD}
        assert all(
            (school.folder.attachments / a.stored_name).read_bytes()[:4] in (b"%PDF", JPEG[:4]) for a in kept
        )
        actions = set(session.scalars(select(AuditEvent.action)))
    assert {"procedure.open", "procedure.step", "status_change.suspension"} <= actions


def test_r22_1_proofs_are_required_and_nothing_is_written_without_them(school, scans):
    student = add_student(school, class_id_of(school, 3))
    with pytest.raises(RuleViolation) as caught:
        open_suspension(school, student, [scans[SUSPENSION_FORM]], today=TODAY)
    assert [f.rule_id for f in caught.value.findings] == ["R22.1"]
    assert "县级以上医疗单位病历" in caught.value.findings[0].text
    assert _count(school, Procedure) == 0 and _count(school, Attachment) == 0


def test_r21_1_no_suspension_without_one_of_the_two_reasons(school, scans):
    student = add_student(school, class_id_of(school, 3))
    with pytest.raises(RuleViolation) as caught:
        open_suspension(school, student, list(scans.values()), today=TODAY, reason=None)
    assert "R21.1" in [f.rule_id for f in caught.value.findings]


def test_r22_4_graduating_grade_second_term_needs_an_approved_exception(tmp_path, scans):
    with school_store(tmp_path / "grade6", classes_per_grade={6: 1}) as store:
        student = add_student(store, class_id_of(store, 6))
        spring = date(2027, 3, 10)
        values = {"proofs": _illness(scans), "today": spring, "illness_share_of_term": 0.5}
        with pytest.raises(RuleViolation) as caught:
            open_suspension(store, student, **values)
        assert [(f.rule_id, f.overridable) for f in caught.value.findings] == [("R22.4", True)]
        with pytest.raises(RuleViolation):  # an approval number without a reason is not enough
            open_suspension(store, student, decision=Decision(approval_number="潞教〔2027〕3号"), **values)
        procedure_id = open_suspension(
            store,
            student,
            decision=Decision(approval_number="潞教〔2027〕3号", reason="重病住院，经区教育局同意"),
            **values,
        )
        with store.read() as session:
            kept = procedures.facts_of(session.get(Procedure, procedure_id))
            findings = session.get(Procedure, procedure_id).findings
        assert kept["reason"] == SuspensionReason.ILLNESS.value
        assert "R22.4" in findings and "潞教〔2027〕3号" in findings and "重病住院" in findings


def test_r22_3_a_warning_needs_confirmation(school, scans):
    student = add_student(school, class_id_of(school, 3))
    values = {
        "proofs": _illness(scans),
        "today": TODAY,
        "end": date(2028, 1, 31),
        "illness_share_of_term": 0.5,
    }
    with pytest.raises(RuleViolation) as caught:
        open_suspension(school, student, **values)
    assert [f.rule_id for f in caught.value.findings] == ["R22.3"] and not caught.value.blocking
    open_suspension(school, student, decision=Decision(confirmed=True), **values)
    assert _count(school, Procedure) == 1


def test_r22_3_extensions_stop_at_two_years_in_all(school, scans):
    student = add_student(school, class_id_of(school, 3))
    _suspend(school, student, scans)
    new_proofs = [scans[SUSPENSION_FORM], scans[AUTHORITY_CERTIFICATE]]
    extension = procedures.open(
        school,
        suspensions.ExtensionRequest(student_id=student, new_end=date(2028, 10, 6)),
        proofs=new_proofs,
        today=TODAY,
    )
    procedures.advance(school, extension, "学校已审核", on=TODAY)
    procedures.advance(school, extension, "学籍管理部门已登记", on=TODAY)
    with school.read() as session:
        assert suspensions.current_period(session, student).end == date(2028, 10, 6)
        assert suspensions.days_suspended(session, student) == 730
    assert _status(school, student)[0] == "休学"
    with pytest.raises(RuleViolation) as caught:
        procedures.open(
            school,
            suspensions.ExtensionRequest(student_id=student, new_end=date(2028, 10, 20)),
            proofs=new_proofs,
            today=TODAY,
        )
    assert [f.rule_id for f in caught.value.findings] == ["R22.3"] and "两年" in caught.value.findings[0].text


def test_r22_2_resumption_into_the_next_grade(school, scans):
    student = add_student(school, class_id_of(school, 2))
    _suspend(school, student, scans)
    back = date(2027, 9, 1)
    resumption = procedures.open(
        school,
        suspensions.ResumptionRequest(student_id=student, to_class_id=class_id_of(school, 3), on=back),
        proofs=_illness(scans),
        today=back,
    )
    procedures.advance(school, resumption, "学校已审核", on=back)
    procedures.advance(school, resumption, "学籍管理部门已登记", on=back)
    assert _status(school, student) == ("在读", class_id_of(school, 3))


def test_r21_1_no_resumption_into_a_lower_grade(school, scans):
    student = add_student(school, class_id_of(school, 3))
    _suspend(school, student, scans)
    with pytest.raises(RuleViolation) as caught:
        procedures.open(
            school,
            suspensions.ResumptionRequest(student_id=student, to_class_id=class_id_of(school, 2), on=TODAY),
            proofs=_illness(scans),
            today=TODAY,
        )
    assert "R21.1" in [f.rule_id for f in caught.value.findings]


def test_r7_1_steps_in_order_and_a_completed_procedure_is_reversed_not_edited(school, scans):
    """R7.1: every change waits for the authority's review, step by step; a mistake is a new reversing entry."""
    student = add_student(school, class_id_of(school, 3))
    procedure_id = open_suspension(school, student, _illness(scans), today=TODAY)
    with pytest.raises(RuleViolation, match="学校已审核"):
        procedures.advance(school, procedure_id, "学籍管理部门已登记", on=TODAY)
    procedures.advance(school, procedure_id, "学校已审核", on=TODAY)
    procedures.advance(school, procedure_id, "学籍管理部门已登记", on=TODAY)
    with pytest.raises(RuleViolation, match="已完成"):
        procedures.cancel(school, procedure_id, reason="家长改变主意", on=TODAY)
    with school.read() as session:
        change_id = session.scalar(select(StatusChange.id).where(StatusChange.kind == "suspension"))
    reversal = procedures.reverse(school, change_id, reason="录错了学生", on=TODAY)
    assert _status(school, student) == ("在读", class_id_of(school, 3))
    with school.read() as session:
        assert session.get(StatusChange, reversal).reverses_id == change_id
        assert suspensions.days_suspended(session, student) == 0  # a reversed suspension does not count
    with pytest.raises(RuleViolation, match="已经冲正"):
        procedures.reverse(school, change_id, reason="再来一次", on=TODAY)


def test_cancel_an_open_procedure_with_its_reason(school, scans):
    student = add_student(school, class_id_of(school, 3))
    procedure_id = open_suspension(school, student, _illness(scans), today=TODAY)
    with pytest.raises(RuleViolation, match="原因"):
        procedures.cancel(school, procedure_id, reason=" ", on=TODAY)
    procedures.cancel(school, procedure_id, reason="家长改变主意", on=TODAY)
    with school.read() as session:
        assert procedures.current_state(session, procedure_id, "steps") == "已撤销"
    with pytest.raises(RuleViolation, match="已撤销"):
        procedures.advance(school, procedure_id, "学校已审核", on=TODAY)
    assert _status(school, student)[0] == "在读"


def test_r7_1_the_provincial_system_state(school, scans):
    """R7.1: where the change stands with the authority (待上报 → 已上报 → 已通过 / 已退回 with the reason)."""
    student = add_student(school, class_id_of(school, 3))
    procedure_id = _suspend(school, student, scans)
    with pytest.raises(RuleViolation):
        procedures.set_province_state(school, procedure_id, "已通过", on=TODAY)
    procedures.set_province_state(school, procedure_id, "已上报", on=TODAY)
    with pytest.raises(RuleViolation, match="原因"):
        procedures.set_province_state(school, procedure_id, "已退回", on=TODAY)
    procedures.set_province_state(school, procedure_id, "已退回", on=TODAY, note="病历不清晰")
    procedures.set_province_state(school, procedure_id, "已上报", on=TODAY)
    procedures.set_province_state(school, procedure_id, "已通过", on=TODAY)
    with school.read() as session:
        assert procedures.current_state(session, procedure_id, "province") == "已通过"


def test_a_failure_half_way_writes_nothing(school, scans, monkeypatch):
    """One transaction: if completing fails after the status change is made, none of it is kept."""
    student = add_student(school, class_id_of(school, 3))
    procedure_id = open_suspension(school, student, _illness(scans), today=TODAY)
    procedures.advance(school, procedure_id, "学校已审核", on=TODAY)
    events_before, changes_before = _count(school, AuditEvent), _count(school, StatusChange)

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("xueji_desktop.services.audit.record", broken)
    with pytest.raises((OSError, StoreError)):  # the store says 磁盘空间已满 (a StoreError)
        procedures.advance(school, procedure_id, "学籍管理部门已登记", on=TODAY)
    assert _status(school, student)[0] == "在读"
    assert (_count(school, AuditEvent), _count(school, StatusChange)) == (events_before, changes_before)
    with school.read() as session:
        assert procedures.current_state(session, procedure_id, "steps") == "学校已审核"


def test_a_proof_that_is_not_a_scan_is_refused(school, tmp_path):
    student = add_student(school, class_id_of(school, 3))
    fake = tmp_path / "病历.pdf"
    fake.write_text("这不是扫描件", encoding="utf-8")
    form = tmp_path / "申请表.pdf"
    form.write_bytes(PDF)
    with pytest.raises(ProofFileError, match="不是图片或 PDF"):
        open_suspension(
            school, student, [ProofFile(SUSPENSION_FORM, form), ProofFile(HOSPITAL_RECORD, fake)], today=TODAY
        )
    assert _count(school, Procedure) == 0 and _count(school, Attachment) == 0


def test_the_same_scan_is_stored_once_and_survives_the_original_moving(school, scans):
    first, second = add_student(school, class_id_of(school, 3)), add_student(school, class_id_of(school, 3))
    for student in (first, second):
        open_suspension(school, student, _illness(scans), today=TODAY)
    scans[HOSPITAL_RECORD].path.unlink()
    stored = [p for p in school.folder.attachments.rglob("*") if p.is_file()]
    assert len(stored) == 2 and _count(school, Attachment) == 4
    assert any(p.read_bytes() == JPEG for p in stored)
