"""`xueji import-students FILE --continuation` (初一/高一新生学籍转接, 第十五条, R15.1): exit 1 for a file with errors
(nothing written, the error workbook), 0 for a dry run that writes nothing and for the import with --date, 2 refused
(a primary school, a file that cannot be read, --existing beside it); --json prints the plan and what was written."""

from __future__ import annotations

import json
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from tests.factories import school_store
from tests.services.test_continuation import good_rows, newcomer, write_list
from xueji_desktop.cli import main
from xueji_desktop.models import StatusChange, Student
from xueji_desktop.store import Store


def _junior(tmp_path):
    with school_store(
        tmp_path / "junior", name="潞城区第一中学", stage="junior", classes_per_grade={7: 2}
    ) as store:
        return store.folder.root


def _counts(root):
    with Store.open(root) as store, store.read() as session:
        return (
            session.scalar(select(func.count(Student.id))),
            session.scalar(select(func.count(StatusChange.id)).where(StatusChange.kind == "continuation")),
        )


def test_r15_1_cli_continuation_exit_codes_json_and_the_entry_date(tmp_path, capsys):
    root = _junior(tmp_path)
    command = ["import-students", "--continuation", "--data-dir", str(root)]
    bad = write_list(tmp_path / "坏.xlsx", [newcomer(1, "赵一", "男", date(2013, 3, 1), "初二(1)班")])
    errors = tmp_path / "错误清单.xlsx"
    assert main([*command, str(bad), "--errors", str(errors)]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines()[0].split("\t")[:2] == ["2", "班级"] and "班级不在初一" in out
    assert "没有导入任何学生" in err
    sheet = openpyxl.load_workbook(errors).active
    assert "班级不在初一" in sheet.cell(2, sheet.max_column).value

    good = write_list(tmp_path / "初一新生.xlsx", good_rows())
    assert main([*command, str(good), "--dry-run", "--date", "2026-09-01", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["students"], report["written"], report["deadline"]) == (3, False, "2026-10-01")
    assert {c["class"]: c["new"] for c in report["classes"]} == {
        "七年级(1)班": False,
        "七年级(2)班": False,
        "七年级(3)班": True,
    }
    assert _counts(root) == (0, 0)

    assert main([*command, str(good), "--date", "2026-09-01", "--json"]) == 0
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert (report["created"], report["written"], report["entry_date"]) == (3, True, "2026-09-01")
    assert "须在 2026-10-01 前转接完成" in err and "第十五条" in err
    assert _counts(root) == (3, 3)
    with Store.open(root) as store, store.read() as session:
        assert set(session.scalars(select(Student.enrolment_date))) == {date(2026, 9, 1)}

    assert main([*command, str(good), "--json"]) == 1  # R10.4: the same 学籍号 a second time is refused
    report = json.loads(capsys.readouterr().out)
    assert report["written"] is False and all(
        "学籍号" in p["column"] or "证件" in p["column"] for p in report["problems"]
    )
    assert _counts(root) == (3, 3)


def test_r15_1_cli_refuses_a_primary_school_and_both_modes_at_once(school, tmp_path, capsys):
    root = school.folder.root
    school.close()
    good = write_list(tmp_path / "初一新生.xlsx", good_rows())
    assert main(["import-students", str(good), "--continuation", "--data-dir", str(root)]) == 2
    assert "第十五条" in capsys.readouterr().err
    junior = _junior(tmp_path)
    both = ["import-students", str(good), "--continuation", "--existing", "--data-dir", str(junior)]
    assert main(both) == 2
    assert "不能同时使用" in capsys.readouterr().err
    with pytest.raises(SystemExit) as wrong_date:  # argparse's exit 2, said in Chinese (cli.common.day)
        main(["import-students", str(good), "--continuation", "--date", "9月1日", "--data-dir", str(junior)])
    assert wrong_date.value.code == 2 and "应为日期" in capsys.readouterr().err
