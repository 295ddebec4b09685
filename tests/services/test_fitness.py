"""体质健康 (第二十九条, R29.1): importing each 学年's results from real .xlsx files (a good file, an unknown student, a
bad 等级, a total out of range, the error workbook), 体育免修 with its proof, corrections as newer rows, and
diploma_eligibility — passing or exempt may receive the 毕业证书, anyone else is told why not."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from tests.factories import add_student, class_id_of
from xueji_desktop.errors import InvalidInput, NotFound
from xueji_desktop.models import Attachment, AuditEvent, FitnessResult, PeExemption, Student
from xueji_desktop.rules import proofs
from xueji_desktop.services import fitness
from xueji_desktop.services.attachments import keep_proof
from xueji_desktop.spreadsheets.error_workbook import write_error_workbook
from xueji_desktop.spreadsheets.errors import ImportFileError

HEADERS = ["姓名", "身份证件号", "学籍号", "学年", "总分", "等级"]


def write_book(path, rows, headers=HEADERS, *, title="潞城区实验小学2026-2027学年体质健康测试成绩"):
    book = Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def students(store, count=3):
    ids = [add_student(store, class_id_of(store, 3), birth=date(2017, 5, n + 1)) for n in range(count)]
    with store.read() as session:
        return [
            (s.id, s.name, s.id_number) for s in session.scalars(select(Student).where(Student.id.in_(ids)))
        ]


def count_results(store):
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(FitnessResult))


def test_a_good_file_is_imported_in_one_transaction_with_one_audit_entry(school, tmp_path):
    (a, name_a, id_a), (b, name_b, id_b), (c, name_c, _) = students(school)
    with school.transaction() as session:
        session.get(Student, c).national_student_id = "G140406201705030011"
    path = write_book(
        tmp_path / "体测.xlsx",
        [
            [name_a, id_a, None, "2026-2027学年", 92, "优秀"],
            [name_b, id_b.lower(), None, 2026, 58.5, "不及格"],
            [name_c, None, "G140406201705030011", "2026—2027", "71", "及格"],
        ],
    )
    plan = fitness.plan_import(school, path)
    assert plan.problems == [] and len(plan.rows) == 3
    result = fitness.commit_import(school, plan)
    assert (result.recorded, result.unchanged, result.skipped_rows) == (3, 0, ())
    assert count_results(school) == 3
    seen = fitness.results_of(school, b).results
    assert [(r.year_name, r.total_score, r.grade, r.source) for r in seen] == [
        ("2026-2027学年", 58.5, "不及格", "体测.xlsx")
    ]
    with school.read() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.action == "fitness.import")
        ).all()
    assert actions == ["fitness.import"]
    # the same file again records nothing new
    again = fitness.plan_import(school, path)
    assert again.unchanged_rows == {3, 4, 5} and fitness.commit_import(school, again).recorded == 0
    assert count_results(school) == 3


def test_a_correction_is_a_newer_row_and_the_newest_is_in_force(school, tmp_path):
    (a, name_a, id_a), *_ = students(school, 1)
    fitness.commit_import(
        school,
        fitness.plan_import(
            school, write_book(tmp_path / "1.xlsx", [[name_a, id_a, None, 2026, 55, "不及格"]])
        ),
    )
    fitness.commit_import(
        school,
        fitness.plan_import(
            school, write_book(tmp_path / "2.xlsx", [[name_a, id_a, None, 2026, 65, "及格"]])
        ),
    )
    assert count_results(school) == 2
    (only,) = fitness.results_of(school, a).results
    assert (only.total_score, only.grade, only.source, only.corrections) == (65, "及格", "2.xlsx", 1)


@pytest.mark.parametrize(
    ("row", "header", "words"),
    [
        (
            ["不存在", "140406201001010018", None, 2026, 80, "良好"],
            "身份证件号",
            "本校没有身份证件号为此的学生",
        ),
        (["不存在", None, "G999", 2026, 80, "良好"], "学籍号", "本校没有学籍号为此的学生"),
        (None, "等级", "等级不正确"),
        (None, "总分", "总分应在 0 到 120 之间"),
        (None, "等级", "等级与总分不符"),
        (None, "学年", "学年不正确"),
    ],
    ids=[
        "unknown-id",
        "unknown-national-id",
        "bad-grade",
        "total-out-of-range",
        "grade-not-total",
        "bad-year",
    ],
)
def test_bad_rows_are_listed_written_to_the_error_workbook_and_nothing_is_imported(
    school, tmp_path, row, header, words
):
    (a, name_a, id_a), (b, name_b, id_b), _ = students(school)
    if row is None:
        row = {
            "等级": [name_b, id_b, None, 2026, 80, "合格"],
            "总分": [name_b, id_b, None, 2026, 130, "优秀"],
            "学年": [name_b, id_b, None, "2026-2028", 80, "良好"],
        }[header]
        if words == "等级与总分不符":
            row = [name_b, id_b, None, 2026, 85, "优秀"]
    path = write_book(tmp_path / "体测.xlsx", [[name_a, id_a, None, 2026, 75, "及格"], row])
    plan = fitness.plan_import(school, path)
    assert [(p.row_number, p.header) for p in plan.problems] == [(4, header)]
    assert words in plan.problems[0].message
    assert len(plan.rows) == 1
    with pytest.raises(InvalidInput, match="没有导入任何成绩"):
        fitness.commit_import(school, plan)
    assert count_results(school) == 0
    out = write_error_workbook(tmp_path / "错误.xlsx", plan.table, plan.problems)
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "原行号" and rows[0][-1] == "错误说明"
    assert len(rows) == 2 and rows[1][0] == 4 and words in rows[1][-1]
    # only the valid rows, when the clerk asks
    result = fitness.commit_import(school, plan, valid_only=True)
    assert (result.recorded, result.skipped_rows) == (1, (4,))
    assert count_results(school) == 1


def test_a_file_without_the_columns_is_refused(school, tmp_path):
    path = write_book(tmp_path / "x.xlsx", [["甲", 2026, 80]], headers=["姓名", "学年", "总分", "等级"])
    with pytest.raises(ImportFileError, match="缺少列：身份证件号或学籍号；"):
        fitness.plan_import(school, path)


def test_an_exemption_needs_reason_and_proof_and_can_be_withdrawn(school, scan):
    (a, *_), *_ = students(school, 1)
    with pytest.raises(InvalidInput, match="原因"):
        fitness.record_exemption(school, a, 2026, " ", scan("x").path)
    with pytest.raises(InvalidInput, match="医疗单位的证明"):
        fitness.record_exemption(school, a, 2026, "先天性心脏病")
    with pytest.raises(NotFound):
        fitness.record_exemption(school, 9999, 2026, "先天性心脏病", scan("x").path)
    fitness.record_exemption(school, a, 2026, "先天性心脏病", scan("x").path)
    (exemption,) = fitness.results_of(school, a).exemptions
    assert (exemption.year_name, exemption.reason) == ("2026-2027学年", "先天性心脏病")
    assert exemption.attachment_id is not None
    with school.read() as session:  # the proof is kept under 体育免修's own kind, not a 病历's
        assert session.get(Attachment, exemption.attachment_id).kind == proofs.PE_EXEMPTION_PROOF
    assert proofs.PE_EXEMPTION_PROOF == "体育免修证明（医疗单位出具）"
    fitness.record_exemption(school, a, 2026, "复查已痊愈", exempt=False)
    assert fitness.results_of(school, a).exemptions == ()


def test_r29_1_an_exemption_stored_under_the_old_hospital_record_kind_still_counts(school, tmp_path, scan):
    """R29.1: exemptions recorded before 体育免修 had a proof kind of its own keep their 病历 attachment and stay in
    force (append-only rows, not migrated)."""
    (a, name_a, id_a), *_ = students(school, 1)
    fitness.commit_import(
        school,
        fitness.plan_import(
            school, write_book(tmp_path / "t.xlsx", [[name_a, id_a, None, 2026, 40, "不及格"]])
        ),
    )
    (blocked,) = fitness.diploma_eligibility(school, [a], school_year=2026)
    assert not blocked.may_receive and [f.rule_id for f in blocked.findings] == ["R29.1"]
    with school.transaction() as session:
        old = keep_proof(session, school.folder, scan(proofs.HOSPITAL_RECORD), student_id=a)
        session.add(
            PeExemption(
                student_id=a,
                school_year=2026,
                exempt=True,
                reason="哮喘",
                attachment_id=old.id,
                actor="教务处",
                created_at=datetime(2026, 9, 1, 9, 0),
            )
        )
    (exemption,) = fitness.results_of(school, a).exemptions
    with school.read() as session:
        assert session.get(Attachment, exemption.attachment_id).kind == proofs.HOSPITAL_RECORD
    (exempt,) = fitness.diploma_eligibility(school, [a], school_year=2026)
    assert (exempt.may_receive, exempt.reason) == (True, "体育免修")


def test_r29_1_diploma_eligibility_passes_passing_and_exempt_students(school, tmp_path, scan):
    """R29.1: a passing graduation score or 体育免修 → may receive the 毕业证书."""
    (a, name_a, id_a), (b, name_b, id_b), _ = students(school)
    rows = [
        [name_a, id_a, None, 2025, 50, "不及格"],
        [name_a, id_a, None, 2026, 75, "及格"],
        [name_b, id_b, None, 2026, 40, "不及格"],
    ]
    fitness.commit_import(school, fitness.plan_import(school, write_book(tmp_path / "t.xlsx", rows)))
    fitness.record_exemption(school, b, 2026, "腿部骨折术后", scan("x").path)
    first, second = fitness.diploma_eligibility(school, [a, b])
    assert (first.may_receive, first.outcome, first.score, first.reason) == (
        True,
        "毕业证书",
        62.5,
        "体质健康毕业成绩 62.5 分",
    )
    assert (second.may_receive, second.exempt, second.reason) == (True, True, "体育免修")


def test_r29_1_diploma_eligibility_blocks_below_the_standard_or_without_a_result(school, tmp_path):
    """R29.1: neither passing nor exempt → no 毕业证书, and the reason names 第二十九条."""
    (a, name_a, id_a), (b, *_), _ = students(school)
    fitness.commit_import(
        school,
        fitness.plan_import(
            school, write_book(tmp_path / "t.xlsx", [[name_a, id_a, None, 2026, 45, "不及格"]])
        ),
    )
    low, missing = fitness.diploma_eligibility(school, [a, b])
    assert not low.may_receive and low.outcome == "结业（未发毕业证书）"
    assert [f.rule_id for f in low.findings] == ["R29.1"]
    assert "45.0 分" in low.reason and "第二十九条" in low.reason
    assert not missing.may_receive and "没有2026-2027学年的体质健康测试成绩" in missing.reason
    # an earlier 学年 asked for explicitly
    assert not fitness.diploma_eligibility(school, [a], school_year=2025)[0].may_receive
    with pytest.raises(NotFound):
        fitness.diploma_eligibility(school, [9999])


@pytest.mark.parametrize(
    ("given", "year"),
    [
        (2026, 2026),
        (2026.0, 2026),
        ("2026-2027学年", 2026),
        ("2026 — 2027 学年度", 2026),
        ("2026至2027", 2026),
        ("2026-2028", None),
        ("学年", None),
        (True, None),
        (1999, None),
    ],
)
def test_school_years_as_files_write_them(given, year):
    assert fitness.parse_school_year(given) == year
