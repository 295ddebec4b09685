"""Importing the school's existing students (issue 12 §1): a real .xlsx of several grades and classes, planned,
checked, committed — 学籍号 kept (R10.4), classes created from the file (R12.1), statuses kept, no R10.3 steps,
R13.1 duplicates refused."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from tests.factories import add_student, class_id_of, id_number
from xueji_desktop.models import AuditEvent, SchoolClass, Student
from xueji_desktop.services.existing_import import (
    commit_existing,
    parse_class,
    parse_grade,
    plan_existing,
)
from xueji_desktop.services.student_import import ImportRefused
from xueji_desktop.store import Store

HEADERS = [
    "序号",
    "姓名",
    "性别",
    "出生日期",
    "民族",
    "身份证件号",
    "全国学籍号",
    "年级",
    "班级",
    "学籍状态",
    "成员1姓名",
    "成员1关系",
    "成员1是否监护人",
    "成员1联系电话",
]


def existing_row(
    n: int, name: str, gender: str, born: date, grade: object, klass: object, status="在读", **kw
):
    code = "1" if gender == "男" else "2"
    number = kw.get("number") or id_number(born, code, seq=200 + n)
    national = kw.get("national", "G" + number)
    return [
        n,
        name,
        gender,
        f"{born:%Y%m%d}",
        "汉族",
        number,
        national,
        grade,
        klass,
        status,
        "王父",
        "父亲",
        "是",
        "13800138000",
    ]


def good_rows() -> list[list[object]]:
    return [
        existing_row(1, "刘一", "男", date(2018, 3, 1), "三年级", "(1)班"),
        existing_row(2, "陈二", "女", date(2018, 5, 2), "三年级", "2班", "休学"),  # 三年级(2)班 is new
        existing_row(3, "杨三", "男", date(2019, 4, 3), "二年级", "二年级(1)班"),
        existing_row(4, "黄四", "女", date(2016, 6, 4), 5, 1),  # 五年级 has no class yet
        existing_row(5, "吴五", "男", date(2016, 7, 5), "5年级", "（1）班"),
        existing_row(6, "周六", "女", date(2017, 8, 6), "四年级", "三"),
    ]


def write_roster(path, rows, headers=HEADERS):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "学生信息"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def good_file(tmp_path):
    return write_roster(tmp_path / "本校学生.xlsx", good_rows())


def test_grades_and_classes_are_read_as_schools_write_them():
    assert [parse_grade(v) for v in ("三年级", "初二", "七年级", "高一", 4, "4", "5年级", "大一")] == [
        3,
        8,
        7,
        10,
        4,
        4,
        5,
        None,
    ]
    assert [
        parse_class(v) for v in ("(1)班", "（2）班", "3班", 4, "五", "三年级(6)班", "十二班", "甲班")
    ] == [1, 2, 3, 4, 5, 6, 12, None]


def test_a_roster_of_several_grades_plans_its_classes_and_commits_formal_records(school, good_file):
    """R12.1 classes from the file, planned before anything is written; R10.4 学籍号 kept; statuses kept; no R10.3
    steps (a formal record); one audit entry."""
    plan = plan_existing(school, good_file)
    assert plan.problems == []
    planned = {(c.grade_level, c.number): c for c in plan.classes}
    assert set(planned) == {(3, 1), (3, 2), (2, 1), (5, 1), (4, 3)}
    assert {c.name for c in plan.new_classes} == {"三年级(2)班", "五年级(1)班", "四年级(3)班"}
    assert planned[(3, 1)].class_id == class_id_of(school, 3, 1)
    assert plan.status_counts == {"在读": 5, "休学": 1}
    with school.read() as session:  # planning wrote nothing
        assert session.scalar(select(func.count(Student.id))) == 0
        assert session.scalar(select(func.count(SchoolClass.id))) == 5

    result = commit_existing(school, plan)
    assert result.created == 6
    second_grade = class_id_of(school, 2, 1)
    with school.read() as session:
        students = {s.name: s for s in session.scalars(select(Student))}
        assert students["陈二"].status == "休学" and students["刘一"].status == "在读"
        assert all(s.enrolment_step is None and s.enrolment_date is None for s in students.values())
        assert students["刘一"].national_student_id == "G" + students["刘一"].id_number
        by_id = {c.id: c for c in session.scalars(select(SchoolClass))}
        assert by_id[students["陈二"].school_class_id].name == "三年级(2)班"
        assert by_id[students["黄四"].school_class_id].name == "五年级(1)班"
        assert students["黄四"].school_class_id == students["吴五"].school_class_id
        assert students["杨三"].school_class_id == second_grade
        assert len(by_id) == 8
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "student.import_existing")
        ).all()
        assert len(events) == 1 and "三年级(2)班" in events[0].changes


def test_a_bad_id_an_unknown_status_and_a_duplicate_are_errors_and_nothing_is_written(school, tmp_path):
    """R10.4's 学籍号 format, only known statuses, and R13.1: a stored student's ID number is refused, not updated."""
    stored = add_student(school, name="郑十", birth=date(2017, 1, 1))
    with school.read() as session:
        stored_number = session.get(Student, stored).id_number
    rows = [
        *good_rows(),
        existing_row(7, "钱七", "男", date(2018, 1, 7), "三年级", 1, national="X123"),
        existing_row(8, "孙八", "女", date(2018, 1, 8), "三年级", 1, "借读"),
        existing_row(9, "郑十", "男", date(2017, 1, 1), "四年级", 1, number=stored_number),
        existing_row(10, "李十", "男", date(2018, 1, 9), "九年级", 1),
    ]
    plan = plan_existing(school, write_roster(tmp_path / "有错.xlsx", rows))
    by_row = {p.row_number: p for p in plan.problems}
    assert set(by_row) == {8, 9, 10, 11}  # Excel's row numbers: the header is row 1
    assert by_row[8].header == "学籍号" and "G、L或J" in by_row[8].message
    assert by_row[9].header == "学籍状态" and "休学" in by_row[9].hint
    assert "R13" not in by_row[10].message and "同一人不能重复建立学籍" in by_row[10].message  # R13.1
    assert "本校没有九年级" in by_row[11].message
    with pytest.raises(ImportRefused):
        commit_existing(school, plan)
    with school.read() as session:
        assert session.scalar(select(func.count(Student.id))) == 1
        assert session.scalar(select(func.count(SchoolClass.id))) == 5
    result = commit_existing(school, plan, valid_only=True)
    assert result.created == 6 and result.skipped_rows == [8, 9, 10, 11]


def test_a_clean_row_passes_and_the_same_national_id_twice_is_refused(school, tmp_path):
    """R13.1 (passes for distinct students, blocks a 学籍号 given twice in the file or already stored)."""
    first = existing_row(1, "刘一", "男", date(2018, 3, 1), "三年级", 1)
    twin = existing_row(2, "刘二", "男", date(2018, 3, 2), "三年级", 1, national=first[6])
    plan = plan_existing(school, write_roster(tmp_path / "a.xlsx", [first]))
    assert plan.problems == []
    commit_existing(school, plan)
    again = plan_existing(school, write_roster(tmp_path / "b.xlsx", [twin]))
    assert any(p.header == "学籍号" and "学籍号与已有学生刘一相同" in p.message for p in again.problems)
    in_file = plan_existing(
        school,
        write_roster(
            tmp_path / "c.xlsx",
            [
                existing_row(3, "张三", "男", date(2018, 3, 3), 3, 1, national="G" + "1" * 18),
                existing_row(4, "张四", "男", date(2018, 3, 4), 3, 1, national="G" + "1" * 18),
            ],
        ),
    )
    assert any("与第2行相同" in p.message for p in in_file.problems if p.row_number == 3)


def test_without_the_national_id_or_grade_columns_no_row_can_be_read(school, tmp_path):
    headers = [h for h in HEADERS if h not in ("全国学籍号", "年级")]
    rows = [[c for h, c in zip(HEADERS, r, strict=True) if h in headers] for r in good_rows()]
    plan = plan_existing(school, write_roster(tmp_path / "缺列.xlsx", rows, headers))
    assert not plan.mapping.usable
    assert {"学籍号", "年级"} <= set(plan.mapping.missing_required)


def test_cli_existing_exit_codes_dry_run_and_error_workbook(school, good_file, tmp_path):
    """`xueji import-students FILE --existing`: 1 errors (nothing written, the error workbook), 2 unreadable, 0 for a
    dry run that writes nothing, 0 imported with the classes created and the statuses kept."""
    root = school.folder.root
    school.close()
    run = [sys.executable, "-m", "xueji_desktop.cli", "import-students", "--data-dir", str(root)]
    bad = write_roster(
        tmp_path / "坏.xlsx", [existing_row(1, "钱七", "男", date(2018, 1, 7), "三年级", 1, national="G12")]
    )
    errors = tmp_path / "错误清单.xlsx"
    done = subprocess.run(
        [*run, str(bad), "--existing", "--errors", str(errors)], capture_output=True, text=True
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines()[0].split("\t")[:2] == ["2", "学籍号"]
    sheet = openpyxl.load_workbook(errors).active
    assert (
        sheet.cell(1, sheet.max_column).value == "错误说明"
        and "学籍号" in sheet.cell(2, sheet.max_column).value
    )
    assert sheet.cell(2, 1 + HEADERS.index("全国学籍号") + 1).fill.start_color.rgb == "FFF4B6B0"
    renamed = tmp_path / "假的.xlsx"
    renamed.write_text("姓名,性别\n张三,男\n", encoding="utf-8")
    unreadable = subprocess.run([*run, str(renamed), "--existing"], capture_output=True, text=True)
    assert unreadable.returncode == 2 and unreadable.stderr.strip()
    dry = subprocess.run([*run, str(good_file), "--existing", "--dry-run"], capture_output=True, text=True)
    assert dry.returncode == 0 and "未写入" in dry.stderr and "五年级(1)班（新建）" in dry.stderr
    store = Store.open(root)
    try:
        with store.read() as session:
            assert session.scalar(select(func.count(Student.id))) == 0
            assert session.scalar(select(func.count(SchoolClass.id))) == 5
    finally:
        store.close()
    done = subprocess.run([*run, str(good_file), "--existing"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    store = Store.open(root)
    try:
        with store.read() as session:
            assert session.scalar(select(func.count(Student.id))) == 6
            assert session.scalar(select(func.count(Student.id)).where(Student.status == "休学")) == 1
            assert session.scalar(select(func.count(SchoolClass.id))) == 8
    finally:
        store.close()
    again = subprocess.run([*run, str(good_file), "--existing"], capture_output=True, text=True)
    assert again.returncode == 1  # R13.1: the same students a second time are refused, not updated
