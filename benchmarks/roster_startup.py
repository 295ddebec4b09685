"""The start-up figures with 50,000 demo students, as ratios to bare PySide6 doing the same in the same run.

- start-up: process start → main window painted, and → roster filled, each / an empty PySide6 window's start
  (targets ≤ 1.5 and ≤ 4); median of several runs, all under QT_QPA_PLATFORM=offscreen;
- search as you type: 60 queries (names, 拼音 initials and full 拼音, ID and 学籍号 fragments, and the other
  readings of 多音字 that the keys hold after their preferred spelling: 「czx」 for 曾子轩) through the roster tab's own
  refresh (query + model reset), median and p95 (target p95 ≤ 50 ms), beside raw sqlite3 running a LIKE over the
  same table;
- memory: peak RSS of the app's start-up and of the search run (target ≤ 300 MB).

Usage: python benchmarks/roster_startup.py [--students 50000] [--runs 5] [--data-dir D (reused if it exists)]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
PYTHON = sys.executable
EMPTY_WINDOW = """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow(); window.resize(1280, 760)
class Probe(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print("painted", flush=True); QTimer.singleShot(0, app.quit)
        return False
probe = Probe(); window.installEventFilter(probe); window.show(); app.exec()
"""


def timed_lines(command: list[str], env: dict[str, str]) -> dict[str, float | str]:
    """Seconds from process start to each marker line the process prints ("painted", "roster …")."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    marks: dict[str, float | str] = {}
    assert process.stdout is not None
    for line in process.stdout:
        word, _, rest = line.strip().partition(" ")
        if word in ("painted", "roster"):
            marks[word] = time.perf_counter() - started
            marks[word + "_info"] = rest
    process.wait(timeout=60)
    return marks


def ensure_demo(data_dir: Path, students: int) -> None:
    if (data_dir / "xueji.sqlite3").exists():
        return
    started = time.perf_counter()
    subprocess.run(
        [PYTHON, "-m", "xueji_desktop.cli", "demo", "--students", str(students), "--data-dir", str(data_dir)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"demo school with {students:,} students generated in {time.perf_counter() - started:.1f} s")


def startup(data_dir: Path, runs: int) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XUEJI_STARTUP_PROBE="1")
    empty, painted, filled, rss = [], [], [], []
    for _ in range(runs):
        empty.append(timed_lines([PYTHON, "-c", EMPTY_WINDOW], env)["painted"])
        marks = timed_lines([PYTHON, "-m", "xueji_desktop", "--data-dir", str(data_dir)], env)
        painted.append(marks["painted"])
        filled.append(marks["roster"])
        rows, peak_kb = str(marks["roster_info"]).split()
        rss.append(int(peak_kb) / 1024)
    base = statistics.median(empty)
    print(f"empty PySide6 window painted:  {base * 1000:7.0f} ms (median of {runs})")
    print(
        f"app main window painted:       {statistics.median(painted) * 1000:7.0f} ms  ratio "
        f"{statistics.median(painted) / base:.2f} (target ≤ 1.5)"
    )
    print(
        f"app roster filled ({rows} rows): {statistics.median(filled) * 1000:7.0f} ms  ratio "
        f"{statistics.median(filled) / base:.2f} (target ≤ 4)"
    )
    print(f"app start-up peak RSS:         {max(rss):7.0f} MB (target ≤ 300)")


def search(data_dir: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from xueji_desktop.store import Store
    from xueji_desktop.ui.roster.tab import RosterTab

    raw = sqlite3.connect(data_dir / "xueji.sqlite3")
    people = raw.execute(
        "SELECT name, initials_key, pinyin_key, id_number, national_student_id FROM student"
    ).fetchall()
    raw.close()
    rng = random.Random(7)
    queries = []
    for index in range(50):
        name, initials, pinyin, id_number, nsid = rng.choice(people)
        queries.append(
            [
                name[:1],
                name,
                initials,
                pinyin[:6],
                pinyin,
                id_number[-6:],
                id_number[6:12],
                (nsid or "G14")[:6],
                name[1:],
            ][index % 9]
        )
    # the other readings of 多音字 (reference/pinyin: "zengzixuan cengzixuan"), as a clerk who reads 曾 as ceng types
    others = [
        (parts[rng.randrange(1, len(parts))], initials.split(" ")[-1])
        for _, initials, pinyin, _, _ in people
        if len(parts := pinyin.split(" ")) > 1
    ]
    for index in range(10 if others else 0):
        spelling, short = rng.choice(others)
        queries.append([spelling, spelling[:5], short][index % 3])

    app = QApplication.instance() or QApplication([])
    store = Store.open(data_dir)
    tab = RosterTab(store)
    tab.refresh_tree()
    timings, matches = [], []
    for query in queries:
        tab.search.blockSignals(True)
        tab.search.setText(query)
        tab.search.blockSignals(False)
        started = time.perf_counter()
        tab.refresh_students()
        app.processEvents()
        timings.append(time.perf_counter() - started)
        matches.append(tab.model.rowCount())
    store.close()

    raw = sqlite3.connect(data_dir / "xueji.sqlite3")
    raw_timings = []
    for query in queries:
        started = time.perf_counter()
        raw.execute(
            "SELECT id, name FROM student WHERE name LIKE ? OR id_number LIKE ?", (f"%{query}%", f"%{query}%")
        ).fetchall()
        raw_timings.append(time.perf_counter() - started)
    raw.close()
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    raw_median = statistics.median(raw_timings)
    print(
        f"search as you type, {len(queries)} queries: median {statistics.median(timings) * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms (target p95 ≤ 50), max {timings[-1] * 1000:.1f} ms; "
        f"median matches {statistics.median(matches):.0f}"
    )
    print(
        f"raw sqlite3 LIKE over name/id_number, same queries: median {raw_median * 1000:.1f} ms "
        f"(ratio app/raw {statistics.median(timings) / raw_median:.1f})"
    )
    print(f"search run peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data-dir", type=Path)
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.gettempdir()) / f"xueji-bench-{args.students}"
    ensure_demo(data_dir, args.students)
    startup(data_dir, args.runs)
    search(data_dir)


if __name__ == "__main__":
    main()
