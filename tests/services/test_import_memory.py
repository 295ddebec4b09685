"""The import's memory figure, guarded in CI: a 100,000-row import within 500 MB.

The figure itself is measured by benchmarks/student_import.py --rows-100k (about two minutes here). This test keeps it
from creeping back: a 20,000-row, 71-column file in the upload template — every cell filled as the provincial export
fills it, every row a different valid student — goes through the whole import (plan, 均衡编班, commit) in its own
process, through the streaming reader that takes large sheets; what the import adds per row, on top of what the
program holds after a first small import, must bring a 100,000-row import to no more than 500 MB.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from python_calamine import CalamineWorkbook

from tests.factories import REGION_PREFIXES, id_number
from tests.spreadsheets import hostile_files
from tests.spreadsheets.test_import_fuzz import write_demo_export

ROWS = 20_000
TARGET_MB = 500
_GIVEN = "子浩宇轩欣怡梓涵雨佳晨博文俊杰思琪明天嘉诗睿泽一诺可馨安然若"

_PROBE = (
    hostile_files.PEAK_MB_SOURCE
    + """
import shutil, tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, sys.argv[3])
from student_import import fresh_school
from xueji_desktop.services.student_import import commit_import, plan_classes, plan_import
from xueji_desktop.spreadsheets import xlsx_stream

xlsx_stream.STREAM_FROM_BYTES = -1  # the reader a large sheet gets, whatever this file's size
work = Path(tempfile.mkdtemp())
try:
    store = fresh_school(work / "warm")  # the program's own memory: libraries, code tables, 拼音, a small import
    plan = plan_import(store, Path(sys.argv[2]))
    commit_import(store, plan, class_of_row=plan_classes(store, plan, mode="balanced").class_of_row)
    store.close()
    before = peak_mb()
    store = fresh_school(work / "big")
    plan = plan_import(store, Path(sys.argv[1]))
    classes = plan_classes(store, plan, mode="balanced")
    result = commit_import(store, plan, class_of_row=classes.class_of_row)
    print(json.dumps({"before": before, "peak": peak_mb(), "created": result.created,
                      "problems": len(plan.problems)}))
finally:
    shutil.rmtree(work, ignore_errors=True)
"""
)


def _template_rows(folder: Path) -> tuple[list[str], list[list[str]]]:
    """The header and the valid students of a small demo school's upload batch: the template's columns and forms."""
    book = CalamineWorkbook.from_path(str(write_demo_export(folder, students=50)))
    values = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    return [str(v) for v in values[0]], [["" if v is None else str(v) for v in row] for row in values[1:]]


def _write(path: Path, headers: list[str], rows: list[list[str]]) -> None:
    """Written as XML directly (openpyxl would take minutes): inline strings, as the provincial export writes them."""
    letters = [hostile_files._column(i) for i in range(len(headers))]

    def row_xml(number: int, cells: list[str]) -> str:
        inner = "".join(
            f'<c r="{letters[i]}{number}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'
            for i, text in enumerate(cells)
            if text
        )
        return f'<row r="{number}">{inner}</row>'

    body = "".join(row_xml(n, cells) for n, cells in enumerate([headers, *rows], start=1))
    sheet = f'<worksheet xmlns="{hostile_files.NS}"><sheetData>{body}</sheetData></worksheet>'
    path.write_bytes(hostile_files._package(sheet=sheet.encode()))


def _many(headers: list[str], seeds: list[list[str]], count: int) -> list[list[str]]:
    """`count` different students: each seed row with a new name and a new valid ID number of the same birth date
    and gender (region and sequence varied)."""
    name_at, id_at = headers.index("姓名"), headers.index("身份证件号")
    birth_at, gender_at = headers.index("出生日期"), headers.index("性别")
    rows = []
    for n in range(count):
        row = list(seeds[n % len(seeds)])
        digits = row[birth_at].replace("-", "")
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
        gender = "1" if row[gender_at] in ("1", "男") else "2"
        variant = n // len(seeds)
        row[name_at] = (
            row[name_at][0] + _GIVEN[variant % len(_GIVEN)] + _GIVEN[variant // len(_GIVEN) % len(_GIVEN)]
        )
        row[id_at] = id_number(born, gender, seq=variant % 500, region=REGION_PREFIXES[variant // 500 % 5])
        rows.append(row)
    return rows


@pytest.mark.slow  # a 20,000-row import in a child process
def test_a_large_import_stays_within_the_memory_figure(tmp_path):
    headers, seeds = _template_rows(tmp_path)
    assert len(headers) == 71 and len(seeds) >= 40
    small, big = tmp_path / "small.xlsx", tmp_path / "big.xlsx"
    _write(small, headers, _many(headers, seeds, 200)[-50:])
    _write(big, headers, _many(headers, seeds, ROWS))
    benchmarks = Path(__file__).resolve().parents[2] / "benchmarks"
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE, str(big), str(small), str(benchmarks)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result["created"] == ROWS and result["problems"] == 0
    per_row_kb = (result["peak"] - result["before"]) * 1024 / ROWS
    projected = result["before"] + per_row_kb * 100_000 / 1024
    print(
        f"\n{ROWS:,} rows: program {result['before']:.0f} MB, peak {result['peak']:.0f} MB, "
        f"{per_row_kb:.2f} KB a row → 100,000 rows ≈ {projected:.0f} MB (target ≤ {TARGET_MB})"
    )
    assert projected <= TARGET_MB
