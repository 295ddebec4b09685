"""services.enrolment: the follow-up view of new students by R10.3 step with R10.1 / R15.1 deadlines, marking steps for
many students at once (R10.3, all or nothing), and 学籍号 imported from the provincial export (R10.4)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.factories import add_student, id_number, id_number_ending_in_x
from xueji_desktop.models import AuditEvent, Grade, SchoolClass, Student
from xueji_desktop.rules import RuleViolation
from xueji_desktop.rules.enrolment import STEPS
from xueji_desktop.services import audit, enrolment
from xueji_desktop.services.enrolment import import_national_ids, mark_step, new_students
from xueji_desktop.services.school_setup import create_class

HANDED_OUT, SIGNED, ENTERED, APPROVED = STEPS
TODAY = date(2026, 10, 10)


def _class_ids(store):
    with store.read() as session:
        return {c.name: c.id for c in session.scalars(select(SchoolClass))}


def _set(store, student_id, **values):
    with store.transaction() as session:
        student = session.get(Student, student_id)
        for key, value in values.items():
            setattr(student, key, value)


def _new(store, class_id, name, step=HANDED_OUT, started=date(2026, 9, 1), **kwargs):
    student_id = add_student(store, class_id, name=name, **kwargs)
    _set(store, student_id, enrolment_step=step, enrolment_date=started)
    return student_id


def _steps(store, ids):
    with store.read() as session:
        return [session.get(Student, i).enrolment_step for i in ids]


def _events(store, action):
    with store.read() as session:
        return [
            (e.entity_id, json.loads(e.changes))
            for e in session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        ]


@pytest.fixture
def cohort(school):
    """Four new students of 一年级 at different steps, one formal (older) student and one new student who left."""
    classes = _class_ids(school)
    one, two = classes["一年级(1)班"], classes["一年级(2)班"]
    ids = {
        "早": _new(school, one, "早", HANDED_OUT, date(2026, 9, 1)),  # deadline 10-01: overdue on 10-10
        "签": _new(school, one, "签", SIGNED, date(2026, 9, 1)),  # overdue too
        "录": _new(school, two, "录", ENTERED, date(2026, 9, 15)),  # deadline 10-15: 5 days left
        "过": _new(school, two, "过", APPROVED, date(2026, 9, 1)),  # done: never overdue
        "旧": add_student(school, one, name="旧"),  # formal record: no step
        "走": _new(school, one, "走", HANDED_OUT, date(2026, 9, 1)),
    }
    _set(school, ids["走"], status="转出")
    return school, ids, classes


# --- the follow-up view -----------------------------------------------------------------------------------------


def test_r10_1_new_students_with_deadline_days_left_and_overdue(cohort):
    """R10.1: each row carries its deadline (enrolment date + 30 days), days left (negative once past) and whether it
    is overdue; students without a step (formal records) and students who left are not listed."""
    store, ids, _ = cohort
    rows = {row.name: row for row in new_students(store, today=TODAY)}
    assert set(rows) == {"早", "签", "录", "过"}
    early = rows["早"]
    assert (early.id, early.class_name, early.step) == (ids["早"], "一年级(1)班", HANDED_OUT)
    assert (early.enrolment_date, early.deadline, early.days_left, early.overdue) == (
        date(2026, 9, 1),
        date(2026, 10, 1),
        -9,
        True,
    )
    assert (rows["录"].deadline, rows["录"].days_left, rows["录"].overdue) == (date(2026, 10, 15), 5, False)
    assert rows["过"].overdue is False and rows["过"].days_left == -9
    assert rows["签"].overdue is True
    assert early.grade_level == 1


def test_new_students_most_urgent_first(cohort):
    store, _, _ = cohort
    rows = new_students(store, today=TODAY)
    assert [r.enrolment_date for r in rows] == sorted(r.enrolment_date for r in rows)
    assert rows[-1].name == "录"


def test_r10_3_new_students_filtered_by_step(cohort):
    store, _, _ = cohort
    assert [r.name for r in new_students(store, step=ENTERED, today=TODAY)] == ["录"]
    assert [r.name for r in new_students(store, step=APPROVED, today=TODAY)] == ["过"]


def test_r10_1_overdue_only(cohort):
    """R10.1: only students past the 30 days and not yet 审核通过; the 30th day itself is still in time."""
    store, _, _ = cohort
    assert sorted(r.name for r in new_students(store, overdue_only=True, today=TODAY)) == ["早", "签"]
    assert new_students(store, overdue_only=True, today=date(2026, 10, 1)) == []
    assert sorted(r.name for r in new_students(store, overdue_only=True, today=date(2026, 10, 16))) == [
        "录",
        "早",
        "签",
    ]
    assert [r.name for r in new_students(store, step=SIGNED, overdue_only=True, today=TODAY)] == ["签"]


def test_new_students_without_a_class(school):
    student_id = _new(school, None, "未分班")
    [row] = new_students(school, today=TODAY)
    assert (row.id, row.class_name, row.grade_level) == (student_id, "", None)


# --- marking steps ------------------------------------------------------------------------------------------------


def test_r10_3_mark_step_moves_many_students_with_an_audit_event_each(school):
    """R10.3: one step forward for a batch, one transaction, one audit event per student with old → new."""
    classes = _class_ids(school)
    ids = [_new(school, classes["一年级(1)班"], f"新生{i}") for i in range(5)]
    assert mark_step(school, ids, SIGNED, today=TODAY) == 5
    assert _steps(school, ids) == [SIGNED] * 5
    assert _events(school, "enrolment.step") == [(i, {"建籍步骤": [HANDED_OUT, SIGNED]}) for i in ids]
    with school.read() as session:
        assert audit.verify_chain(session) == []


def test_r10_3_students_already_at_the_step_are_left_alone(school):
    classes = _class_ids(school)
    first = _new(school, classes["一年级(1)班"], "甲", SIGNED)
    second = _new(school, classes["一年级(1)班"], "乙", HANDED_OUT)
    assert mark_step(school, [first, second, second], SIGNED, today=TODAY) == 1
    assert _events(school, "enrolment.step") == [(second, {"建籍步骤": [HANDED_OUT, SIGNED]})]


def test_r10_3_one_refused_student_refuses_the_whole_batch(school):
    """R10.3, all or nothing: 乙 would skip 已录入系统, so nobody moves and no event is written; the violation names
    乙 and not the others."""
    classes = _class_ids(school)
    good = [_new(school, classes["一年级(1)班"], name, ENTERED) for name in ("甲", "丙")]
    bad = _new(school, classes["一年级(1)班"], "乙", SIGNED)
    with pytest.raises(RuleViolation) as caught:
        mark_step(school, [good[0], bad, good[1]], APPROVED, today=TODAY)
    [finding] = caught.value.findings
    assert finding.rule_id == "R10.3" and finding.blocks
    assert finding.message.startswith("乙：") and "已签字回收" in finding.message
    assert "第十条" in str(caught.value)
    assert _steps(school, [*good, bad]) == [ENTERED, ENTERED, SIGNED]
    assert _events(school, "enrolment.step") == []


def test_r10_3_every_refused_student_is_named(school):
    classes = _class_ids(school)
    first = _new(school, classes["一年级(1)班"], "甲", HANDED_OUT)
    second = _new(school, classes["一年级(1)班"], "乙", HANDED_OUT)
    formal = add_student(school, classes["一年级(1)班"], name="丙")
    with pytest.raises(RuleViolation) as caught:
        mark_step(school, [first, second, formal], ENTERED, today=TODAY)
    assert [f.message.split("：")[0] for f in caught.value.findings] == ["甲", "乙", "丙"]
    assert "正式学籍" in caught.value.findings[2].message


def test_r10_3_going_back_a_step_needs_a_reason_which_is_kept(school):
    """R10.3: a mistaken step is undone to the previous step only with a written reason, recorded in the audit."""
    classes = _class_ids(school)
    student_id = _new(school, classes["一年级(1)班"], "甲", ENTERED)
    with pytest.raises(RuleViolation, match="须写明原因"):
        mark_step(school, [student_id], SIGNED, today=TODAY)
    with pytest.raises(RuleViolation, match="须写明原因"):
        mark_step(school, [student_id], SIGNED, reason="  ", today=TODAY)
    assert _steps(school, [student_id]) == [ENTERED]
    assert mark_step(school, [student_id], SIGNED, reason=" 误点，照片未上传 ", today=TODAY) == 1
    assert _steps(school, [student_id]) == [SIGNED]
    assert _events(school, "enrolment.step") == [
        (student_id, {"建籍步骤": [ENTERED, SIGNED], "原因": "误点，照片未上传"})
    ]


def test_r10_1_a_late_approval_records_how_late_it_was(school):
    """R10.1: approving after the 30 days is allowed (the work still has to be done) and the audit keeps the delay."""
    classes = _class_ids(school)
    late = _new(school, classes["一年级(1)班"], "迟", ENTERED, date(2026, 9, 1))
    on_time = _new(school, classes["一年级(1)班"], "准", ENTERED, date(2026, 9, 20))
    assert mark_step(school, [late, on_time], APPROVED, today=TODAY) == 2
    assert _events(school, "enrolment.step") == [
        (late, {"建籍步骤": [ENTERED, APPROVED], "逾期天数": 9}),
        (on_time, {"建籍步骤": [ENTERED, APPROVED]}),
    ]


def test_mark_step_unknown_student(school):
    classes = _class_ids(school)
    student_id = _new(school, classes["一年级(1)班"], "甲")
    with pytest.raises(LookupError, match="99999"):
        mark_step(school, [student_id, 99999], SIGNED, today=TODAY)
    assert _steps(school, [student_id]) == [HANDED_OUT]


def test_mark_step_a_large_batch(school):
    """A whole grade at once (several chunks of ids) in one transaction."""
    grade_id = _grade_id(school, 1)
    class_ids = [create_class(school, grade_id) for _ in range(12)]
    ids = []
    with school.transaction() as session:
        for n in range(1200):
            student = _bare_student(n, class_ids[n % 12])
            session.add(student)
            session.flush()
            ids.append(student.id)
    assert mark_step(school, ids, SIGNED, today=TODAY) == 1200
    assert set(_steps(school, ids)) == {SIGNED}
    assert len(_events(school, "enrolment.step")) == 1200


def _grade_id(store, level):
    with store.read() as session:
        return session.scalar(select(Grade.id).where(Grade.level == level))


def _bare_student(n, class_id, **values):
    """A minimal row written straight to the table (the services' own checks are not what these tests are about)."""
    born = date(2019, 1, 1) + timedelta(days=n % 365)
    defaults = dict(
        school_class_id=class_id,
        name=f"批量{n}",
        gender="1",
        birth_date=born,
        id_number=id_number(born, "1", n // 365),
        entry_month="2026-09",
        enrolment_step=HANDED_OUT,
        enrolment_date=date(2026, 9, 1),
        created_at=datetime.now(),
        updated_at=datetime.now(),
    )
    defaults.update(values)
    return Student(**defaults)


# --- 学籍号 from the provincial export (R10.4) -------------------------------------------------------------------


def _nsid(store, student_id):
    with store.read() as session:
        return session.get(Student, student_id).national_student_id


@pytest.fixture
def people(school):
    """甲 and 乙 without a 学籍号, 丙 with one, and 丁 whose ID number ends in X."""
    classes = _class_ids(school)
    one = classes["一年级(1)班"]
    born = date(2019, 9, 1)
    numbers = {
        "甲": id_number(born, "1", 11),
        "乙": id_number(born, "2", 12),
        "丙": id_number(born, "1", 13),
        "丁": id_number_ending_in_x(born, "2"),
    }
    ids = {
        name: _new(
            school, one, name, ENTERED, birth=born, gender="1" if name in "甲丙" else "2", number=number
        )
        for name, number in numbers.items()
    }
    _set(school, ids["丙"], national_student_id="G" + numbers["丙"])
    return school, ids, numbers


def test_r10_4_national_ids_set_where_empty(people):
    store, ids, numbers = people
    result = import_national_ids(
        store, [(numbers["甲"], "G" + numbers["甲"]), (numbers["乙"], "L140406201909011234")]
    )
    assert [(line.index, line.student_id, line.student_name) for line in result.set] == [
        (0, ids["甲"], "甲"),
        (1, ids["乙"], "乙"),
    ]
    assert _nsid(store, ids["甲"]) == "G" + numbers["甲"]
    assert _nsid(store, ids["乙"]) == "L140406201909011234"
    assert result.problems == [] and result.already_same == []
    assert _events(store, "enrolment.national_id") == [
        (ids["甲"], {"学籍号": [None, "G" + numbers["甲"]]}),
        (ids["乙"], {"学籍号": [None, "L140406201909011234"]}),
    ]


def test_r10_4_matching_by_normalised_id_number(people):
    """A lower-case x, full-width digits and spaces in the export still find the student; the 学籍号 is normalised."""
    store, ids, numbers = people
    messy = " ".join([numbers["丁"][:6], numbers["丁"][6:]]).lower()
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in numbers["甲"])
    result = import_national_ids(
        store, [(messy, "g" + numbers["丁"].lower()), (full_width, "Ｇ" + numbers["甲"])]
    )
    assert [line.student_name for line in result.set] == ["丁", "甲"]
    assert _nsid(store, ids["丁"]) == "G" + numbers["丁"]
    assert _nsid(store, ids["甲"]) == "G" + numbers["甲"]


def test_r10_4_same_number_again_is_reported_not_rewritten(people):
    store, ids, numbers = people
    result = import_national_ids(store, [(numbers["丙"], "G" + numbers["丙"])])
    assert [line.student_name for line in result.already_same] == ["丙"]
    assert result.set == [] and _events(store, "enrolment.national_id") == []


def test_r10_4_a_different_national_id_is_never_overwritten(people):
    """R10.4: 学籍号 is for life; a different one in the export is a conflict, reported, and nothing is written."""
    store, ids, numbers = people
    other = "L140406201909019999"
    result = import_national_ids(store, [(numbers["丙"], other)])
    [line] = result.conflicts
    assert (line.student_id, line.national_student_id) == (ids["丙"], other)
    assert "G" + numbers["丙"] in line.message and "终身不变" in line.message
    assert _nsid(store, ids["丙"]) == "G" + numbers["丙"]
    assert _events(store, "enrolment.national_id") == []


def test_r10_4_a_national_id_held_by_another_student_is_a_conflict(people):
    """R10.4: one person, one number — 乙 cannot be given 丙's 学籍号, nor two rows the same new one."""
    store, ids, numbers = people
    shared = "L140406201909015555"
    result = import_national_ids(
        store, [(numbers["乙"], "G" + numbers["丙"]), (numbers["甲"], shared), (numbers["丁"], shared)]
    )
    assert [line.student_name for line in result.set] == ["甲"]
    assert [(line.index, line.student_name) for line in result.conflicts] == [(0, "乙"), (2, "丁")]
    assert "已属于学生“丙”" in result.conflicts[0].message and "已属于学生“甲”" in result.conflicts[1].message
    assert _nsid(store, ids["乙"]) is None and _nsid(store, ids["丁"]) is None


def test_r10_4_unknown_id_numbers_and_invalid_national_ids_are_reported(people):
    store, ids, numbers = people
    stranger = id_number(date(2019, 5, 5), "1", 77)
    result = import_national_ids(
        store,
        [
            (stranger, "G" + stranger),
            (numbers["甲"], "X" + numbers["甲"]),
            (numbers["乙"], numbers["乙"]),
            ("", "G" + numbers["乙"]),
            (numbers["丁"], "G123"),
        ],
    )
    assert [(line.index, line.id_number) for line in result.unknown] == [(0, stranger)]
    assert "没有使用这个身份证件号的学生" in result.unknown[0].message
    assert [line.index for line in result.invalid] == [1, 2, 3, 4]
    assert "应以字母G、L或J开头" in result.invalid[0].message
    assert "应以字母G、L或J开头" in result.invalid[1].message
    assert result.invalid[2].message == "身份证件号为空"
    assert "应为19位" in result.invalid[3].message
    assert [line.index for line in result.problems] == [0, 1, 2, 3, 4]
    assert result.set == [] and _nsid(store, ids["甲"]) is None


def test_r10_4_a_g_number_not_matching_the_id_number_is_set_with_a_note(people):
    """The national system keeps a G number when an ID number changes, so a mismatch is noted, not refused."""
    store, ids, numbers = people
    result = import_national_ids(store, [(numbers["甲"], "G" + numbers["乙"])])
    [line] = result.set
    assert "与身份证件号不一致" in line.message
    assert _nsid(store, ids["甲"]) == "G" + numbers["乙"]


def test_r10_4_national_ids_all_or_nothing(people, monkeypatch):
    """One transaction: when writing the audit events fails after both students were given their 学籍号, neither
    keeps it."""
    store, ids, numbers = people
    written = []

    def failing_record_many(session, entries):
        written.extend(entries)
        raise OSError("disk gone")

    monkeypatch.setattr(enrolment.audit, "record_many", failing_record_many)
    with pytest.raises(OSError):
        import_national_ids(
            store, [(numbers["甲"], "G" + numbers["甲"]), (numbers["乙"], "G" + numbers["乙"])]
        )
    assert [entry[2] for entry in written] == [ids["甲"], ids["乙"]]
    assert _nsid(store, ids["甲"]) is None and _nsid(store, ids["乙"]) is None


def test_r10_3_mark_step_all_or_nothing(school, monkeypatch):
    """One transaction: a failure at the end leaves every student at the step they were at."""
    classes = _class_ids(school)
    ids = [_new(school, classes["一年级(1)班"], name) for name in ("甲", "乙")]

    def failing_record_many(session, entries):
        raise OSError("disk gone")

    monkeypatch.setattr(enrolment.audit, "record_many", failing_record_many)
    with pytest.raises(OSError):
        mark_step(school, ids, SIGNED, today=TODAY)
    assert _steps(school, ids) == [HANDED_OUT, HANDED_OUT]


def test_r10_4_national_ids_for_a_large_export(school):
    """An export of 1,200 students (several chunks of ID numbers) in one transaction."""
    class_id = _class_ids(school)["一年级(1)班"]
    with school.transaction() as session:
        session.add_all(_bare_student(n, class_id) for n in range(1200))
    with school.read() as session:
        numbers = list(session.scalars(select(Student.id_number).order_by(Student.id)))
    result = import_national_ids(school, [(number, "G" + number) for number in numbers])
    assert len(result.set) == 1200 and result.problems == []
    with school.read() as session:
        assert session.scalar(select(Student).where(Student.national_student_id.is_(None))) is None
