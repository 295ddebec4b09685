"""The import figures: a 5,000-row, full-width file in the national template, imported end to end, as a ratio to
the bare reading of the same file by openpyxl read_only in the same run (target: the whole import ≤ 1.0 of that).

- the file: 5,000 demo students exported through the upload batch (so every value is in the template's form), merged
  into one sheet, every digit and letter of the text cells made full-width (as many clerks' files arrive);
- open + validate + preview: services.student_import.plan_import (pre-flight, python-calamine read, header
  detection, normalising and checking every cell, R13.1 duplicates against the stored students) + plan_classes;
- commit: commit_import into a nine-year school with classes (one transaction, audit events);
- bare: openpyxl load_workbook(read_only=True) iterating every cell's value;
- memory: peak RSS of a separate 100,000-row import (plan + commit) with --rows-100k (target ≤ 500 MB).

Usage: python benchmarks/student_import.py [--rows 5000] [--runs 3] [--rows-100k]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
from python_calamine import CalamineWorkbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from batch_export import prepare

from xueji_desktop.demo import demo_setup
from xueji_desktop.services.school_setup import create_school
from xueji_desktop.services.student_import import commit_import, plan_classes, plan_import
from xueji_desktop.services.upload_batches import export_new_students
from xueji_desktop.store import Store

FULL_WIDTH = {ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


def make_file(work: Path, rows: int) -> Path:
    source = prepare(work / f"source{rows}", rows)
    result = export_new_students(source, work / f"batch{rows}.xlsx")
    source.close()
    merged = openpyxl.Workbook(write_only=True)
    sheet = merged.create_sheet("学生信息")
    written = header = 0
    for file in result.files:
        book = CalamineWorkbook.from_path(str(file))
        for name in book.sheet_names:
            values = book.get_sheet_by_name(name).to_python()
            if not header:
                sheet.append(values[0])
                header = 1
            for row in values[1 : rows - written + 1]:
                sheet.append([str(v).translate(FULL_WIDTH) for v in row])
                written += 1
    path = work / f"新生_{rows}.xlsx"
    merged.save(path)
    return path


def fresh_school(root: Path, classes: dict[int, int] | None = None) -> Store:
    """A nine-year school (not a demo) in the demo's school year, with `classes` (grade → how many; by default 120
    classes of 一年级 to import into)."""
    store = Store.open(root)
    setup = demo_setup(date.today(), {1: 120} if classes is None else classes)
    create_school(store, replace(setup, name="潞城区基准学校", code="2140406888", is_demo=False))
    return store


def bare_read(path: Path) -> int:
    book = openpyxl.load_workbook(path, read_only=True)
    count = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            count += sum(1 for v in row if v is not None)
    book.close()
    return count


def measure(
    work: Path,
    path: Path,
    rows: int,
    columns: int,
    runs: int,
    one_import: Callable[[Path, Path], tuple[Any, ...]],
    commit_label: Callable[..., str],
) -> None:
    """Print the medians of `runs` bare reads of `path` and of `runs` imports of it into fresh schools, each as a
    ratio to the bare read. one_import gives the plan's and the commit's seconds, then figures for commit_label."""
    bare, planned, committed = [], [], []
    figures: list[Any] = []
    for run in range(runs):
        started = time.perf_counter()
        bare_read(path)
        bare.append(time.perf_counter() - started)
        p, c, *figures = one_import(path, work / f"school{run}")
        planned.append(p)
        committed.append(c)
    base = statistics.median(bare)
    p, c = statistics.median(planned), statistics.median(committed)
    print(f"file: {rows:,} rows × {columns} columns, full-width, {path.stat().st_size / 1e6:.1f} MB")
    print(f"bare openpyxl read_only of the file:   {base:6.2f} s (median of {runs})")
    print(f"open + validate + preview (plan):      {p:6.2f} s  ratio {p / base:.2f}")
    print(f"{commit_label(*figures):<39}{c:6.2f} s  ratio {c / base:.2f}")
    print(f"whole import:                          {p + c:6.2f} s  ratio {(p + c) / base:.2f} (target ≤ 1.0)")


def one_import(path: Path, root: Path) -> tuple[float, float, int]:
    store = fresh_school(root)
    started = time.perf_counter()
    plan = plan_import(store, path)
    classes = plan_classes(store, plan, mode="balanced")
    planned = time.perf_counter() - started
    assert not plan.problems, plan.problems[:3]
    started = time.perf_counter()
    result = commit_import(store, plan, class_of_row=classes.class_of_row)
    committed = time.perf_counter() - started
    store.close()
    return planned, committed, result.created


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--rows-100k", action="store_true", help="also measure peak memory of a 100,000-row import"
    )
    parser.add_argument("--only-import", type=Path, help=argparse.SUPPRESS)  # child process of --rows-100k
    args = parser.parse_args()
    if args.only_import:
        with tempfile.TemporaryDirectory() as work:
            planned, committed, created = one_import(args.only_import, Path(work) / "school")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{created} rows: plan {planned:.1f} s, commit {committed:.1f} s, peak RSS {peak:.0f} MB (target ≤ 500)"
        )
        return
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        path = make_file(work, args.rows)
        measure(
            work,
            path,
            args.rows,
            71,
            args.runs,
            one_import,
            lambda created: f"commit ({created:,} students):",
        )
        if args.rows_100k:
            big = make_file(work, 100_000)
            subprocess.run([sys.executable, __file__, "--only-import", str(big)], check=True)


if __name__ == "__main__":
    main()
