"""The demo school's 奖励 and 处分 (第三十一条、第三十二条): a few awards (one below 校级, not archived, R31.1), a 警告
lifted and a 记过 in force (archived, R32.2), which blocks that student's 转出 (R18.4)."""

from __future__ import annotations

from datetime import date

from xueji_desktop.demo import create_demo_school
from xueji_desktop.services import sanctions
from xueji_desktop.store import Store

TODAY = date(2026, 10, 15)


def test_r31_1_r32_2_r18_4_the_demo_school_has_awards_and_sanctions(tmp_path):
    with Store.open(tmp_path / "data") as store:
        create_demo_school(store, students=200, seed=2026, today=TODAY)
        awards = sanctions.awards_of(store)
        assert sorted(a.level for a in awards) == ["县级", "校级", "班级"]
        assert sum(a.archived for a in awards) == 2
        rows = {row.kind: row for row in sanctions.sanctions_of(store)}
        assert set(rows) == {"警告", "记过"}
        assert rows["警告"].lifted_on is not None and not rows["警告"].in_force(TODAY)
        assert rows["记过"].in_force(TODAY) and rows["记过"].archived
        assert [row.kind for row in sanctions.in_force(store, today=TODAY)] == ["记过"]
        with store.read() as session:
            assert sanctions.under_sanction(session, rows["记过"].student_id, TODAY)


def test_a_demo_school_without_students_has_no_sanctions(tmp_path):
    with Store.open(tmp_path / "data") as store:
        create_demo_school(store, students=0, today=TODAY)
        assert sanctions.sanctions_of(store) == [] and sanctions.awards_of(store) == []
