"""Issue 5's certificate figure: 1,000 在读证明 in one PDF (services.certificates: numbering, the issue log, layout,
font runs, QR codes) as a ratio to reportlab drawing the same strings at fixed places, with the same embedded fonts and
no layout logic, in the same run (target ≤ 1.5).

Usage: python benchmarks/certificates.py [--students 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select

from xueji_desktop.documents import fonts
from xueji_desktop.models import Student
from xueji_desktop.services import certificates
from xueji_desktop.services.demo import create_demo_school
from xueji_desktop.store import Store


def bare(out: Path, pages: list[list[str]]) -> None:
    """The strings of each certificate at fixed places in the main font (rare characters aside), one page each."""
    canvas = Canvas(str(out), pagesize=A4, pageCompression=1)
    for strings in pages:
        y = 780
        for text in strings:
            canvas.setFont(fonts.MAIN, 12)
            canvas.drawString(60, y, text)
            y -= 20
        canvas.showPage()
    canvas.save()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    fonts.registered()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        store = Store.open(root / "data")
        create_demo_school(store, students=args.students, today=date(2026, 11, 2))
        with store.read() as session:
            ids = list(session.scalars(select(Student.id).where(Student.status == "在读").limit(args.students)))
        issued_times, bare_times = [], []
        for run in range(args.runs):
            started = time.perf_counter()
            issued = certificates.issue_enrolment_proofs(store, ids, root / f"proofs{run}.pdf", purpose="用于办理医保")
            issued_times.append(time.perf_counter() - started)
            with store.read() as session:
                from xueji_desktop.models import CertificateIssue

                logged = session.scalars(select(CertificateIssue.content).where(CertificateIssue.number.in_(issued.numbers)))
                import json

                pages = [[f"{k}：{v}" for k, v in json.loads(content).items()] for content in logged]
            started = time.perf_counter()
            bare(root / f"bare{run}.pdf", pages)
            bare_times.append(time.perf_counter() - started)
        store.close()
    issued_median, bare_median = statistics.median(issued_times), statistics.median(bare_times)
    print(f"{len(ids):,} 在读证明, one PDF: {issued_median:.2f} s (runs: {', '.join(f'{t:.2f}' for t in issued_times)})")
    print(f"bare reportlab, same strings:  {bare_median:.2f} s (runs: {', '.join(f'{t:.2f}' for t in bare_times)})")
    print(f"ratio = {issued_median / bare_median:.2f}  (target ≤ 1.5); fastest runs {min(issued_times) / min(bare_times):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
