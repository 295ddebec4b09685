"""The existing-students import figures (issue 12 §1): a 5,000-row, full-width file in the 71-column template plus
学籍号, 年级, 班级 and 学籍状态, imported end to end, as a ratio to the bare reading of the same file by openpyxl
read_only in the same run (target: the whole import ≤ 1.0 of that, as for new students).

- the file: benchmarks/student_import.py's 5,000 demo students (every digit and letter of the text cells full-width),
  with four more columns: 学籍号 (G + the ID number), 年级 一年级 … 九年级, 班级 (1)班 … (10)班, 学籍状态 (one in
  fifty 休学);
- open + validate + preview: services.existing_import.plan_existing (the new-student reading and checks, then the four
  columns, R13.1 duplicates by ID number and 学籍号, the classes planned);
- commit: commit_existing into a nine-year school with no classes yet (all 90 created; one transaction, one audit
  entry);
- bare: openpyxl load_workbook(read_only=True) iterating every cell's value.

Usage: python benchmarks/existing_import.py [--rows 5000] [--runs 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from student_import import fresh_school, measure
from student_import import make_file as new_student_file

from xueji_desktop.services.existing_import import commit_existing, plan_existing
from xueji_desktop.services.school_setup import GRADE_NAMES

GRADES, CLASSES = 9, 10


def make_file(work: Path, rows: int) -> Path:
    source = new_student_file(work, rows)
    book = openpyxl.load_workbook(source, read_only=True)
    values = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    headers = list(values[0])
    id_column = headers.index("身份证件号")
    out = openpyxl.Workbook(write_only=True)
    sheet = out.create_sheet("学生信息")
    sheet.append([*headers, "学籍号", "年级", "班级", "学籍状态"])
    for n, row in enumerate(values[1:]):
        number = unicodedata.normalize("NFKC", str(row[id_column]))
        grade = GRADE_NAMES[n % GRADES + 1]
        klass = f"({n // GRADES % CLASSES + 1})班"
        status = "休学" if n % 50 == 49 else "在读"
        sheet.append([*row, f"G{number}", grade, klass, status])
    path = work / f"现有学生_{rows}.xlsx"
    out.save(path)
    return path


def one_import(path: Path, root: Path) -> tuple[float, float, int, int]:
    store = fresh_school(root, {})  # no classes: the file creates them
    started = time.perf_counter()
    plan = plan_existing(store, path)
    planned = time.perf_counter() - started
    assert not plan.problems, plan.problems[:3]
    started = time.perf_counter()
    result = commit_existing(store, plan)
    committed = time.perf_counter() - started
    store.close()
    return planned, committed, result.created, len(plan.new_classes)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        path = make_file(work, args.rows)
        measure(
            work,
            path,
            args.rows,
            75,
            args.runs,
            one_import,
            lambda created, classes: f"commit ({created:,} students, {classes} classes):",
        )


if __name__ == "__main__":
    main()
