"""`xueji-desktop --self-test [FOLDER]`: the check the installed app runs on itself (CI runs it on the bundle through
installer/build.py --smoke). Here from source: once for real in a subprocess (offscreen), then its failures."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from xueji_desktop import app
from xueji_desktop.ui import self_test

ROOT = Path(__file__).resolve().parents[1]


def run_self_test(*args: str, timeout: int = 240) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8")
    env.pop("XUEJI_DATA_DIR", None)
    return subprocess.run(
        [sys.executable, "-m", "xueji_desktop", "--self-test", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


def test_self_test_opens_a_demo_school_and_writes_a_png_a_pdf_and_an_xlsx(tmp_path):
    folder = tmp_path / "自检"
    result = run_self_test(str(folder))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("学籍桌面 ") and "self-test" in lines[0]
    passed = [line for line in lines if line.startswith("通过 PASS")]
    assert len(passed) == 8  # the folder, then seven steps
    assert not any(line.startswith("失败 FAIL") for line in lines)
    assert lines[-1].startswith("自检通过 self-test passed")
    assert any("在读证明" in line and "含「在读证明」" in line for line in lines)
    translation = next(line for line in lines if "qtbase_zh_CN" in line)
    assert translation.startswith("通过 PASS  Qt 中文翻译 qtbase_zh_CN：")
    assert "qtbase_zh_CN.qm" in translation
    assert "确定、取消、撤消(U)" in translation  # Qt's own words, as the clerk sees them

    png, pdf, xlsx = (
        folder / self_test.SELF_TEST_WINDOW,
        folder / self_test.SELF_TEST_PDF,
        folder / self_test.SELF_TEST_XLSX,
    )
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert zipfile.is_zipfile(xlsx) and "xl/workbook.xml" in zipfile.ZipFile(xlsx).namelist()
    assert (folder / "data" / "xueji.sqlite3").is_file()
    report = (folder / self_test.SELF_TEST_REPORT).read_text(encoding="utf-8")
    assert report.splitlines() == lines  # the same lines, for a PC where nobody reads stdout

    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    text = "".join(document[0].get_textpage().get_text_range().split())
    document.close()
    assert "在读证明" in text and "潞城区演示九年一贯制学校" in text

    again = run_self_test(str(folder))  # a second run in the same folder reuses the demo school
    assert again.returncode == 0, again.stdout + again.stderr


def test_self_test_in_an_unusable_folder_fails_with_the_reason(tmp_path):
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("x", encoding="utf-8")
    result = run_self_test(str(not_a_folder / "inside"), timeout=60)
    assert result.returncode == 2
    assert "失败 FAIL  文件夹 folder" in result.stdout
    assert "通过 PASS" not in result.stdout


def test_a_failing_step_stops_the_self_test_with_its_message(tmp_path, qapp, monkeypatch, capsys):
    def disk_full(root, state):
        raise OSError(28, "磁盘空间已满")

    monkeypatch.setattr(self_test, "_check_demo_school", disk_full)
    code = self_test.self_test(str(tmp_path / "st"))
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[-2] == "失败 FAIL  演示学校 demo school：[Errno 28] 磁盘空间已满"
    assert out[-1].startswith("自检未通过 self-test FAILED")
    assert not any("主窗口" in line for line in out)  # the steps after a failure are not run
    report = (tmp_path / "st" / self_test.SELF_TEST_REPORT).read_text(encoding="utf-8").splitlines()
    assert report[: len(out)] == out
    assert report[len(out) + 1] == "详细信息 details:" and "disk_full" in "\n".join(report)  # the traceback


def test_a_step_that_finds_a_wrong_result_says_what(tmp_path, qapp, monkeypatch, capsys):
    monkeypatch.setattr(self_test, "app_icon", lambda: __import__("PySide6.QtGui").QtGui.QIcon())
    assert self_test.self_test(str(tmp_path / "st")) == 1
    assert "失败 FAIL  界面与字体 Qt + fonts：找不到程序图标（resources/icons）" in capsys.readouterr().out


def test_without_qts_chinese_catalogue_the_self_test_fails_on_that_line(tmp_path, qapp, monkeypatch, capsys):
    from xueji_desktop.ui import translations

    nowhere = tmp_path / "no-translations"
    nowhere.mkdir()
    monkeypatch.setattr(translations, "_installed", {})  # as in a fresh process: nothing installed yet
    monkeypatch.setattr(translations, "translation_folders", lambda: [nowhere])
    assert self_test.self_test(str(tmp_path / "st")) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-2].startswith("失败 FAIL  Qt 中文翻译 qtbase_zh_CN：找不到 Qt 的中文翻译 qtbase_zh_CN.qm")
    assert str(nowhere) in out[-2]  # where it looked


def test_self_test_flag_takes_an_optional_folder():
    assert app.parse_args(["--self-test"]).self_test == ""
    assert app.parse_args(["--self-test", "D:/检查"]).self_test == "D:/检查"
    assert app.parse_args([]).self_test is None


def test_the_window_icon_is_the_apps_mark_at_several_sizes(qapp):
    from xueji_desktop.ui.icon import app_icon

    icon = app_icon()
    assert not icon.isNull()
    sizes = {(size.width(), size.height()) for size in icon.availableSizes()}
    assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= sizes


@pytest.mark.parametrize("flag", ["--help"])
def test_the_flag_is_documented(flag, capsys):
    with pytest.raises(SystemExit):
        app.parse_args([flag])
    assert "--self-test" in capsys.readouterr().out
