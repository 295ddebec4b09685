"""Pre-flight checks of untrusted spreadsheets (RELIABILITY.md: hostile spreadsheets; T8).

Every file is built here: the hostile corpus by tests/spreadsheets/hostile_files.py, normal files with openpyxl and
xlwt. Each corpus file is read in its own subprocess, so that its time and peak memory are its own.
"""

from __future__ import annotations

import builtins
import io
import json
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlwt

from tests.spreadsheets import hostile_files
from tests.spreadsheets.hostile_files import PEAK_MB_SOURCE
from xueji_desktop.spreadsheets import preflight
from xueji_desktop.spreadsheets.errors import ImportFileError
from xueji_desktop.spreadsheets.preflight import check_file

CHINESE = re.compile(r"[\u4e00-\u9fff]")

_PROBE = (
    PEAK_MB_SOURCE
    + """


from pathlib import Path
from xueji_desktop.spreadsheets.errors import ImportFileError
from xueji_desktop.spreadsheets.preflight import check_file
from xueji_desktop.spreadsheets.reader import read_table
from xueji_desktop.spreadsheets.template import load_template

spec = load_template("new_students")
path = Path(sys.argv[1])
before = peak_mb()
started = time.perf_counter()
result = {}
try:
    check_file(path)
    result["preflight_s"] = time.perf_counter() - started
    table = read_table(path, is_header=lambda header: spec.column_for_header(header) is not None)
    result.update(outcome="ok", rows=len(table.rows), headers=table.headers)
except ImportFileError as error:
    result.update(outcome=error.code, message=str(error))
result["seconds"] = time.perf_counter() - started
result.setdefault("preflight_s", result["seconds"])
result["growth_mb"] = peak_mb() - before
print(json.dumps(result, ensure_ascii=False))
"""
)


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[hostile_files.HostileCase]:
    return hostile_files.build_corpus(tmp_path_factory.mktemp("hostile"))


def test_corpus_has_every_kind_the_brief_names(corpus):
    names = {case.name for case in corpus}
    assert len(corpus) >= 14
    for kind in (
        "zip_bomb",
        "nested_zip_bomb",
        "billion_laughs",
        "external_entity",
        "forged_dimension",
        "styled_empty_rows",
        "not_a_zip",
        "csv_renamed",
        "docx_renamed",
        "truncated",
        "corrupt_central_directory",
        "password_protected",
        "empty_file",
        "empty_sheet",
        "no_header",
        "html_as_xls",
    ):
        assert kind in names


def test_t8_each_hostile_file_one_chinese_error_or_a_small_read(corpus):
    """T8: exactly one Chinese ImportFileError or a successful small read, ≤ 2 s, ≤ 200 MB growth, nothing written."""
    folder = corpus[0].path.parent
    before = _snapshot(folder)
    report = []
    for case in corpus:
        completed = subprocess.run(
            [sys.executable, "-c", _PROBE, str(case.path)],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=folder,
        )
        assert completed.returncode == 0, f"{case.name}: {completed.stderr[-2000:]}"
        assert "Traceback" not in completed.stderr, case.name
        result = json.loads(completed.stdout.strip().splitlines()[-1])
        report.append(
            f"{case.name:26} {result['outcome']:12} read {result['seconds']:.3f}s "
            f"pre-flight {result['preflight_s']:.3f}s +{result['growth_mb']:.0f} MB"
        )
        assert result["outcome"] == case.expect, f"{case.name}: {result}"
        if case.expect == "ok":
            assert 0 < result["rows"] <= 10, case.name
        else:
            message = result["message"]
            assert CHINESE.search(message) and "\n" not in message and "Traceback" not in message, message
            assert result["preflight_s"] < 0.6 or case.expect in ("empty_sheet", "no_header"), result
        assert result["seconds"] <= 2.0, f"{case.name}: {result}"
        assert result["growth_mb"] <= 200, f"{case.name}: {result}"
    assert _snapshot(folder) == before  # nothing written beside the files, none changed
    print("\n" + "\n".join(report))


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _refused(path: Path) -> ImportFileError:
    with pytest.raises(ImportFileError) as caught:
        check_file(path)
    assert CHINESE.search(str(caught.value)) and "\n" not in str(caught.value)
    return caught.value


def test_a_normal_xlsx_and_xls_pass(tmp_path):
    xlsx = tmp_path / "名单.xlsx"
    xlsx.write_bytes(_xlsx([["姓名", "性别"], ["张三", "男"]]))
    check_file(xlsx)
    book = xlwt.Workbook(encoding="utf-8")
    book.add_sheet("名单").write(0, 0, "姓名")
    xls = tmp_path / "名单.xls"
    book.save(str(xls))
    check_file(xls)
    with open(xls, "rb") as handle:
        assert "Workbook" in preflight.ole_stream_names(handle, xls.stat().st_size)


def test_xlsx_content_named_xls_passes_by_its_bytes(tmp_path):
    path = tmp_path / "导出.xls"  # web systems often name an .xlsx ".xls"
    path.write_bytes(_xlsx([["姓名"]]))
    check_file(path)
    assert preflight.file_kind(path) == "xlsx"


def test_missing_directory_and_oversized(tmp_path):
    assert _refused(tmp_path / "无.xlsx").code == "missing"
    assert _refused(tmp_path).code == "directory"
    big = tmp_path / "big.xlsx"
    with open(big, "wb") as handle:
        handle.truncate(preflight.MAX_FILE_BYTES + 1)  # sparse: no 50 MB written
    error = _refused(big)
    assert error.code == "too_big" and "50 MB" in str(error)


def test_a_file_locked_by_excel_is_a_clear_message(tmp_path, monkeypatch):
    path = tmp_path / "名单.xlsx"
    path.write_bytes(_xlsx([["姓名"]]))

    def locked(*args, **kwargs):
        raise PermissionError(
            13, "The process cannot access the file because it is being used by another process"
        )

    monkeypatch.setattr(builtins, "open", locked)
    error = _refused(path)
    assert str(error) == "文件正被其他程序（如 Excel）打开，请关闭后重试"


def test_a_passed_file_is_not_checked_again_until_it_changes(tmp_path, monkeypatch):
    path = tmp_path / "名单.xlsx"
    path.write_bytes(_xlsx([["姓名"]]))
    check_file(path)
    opened = []
    real_open = builtins.open
    monkeypatch.setattr(builtins, "open", lambda *a, **k: opened.append(a) or real_open(*a, **k))
    check_file(path)
    assert opened == []
    path.write_bytes(b"not excel at all, just text\n")
    assert _refused(path).code == "not_excel"


def test_the_encrypted_container_is_a_real_compound_file(corpus):
    case = next(c for c in corpus if c.name == "password_protected")
    with open(case.path, "rb") as handle:
        names = preflight.ole_stream_names(handle, case.path.stat().st_size)
    assert {"Root Entry", "EncryptionInfo", "EncryptedPackage"} <= set(names)


def test_an_office_binary_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "doc.xls"
    path.write_bytes(hostile_files._cfb({"WordDocument": b"\0" * 600}))
    error = _refused(path)
    assert error.code == "not_excel" and "Word" in str(error)


def _sheet_package(tmp_path: Path, name: str, sheet_xml: str) -> Path:
    path = tmp_path / name
    path.write_bytes(hostile_files._package(sheet=sheet_xml.encode()))
    return path


WS = f'<worksheet xmlns="{hostile_files.NS}"><sheetData>'


@pytest.mark.parametrize(
    "cells",
    [
        '<row r="1"><c r="A1"><v>1</v></c><c r="xfd1048576"><v>1</v></c></row>',  # lower case: calamine reads it
        "<row r='1'><c r='A1'><v>1</v></c><c r = 'XFD1048576'><v>1</v></c></row>",  # quoting and spacing
        '<row r="1"><c r="A1"><v>1</v></c><c\tr="XFD1048576"><v>1</v></c></row>',  # a tab before r
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c><v>1</v></c>'
        + "<c><v>1</v></c>" * 20
        + "</row>",  # cells without r: counted as calamine counts them
        '<row r="1"><c r="A1"><v>1</v></c><c r="A0001048576"><v>1</v></c><c r="ZZ1"><v>1</v></c></row>',
    ],
)
def test_a_far_cell_written_any_way_calamine_accepts_is_refused(tmp_path, cells):
    """A two-cell sheet spanning to row 1,048,576 makes calamine allocate rows × columns and abort the process."""
    path = _sheet_package(tmp_path, "far.xlsx", WS + cells + "</sheetData></worksheet>")
    assert _refused(path).code == "area"


def test_prefixed_elements_are_replayed(tmp_path):
    xml = (
        f'<x:worksheet xmlns:x="{hostile_files.NS}"><x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c>'
        '<x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    )
    assert _refused(_sheet_package(tmp_path, "prefixed.xlsx", xml)).code == "area"


def test_a_wide_row_without_references(tmp_path):
    wide = "<c><v>1</v></c>" * 2000
    rows = "".join(f'<row r="{n}">{wide if n in (1, 9000) else ""}</row>' for n in range(1, 9001))
    assert (
        _refused(_sheet_package(tmp_path, "wide.xlsx", WS + rows + "</sheetData></worksheet>")).code == "area"
    )


def test_a_legitimate_sheet_with_a_stray_note_far_right_passes(tmp_path):
    rows = [["姓名", "性别", "出生日期"], *[["张三", "男", "2020-01-01"]] * 50]
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.active["AZ3"] = "备注：核对过"
    path = tmp_path / "note.xlsx"
    workbook.save(path)
    check_file(path)


def test_real_files_are_far_under_the_ratio_limit(tmp_path):
    rows = [
        [f"学生{i}", "男" if i % 2 else "女", f"2020-01-{i % 28 + 1:02d}", f"1404062020{i:08d}"]
        for i in range(3000)
    ]
    path = tmp_path / "normal.xlsx"
    path.write_bytes(_xlsx(rows))
    with zipfile.ZipFile(path) as archive:
        worst = max(i.file_size / max(i.compress_size, 1) for i in archive.infolist() if i.file_size > 4096)
    assert worst < preflight.MAX_RATIO / 3
    check_file(path)


def test_every_refusal_is_quick(corpus):
    """The pre-flight alone, in this process: each refused file in < 0.6 s (RELIABILITY.md)."""
    for case in corpus:
        if case.expect in ("ok", "empty_sheet", "no_header"):
            continue
        started = time.perf_counter()
        with pytest.raises(ImportFileError) as caught:
            check_file(case.path)
        assert caught.value.code == case.expect, case.name
        assert time.perf_counter() - started < 0.6, case.name
