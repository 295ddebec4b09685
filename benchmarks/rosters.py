"""The roster figure: a 50-page 毕业生花名册 (about 1,700 graduates), end to end through
services.printing.graduate_roster (the query, masking, layout, repeated header, page numbers) and as a ratio to
reportlab drawing the same strings at fixed places with the same fonts, in the same run.

Usage: python benchmarks/rosters.py [--students 1700] [--runs 3]
"""

from __future__ import annotations

import statistics
import sys
from datetime import date, datetime
from pathlib import Path

from pdf_figures import alternate, demo_school, options
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import insert, select, update

from xueji_desktop.documents import fonts
from xueji_desktop.models import StatusChange, Student
from xueji_desktop.services.printing.rosters import graduate_roster
from xueji_desktop.store import Store


def bare(out: Path, pages: list[list[str]]) -> None:
    canvas = Canvas(str(out), pagesize=A4, pageCompression=1)
    for strings in pages:
        y = 800
        for text in strings:
            canvas.setFont(fonts.MAIN, 10)
            canvas.drawString(40, y, text)
            y = 800 if y < 40 else y - 3
        canvas.showPage()
    canvas.save()


def strings_drawn(store: Store, out: Path) -> list[list[str]]:
    """The strings each page shows, recorded while making the roster once more (untimed)."""
    pages: list[list[str]] = [[]]
    draw_string, show_page = Canvas.drawString, Canvas.showPage

    def recording(self, x, y, text, *args, **kwargs):
        pages[-1].append(text)
        return draw_string(self, x, y, text, *args, **kwargs)

    def next_page(self):
        pages.append([])
        return show_page(self)

    Canvas.drawString, Canvas.showPage = recording, next_page
    try:
        graduate_roster(store, 2026, out)
    finally:
        Canvas.drawString, Canvas.showPage = draw_string, show_page
    return [page for page in pages if page]


def main() -> int:
    args = options(__doc__, students=1700)
    with demo_school(args.students, date(2026, 6, 20)) as (root, store):
        with store.transaction() as session:  # every student graduates on 2026-07-01
            ids = list(session.scalars(select(Student.id)))
            session.execute(update(Student).values(status="毕业"))
            session.execute(
                insert(StatusChange),
                [
                    dict(
                        student_id=i,
                        kind="graduation",
                        effective_date=date(2026, 7, 1),
                        status_before="在读",
                        status_after="毕业",
                        actor="基准",
                        created_at=datetime.now(),
                    )
                    for i in ids
                ],
            )
        pages = strings_drawn(store, root / "recorded.pdf")
        counts: list[int] = []
        made, drawn = alternate(
            args.runs,
            lambda run: counts.append(graduate_roster(store, 2026, root / f"roster{run}.pdf")),
            lambda run: bare(root / f"bare{run}.pdf", pages),
        )
    made_median, bare_median = statistics.median(made), statistics.median(drawn)
    print(
        f"毕业生花名册, {len(ids):,} students, {counts[0]} pages: {made_median:.2f} s "
        f"(runs: {', '.join(f'{t:.2f}' for t in made)}); {made_median / counts[0] * 1000:.0f} ms a page"
    )
    print(f"bare reportlab, the same {sum(map(len, pages)):,} strings: {bare_median:.2f} s")
    print(f"ratio = {made_median / bare_median:.2f} (rules, header repeated, query and masking included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
