"""The year-end figures (学年结束, services/year_end.py) at district scale: a 50,000-student nine-year demo school ends
its 学年 — check + run (the preview, the verified backup, 毕业 + 升级 + the new 学年 in one transaction) — and is undone
(the backup put back in place). Targets: check + run ≤ 10 s, undo ≤ 10 s, peak memory ≤ 300 MB.

Each run is a fresh process on a fresh copy of the same school (its peak RSS is the figure), beside the bare library
doing the same writes in the same run: sqlite3's backup API to a file, then one transaction of the same UPDATEs (the
graduates' status, each class's students into the class above) and the same number of status-change INSERTs; the bare
undo is sqlite3's backup API from that file into the database. Median of several runs (the machine is noisy).

Usage: python benchmarks/year_end.py [--students 50000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ON = date(2026, 7, 20)  # after the demo school's second term (2025-2026, ends 2026-07-10)


def build(root: Path, students: int) -> Path:
    from xueji_desktop.demo import create_demo_school
    from xueji_desktop.store import Store

    folder = root / "template"
    with Store.open(folder) as store:
        create_demo_school(store, students, today=date(2026, 6, 1))
    return folder


def child(folder: Path) -> None:
    """One year end and its undo in this process: prints the times and the peak RSS as JSON."""
    from xueji_desktop.services import year_end
    from xueji_desktop.store import Store

    with Store.open(folder) as store:
        started = time.perf_counter()
        found = year_end.check(store, on=ON)
        result = year_end.run(store, on=ON)
        ran = time.perf_counter() - started
        started = time.perf_counter()
        year_end.undo(store)
        undone = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "run": ran,
                "undo": undone,
                "peak_mb": peak_mb,
                "items": len(found.items),
                "graduated": result.graduated,
                "promoted": result.promoted,
            }
        )
    )


def bare(folder: Path, changes: int) -> tuple[float, float]:
    """The same writes with sqlite3 alone: backup, one transaction of UPDATEs and INSERTs; then the backup put back."""
    database = folder / "xueji.sqlite3"
    backup = folder / "bare-backup.sqlite3"
    started = time.perf_counter()
    connection = sqlite3.connect(database, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    target = sqlite3.connect(backup)
    connection.backup(target)
    target.close()
    connection.execute("BEGIN IMMEDIATE")
    classes = connection.execute(
        "SELECT c.id, g.level, c.number FROM school_class c JOIN grade g ON g.id = c.grade_id ORDER BY g.level DESC"
    ).fetchall()
    by_place = {(level, number): class_id for class_id, level, number in classes}
    now = datetime.now().isoformat(sep=" ")
    for class_id, level, number in classes:
        if level == 9:
            connection.execute(
                "UPDATE student SET status = '毕业', updated_at = ? WHERE school_class_id = ? AND status = '在读'",
                (now, class_id),
            )
        elif (level + 1, number) in by_place:
            connection.execute(
                "UPDATE student SET school_class_id = ?, updated_at = ? WHERE school_class_id = ? AND status = '在读'",
                (by_place[(level + 1, number)], now, class_id),
            )
    student_ids = [sid for (sid,) in connection.execute("SELECT id FROM student LIMIT ?", (changes,))]
    connection.executemany(
        "INSERT INTO status_change (student_id, kind, effective_date, status_before, status_after, reason, details,"
        " authority_state, reverses_id, actor, created_at) VALUES (?, 'promotion', ?, '在读', '在读', NULL, ?, ?,"
        " NULL, '基准', ?)",
        [
            (sid, ON.isoformat(), '{"从": "一年级(1)班", "到": "二年级(1)班"}', "系统自动升级", now)
            for sid in student_ids
        ],
    )
    connection.execute("COMMIT")
    ran = time.perf_counter() - started
    started = time.perf_counter()
    source = sqlite3.connect(backup)
    source.backup(connection)
    source.close()
    undone = time.perf_counter() - started
    connection.close()
    return ran, undone


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return 0
    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        started = time.perf_counter()
        template = build(root, args.students)
        print(f"{args.students:,}-student demo school built in {time.perf_counter() - started:.1f} s")
        apps, bares = [], []
        for n in range(args.runs):
            copy = root / f"run{n}"
            shutil.copytree(template, copy)
            output = subprocess.run(
                [sys.executable, __file__, "--child", str(copy)], capture_output=True, text=True, check=True
            ).stdout
            apps.append(json.loads(output.strip().splitlines()[-1]))
            bare_copy = root / f"bare{n}"
            shutil.copytree(template, bare_copy)
            bares.append(bare(bare_copy, apps[-1]["graduated"] + apps[-1]["promoted"]))
            shutil.rmtree(copy)
            shutil.rmtree(bare_copy)
    first = apps[0]
    print(
        f"graduated {first['graduated']:,}, moved up {first['promoted']:,}, unfinished items {first['items']}"
    )
    run_median = statistics.median(a["run"] for a in apps)
    undo_median = statistics.median(a["undo"] for a in apps)
    peak = max(a["peak_mb"] for a in apps)
    bare_run = statistics.median(b[0] for b in bares)
    bare_undo = statistics.median(b[1] for b in bares)
    runs = ", ".join(f"{a['run']:.2f}" for a in apps)
    undos = ", ".join(f"{a['undo']:.2f}" for a in apps)
    print(
        f"check + run: {run_median:.2f} s (runs: {runs}; target ≤ 10 s)"
        f"  bare sqlite3 {bare_run:.2f} s  ratio {run_median / bare_run:.1f}"
    )
    print(
        f"undo:        {undo_median:.2f} s (runs: {undos}; target ≤ 10 s)"
        f"  bare sqlite3 {bare_undo:.2f} s  ratio {undo_median / bare_undo:.1f}"
    )
    print(f"peak memory: {peak:.0f} MB (the largest of the runs; target ≤ 300 MB)")
    ok = run_median <= 10 and undo_median <= 10 and peak <= 300
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
