"""The service that saves a student refuses, whoever calls it, what rules/key_fields.py forbids — a key field of an
established record (R14.1), anything after graduation (R14.2), a 学籍号 once set (R10.4) — writing nothing; and
procedures.open refuses a student whose record is not established yet (R10.3), except 转入 and 死亡."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.factories import add_graduate, add_student, class_id_of, id_number, open_suspension
from xueji_desktop.models import AuditEvent, Procedure, Student
from xueji_desktop.rules import proofs
from xueji_desktop.rules.findings import RuleViolation
from xueji_desktop.services import procedures
from xueji_desktop.services.procedures import information_changes, withdrawals
from xueji_desktop.services.students import load_form, not_established, update_student

TODAY = date(2026, 11, 2)
NSID = "G140406201903140011"


def _set(store, student_id: int, **values) -> None:
    """Put the student in a state (enrolment step, 学籍号) the way the enrolment tab or an import leaves him."""
    with store.transaction() as session:
        student = session.get(Student, student_id)
        for key, value in values.items():
            setattr(student, key, value)


def _student(store, student_id: int) -> Student:
    with store.read() as session:
        student = session.get(Student, student_id)
        session.expunge(student)
        return student


def _updates(store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "student.update"))


def test_r14_1_a_key_field_of_an_established_record_is_refused_nothing_written(school):
    student_id = add_student(
        school, class_id_of(school, 2), name="张三"
    )  # by hand: a formal record (no step)
    form = load_form(school, student_id)
    form.values |= {"name": "张珊", "phone": "13900139000"}
    with pytest.raises(RuleViolation) as caught:
        update_student(school, student_id, form)
    [finding] = caught.value.findings
    assert finding.rule_id == "R14.1" and finding.blocks
    assert "第十四条" in finding.text and "姓名" in finding.text and "信息变更" in finding.text
    stored = _student(school, student_id)
    assert (stored.name, stored.phone) == ("张三", None)  # the phone was not saved either: one transaction
    assert _updates(school) == 0


@pytest.mark.parametrize("step", ["审核通过", None])
def test_r14_1_key_fields_are_refused_once_established(school, step):
    born = date(2019, 3, 14)
    student_id = add_student(school, class_id_of(school, 2), birth=born, number=id_number(born, "1", 301))
    _set(school, student_id, enrolment_step=step)
    for key, value in {"ethnicity": "02", "id_number": id_number(born, "1", 302), "name": "钱九"}.items():
        form = load_form(school, student_id)
        form.values[key] = value
        with pytest.raises(RuleViolation) as caught:
            update_student(school, student_id, form)
        assert [f.rule_id for f in caught.value.findings] == ["R14.1"], key
    assert _updates(school) == 0


def test_r14_1_a_student_with_a_national_id_is_established_even_mid_enrolment(school):
    student_id = add_student(school, class_id_of(school, 1), name="李四")
    _set(school, student_id, enrolment_step="已录入系统", national_student_id=NSID)
    form = load_form(school, student_id)
    form.values["name"] = "李斯"
    with pytest.raises(RuleViolation, match="第十四条"):
        update_student(school, student_id, form)
    assert _student(school, student_id).name == "李四"


def test_r14_1_passes_other_fields_and_records_still_being_established(school):
    established = add_student(school, class_id_of(school, 2), name="张三")
    form = load_form(school, established)
    form.values["phone"] = "13900139000"
    form.family[1]["phone"] = "13700000000"
    changes = update_student(school, established, form)
    assert changes["联系电话"] == [None, "13900139000"] and "家庭成员" in changes

    pending = add_student(school, class_id_of(school, 1), name="王五")
    _set(school, pending, enrolment_step="已签字回收")
    form = load_form(school, pending)
    form.values["name"] = "王武"  # corrected before the record is established: no 信息变更 needed
    assert update_student(school, pending, form)["姓名"] == ["王五", "王武"]
    assert _student(school, pending).name == "王武"


def test_r14_2_a_graduate_record_is_never_changed_by_hand(school):
    graduate = add_graduate(school, class_id_of(school, 3), name="赵六")
    form = load_form(school, graduate)
    form.values["current_address"] = "潞城区潞华街道2号"
    with pytest.raises(RuleViolation) as caught:
        update_student(school, graduate, form)
    [finding] = caught.value.findings
    assert (
        finding.rule_id == "R14.2"
        and finding.blocks
        and "毕业" in finding.text
        and "第十四条" in finding.text
    )
    form = load_form(school, graduate)
    form.family[0]["phone"] = "13600000000"
    with pytest.raises(RuleViolation, match="不得修改"):
        update_student(school, graduate, form)
    assert _student(school, graduate).current_address is None and _updates(school) == 0


def test_r14_2_passes_a_graduate_saved_unchanged(school):
    graduate = add_graduate(school, class_id_of(school, 3))
    assert update_student(school, graduate, load_form(school, graduate)) == {}


def test_r10_4_kept_a_national_id_is_set_once(school):
    student_id = add_student(school, class_id_of(school, 1))
    form = load_form(school, student_id)
    form.values["national_student_id"] = NSID
    assert update_student(school, student_id, form)["学籍号"] == [None, NSID]
    form = load_form(school, student_id)
    form.values["national_student_id"] = NSID[:-1] + "2"
    with pytest.raises(RuleViolation) as caught:
        update_student(school, student_id, form)
    assert [f.rule_id for f in caught.value.findings] == ["R10.4"]


def test_not_established_names_the_students_still_being_enrolled(school):
    formal = add_student(school, class_id_of(school, 1))
    pending = add_student(school, class_id_of(school, 1))
    numbered = add_student(school, class_id_of(school, 1))
    _set(school, pending, enrolment_step="已录入系统")
    _set(school, numbered, enrolment_step="已录入系统", national_student_id=NSID)
    assert not_established(school, [formal, pending, numbered]) == {pending: "已录入系统"}
    assert not_established(school, []) == {}


def test_r10_3_a_procedure_refuses_a_student_whose_record_is_not_established(school, scan):
    student_id = add_student(school, class_id_of(school, 2), name="孙七")
    _set(school, student_id, enrolment_step="已录入系统")
    with pytest.raises(RuleViolation) as caught:
        open_suspension(school, student_id, [scan(proofs.SUSPENSION_FORM)], today=TODAY)
    assert "R10.3" in [f.rule_id for f in caught.value.findings]
    refusal = next(f for f in caught.value.findings if f.rule_id == "R10.3")
    assert (
        refusal.blocks
        and "学籍尚未建立" in refusal.text
        and "休学" in refusal.text
        and "第十条" in refusal.text
    )
    request = information_changes.InformationChangeRequest(student_id=student_id, new_values={"name": "孙琪"})
    with pytest.raises(RuleViolation, match="学籍尚未建立"):
        procedures.open(school, request, [scan(proofs.HOUSEHOLD_REGISTER_COPY)], today=TODAY)
    with school.read() as session:
        assert session.scalar(select(func.count(Procedure.id))) == 0


def test_r10_3_passes_an_established_record_and_a_death_report(school, scan):
    established = add_student(school, class_id_of(school, 2))
    _set(school, established, enrolment_step="审核通过")
    request = information_changes.InformationChangeRequest(
        student_id=established, new_values={"name": "周八"}
    )
    assert procedures.open(school, request, [scan(proofs.HOUSEHOLD_REGISTER_COPY)], today=TODAY)

    pending = add_student(school, class_id_of(school, 1))
    _set(school, pending, enrolment_step="信息表已下发")
    death = withdrawals.DeathRequest(student_id=pending, died_on=date(2026, 10, 28))
    assert procedures.open(school, death, proofs=[scan(proofs.DEATH_PROOF)], today=TODAY)
