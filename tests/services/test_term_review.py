"""services.term_review on a real data file: R34.1's term review finds each planted problem (a missing field, an
unfinished enrolment, an overdue procedure, a 异动 not reported, an archive not sent, a suspension ended, an R26.1
candidate with no procedure) and nothing in a clean school; R37.1's items are named; the report as .xlsx."""

from __future__ import annotations

import errno
import os
from datetime import date

import openpyxl
import pytest
from sqlalchemy import update

from tests.factories import (
    add_student,
    advance_to,
    class_id_of,
    illness_proofs,
    open_suspension,
    open_transfer_out,
    senior_school,
    transfer_proofs,
)
from xueji_desktop.models import FamilyMember, Student
from xueji_desktop.rules.review import Check
from xueji_desktop.rules.withdrawals import AttendanceFacts
from xueji_desktop.services import procedures, term_review
from xueji_desktop.services.procedures import Decision, attendance, suspensions, withdrawals
from xueji_desktop.services.term_review import REPORT_COLUMNS, ReviewExportError, export_review, review

TODAY = date(2026, 11, 20)  # 2026-2027学年第一学期


def _set(store, student_id: int, **values) -> None:
    with store.transaction() as session:
        session.execute(update(Student).where(Student.id == student_id).values(**values))


def _found(result, check: Check) -> list:
    return [f for f in result.findings if f.check is check]


def _suspend(store, scan, student_id: int, start: date, registered_on: date) -> int:
    opened = open_suspension(store, student_id, illness_proofs(scan), today=start)
    return advance_to(store, opened, on=registered_on)


def _transfer_out(store, scan, student_id: int) -> int:
    """A transfer out opened on 8 September, both sides approving by the 10th: 学籍已转出 is due on the 23rd."""
    opened = open_transfer_out(store, student_id, transfer_proofs(scan), today=date(2026, 9, 8))
    procedures.advance(store, opened, "转入方已审核", on=date(2026, 9, 8))
    procedures.advance(store, opened, "转出方已审核", on=date(2026, 9, 10))
    return opened


@pytest.fixture
def senior(tmp_path):
    with senior_school(tmp_path / "senior", levels=(10, 11)) as store:
        yield store


def test_r34_1_a_clean_school_gives_no_findings(school):
    for level in (1, 2, 3):
        add_student(school, class_id_of(school, level))
    result = review(school, today=TODAY)
    assert result.total == 0 and result.findings == []
    assert result.term_label == "2026-2027学年第一学期" and result.students_checked == 3
    assert [g.check for g in result.groups] == list(Check) and all(g.count == 0 for g in result.groups)


def test_r34_1_a_record_missing_a_required_field(school):
    student = add_student(school, class_id_of(school, 2), name="周芷若")
    _set(school, student, ethnicity="")
    [found] = review(school, today=TODAY).findings
    assert (found.check, found.rule_id, found.student.id, found.student.name) == (
        Check.RECORD,
        "R34.1",
        student,
        "周芷若",
    )
    assert found.student.class_name == "二年级(1)班" and "民族不能为空" in found.problem
    assert "第三十四条" in found.text


def test_r34_1_a_record_with_no_guardian(school):
    student = add_student(school, class_id_of(school, 2))
    with school.transaction() as session:
        session.execute(
            update(FamilyMember).where(FamilyMember.student_id == student).values(is_guardian=False)
        )
    [found] = review(school, today=TODAY).findings
    assert found.check is Check.RECORD and "监护人" in found.problem


def test_r34_1_a_student_who_left_is_not_reviewed_for_the_record(school):
    student = add_student(school, class_id_of(school, 2))
    _set(school, student, ethnicity="", status="毕业")
    assert review(school, today=TODAY).total == 0


def test_r37_1_an_enrolment_not_finished(school):
    student = add_student(school, class_id_of(school, 1), name="张无忌")
    _set(school, student, enrolment_step="已录入系统", enrolment_date=date(2026, 9, 1))
    result = review(school, today=TODAY)
    [found] = _found(result, Check.ENROLMENT)
    assert found.rule_id == "R37.1" and "第三十七条" in found.text and "已录入系统" in found.problem
    assert result.counts[Check.ENROLMENT] == 1 and result.total == 1
    _set(school, student, enrolment_step="审核通过")
    assert review(school, today=TODAY).total == 0


def test_r34_1_r20_1_an_open_transfer_past_its_deadline(school, scan):
    student = add_student(school, class_id_of(school, 3), name="赵敏")
    _transfer_out(school, scan, student)
    [found] = review(school, today=TODAY).findings
    assert (found.check, found.rule_id) == (Check.OVERDUE, "R34.1")
    assert "2026-09-23" in found.problem and "学籍已转出" in found.advice and "第二十条" in found.basis


def test_r37_1_r20_1_the_archive_not_sent_within_a_month(school, scan):
    student = add_student(school, class_id_of(school, 3), name="殷离")
    opened = _transfer_out(school, scan, student)
    procedures.advance(school, opened, "学籍已转出", on=date(2026, 9, 15))
    procedures.set_province_state(school, opened, "已上报", on=date(2026, 9, 16))
    [found] = review(school, today=TODAY).findings
    assert (found.check, found.rule_id, found.student.id) == (Check.ARCHIVE, "R37.1", student)
    assert "2026-10-15" in found.problem and "第三十七条第六项" in found.basis
    procedures.advance(school, opened, "档案已寄出", on=date(2026, 10, 10))
    assert review(school, today=TODAY).total == 0


def test_r37_1_a_status_change_not_reported_after_ten_working_days(school, scan):
    student = add_student(school, class_id_of(school, 3), name="小昭")
    opened = _suspend(school, scan, student, date(2026, 10, 12), registered_on=date(2026, 10, 12))
    assert review(school, today=date(2026, 10, 26)).total == 0  # 10 working days: not yet late
    [found] = review(school, today=date(2026, 10, 27)).findings
    assert (found.check, found.rule_id, found.student.name) == (Check.UNREPORTED, "R37.1", "小昭")
    assert "11个工作日仍未在省级学籍系统中上报" in found.problem and "第三十七条第三项" in found.basis
    procedures.set_province_state(school, opened, "已上报", on=date(2026, 10, 28))
    assert review(school, today=TODAY).total == 0
    procedures.set_province_state(school, opened, "已退回", on=date(2026, 10, 29), note="病历不清晰")
    [returned] = review(school, today=TODAY).findings
    assert "退回原因：病历不清晰" in returned.problem


def test_r34_1_a_suspension_ended_without_resumption(school, scan):
    student = add_student(school, class_id_of(school, 3), name="杨不悔")
    opened = _suspend(school, scan, student, date(2025, 11, 3), registered_on=date(2025, 11, 3))
    procedures.set_province_state(school, opened, "已上报", on=date(2025, 11, 4))
    [found] = review(school, today=TODAY).findings
    assert (found.check, found.rule_id) == (Check.SUSPENSION_ENDED, "R34.1") and "2026-11-02" in found.problem
    procedures.open(
        school,
        suspensions.ResumptionRequest(student_id=student, to_class_id=class_id_of(school, 3), on=TODAY),
        proofs=illness_proofs(scan),
        today=TODAY,
    )
    assert review(school, today=TODAY).total == 0  # the resumption under way answers it


def test_r37_1_r26_1_a_candidate_with_no_procedure(senior):
    student = add_student(senior, class_id_of(senior, 11), name="韩梅")
    attendance.record_absence(
        senior, student, longest_continuous_weeks=9, total_weeks=10, contacted_family=True, today=TODAY
    )
    [found] = review(senior, today=TODAY).findings
    assert (found.check, found.rule_id, found.student.id) == (Check.DROPOUT, "R37.1", student)
    assert "连续无故旷课9周" in found.problem and "第二十六条" in found.basis
    procedures.open(
        senior,
        withdrawals.AutomaticWithdrawalRequest.from_attendance(student, AttendanceFacts(9, 10, True)),
        decision=Decision(confirmed=True),
        today=TODAY,
    )
    assert _found(review(senior, today=TODAY), Check.DROPOUT) == []


def test_r34_1_r37_1_every_planted_problem_at_once_grouped_by_check(school, scan):
    missing = add_student(school, class_id_of(school, 2), name="周芷若")
    _set(school, missing, ethnicity="")
    new = add_student(school, class_id_of(school, 1), name="张无忌")
    _set(school, new, enrolment_step="信息表已下发", enrolment_date=date(2026, 9, 1))
    _transfer_out(school, scan, add_student(school, class_id_of(school, 3), name="赵敏"))
    _suspend(
        school,
        scan,
        add_student(school, class_id_of(school, 3), name="小昭"),
        date(2026, 10, 12),
        date(2026, 10, 12),
    )
    result = review(school, today=TODAY)
    assert result.counts == {
        **{c: 0 for c in Check},
        Check.RECORD: 1,
        Check.ENROLMENT: 1,
        Check.OVERDUE: 1,
        Check.UNREPORTED: 1,
    }
    assert result.total == 4 and result.procedures_checked == 2


def test_the_report_as_xlsx_has_a_row_per_finding(school, scan, out_dir):
    student = add_student(school, class_id_of(school, 2), name="周芷若")
    _set(school, student, ethnicity="")
    _transfer_out(school, scan, add_student(school, class_id_of(school, 3), name="赵敏"))
    written = export_review(school, out_dir / "复核报告", today=TODAY)
    assert written == out_dir / "复核报告.xlsx" and [p.name for p in out_dir.iterdir()] == ["复核报告.xlsx"]
    sheet = openpyxl.load_workbook(written).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == REPORT_COLUMNS and all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2" and sheet.title == "2026-2027学年第一学期"
    assert sheet.column_dimensions["E"].width >= 60
    assert [row[:4] for row in rows[1:]] == [
        (1, "基本信息不准确", "周芷若", "二年级(1)班"),
        (2, "手续逾期未办结", "赵敏", "三年级(1)班"),
    ]
    assert "民族不能为空" in rows[1][4] and rows[1][5] == "《细则》第三十四条、第三十七条第二项"
    assert not any("R34" in str(cell) for row in rows for cell in row)  # articles for people, not rule ids
    assert rows[2][6].startswith("请尽快办理")


def test_the_report_of_a_clean_school_says_so(school, out_dir):
    add_student(school, class_id_of(school, 2))
    rows = list(openpyxl.load_workbook(export_review(school, out_dir / "r.xlsx", today=TODAY)).active.values)
    assert len(rows) == 2 and "没有发现问题" in rows[1][4]


def test_an_unwritable_folder_gives_a_chinese_message_and_no_file(school, out_dir):
    with pytest.raises(ReviewExportError, match="文件夹不存在"):
        export_review(school, out_dir / "没有这个文件夹" / "r.xlsx", today=TODAY)
    (out_dir / "占位").write_text("not a folder")
    with pytest.raises(ReviewExportError, match="无法写入"):
        export_review(school, out_dir / "占位" / "r.xlsx", today=TODAY)
    assert sorted(p.name for p in out_dir.iterdir()) == ["占位"]


def test_a_failed_move_into_place_leaves_no_partial_file(school, out_dir, monkeypatch):
    def refuse(source, target):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(ReviewExportError, match="没有写入这个文件夹的权限"):
        export_review(school, out_dir / "r.xlsx", today=TODAY)
    assert list(out_dir.iterdir()) == []


def test_a_full_disk_says_so_and_leaves_nothing(school, out_dir, monkeypatch):
    def full(self, filename):
        with open(filename, "wb") as half:
            half.write(b"PK")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", full)
    with pytest.raises(ReviewExportError, match="磁盘空间已满"):
        export_review(school, out_dir / "r.xlsx", today=TODAY)
    assert list(out_dir.iterdir()) == []


def test_the_default_file_name_names_the_term(school):
    assert term_review.default_file_name(review(school, today=TODAY)).startswith(
        "2026-2027学年第一学期学籍复核报告_"
    )
