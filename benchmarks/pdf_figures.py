"""What the PDF figures (certificates.py, rosters.py) share: their two options, a demo school in a temporary folder
with the fonts registered, and the timed runs that alternate the product's PDF with bare reportlab drawing the same
strings."""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from xueji_desktop.demo import create_demo_school
from xueji_desktop.documents import fonts
from xueji_desktop.store import Store


def options(doc: str, students: int) -> argparse.Namespace:
    """--students (default `students`) and --runs (default 3); the description is the docstring's first line."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--students", type=int, default=students)
    parser.add_argument("--runs", type=int, default=3)
    return parser.parse_args()


@contextmanager
def demo_school(students: int, today: date) -> Iterator[tuple[Path, Store]]:
    """The temporary folder and the demo school of `students` as on `today` in its data/; closed and removed after."""
    fonts.registered()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        store = Store.open(root / "data")
        create_demo_school(store, students=students, today=today)
        try:
            yield root, store
        finally:
            store.close()


def alternate(
    runs: int, made: Callable[[int], object], drawn: Callable[[int], object]
) -> tuple[list[float], list[float]]:
    """The seconds each of `runs` runs of made(run) and of drawn(run) took, one after the other in each run."""
    made_times: list[float] = []
    drawn_times: list[float] = []
    for run in range(runs):
        for call, times in ((made, made_times), (drawn, drawn_times)):
            started = time.perf_counter()
            call(run)
            times.append(time.perf_counter() - started)
    return made_times, drawn_times
