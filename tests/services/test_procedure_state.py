"""A procedure's state, computed once for many in one pass (services/procedures/state.py): step, next step, each
step's date, provincial state and note, status change, approval number — as the list, the term review, the upload
batch and the timeline read it."""

from __future__ import annotations

from datetime import date

from tests.factories import add_student, class_id_of, illness_proofs, open_suspension
from xueji_desktop.rules import proofs
from xueji_desktop.services import history, procedures
from xueji_desktop.services.procedures import withdrawals
from xueji_desktop.services.procedures.state import procedure_states

TODAY = date(2026, 10, 8)


def test_r22_1_states_of_several_procedures_in_one_pass(school, scan):
    first = add_student(school, class_id_of(school, 3), name="甲")
    second = add_student(school, class_id_of(school, 3), name="乙")
    suspended = open_suspension(school, first, illness_proofs(scan), today=TODAY)
    procedures.advance(school, suspended, "学校已审核", on=date(2026, 10, 9))
    procedures.advance(
        school, suspended, "学籍管理部门已登记", on=date(2026, 10, 12), approval_number="潞教〔2026〕7号"
    )
    procedures.set_province_state(school, suspended, "已上报", on=date(2026, 10, 13))
    procedures.set_province_state(school, suspended, "已退回", on=date(2026, 10, 14), note="缺病历")
    death = procedures.open(
        school,
        withdrawals.DeathRequest(student_id=second, died_on=TODAY),
        [scan(proofs.DEATH_PROOF)],
        today=TODAY,
    )
    with school.read() as session:
        states = procedure_states(session)
        only = procedure_states(session, [death])
    done, open_one = states[suspended], states[death]
    assert (done.label, done.step, done.next_step, done.open) == ("休学", "学籍管理部门已登记", None, False)
    assert done.days == {
        "已申请": TODAY,
        "学校已审核": date(2026, 10, 9),
        "学籍管理部门已登记": date(2026, 10, 12),
    }
    assert (done.province, done.province_note, done.approval_number) == (
        "已退回",
        "缺病历",
        "潞教〔2026〕7号",
    )
    assert done.status_change_id is not None and len(done.events) == 6
    assert (open_one.step, open_one.next_step, open_one.status_change_id) == (
        "已登记",
        "学籍管理部门已办理",
        None,
    )
    assert list(only) == [death] and only[death].step == "已登记"
    [row] = [r for r in procedures.procedure_rows(school, today=TODAY) if r.id == death]
    assert (
        row.due is not None and row.next_state == "学籍管理部门已办理"
    )  # R27.1: 10 working days from the death
    _, entries = history.timeline(school, first)
    assert [e.detail for e in entries if e.what == "休学省级系统"][-1] == "已退回；缺病历"


def test_every_kind_is_in_the_registry_once_with_its_label_and_request():
    kinds = procedures.all_kinds()
    assert len(kinds) == 11 and len({kind.label for kind in kinds.values()}) == 11
    assert procedures.change_name("suspension_extension") == "延长休学"
    assert procedures.change_name("reversal:suspension") == "冲正（休学）"
    assert procedures.change_name("promotion") == "升级"  # a status change no procedure writes
    for code, kind in kinds.items():
        assert procedures.kind_of(code) is kind and kind.steps and kind.request.__dataclass_params__.frozen
