"""The new-student import's habits of a real list: 出生日期 as year and month settled with the ID number, the header
aliases of kindergarten lists, names refused or warned (R13.1), the 入学日期 R10.3's deadlines count from, 学号 by the
school's scheme, and the CLI's dry run printing old → new. Real .xlsx files, a real store."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import id_number, new_student_row, new_students_file, write_new_student_list
from xueji_desktop.cli import main
from xueji_desktop.errors import InvalidInput
from xueji_desktop.models import Student
from xueji_desktop.services.student_import import (
    check_number_scheme,
    commit_import,
    number_scheme,
    plan_classes,
    plan_import,
    preview_school_numbers,
)
from xueji_desktop.spreadsheets.template import load_template

BORN = date(2020, 8, 17)


def _one(school, tmp_path, born_text: str, number: str | None = None):
    row = new_student_row(1, "张三", "男", born_text, number or id_number(BORN, "1", seq=101))
    return plan_import(school, write_new_student_list(tmp_path / "年月.xlsx", [row]))


@pytest.mark.parametrize("typed", ["2020.08", "2020年8月", "2020-8", "202008"])
def test_r13_1_a_year_and_month_agreeing_with_the_id_number_takes_its_day(school, tmp_path, typed):
    plan = _one(school, tmp_path, typed)
    assert plan.problems == []
    assert plan.records[0].values["birth_date"] == BORN


def test_r13_1_a_year_and_month_disagreeing_with_the_id_number_names_both(school, tmp_path):
    [problem] = _one(school, tmp_path, "2020.09").problems
    assert problem.header == "出生日期" and problem.value == "2020.09"
    assert "2020年9月" in problem.message and "2020-08-17" in problem.message


def test_a_year_and_month_without_an_id_number_lacks_the_day(school, tmp_path):
    headers = ["姓名", "性别", "出生年月", "证件类型"]
    path = write_new_student_list(tmp_path / "无证件.xlsx", [["张三", "男", "2020.08", "户口簿"]], headers)
    problems = plan_import(school, path).problems
    assert any(p.header == "出生日期" and "只有年月" in p.message for p in problems)


def test_the_aliases_of_kindergarten_lists_map_to_their_fields():
    spec = load_template("new_students")
    expected = {
        "家庭住址": "home_address",
        "监护人": "family.1.name",
        "家长姓名": "family.1.name",
        "监护人电话": "family.1.phone",
        "家长电话": "family.1.phone",
        "户籍地址": "hukou_region",
        "联系电话": "phone",
        "监护人关系": "family.1.relation",
    }
    assert {h: spec.column_for_header(h).field for h in expected} == expected  # type: ignore[union-attr]


def test_r13_1_the_import_refuses_a_hidden_character_and_warns_of_a_formula(school, tmp_path):
    rows = [
        new_student_row(1, "张\u202e三", "男", date(2020, 3, 12)),
        new_student_row(2, "李\u200b四", "男", date(2020, 4, 12)),
        new_student_row(3, "@王五", "男", date(2020, 5, 12)),
        new_student_row(4, "阿依古丽•买买提", "女", date(2020, 6, 12)),
        new_student_row(5, "𠮷䶮", "女", date(2020, 7, 12)),
    ]
    plan = plan_import(school, write_new_student_list(tmp_path / "姓名.xlsx", rows))
    refused = {p.row_number: p.message for p in plan.problems}
    assert set(refused) == {3, 4}
    assert "改变文字方向" in refused[3] and "零宽字符" in refused[4]
    [warned] = plan.name_warnings
    assert (warned.row_number, warned.header) == (5, "姓名") and "公式" in warned.message
    names = {r.row_number: r.values["name"] for r in plan.records}
    assert names[6] == "阿依古丽·买买提" and names[7] == "𠮷䶮"
    assert 5 in {r.row_number for r in plan.new_records}  # a warning does not stop the row


def test_r10_3_the_enrolment_date_given_is_the_one_the_deadline_counts_from(school, tmp_path):
    plan = plan_import(school, new_students_file(tmp_path))
    commit_import(school, plan, today=date(2026, 9, 10), enrolment_date=date(2026, 9, 7))
    with school.read() as session:
        assert set(session.scalars(select(Student.enrolment_date))) == {date(2026, 9, 7)}


def test_school_numbers_follow_the_scheme_and_continue_in_the_next_import(school, tmp_path):
    scheme = "{入学年}{班号:02}{序号:02}"
    assert preview_school_numbers(scheme, 2026, 1) == ["20260101", "20260102", "20260103"]
    plan = plan_import(school, new_students_file(tmp_path))
    classes = plan_classes(school, plan)
    commit_import(
        school, plan, class_of_row=classes.class_of_row, enrolment_date=date(2026, 9, 1), number_scheme=scheme
    )
    assert number_scheme(school) == scheme  # kept as the school's scheme
    with school.read() as session:
        numbers = sorted(session.scalars(select(Student.school_number)))
    assert numbers == ["20260101", "20260102", "20260103", "20260201", "20260202", "20260203"]
    more = write_new_student_list(tmp_path / "补.xlsx", [new_student_row(9, "吴九", "男", date(2020, 2, 2))])
    plan = plan_import(school, more)
    classes = plan_classes(school, plan)
    commit_import(school, plan, class_of_row=classes.class_of_row, enrolment_date=date(2026, 9, 1))
    with school.read() as session:
        new = session.scalar(select(Student.school_number).where(Student.name == "吴九"))
    assert new in ("20260104", "20260204")


@pytest.mark.parametrize(
    ("scheme", "said"),
    [
        ("{入学年}{班号:02}", "序号"),
        ("{年级}{序号}", "不是可用的项目"),
        ("{序号:x}", "写法不对"),
        ("{序号", "花括号"),
    ],
)
def test_a_scheme_that_cannot_number_is_refused(scheme, said):
    with pytest.raises(InvalidInput, match=said):
        check_number_scheme(scheme)


def test_cli_date_and_the_dry_run_shows_old_to_new(school, tmp_path, capsys):
    """README: the dry run shows, for every student a corrected file would update, each field old → new."""
    root = school.folder.root
    first = new_students_file(tmp_path)
    school.close()
    assert main(["import-students", str(first), "--date", "2026-09-07", "--data-dir", str(root)]) == 0
    err = capsys.readouterr().err
    assert "入学日期 2026-09-07" in err and "2026-10-07" in err
    rows = [new_student_row(1, "张三", "男", date(2020, 3, 12))]
    rows[0][6] = "潞城区成家川街道"  # 现住址 corrected
    corrected = write_new_student_list(tmp_path / "更正.xlsx", rows)
    assert main(["import-students", str(corrected), "--dry-run", "--data-dir", str(root)]) == 0
    out = capsys.readouterr().out
    [line] = [line for line in out.splitlines() if line.startswith("更新")]
    assert line.split("\t")[:3] == ["更新", "第3行", "张三"]
    assert "现住址：潞城区潞华街道 → 潞城区成家川街道" in line
