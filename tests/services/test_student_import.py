"""Importing a new-student list end to end: a real .xlsx made here, planned, checked, committed."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from tests.factories import id_number, new_student_row, new_students_file, write_new_student_list
from xueji_desktop.models import AuditEvent, EnrolmentStep, FamilyMember, ImportMapping, Student
from xueji_desktop.services import roster
from xueji_desktop.services.student_import import ImportRefused, commit_import, plan_classes, plan_import
from xueji_desktop.services.students import load_form, update_student


@pytest.fixture
def good_file(tmp_path):
    return new_students_file(tmp_path)


def test_a_clean_file_plans_without_problems_and_commits_in_steps(school, good_file):
    """R10.3: each imported student starts at 信息表已下发 with R10.1's 30 days counted from the term's start."""
    plan = plan_import(school, good_file)
    assert plan.table.header_row_number == 2 and len(plan.records) == 6
    assert plan.problems == []
    classes = plan_classes(school, plan)
    assert classes.mode == "balanced" and not classes.blocking
    result = commit_import(school, plan, class_of_row=classes.class_of_row, today=date(2026, 9, 10))
    assert result.created == 6
    with school.read() as session:
        students = session.scalars(select(Student).where(Student.enrolment_step.is_not(None))).all()
        assert {s.enrolment_step for s in students} == {EnrolmentStep.FORM_HANDED_OUT.value}
        assert {s.enrolment_date for s in students} == {date(2026, 9, 1)}
        assert all(s.school_class_id is not None for s in students)
        assert session.scalar(select(func.count(FamilyMember.id))) == 6
        assert (
            session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "student.import"))
            == 6
        )
    sizes = [c.size for c in roster.class_tree(school)[0].classes]
    assert sorted(sizes) == [3, 3]  # 均衡编班: sizes differ by at most one


def test_the_mapping_is_remembered_for_files_of_the_same_shape(school, good_file, tmp_path):
    plan = plan_import(school, good_file)
    commit_import(school, plan)
    with school.read() as session:
        assert session.scalar(select(func.count(ImportMapping.id))) == 1
    other = write_new_student_list(
        tmp_path / "补录.xlsx", [new_student_row(9, "吴九", "男", date(2020, 2, 2))]
    )
    assert plan_import(school, other).remembered_mapping


def test_errors_block_the_whole_file_unless_valid_only(school, tmp_path):
    """Nothing is written when a row is wrong; valid_only imports the rest."""
    bad_id = id_number(date(2020, 4, 4), "1", seq=7)[:-1] + "0"
    bad_id = bad_id if bad_id != id_number(date(2020, 4, 4), "1", seq=7) else bad_id[:-1] + "1"
    path = write_new_student_list(
        tmp_path / "有错.xlsx",
        [
            new_student_row(1, "张三", "男", date(2020, 3, 12)),
            new_student_row(2, "钱二", "男", date(2020, 4, 4), bad_id),
            new_student_row(3, "李四", "女", "2020.02.30"),
        ],
    )
    plan = plan_import(school, path)
    rows = {p.row_number for p in plan.problems}
    assert rows == {4, 5}  # Excel's row numbers: title row 1, header row 2
    assert any("校验位" in p.message for p in plan.problems if p.row_number == 4)
    with pytest.raises(ImportRefused):
        commit_import(school, plan)
    with school.read() as session:
        assert session.scalar(select(func.count(Student.id))) == 0
    result = commit_import(school, plan, valid_only=True)
    assert (result.created, result.skipped_rows) == (1, [4, 5])


def test_same_id_twice_in_the_file_is_refused_R13_1(school, tmp_path):
    """R13.1: the same ID number is the same person — the second row is an error naming the first."""
    number = id_number(date(2020, 3, 12), "1", seq=33)
    path = write_new_student_list(
        tmp_path / "重复.xlsx",
        [
            new_student_row(1, "张三", "男", date(2020, 3, 12), number),
            new_student_row(2, "张叁", "男", date(2020, 3, 12), number),
        ],
    )
    plan = plan_import(school, path)
    assert [p.row_number for p in plan.problems] == [4]
    assert "第3行" in plan.problems[0].message and "第十三条" in plan.problems[0].message


def test_likely_duplicates_against_stored_students_are_for_the_clerk_R13_1(school, good_file, tmp_path):
    """R13.1: same name + birth date + gender as a stored student (another ID) is a warning, not an error."""
    commit_import(school, plan_import(school, good_file))
    twin = write_new_student_list(
        tmp_path / "再来.xlsx",
        [new_student_row(1, "张三", "男", date(2020, 3, 12), id_number(date(2020, 3, 12), "1", seq=400))],
    )
    plan = plan_import(school, twin)
    assert plan.problems == []
    assert len(plan.warnings) == 1 and "可能是重复学籍" in plan.warnings[0].finding.text


def test_reimport_updates_students_still_in_the_steps_showing_old_and_new(school, good_file, tmp_path):
    """A corrected file updates students still being enrolled (matched by ID number)."""
    commit_import(school, plan_import(school, good_file))
    book = openpyxl.load_workbook(good_file)
    book.active["G3"] = "潞城区成家川街道"  # 张三's 现住址 corrected
    book.save(good_file)
    plan = plan_import(school, good_file)
    assert [(u.name, u.changes) for u in plan.updates] == [
        ("张三", {"现住址": ["潞城区潞华街道", "潞城区成家川街道"]})
    ]
    result = commit_import(school, plan)
    assert (result.created, result.updated) == (0, 1)


def test_an_approved_student_changes_only_through_R14_1(school, good_file):
    """R14.1: once 审核通过, a row with the same ID number is refused, pointing to the information-change procedure."""
    commit_import(school, plan_import(school, good_file))
    with school.transaction() as session:
        for student in session.scalars(select(Student)):
            student.enrolment_step = EnrolmentStep.APPROVED.value
    plan = plan_import(school, good_file)
    assert len(plan.problems) == 6 and all("第十四条" in p.message for p in plan.problems)


def test_a_student_with_a_national_id_changes_only_through_R14_1_R10_4(school, good_file):
    """R14.1, R10.4: a record the national system gave a 学籍号 is established even before 审核通过 is marked — a
    corrected file no longer updates it; its rows are refused, pointing to the information-change procedure."""
    commit_import(school, plan_import(school, good_file))
    with school.transaction() as session:
        for student in session.scalars(select(Student)):
            student.national_student_id = "G" + student.id_number
    plan = plan_import(school, good_file)
    assert plan.updates == []
    assert len(plan.problems) == 6 and all("第十四条" in p.message for p in plan.problems)


def test_cli_exit_codes_and_error_lines(school, good_file, tmp_path):
    """`xueji import-students`: 0 imported, 1 errors (nothing written, error workbook), 2 unreadable."""
    root = school.folder.root
    school.close()
    run = [sys.executable, "-m", "xueji_desktop.cli", "import-students"]
    bad = write_new_student_list(tmp_path / "坏.xlsx", [new_student_row(1, "张三", "男", "2020.02.30")])
    errors = tmp_path / "错误清单.xlsx"
    done = subprocess.run(
        [*run, str(bad), "--errors", str(errors), "--data-dir", str(root)], capture_output=True, text=True
    )
    assert done.returncode == 1
    first = done.stdout.splitlines()[0].split("\t")
    assert first[0] == "3" and first[1] == "出生日期"
    sheet = openpyxl.load_workbook(errors).active
    assert (
        sheet.cell(1, sheet.max_column).value == "错误说明"
        and "出生日期" in sheet.cell(2, sheet.max_column).value
    )
    renamed = tmp_path / "假的.xlsx"
    renamed.write_text("姓名,性别\n张三,男\n", encoding="utf-8")
    unreadable = subprocess.run([*run, str(renamed), "--data-dir", str(root)], capture_output=True, text=True)
    assert unreadable.returncode == 2 and unreadable.stderr.strip()  # a refusal: its line on stderr
    dry = subprocess.run(
        [*run, str(good_file), "--dry-run", "--data-dir", str(root)], capture_output=True, text=True
    )
    assert dry.returncode == 0
    done = subprocess.run([*run, str(good_file), "--data-dir", str(root)], capture_output=True, text=True)
    assert done.returncode == 0
    listing = subprocess.run(
        [sys.executable, "-m", "xueji_desktop.cli", "students", "--json", "--data-dir", str(root)],
        capture_output=True,
        text=True,
    )
    assert len(json.loads(listing.stdout)) == 6


def test_imported_students_open_in_the_detail_dialog_service(school, good_file):
    """An imported record is a full record: it loads and saves through the same service as a hand-made one."""
    commit_import(school, plan_import(school, good_file))
    with school.read() as session:
        student_id = session.scalar(select(Student.id).where(Student.name == "张三"))
    form = load_form(school, student_id)
    form.values["phone"] = "13900139000"
    assert "联系电话" in update_student(school, student_id, form)


def test_national_ids_come_back_from_the_provincial_export_R10_4(school, good_file, tmp_path):
    """R10.4: 学籍号 read back from the provincial system's export, matched by ID number, never overwriting."""
    from xueji_desktop.services.enrolment import import_national_ids_file

    commit_import(school, plan_import(school, good_file))
    with school.read() as session:
        people = session.execute(select(Student.name, Student.id_number)).all()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "学生姓名", "身份证件号码", "全国学籍号", "年级"])
    for n, (name, number) in enumerate(people, start=1):
        sheet.append([n, name, number, f"G{number}", "一年级"])
    export = tmp_path / "学生信息导出.xlsx"
    book.save(export)
    result = import_national_ids_file(school, export)
    assert len(result.set) == 6 and not result.conflicts
    with school.read() as session:
        assert all(
            nsid == f"G{number}"
            for nsid, number in session.execute(select(Student.national_student_id, Student.id_number))
        )
    again = import_national_ids_file(school, export)
    assert len(again.already_same) == 6 and not again.set


def test_a_correction_row_does_not_hide_twins_R13_1(school, good_file, tmp_path):
    """R13.1: while 张三 (being enrolled) is corrected by his own row, a second row with his ID is still refused, and
    a row with his name and birthday under another ID is still a likely duplicate."""
    commit_import(school, plan_import(school, good_file))
    with school.read() as session:
        number = session.scalar(select(Student.id_number).where(Student.name == "张三"))
    rows = [
        new_student_row(1, "张三", "男", date(2020, 3, 12), number),
        new_student_row(2, "张三", "男", date(2020, 3, 12), number),
        new_student_row(3, "张三", "男", date(2020, 3, 12), id_number(date(2020, 3, 12), "1", seq=321)),
    ]
    plan = plan_import(school, write_new_student_list(tmp_path / "更正.xlsx", rows))
    assert [p.row_number for p in plan.problems] == [4]
    assert [w.row_number for w in plan.warnings] == [5]
