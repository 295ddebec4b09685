"""`xueji year-end check|run|undo` on a real data file: exit 1 while something is unfinished, a preview that writes
nothing, a run before the term's end refused until the date is confirmed (R15.1), a second run refused, an undo."""

from __future__ import annotations

import json
from datetime import date

from tests.factories import add_student, class_id_of, illness_proofs, open_suspension


def test_year_end_check_preview_run_and_undo_R15_1(school, run, scan):
    first = add_student(school, class_id_of(school, 1), name="一年级学生")
    third = add_student(school, class_id_of(school, 3), name="三年级学生")
    open_suspension(school, third, illness_proofs(scan), today=date(2027, 3, 1))

    code, out, _ = run("year-end", "check", "--date", "2027-07-20", "--json")
    listed = json.loads(out)
    assert code == 1 and listed["学年"] == "2026-2027学年"
    assert [(i["类别"], i["学生"], i["阻止毕业"]) for i in listed["待办结"]] == [
        ("在办异动手续", "三年级学生", False)
    ]

    code, out, _ = run("year-end", "run", "--date", "2027-07-05", "--preview")
    assert code == 1 and "一年级：在读1人升级，升入二年级" in out and "第十五条" in out

    code, out, err = run("year-end", "run", "--date", "2027-07-05", "--json")
    assert code == 2 and "第十五条" in err and "--confirm-date" in err and out == ""

    code, out, _ = run(
        "year-end", "run", "--date", "2027-07-05", "--confirm-date", "--classes", "一年级=3", "--json"
    )
    done = json.loads(out)
    assert code == 0 and done["新学年"] == "2027-2028学年" and done["升级"] == 2

    code, out, _ = run("students", "--json")
    where = {row["id"]: row["class_name"] for row in json.loads(out)}
    assert where[first] == "二年级(1)班"

    code, _, err = run("year-end", "run", "--date", "2027-07-06", "--confirm-date")
    assert code == 2 and "不能办理两次" in err

    code, out, _ = run("year-end", "undo")
    assert code == 0 and "已撤销2026-2027学年的学年结束" in out
    code, out, _ = run("students", "--json")
    assert {row["id"]: row["class_name"] for row in json.loads(out)}[first] == "一年级(1)班"

    code, _, err = run("year-end", "undo")
    assert code == 2 and "还没有办理过学年结束" in err


def test_year_end_run_says_what_is_wrong_with_its_options(school, run):
    code, _, err = run("year-end", "run", "--date", "2027-07-20", "--term1", "2027-09-01")
    assert code == 2 and "--term1 的格式应为" in err
    code, _, err = run("year-end", "run", "--date", "2027-07-20", "--classes", "十年级=2")
    assert code == 2 and "没有名为“十年级”的年级" in err
    code, _, err = run("year-end", "run", "--date", "2027-07-20", "--preview", "--classes", "一年级=x")
    assert code == 2 and "班级数应为数字" in err
