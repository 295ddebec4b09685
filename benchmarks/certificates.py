"""The certificate figure: 1,000 在读证明 in one PDF (services.certificates: numbering, the issue log, layout,
font runs, QR codes) as a ratio to reportlab drawing the same strings at fixed places, with the same embedded fonts and
no layout logic, in the same run (target ≤ 1.5).

Usage: python benchmarks/certificates.py [--students 1000] [--runs 3]
"""

from __future__ import annotations

import statistics
import sys
from datetime import date
from pathlib import Path

from pdf_figures import alternate, demo_school, options
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select

from xueji_desktop.documents import enrolment_proof, pieces
from xueji_desktop.models import Student
from xueji_desktop.services.printing import certificates
from xueji_desktop.store import Store


def bare(out: Path, pages: list[list[tuple[str, float, str]]]) -> None:
    """Every string of each certificate, in its font and size, at fixed places: one page each."""
    canvas = Canvas(str(out), pagesize=A4, pageCompression=1)
    for strings in pages:
        y = 800
        for font, size, text in strings:
            canvas.setFont(font, size)
            canvas.drawString(40, y, text)
            y -= 24
        canvas.showPage()
    canvas.save()


def strings_drawn(store: Store, ids: list[int], out: Path) -> list[list[tuple[str, float, str]]]:
    """The strings (font, size, text) each page of a batch shows — the shared part's and the student's own — recorded
    while issuing the batch once more (untimed)."""
    calls: list[tuple[str, float, str]] = []
    original = Canvas.drawString

    def recording(self, x, y, text, *args, **kwargs):
        calls.append((self._fontname, self._fontsize, text))
        return original(self, x, y, text, *args, **kwargs)

    shared: list[tuple[str, float, str]] = []
    pages: list[list[tuple[str, float, str]]] = []
    draw_shared, draw_own = enrolment_proof.draw_shared, enrolment_proof.draw_own

    def on_shared(canvas, batch):
        draw_shared(canvas, batch)
        shared.extend(calls)
        calls.clear()

    def on_own(canvas, proof):
        draw_own(canvas, proof)
        pages.append(shared + calls)
        calls.clear()

    batched = pieces.TextBatch.drawString

    def recording_batched(self, x, y, text):
        calls.append((self._text._fontname, self._text._fontsize, text))
        return batched(self, x, y, text)

    Canvas.drawString, pieces.TextBatch.drawString = recording, recording_batched
    enrolment_proof.draw_shared, enrolment_proof.draw_own = on_shared, on_own
    try:
        certificates.issue_enrolment_proofs(store, ids, out, purpose="用于办理医保")
    finally:
        Canvas.drawString, pieces.TextBatch.drawString = original, batched
        enrolment_proof.draw_shared, enrolment_proof.draw_own = draw_shared, draw_own
    return pages


def main() -> int:
    args = options(__doc__, students=1000)
    with demo_school(args.students, date(2026, 11, 2)) as (root, store):
        with store.read() as session:
            ids = list(
                session.scalars(select(Student.id).where(Student.status == "在读").limit(args.students))
            )
        pages = strings_drawn(store, ids, root / "recorded.pdf")
        issued_times, bare_times = alternate(
            args.runs,
            lambda run: certificates.issue_enrolment_proofs(
                store, ids, root / f"proofs{run}.pdf", purpose="用于办理医保"
            ),
            lambda run: bare(root / f"bare{run}.pdf", pages),
        )
    issued_median, bare_median = statistics.median(issued_times), statistics.median(bare_times)
    print(
        f"{len(ids):,} 在读证明, one PDF: {issued_median:.2f} s (runs: {', '.join(f'{t:.2f}' for t in issued_times)})"
    )
    print(
        f"bare reportlab, the same {sum(map(len, pages)):,} strings:  {bare_median:.2f} s (runs: {', '.join(f'{t:.2f}' for t in bare_times)})"
    )
    print(
        f"ratio = {issued_median / bare_median:.2f}  (target ≤ 1.5); fastest runs {min(issued_times) / min(bare_times):.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
