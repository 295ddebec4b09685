"""批量修改 and 补录模板 at the scale of a whole school: 5,000 students.

- bulk: services.bulk_edit preview + commit of one field (户口性质) for every student — read each record, check the
  value (code table, 第十四条 refusals), write it in one transaction with one audit entry (HMAC chained) per student.
  Target ≤ 2 s; shown beside a bare sqlite3 `UPDATE student SET hukou_type = ? WHERE id = ?` of the same rows on a
  copy of the same file (no checks, no audit).
- template: re-importing a 5,000-row 补录模板 (services.completion_template plan_completion + commit_completion: read
  with python-calamine, every cell normalised, every record checked, one transaction with one audit entry per
  student) as a ratio to a bare openpyxl read_only pass over the same file (values only). Target ≤ 0.5.
Median of --runs runs each.

Usage: python benchmarks/bulk_edit.py [--students 5000] [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import openpyxl
from sqlalchemy import select, update

from xueji_desktop.demo import create_demo_school
from xueji_desktop.models import Student
from xueji_desktop.services import bulk_edit, completion_template
from xueji_desktop.services.school_setup import sign_in_registrar
from xueji_desktop.store import Store


def prepare(root: Path, students: int) -> tuple[Store, list[int]]:
    """A demo school whose students are all new (R10.3 step 1: key fields still open), 户口性质 and 邮政编码 empty."""
    store = Store.open(root)
    create_demo_school(store, students=students)
    sign_in_registrar(store)
    with store.transaction() as session:
        session.execute(update(Student).values(enrolment_step="信息表已下发", hukou_type=None, postcode=None))
        ids = list(session.scalars(select(Student.id).order_by(Student.id)))
    return store, ids


def time_bulk(store: Store, ids: list[int], value: str) -> float:
    started = time.perf_counter()
    plan = bulk_edit.preview(store, "hukou_type", value, ids)
    assert bulk_edit.commit(store, plan) == len(ids)
    return time.perf_counter() - started


def time_bare_update(database: Path, ids: list[int], value: str, folder: Path) -> float:
    copy = folder / "bare.sqlite"
    shutil.copyfile(database, copy)
    connection = sqlite3.connect(copy)
    try:
        started = time.perf_counter()
        connection.executemany("UPDATE student SET hukou_type = ? WHERE id = ?", [(value, i) for i in ids])
        connection.commit()
        return time.perf_counter() - started
    finally:
        connection.close()
        copy.unlink()


def fill(path: Path, round_number: int) -> None:
    """Every row's 户口性质 and 邮政编码 typed in, different each round (so every student changes)."""
    book = openpyxl.load_workbook(path)
    sheet = book[completion_template.SHEET]
    headers = [cell.value for cell in sheet[1]]
    kind, postcode = headers.index("户口性质") + 1, headers.index("邮政编码") + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, kind, "农业户口" if round_number % 2 else "非农业户口")
        sheet.cell(row, postcode, f"{47500 + round_number:06d}")
    book.save(path)


def time_reimport(store: Store, path: Path) -> float:
    started = time.perf_counter()
    plan = completion_template.plan_completion(store, path)
    assert plan.ok, plan.problems[:3]
    completion_template.commit_completion(store, plan)
    return time.perf_counter() - started


def time_bare_read(path: Path) -> float:
    started = time.perf_counter()
    book = openpyxl.load_workbook(path, read_only=True)
    cells = sum(len(row) for row in book[completion_template.SHEET].iter_rows(values_only=True))
    book.close()
    assert cells
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        print(f"preparing a demo school of {args.students} students …", file=sys.stderr)
        store, ids = prepare(folder / "data", args.students)
        database = store.backup(into=folder / "copy")  # a file copy of a live WAL database may miss pages
        bulk, bare = [], []
        for run in range(args.runs):
            value = "1" if run % 2 else "2"
            bulk.append(time_bulk(store, ids, value))
            bare.append(time_bare_update(database, ids, value, folder))
        bulk_s, bare_s = statistics.median(bulk), statistics.median(bare)
        print(
            f"批量修改 {len(ids)} students, one field: {bulk_s:.2f} s (target ≤ 2 s); "
            f"bare sqlite3 UPDATE {bare_s * 1000:.0f} ms; ratio {bulk_s / bare_s:.1f}×"
        )

        template = folder / "补录.xlsx"
        completion_template.write_template(store, template, ids, every_required=True)
        reimport, read = [], []
        for run in range(args.runs):
            fill(template, run)
            read.append(time_bare_read(template))
            reimport.append(time_reimport(store, template))
        reimport_s, read_s = statistics.median(reimport), statistics.median(read)
        print(
            f"补录模板 re-import of {len(ids)} rows: {reimport_s:.2f} s; bare openpyxl read_only {read_s:.2f} s; "
            f"ratio {reimport_s / read_s:.2f} (target ≤ 0.5)"
        )
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
