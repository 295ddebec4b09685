"""学年结束 (services/year_end.py): the check of unfinished business, the preview, the run (毕业 R29.1, 升级 R15.1 and
R21.1, the new 学年) and its undo — on real data folders, compared table by table."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import (
    add_sanction,
    add_student,
    advance_to,
    class_id_of,
    illness_proofs,
    open_suspension,
    school_store,
)
from xueji_desktop.errors import InvalidInput
from xueji_desktop.models import SchoolClass, SchoolYear, StatusChange, Student
from xueji_desktop.rules.findings import RuleViolation
from xueji_desktop.rules.year_end import TermDates
from xueji_desktop.services import procedures, year_end
from xueji_desktop.services.sanctions import lift_sanction
from xueji_desktop.store import StoreError

END = date(2027, 7, 20)  # after luchang_setup's second term (ends 2027-07-09)
ALL_GRADES = {1: 2, 2: 2, 3: 1, 4: 1, 5: 1, 6: 2}


@pytest.fixture
def primary(tmp_path):
    """潞城区实验小学 with classes in every grade (一年级 and 六年级 two each), a 班主任 each, and two students a class."""
    with school_store(tmp_path / "primary", classes_per_grade=ALL_GRADES) as store:
        with store.transaction() as session:
            for school_class in session.scalars(select(SchoolClass)):
                school_class.head_teacher = f"班主任{school_class.id}"
        for level, count in ALL_GRADES.items():
            for number in range(1, count + 1):
                for _ in range(2):
                    add_student(store, class_id_of(store, level, number))
        yield store


def students_of(store, level: int, number: int = 1) -> set[int]:
    class_id = class_id_of(store, level, number)
    with store.read() as session:
        return set(
            session.scalars(
                select(Student.id).where(Student.school_class_id == class_id, Student.status == "在读")
            )
        )


def table_digests(store) -> dict[str, str]:
    """A hash of every table's rows, in rowid order."""
    names = [n for (n,) in store.query("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    return {
        name: hashlib.sha256(repr(store.query(f"SELECT * FROM {name} ORDER BY rowid")).encode()).hexdigest()
        for name in names
    }


# --- the check: 在办业务清理 --------------------------------------------------------------------------------------


def test_an_open_procedure_of_a_graduating_student_blocks_graduation_R7_1(primary, scan):
    sixth = next(iter(students_of(primary, 6)))
    third = next(iter(students_of(primary, 3)))
    open_suspension(primary, sixth, illness_proofs(scan), today=date(2027, 3, 1), decision=_excepted())
    open_suspension(primary, third, illness_proofs(scan), today=date(2027, 3, 1))
    found = year_end.check(primary, on=END)
    assert [item.problem for item in found.items] == ["在办异动手续", "在办异动手续"]
    assert [item.graduating for item in found.items] == [True, False]  # graduating students' items first
    assert found.blocking[0].student_id == sixth and found.blocking[0].rule_id == "R7.1"
    plan = year_end.preview(primary, on=END)
    assert plan.blocks
    assert any(f.rule_id == "R7.1" and "才能毕业" in f.text and "第七条" in f.text for f in plan.findings)
    grade6 = next(g for g in plan.grades if g.level == 6)
    assert len(grade6.blocked) == 1
    before = table_digests(primary)
    with pytest.raises(RuleViolation) as refused:
        year_end.run(primary, on=END)
    assert "第七条" in str(refused.value)
    assert table_digests(primary) == before  # nothing written
    assert not (primary.folder.backups / "year_end").exists()  # not even a backup


def test_cancelling_the_procedure_clears_the_check(primary, scan):
    sixth = next(iter(students_of(primary, 6)))
    procedure = open_suspension(
        primary, sixth, illness_proofs(scan), today=date(2027, 3, 1), decision=_excepted()
    )
    procedures.cancel(primary, procedure, reason="家长撤回申请", on=date(2027, 7, 12))
    assert year_end.check(primary, on=END).items == ()
    assert not year_end.preview(primary, on=END).findings


def test_a_change_not_reported_to_the_province_is_listed_R7_1(primary, scan):
    sixth = next(iter(students_of(primary, 6)))
    procedure = open_suspension(
        primary, sixth, illness_proofs(scan), today=date(2027, 3, 1), decision=_excepted()
    )
    advance_to(primary, procedure, on=date(2027, 3, 5), approval_number="潞教学〔2027〕5号")
    items = year_end.check(primary, on=END).items
    assert [(i.problem, i.rule_id, i.graduating) for i in items] == [("异动未上报省级系统", "R7.1", False)]
    procedures.set_province_state(primary, procedure, "已上报", on=date(2027, 3, 9))
    procedures.set_province_state(primary, procedure, "已通过", on=date(2027, 3, 10))
    assert year_end.check(primary, on=END).items == ()


def test_a_record_not_yet_approved_blocks_R10_3(primary):
    from xueji_desktop.models import EnrolmentStep

    sixth = next(iter(students_of(primary, 6)))
    with primary.transaction() as session:
        session.get(Student, sixth).enrolment_step = EnrolmentStep.ENTERED.value
    items = year_end.check(primary, on=END).items
    assert [(i.problem, i.rule_id, i.graduating) for i in items] == [("新生学籍未审核通过", "R10.3", True)]


def test_a_sanction_due_to_be_lifted_is_listed_and_lifting_clears_it_R32_1(primary):
    fourth = next(iter(students_of(primary, 4)))
    sanction = add_sanction(primary, fourth, decided_on=date(2026, 10, 8), period_end=date(2027, 4, 8))
    items = year_end.check(primary, on=END).items
    assert [(i.problem, i.rule_id, i.sanction_id) for i in items] == [("处分期满未解除", "R32.1", sanction)]
    lift_sanction(primary, sanction, lifted_on=date(2027, 4, 9), reason="表现良好")
    assert year_end.check(primary, on=END).items == ()


# --- the preview and the run ---------------------------------------------------------------------------------------


def test_preview_says_per_grade_who_graduates_and_who_moves_up(primary):
    plan = year_end.preview(primary, on=END)
    assert [(g.name, g.outcome.value, g.moving, g.to_name) for g in plan.grades] == [
        ("一年级", "升级", 4, "二年级"),
        ("二年级", "升级", 4, "三年级"),
        ("三年级", "升级", 2, "四年级"),
        ("四年级", "升级", 2, "五年级"),
        ("五年级", "升级", 2, "六年级"),
        ("六年级", "毕业", 4, ""),
    ]
    assert (plan.graduates, plan.promoted) == (4, 14)
    assert plan.ended_name == "2026-2027学年" and plan.new_name == "2027-2028学年"
    assert plan.starting_classes == {1: 2}
    assert not plan.findings


def test_the_run_graduates_moves_up_and_begins_the_new_year_R15_1_R21_1(primary):
    first_1, first_2, sixth_1 = (
        students_of(primary, 1, 1),
        students_of(primary, 1, 2),
        students_of(primary, 6, 1),
    )
    fifth = students_of(primary, 5)
    result = year_end.run(primary, on=END)
    assert (result.graduated, result.promoted, result.stayed) == (4, 14, 0)
    # 升级: every class one grade up, keeping its number (R15.1); no one 在读 is held back (R21.1)
    assert students_of(primary, 2, 1) == first_1 and students_of(primary, 2, 2) == first_2
    assert students_of(primary, 6, 1) == fifth
    assert students_of(primary, 1, 1) == students_of(primary, 1, 2) == set()  # empty for the newcomers
    with primary.read() as session:
        statuses = {sid: session.get(Student, sid).status for sid in sixth_1}
        changes = session.scalars(select(StatusChange).order_by(StatusChange.id)).all()
        years = {y.start_year: y.is_current for y in session.scalars(select(SchoolYear))}
        new_year = session.scalar(select(SchoolYear).where(SchoolYear.is_current))
        session.expunge_all()
    assert set(statuses.values()) == {"毕业"}
    graduations = [c for c in changes if c.kind == "graduation"]
    assert {c.student_id for c in graduations} >= sixth_1 and len(graduations) == 4
    assert all(
        c.status_before == "在读" and c.status_after == "毕业" and c.effective_date == END
        for c in graduations
    )
    assert json.loads(graduations[0].details)["班级"] == "六年级(1)班"
    promotions = [c for c in changes if c.kind == "promotion"]
    assert len(promotions) == 14 and all(c.status_before == c.status_after == "在读" for c in promotions)
    assert years == {2026: False, 2027: True}
    assert (new_year.term1_start, new_year.term1_start.weekday()) == (
        date(2027, 8, 31),
        date(2026, 9, 1).weekday(),
    )


def test_the_head_teacher_goes_up_with_the_class_and_the_first_grade_waits_for_new_ones(primary):
    with primary.read() as session:
        teachers = {(c.grade.level, c.number): c.head_teacher for c in session.scalars(select(SchoolClass))}
    year_end.run(primary, on=END)
    with primary.read() as session:
        after = {(c.grade.level, c.number): c.head_teacher for c in session.scalars(select(SchoolClass))}
    assert after[(2, 1)] == teachers[(1, 1)] and after[(6, 1)] == teachers[(5, 1)]
    assert after[(1, 1)] is None and after[(1, 2)] is None
    assert after[(6, 2)] is None  # 五年级 had one class: no class moved into 六年级(2)班


def test_a_suspended_student_stays_with_his_grade_R29_1(primary, scan):
    sixth = next(iter(students_of(primary, 6)))
    third = next(iter(students_of(primary, 3)))
    for student in (sixth, third):
        procedure = open_suspension(
            primary, student, illness_proofs(scan), today=date(2027, 3, 1), decision=_excepted()
        )
        advance_to(primary, procedure, on=date(2027, 3, 5), approval_number="潞教学〔2027〕5号")
        procedures.set_province_state(primary, procedure, "已上报", on=date(2027, 3, 9))
        procedures.set_province_state(primary, procedure, "已通过", on=date(2027, 3, 10))
    plan = year_end.preview(primary, on=END)
    assert [(g.level, g.staying) for g in plan.grades if g.staying] == [(3, 1), (6, 1)]
    result = year_end.run(primary, on=END)
    assert result.stayed == 2
    sixth_class, third_class = class_id_of(primary, 6), class_id_of(primary, 3)
    with primary.read() as session:
        kept = {
            sid: (session.get(Student, sid).status, session.get(Student, sid).school_class_id)
            for sid in (sixth, third)
        }
    assert kept[sixth] == ("休学", sixth_class)  # not graduated: he graduates with the grade he resumes in
    assert kept[third] == ("休学", third_class)  # the grade he left, until 复学 chooses one


def test_a_nine_year_schools_sixth_grade_graduates_from_primary_and_goes_on_R15_1(tmp_path):
    with school_store(tmp_path / "nine", stage="nine_year", classes_per_grade={6: 1, 7: 1, 9: 1}) as store:
        sixth = add_student(store, class_id_of(store, 6))
        ninth = add_student(store, class_id_of(store, 9))
        plan = year_end.preview(store, on=END)
        assert [(g.name, g.outcome.value) for g in plan.grades if g.moving] == [
            ("六年级", "小学毕业，升入初中"),
            ("九年级", "毕业"),
        ]
        year_end.run(store, on=END)
        with store.read() as session:
            changes = [
                (c.kind, c.status_before, c.status_after)
                for c in session.scalars(select(StatusChange).where(StatusChange.student_id == sixth))
            ]
            assert session.get(Student, sixth).status == "在读"
            assert session.get(Student, ninth).status == "毕业"
        assert changes == [("graduation", "在读", "毕业"), ("continuation", "毕业", "在读")]
        assert students_of(store, 7) == {sixth}
        with store.read() as session:
            moved = session.get(Student, sixth)
            tracked = (moved.enrolment_step, moved.enrolment_date)
        assert tracked == (
            "已录入系统",
            date(2027, 8, 31),
        )  # the new term's first day: 30 days of 转接 (R15.1)
        [item] = year_end.check(store, on=date(2027, 9, 1)).items
        assert (item.problem, item.rule_id, item.student_id) == ("新生学籍转接未完成", "R15.1", sixth)


def test_only_students_in_school_are_touched_R29_1(primary):
    from xueji_desktop.rules.year_end import check_graduate

    left = next(iter(students_of(primary, 2)))
    with primary.transaction() as session:
        session.get(Student, left).status = "转出"
    year_end.run(primary, on=END)
    second = class_id_of(primary, 2)
    with primary.read() as session:
        student = session.get(Student, left)
        assert (student.status, student.school_class_id) == ("转出", second)
    assert check_graduate("在读", "张三") == []
    assert check_graduate("转出", "张三")[0].rule_id == "R29.1" and check_graduate("转出", "张三")[0].blocks


def test_a_student_in_no_class_cannot_move_up_R21_1(primary):
    add_student(primary, None)
    plan = year_end.preview(primary, on=END)
    assert [f.rule_id for f in plan.findings] == ["R21.1"] and plan.blocks


def test_starting_classes_can_be_set(primary):
    year_end.run(primary, on=END, starting_classes={1: 3})
    with primary.read() as session:
        first = sorted(c.name for c in session.scalars(select(SchoolClass)) if c.grade.level == 1)
    assert first == ["一年级(1)班", "一年级(2)班", "一年级(3)班"]


def test_new_terms_are_checked(primary):
    wrong = TermDates(date(2027, 9, 1), date(2027, 8, 1), date(2028, 2, 20), date(2028, 7, 10))
    with pytest.raises(InvalidInput, match="学期日期"):
        year_end.preview(primary, on=END, terms=wrong)


# --- when: before the term ends, twice -----------------------------------------------------------------------------


def test_before_the_last_term_ends_the_date_must_be_confirmed_R15_1(primary):
    early = date(2027, 7, 5)
    plan = year_end.preview(primary, on=early)
    assert [(f.rule_id, f.blocks) for f in plan.findings] == [("R15.1", False)]
    with pytest.raises(RuleViolation, match="第十五条"):
        year_end.run(primary, on=early)
    assert year_end.run(primary, on=early, date_confirmed=True).graduated == 4


def test_running_twice_for_one_year_is_refused_R15_1(primary):
    year_end.run(primary, on=END)
    before = table_digests(primary)
    with pytest.raises(RuleViolation, match="不能办理两次"):
        year_end.run(primary, on=date(2027, 7, 21), date_confirmed=True)
    assert table_digests(primary) == before


# --- undo ------------------------------------------------------------------------------------------------------


def test_undo_restores_every_table_exactly(primary, scan):
    third = next(iter(students_of(primary, 3)))
    add_sanction(primary, third, decided_on=date(2026, 10, 8))
    before = table_digests(primary)
    audit_before = primary.query("SELECT * FROM audit_event ORDER BY id")
    year_end.run(primary, on=END)
    assert table_digests(primary) != before
    assert year_end.undo(primary) == "2026-2027学年"
    after = table_digests(primary)
    assert {name for name in before if before[name] != after[name]} == {"audit_event"}
    assert set(after) == set(before)
    audit_after = primary.query("SELECT * FROM audit_event ORDER BY id")
    assert audit_after[: len(audit_before)] == audit_before  # the trail is kept, and says what happened
    assert [row[3] for row in audit_after[len(audit_before) :]] == ["year_end.undo"]
    from xueji_desktop.services.audit import verify_chain

    with primary.read() as session:
        assert verify_chain(session) == []
    from xueji_desktop.services.history import action_name

    assert action_name("year_end.undo") == "撤销学年结束" and "学年结束" in action_name("year_end.run")
    assert year_end.undoable(primary).refusal == "还没有办理过学年结束，无可撤销"


def test_undo_is_refused_after_a_new_operation(primary):
    from tests.factories import add_award

    year_end.run(primary, on=END)
    add_award(primary, next(iter(students_of(primary, 2))), awarded_on=date(2027, 9, 10))
    can = year_end.undoable(primary)
    assert "之后已有新的操作（记录奖励" in can.refusal
    before = table_digests(primary)
    with pytest.raises(InvalidInput, match="不能再撤销"):
        year_end.undo(primary)
    assert table_digests(primary) == before


def test_undo_refuses_a_damaged_backup_and_changes_nothing(primary):
    result = year_end.run(primary, on=END)
    with result.backup.open("r+b") as handle:
        handle.seek(200)
        handle.write(b"\x00damaged\x00")
    before = table_digests(primary)
    with pytest.raises(StoreError, match="已损坏"):
        year_end.undo(primary)
    assert table_digests(primary) == before


def _excepted():
    """The decision a test gives for a graduating grade's 休学 in its second term (R22.4, an exception approved)."""
    return procedures.Decision(confirmed=True, approval_number="潞教学〔2027〕1号", reason="病情需要")


def test_the_graduate_roster_names_the_class_each_graduated_from(primary, tmp_path):
    import pypdfium2

    from xueji_desktop.services.printing.rosters import graduate_roster
    from xueji_desktop.services.school_setup import rename_class

    year_end.run(primary, on=END)
    rename_class(
        primary, class_id_of(primary, 6, 1), "六年级(1)班（新）"
    )  # the class the fifth grade moved into
    out = tmp_path / "毕业生花名册.pdf"
    assert graduate_roster(primary, 2027, out) == 1
    document = pypdfium2.PdfDocument(str(out))
    text = document[0].get_textpage().get_text_range()
    document.close()
    assert "2027年毕业生花名册" in text and text.count("六年级(1)班") == 2 and "（新）" not in text


def test_a_full_disk_stops_the_year_end_before_anything_is_written(small_disk_of):
    """T5: the backup before the year end does not fit: one Chinese line, no half backup, the school as it was."""
    import os

    from xueji_desktop.store import DiskFull

    disk = small_disk_of("4m")
    with school_store(disk / "data", classes_per_grade=ALL_GRADES) as store:
        for level in ALL_GRADES:
            add_student(store, class_id_of(store, level))
        before = table_digests(store)
        stats = os.statvfs(disk)
        filler = disk / "filler.bin"
        filler.write_bytes(b"\0" * max(stats.f_bavail * stats.f_frsize - 32 * 1024, 0))
        with pytest.raises(DiskFull, match="磁盘空间已满，本次备份没有完成"):
            year_end.run(store, on=END)
        assert table_digests(store) == before
        assert list((store.folder.backups / "year_end").glob("*")) == []
        filler.unlink()
        assert year_end.run(store, on=END).graduated == 1


def test_a_year_end_cancelled_before_its_commit_writes_nothing(primary):
    """The UI's 取消: progress raises inside the transaction, which is rolled back (only the backup is left)."""

    class Cancelled(Exception):
        """What the progress dialog's 取消 raises (ui/common/worker.Cancelled)."""

    told: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        told.append((done, total))
        if done == total:
            raise Cancelled

    before = table_digests(primary)
    with pytest.raises(Cancelled):
        year_end.run(primary, on=END, progress=progress)
    assert told == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]
    assert table_digests(primary) == before
