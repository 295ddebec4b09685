"""A school year's name and the term a day falls in: shared by models.SchoolYear and the start-up reads (no SQLAlchemy)."""

from __future__ import annotations

from datetime import date


def school_year_name(start_year: int) -> str:
    return f"{start_year}-{start_year + 1}学年"


def term_on(term1_end: date, day: date) -> int:
    """1 or 2: the term a day belongs to (a day in a holiday counts for the term that follows it)."""
    return 1 if day <= term1_end else 2
