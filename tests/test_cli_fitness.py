"""`xueji fitness` (第二十九条, R29.1): import exits 0 for a good file, 1 with errors (nothing written, the error
workbook when asked, the valid rows with --valid-only), 2 refused (a file without the columns); exempt and diploma."""

from __future__ import annotations

import json
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.factories import add_student, class_id_of
from tests.services.test_fitness import write_book
from xueji_desktop.cli import main
from xueji_desktop.models import Attachment
from xueji_desktop.rules import proofs
from xueji_desktop.store import Store


@pytest.fixture
def data_dir(school):
    root = school.folder.root
    for day, name in ((1, "赵一"), (2, "钱二")):
        add_student(school, class_id_of(school, 3), name=name, birth=date(2017, 5, day), number=None)
    school.close()
    return root


def _ids(root):
    from sqlalchemy import select

    from xueji_desktop.models import Student

    with Store.open(root) as store, store.read() as session:
        return {s.name: s.id_number for s in session.scalars(select(Student))}


def _shown(root, capsys, who):
    capsys.readouterr()
    assert main(["fitness", "show", who, "--json", "--data-dir", str(root)]) == 0
    return json.loads(capsys.readouterr().out)


def test_import_exit_codes_and_the_error_workbook(data_dir, tmp_path, capsys):
    ids = _ids(data_dir)
    good = write_book(tmp_path / "好.xlsx", [["赵一", ids["赵一"], None, "2026-2027", 81, "良好"]])
    bad = write_book(
        tmp_path / "错.xlsx",
        [
            ["钱二", ids["钱二"], None, 2026, 55, "不及格"],
            ["孙三", "140406201705039999", None, 2026, 70, "及格"],
        ],
    )
    no_columns = write_book(
        tmp_path / "缺列.xlsx", [["赵一", 2026, 80, "良好"]], headers=["姓名", "学年", "总分", "等级"]
    )
    root = ["--data-dir", str(data_dir)]

    assert main(["fitness", "import", str(good), "--dry-run", *root]) == 0
    assert _shown(data_dir, capsys, ids["赵一"])["results"] == []
    assert main(["fitness", "import", str(good), *root]) == 0
    assert _shown(data_dir, capsys, ids["赵一"])["results"] == [
        {"学年": "2026-2027学年", "总分": 81.0, "等级": "良好", "来源": "好.xlsx"}
    ]

    out = tmp_path / "错误清单.xlsx"
    assert main(["fitness", "import", str(bad), "--errors", str(out), *root]) == 1
    captured = capsys.readouterr()
    assert (
        "4\t身份证件号\t本校没有身份证件号为此的学生" in captured.out and "没有导入任何成绩" in captured.err
    )
    assert _shown(data_dir, capsys, ids["钱二"])["results"] == []
    assert [row[0] for row in load_workbook(out).active.iter_rows(values_only=True)] == ["原行号", 4]
    assert main(["fitness", "import", str(bad), "--valid-only", *root]) == 0
    assert [r["总分"] for r in _shown(data_dir, capsys, ids["钱二"])["results"]] == [55.0]

    assert main(["fitness", "import", str(no_columns), *root]) == 2
    assert "缺少列：身份证件号或学籍号" in capsys.readouterr().err


def test_exempt_and_diploma_R29_1(data_dir, tmp_path, capsys):
    """R29.1 from the command line: 钱二 (不及格) is blocked until exempt; exit 1 while anyone is blocked."""
    ids = _ids(data_dir)
    root = ["--data-dir", str(data_dir)]
    rows = [["赵一", ids["赵一"], None, 2026, 81, "良好"], ["钱二", ids["钱二"], None, 2026, 40, "不及格"]]
    assert main(["fitness", "import", str(write_book(tmp_path / "t.xlsx", rows)), *root]) == 0
    both = ["--student", ids["赵一"], "--student", ids["钱二"]]
    capsys.readouterr()
    assert main(["fitness", "diploma", *both, "--json", *root]) == 1
    listed = json.loads(capsys.readouterr().out)
    assert [(e["姓名"], e["可发毕业证书"], e["rule_ids"]) for e in listed] == [
        ("赵一", True, []),
        ("钱二", False, ["R29.1"]),
    ]
    assert "第二十九条" in listed[1]["原因"] and listed[1]["结论"] == "结业（未发毕业证书）"

    assert main(["fitness", "exempt", ids["钱二"], "--year", "2026-2027", "--reason", "哮喘", *root]) == 2
    assert "医疗单位的证明" in capsys.readouterr().err
    proof = tmp_path / "证明.pdf"
    proof.write_bytes(b"%PDF-1.4\n%fake scan\n")
    assert (
        main(
            [
                "fitness",
                "exempt",
                ids["钱二"],
                "--year",
                "2026-2027",
                "--reason",
                "哮喘",
                "--proof",
                str(proof),
                *root,
            ]
        )
        == 0
    )
    with Store.open(data_dir) as store, store.read() as session:  # kept under 体育免修's own proof kind
        assert session.scalars(select(Attachment.kind)).all() == [proofs.PE_EXEMPTION_PROOF]
    assert main(["fitness", "diploma", *both, *root]) == 0
    assert "体育免修" in capsys.readouterr().out
    assert (
        main(["fitness", "exempt", ids["钱二"], "--year", "2026", "--reason", "已痊愈", "--withdraw", *root])
        == 0
    )
    assert main(["fitness", "diploma", "--class", "三年级(1)班", *root]) == 1
