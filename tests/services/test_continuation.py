"""初一/高一新生学籍转接 (第十五条, R15.1) on real data files and a real .xlsx: a junior school imports its incoming
students with their 学籍号 (R10.4: kept as given), each is written 在读 with a 新生学籍转接 status change and tracked to
the deadline the calendar data gives; refused rows (no 学籍号, one already in the school, a class outside 初一) and a
primary school are refused with their reasons; the term review lists an overdue 转接 under R15.1."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from tests.factories import add_student, class_id_of, id_number, school_store
from xueji_desktop.models import AuditEvent, SchoolClass, StatusChange, Student
from xueji_desktop.reference.school_year_calendar import summer_calendar
from xueji_desktop.rules import RuleViolation
from xueji_desktop.rules.enrolment import STEPS
from xueji_desktop.rules.review import Check
from xueji_desktop.services import enrolment, term_review
from xueji_desktop.services.continuation import (
    commit_continuation,
    default_entry_date,
    plan_continuation,
    school_grades,
)
from xueji_desktop.services.student_import import ImportRefused

HANDED_OUT, SIGNED, ENTERED, APPROVED = STEPS
ENTRY = date(2026, 9, 1)
HEADERS = [
    "序号",
    "姓名",
    "性别",
    "出生日期",
    "民族",
    "身份证件号",
    "全国学籍号",
    "班级",
    "毕业学校",
    "成员1姓名",
    "成员1关系",
    "成员1是否监护人",
    "成员1联系电话",
]


def newcomer(n: int, name: str, gender: str, born: date, klass: object, previous="潞城区实验小学", **kw):
    code = "1" if gender == "男" else "2"
    number = kw.get("number") or id_number(born, code, seq=300 + n)
    national = kw.get("national", "G" + number)
    return [
        n,
        name,
        gender,
        f"{born:%Y%m%d}",
        "汉族",
        number,
        national,
        klass,
        previous,
        "李父",
        "父亲",
        "是",
        "13800138000",
    ]


def good_rows() -> list[list[object]]:
    return [
        newcomer(1, "赵一", "男", date(2013, 3, 1), "初一(1)班"),
        newcomer(2, "钱二", "女", date(2013, 5, 2), 2, previous=None),
        newcomer(3, "孙三", "男", date(2013, 4, 3), "七年级(3)班", "潞城区黄牛蹄小学"),  # 七年级(3)班 is new
    ]


def write_list(path, rows, headers=HEADERS):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "学生信息"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def junior(tmp_path):
    with school_store(
        tmp_path / "junior", name="潞城区第一中学", stage="junior", classes_per_grade={7: 2, 8: 1}
    ) as store:
        yield store


@pytest.fixture
def good_file(tmp_path):
    return write_list(tmp_path / "初一新生.xlsx", good_rows())


def test_r15_1_a_junior_school_takes_its_newcomers_with_their_national_ids(junior, good_file):
    """R15.1, R10.4: 学籍号 kept as given; 在读; 入学年月 from the entry date; a 新生学籍转接 status change (待审核, the
    previous school in its details); at 已录入系统 from the entry date; R12.1 classes from the file; one audit entry."""
    plan = plan_continuation(junior, good_file)
    assert plan.problems == [] and plan.grades == (7,)
    assert {(c.grade_level, c.number, c.class_id is None) for c in plan.classes} == {
        (7, 1, False),
        (7, 2, False),
        (7, 3, True),
    }
    with junior.read() as session:  # planning wrote nothing
        assert session.scalar(select(func.count(Student.id))) == 0
    result = commit_continuation(junior, plan, entry_date=ENTRY)
    assert result.created == 3
    first_class = class_id_of(junior, 7, 1)
    with junior.read() as session:
        students = {s.name: s for s in session.scalars(select(Student))}
        zhao = students["赵一"]
        assert zhao.national_student_id == "G" + zhao.id_number
        assert zhao.status == "在读" and zhao.entry_month == "2026-09"
        assert (zhao.enrolment_step, zhao.enrolment_date) == (ENTERED, ENTRY)
        assert zhao.school_class_id == first_class
        assert session.get(SchoolClass, students["孙三"].school_class_id).name == "七年级(3)班"
        changes = {c.student_id: c for c in session.scalars(select(StatusChange))}
        assert len(changes) == 3
        change = changes[zhao.id]
        assert (change.kind, change.effective_date, change.status_before, change.status_after) == (
            "continuation",
            ENTRY,
            None,
            "在读",
        )
        assert change.authority_state == "待审核"
        assert json.loads(change.details)["from_school"] == "潞城区实验小学"
        assert "from_school" not in json.loads(changes[students["钱二"].id].details)
        [event] = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "student.import_continuation")
        )
        assert "2026-10-01" in event.changes and "七年级(3)班" in event.changes


def test_r10_4_r15_1_rows_without_a_national_id_one_already_held_or_a_class_outside_grade_7(junior, tmp_path):
    """Each refused row with its Chinese reason; nothing written unless only the valid rows are asked for."""
    stored = add_student(junior, class_id_of(junior, 8), name="周八", birth=date(2012, 1, 1))
    with junior.transaction() as session:
        session.get(Student, stored).national_student_id = "G" + "1" * 18
    rows = [
        *good_rows(),
        newcomer(4, "吴四", "女", date(2013, 1, 4), 1, national=None),
        newcomer(5, "郑五", "男", date(2013, 1, 5), 1, national="G" + "1" * 18),
        newcomer(6, "王六", "女", date(2013, 1, 6), "初二(1)班"),
        newcomer(7, "冯七", "男", date(2013, 1, 7), "八年级(1)班"),
        newcomer(8, "陈八", "女", date(2013, 1, 8), 1, national="X12"),
    ]
    plan = plan_continuation(junior, write_list(tmp_path / "有错.xlsx", rows))
    by_row = {p.row_number: p for p in plan.problems}
    assert set(by_row) == {5, 6, 7, 8, 9}  # Excel's row numbers: the header is row 1
    assert by_row[5].header == "学籍号" and by_row[5].message == "必填"
    assert "学籍号与已有学生周八相同" in by_row[6].message
    assert by_row[7].header == "班级" and "班级不在初一" in by_row[7].message
    assert "班级不在初一" in by_row[8].message
    assert "G、L或J" in by_row[9].message
    with pytest.raises(ImportRefused):
        commit_continuation(junior, plan, entry_date=ENTRY)
    with junior.read() as session:
        assert session.scalar(select(func.count(Student.id))) == 1
        assert session.scalar(select(func.count(StatusChange.id))) == 0
    result = commit_continuation(junior, plan, entry_date=ENTRY, valid_only=True)
    assert result.created == 3 and result.skipped_rows == [5, 6, 7, 8, 9]


def test_r15_1_a_grade_column_outside_the_starting_grade_is_refused(junior, tmp_path):
    headers = [*HEADERS, "年级"]
    rows = [[*newcomer(1, "赵一", "男", date(2013, 3, 1), 1), "初一"]]
    rows.append([*newcomer(2, "钱二", "女", date(2012, 5, 2), 1), "初二"])
    plan = plan_continuation(junior, write_list(tmp_path / "年级.xlsx", rows, headers))
    [wrong] = plan.problems
    assert (wrong.row_number, wrong.header) == (3, "年级") and "这一行是初二" in wrong.message


def test_r15_1_a_primary_school_takes_no_one_by_transfer(school, good_file):
    with pytest.raises(RuleViolation) as refused:
        plan_continuation(school, good_file)
    [finding] = refused.value.findings
    assert finding.rule_id == "R15.1" and "本校（小学）没有初一、高一年级" in finding.text


def test_r15_1_a_twelve_year_school_needs_the_grade_of_each_newcomer(tmp_path):
    with school_store(tmp_path / "twelve", stage="twelve_year", classes_per_grade={7: 1, 10: 1}) as store:
        assert school_grades(store) == (7, 10)
        rows = [
            newcomer(1, "赵一", "男", date(2010, 3, 1), "高一(1)班"),
            newcomer(2, "钱二", "女", date(2013, 5, 2), 1),
        ]
        plan = plan_continuation(store, write_list(tmp_path / "十二年.xlsx", rows))
        assert plan.placements[2].grade_level == 10
        [unknown] = plan.problems
        assert unknown.row_number == 3 and unknown.header == "年级" and "请写明年级" in unknown.message


def test_without_a_class_column_the_newcomers_wait_for_a_class(junior, tmp_path):
    headers = [h for h in HEADERS if h != "班级"]
    rows = [[c for h, c in zip(HEADERS, r, strict=True) if h != "班级"] for r in good_rows()]
    plan = plan_continuation(junior, write_list(tmp_path / "无班级.xlsx", rows, headers))
    assert plan.problems == [] and plan.unplaced == 3 and plan.classes == []
    assert "班级" in plan.mapping.missing_optional
    commit_continuation(junior, plan, entry_date=ENTRY)
    with junior.read() as session:
        assert all(s.school_class_id is None for s in session.scalars(select(Student)))


def test_without_the_national_id_column_no_row_can_be_read(junior, tmp_path):
    headers = [h for h in HEADERS if h != "全国学籍号"]
    rows = [[c for h, c in zip(HEADERS, r, strict=True) if h != "全国学籍号"] for r in good_rows()]
    plan = plan_continuation(junior, write_list(tmp_path / "无学籍号.xlsx", rows, headers))
    assert not plan.mapping.usable and "学籍号" in plan.mapping.missing_required


def test_the_entry_date_proposed_is_the_first_day_of_term(junior):
    assert default_entry_date(junior, date(2026, 9, 10)) == date(2026, 9, 1)
    assert default_entry_date(junior, date(2027, 3, 10)) == date(2027, 3, 10)


def test_r15_1_tracked_in_the_enrolment_view_in_time_then_overdue_then_complete(junior, good_file):
    """R15.1 passes within the 30 days (the deadline day included), warns the day after, and 转接完成 (审核通过) ends
    it; a genuine new student beside it keeps R10.1."""
    commit_continuation(junior, plan_continuation(junior, good_file), entry_date=ENTRY)
    pupil = add_student(junior, class_id_of(junior, 7, 2), name="新建籍")
    with junior.transaction() as session:
        session.get(Student, pupil).enrolment_step = HANDED_OUT
        session.get(Student, pupil).enrolment_date = ENTRY
    rows = {r.name: r for r in enrolment.new_students(junior, today=date(2026, 10, 1))}
    zhao = rows["赵一"]
    assert zhao.continuation and not rows["新建籍"].continuation
    assert (zhao.step, zhao.deadline, zhao.days_left, zhao.overdue) == (ENTERED, date(2026, 10, 1), 0, False)
    assert enrolment.findings_of(zhao, date(2026, 10, 1)) == []
    later = date(2026, 10, 5)
    rows = {r.name: r for r in enrolment.new_students(junior, today=later)}
    [finding] = enrolment.findings_of(rows["赵一"], later)
    assert finding.rule_id == "R15.1" and "已过4天" in finding.message
    assert [f.rule_id for f in enrolment.findings_of(rows["新建籍"], later)] == [
        "R15.1"
    ]  # grade 7 (第十五条)
    overdue = enrolment.new_students(junior, overdue_only=True, today=later)
    assert {r.name for r in overdue} == {"赵一", "钱二", "孙三", "新建籍"}

    with pytest.raises(RuleViolation) as refused:  # a 转接 does not go through R10.3's form steps
        enrolment.mark_step(junior, [zhao.id], HANDED_OUT, reason="误操作")
    assert refused.value.findings[0].rule_id == "R15.1"
    assert enrolment.mark_step(junior, [zhao.id], APPROVED, today=later) == 1
    with junior.read() as session:
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "enrolment.step"))
        assert json.loads(event.changes) == {"学籍转接": [ENTERED, APPROVED], "逾期天数": 4}
    rows = {r.name: r for r in enrolment.new_students(junior, today=later)}
    assert rows["赵一"].step == APPROVED and not rows["赵一"].overdue
    assert enrolment.findings_of(rows["赵一"], later) == []


def test_r15_1_the_days_come_from_the_calendar_data(junior, good_file, monkeypatch):
    commit_continuation(junior, plan_continuation(junior, good_file), entry_date=ENTRY)
    shorter = replace(summer_calendar(), continuation_days=20)
    monkeypatch.setattr(enrolment, "summer_calendar", lambda: shorter)
    [row, *_] = enrolment.new_students(junior, today=date(2026, 9, 22))
    assert row.deadline == date(2026, 9, 21) and row.overdue
    assert "起20天内" in enrolment.findings_of(row, date(2026, 9, 22))[0].message


def test_r15_1_the_term_review_lists_an_overdue_transfer(junior, good_file):
    """R15.1 in the 每学期复核: an overdue 转接 is listed under 新生学籍转接逾期 with R15.1; in time it is not; once
    complete it is not."""
    commit_continuation(junior, plan_continuation(junior, good_file), entry_date=ENTRY)
    in_time = term_review.review(junior, today=date(2026, 9, 20))
    assert in_time.counts[Check.CONTINUATION] == 0 and in_time.counts[Check.ENROLMENT] == 0
    late = term_review.review(junior, today=date(2026, 11, 20))
    found = [f for f in late.findings if f.check is Check.CONTINUATION]
    assert {f.student.name for f in found} == {"赵一", "钱二", "孙三"}
    assert all(f.rule_id == "R15.1" for f in found) and late.counts[Check.ENROLMENT] == 0
    assert "2026-10-01已过50天" in found[0].problem and "第十五条" in found[0].basis
    enrolment.mark_step(junior, [f.student.id for f in found], APPROVED)
    assert term_review.review(junior, today=date(2026, 11, 20)).counts[Check.CONTINUATION] == 0


def test_r15_1_a_transfer_is_not_uploaded_as_a_new_student(junior, good_file, tmp_path):
    """The newcomers of a 转接 are in the provincial system already (their 学籍号): the new-student upload batch, which
    carries R10.3's records to it, leaves them out."""
    from xueji_desktop.services.upload_batches import BatchError, export_new_students

    commit_continuation(junior, plan_continuation(junior, good_file), entry_date=ENTRY)
    with pytest.raises(BatchError, match="没有需要上报的新生"):
        export_new_students(junior, tmp_path / "新生上报.xlsx")
