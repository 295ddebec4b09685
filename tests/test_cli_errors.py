"""`xueji` never shows a clerk a Python traceback: a refusal (DomainError) prints its Chinese lines on stderr and exits 2;
a full disk during `import-students` or `print` is one Chinese line (it used to be 22 frames); anything nobody expected
prints one Chinese line naming a log file that holds the traceback, and exits 1."""

from __future__ import annotations

import errno
import sqlite3
from datetime import date

import pytest

from tests.factories import add_student, new_student_row, write_new_student_list
from xueji_desktop.cli import main
from xueji_desktop.services import roster
from xueji_desktop.store import DISK_FULL_MESSAGE


@pytest.fixture
def data_dir(school):
    root = school.folder.root
    class_id = roster.class_tree(school)[0].classes[0].id
    add_student(school, class_id, name="张三", birth=date(2019, 3, 12))
    school.close()
    return root


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and 'File "' not in err
    return lines[0]


def test_a_full_disk_during_import_students_is_one_chinese_line_and_exit_2(
    data_dir, tmp_path, monkeypatch, capsys
):
    """SQLITE_FULL inside the import's transaction: DiskFull's line, nothing written."""
    people = [("李小红", "女", date(2020, 5, 1)), ("王五", "男", date(2019, 11, 9))]
    good = write_new_student_list(
        tmp_path / "新生.xlsx", [new_student_row(i + 1, *p) for i, p in enumerate(people)]
    )

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr("xueji_desktop.services.audit.record_many", full)  # inside the transaction
    code = main(["import-students", str(good), "--data-dir", str(data_dir)])
    assert code == 2
    assert _one_line(capsys.readouterr().err) == DISK_FULL_MESSAGE
    capsys.readouterr()
    assert main(["students", "--json", "--data-dir", str(data_dir)]) == 0
    assert "李小红" not in capsys.readouterr().out  # rolled back: not half-written


def test_a_full_disk_while_print_writes_the_pdf_is_one_chinese_line_and_exit_2(
    data_dir, tmp_path, monkeypatch, capsys
):
    """ENOSPC from the PDF writer: the full disk's line, no file left."""
    from reportlab.pdfgen.canvas import Canvas

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Canvas, "save", full)
    out = tmp_path / "信息表.pdf"
    code = main(["print", "info-form", str(out), "--class", "一年级(1)班", "--data-dir", str(data_dir)])
    assert code == 2
    assert _one_line(capsys.readouterr().err) == DISK_FULL_MESSAGE
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".pdf"] == []


def test_a_refusal_prints_its_lines_and_exits_2(data_dir, capsys):
    """A NotFound (a DomainError) from a command: its Chinese line on stderr, exit 2."""
    code = main(["print", "info-form", "x.pdf", "--class", "九年级(9)班", "--data-dir", str(data_dir)])
    assert code == 2
    line = _one_line(capsys.readouterr().err)
    assert "九年级(9)班" in line


def test_an_unexpected_error_prints_one_line_naming_the_log_that_holds_the_traceback(
    data_dir, monkeypatch, capsys
):
    from xueji_desktop.cli import school as school_commands

    def broken(store, args):
        raise RuntimeError("a bug nobody expected")

    monkeypatch.setattr(school_commands, "cmd_students", broken)
    code = main(["students", "--data-dir", str(data_dir)])
    assert code == 1
    line = _one_line(capsys.readouterr().err)
    assert line.startswith("出现了一个意外问题")
    log = data_dir / "logs" / "xueji.log"
    assert str(log) in line
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "RuntimeError: a bug nobody expected" in text and "broken" in text


def test_usage_errors_stay_argparse_s_own(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["print"])
    assert caught.value.code == 2
    assert "usage:" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["procedures", "cancel", "5", "--reason", "家长撤回", "--on", "2026-13-01"], "应为日期 YYYY-MM-DD"),
        (["sanctions", "add", "--student", "1"], "缺少必填的参数：--kind"),
        (["no-such-command"], "无效的选项：'no-such-command'"),
    ],
)
def test_a_command_line_that_cannot_be_taken_is_told_in_chinese(capsys, argv, said):
    """A wrong date, a missing option or an unknown command: exit 2, one Chinese line after the usage."""
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert "命令行有误" in last and said in last
    assert "invalid" not in last and "required" not in last
