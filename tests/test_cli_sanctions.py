"""`xueji sanctions add|lift|list` and `xueji awards add|list` on a real data file (第三十一条、第三十二条): recorded,
listed as text and JSON, a refusal naming its article with exit 2 (R32.1), a lifting as a new entry."""

from __future__ import annotations

import json

from tests.factories import add_student, class_id_of


def _add(run, student, kind="记过", *more):
    return run(
        "sanctions",
        "add",
        "--student",
        str(student),
        "--kind",
        kind,
        "--reason",
        "打架斗殴",
        "--date",
        "2026-10-08",
        "--document",
        "潞实小〔2026〕5号",
        *more,
    )


def test_r32_1_r32_2_sanctions_add_list_and_lift(school, run):
    student = add_student(school, class_id_of(school, 3), name="王五")
    code, out, _ = _add(run, student, "记过", "--until", "2027-04-08")
    assert code == 0 and "已记录处分" in out
    code, out, _ = run("sanctions", "list", "--in-force", "--on", "2026-11-01", "--json")
    rows = json.loads(out)
    assert code == 0 and [(r["student"], r["kind"], r["in_force"], r["archived"]) for r in rows] == [
        ("王五", "记过", True, True)
    ]
    code, out, _ = run(
        "sanctions", "lift", str(rows[0]["id"]), "--date", "2026-12-01", "--reason", "表现良好"
    )
    assert code == 0 and "已解除" in out
    code, out, _ = run("sanctions", "list", "--in-force", "--on", "2026-12-02", "--json")
    assert json.loads(out) == []
    code, out, err = run("sanctions", "list", "--student", str(student), "--on", "2026-12-02")
    assert "已于2026-12-01解除" in out and "共 1 项处分" in err


def test_r32_1_an_expulsion_in_primary_school_is_refused_with_its_article(school, run):
    student = add_student(school, class_id_of(school, 3))
    code, out, err = _add(run, student, "开除学籍", "--city-approved")
    assert code == 2 and "第三十二条" in err and out == ""
    code, out, _ = run("sanctions", "list", "--json")
    assert json.loads(out) == []


def test_a_second_lifting_is_refused(school, run):
    student = add_student(school, class_id_of(school, 3))
    _add(run, student, "警告")
    assert run("sanctions", "lift", "1", "--date", "2026-11-01", "--reason", "表现良好")[0] == 0
    code, _, err = run("sanctions", "lift", "1", "--date", "2026-11-02", "--reason", "又一次")
    assert code == 2 and "不能再次解除" in err


def test_r31_1_awards_add_and_list(school, run, scan):
    student = add_student(school, class_id_of(school, 2), name="赵六")
    proof = scan("获奖证书").path
    code, out, _ = run(
        "awards", "add", "--student", str(student), "--level", "市级", "--title", "三好学生",
        "--date", "2026-12-20", "--issuer", "长治市教育局", "--proof", str(proof),
    )  # fmt: skip
    assert code == 0 and "已记录奖励" in out
    code, out, _ = run(
        "awards", "add", "--student", str(student), "--level", "班级", "--title", "进步之星",
        "--date", "2026-12-21", "--issuer", "二年级(1)班",
    )  # fmt: skip
    code, out, _ = run("awards", "list", "--json")
    rows = json.loads(out)
    assert [(r["title"], r["archived"], r["has_proof"]) for r in rows] == [
        ("进步之星", False, False),
        ("三好学生", True, True),
    ]
    code, out, err = run("awards", "list", "--student", str(student))
    assert code == 0 and "三好学生" in out and "共 2 项奖励" in err
