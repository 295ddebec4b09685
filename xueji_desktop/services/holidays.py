"""节假日安排 as records: the clerk's own year lists of days off (休) and make-up working days (班), which move the
working-day deadlines of R20.1 (转学 completed within 10 working days of approval) and R27.1 (死亡 within 10 working days).

Each change is one transaction with its audit entry, and a new row of ``holiday_list`` (models/holidays.py,
append-only): a year's list typed in, a CSV file imported (UTF-8 or GBK, checked line by line by
reference/working_days.py), or the clerk's list of a year removed again (the year then falls back to a shipped list,
chinese-calendar, or Monday to Friday). `working_calendar(store)` is the calendar every deadline is counted on.

Earlier versions kept each list as a file ``<data folder>/holidays/<year>.csv``. `take_in_old_files`, called where the
app and the CLI open the store, imports those files once (an audit entry records it, so it never runs twice); the files
stay where they are and are no longer read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xueji_desktop.errors import NotFound
from xueji_desktop.reference.working_days import (
    DAY_OFF,
    MAKE_UP_DAY,
    SOURCE_CLERK,
    HolidayEntry,
    HolidayListError,
    WorkingCalendar,
    YearList,
    build_calendar,
    check_entries,
    parse_year_list,
    shipped_lists,
    year_of_file,
)
from xueji_desktop.services import audit
from xueji_desktop.store import Store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = [
    "HolidayListError",
    "Overview",
    "SavedList",
    "TakeIn",
    "YearInfo",
    "clerk_lists",
    "import_csv",
    "old_file_problems",
    "overview",
    "read_csv",
    "remove_year_list",
    "save_year_list",
    "take_in_old_files",
    "working_calendar",
    "year_list",
]

OLD_FOLDER = "holidays"  # the data folder's subfolder where earlier versions wrote one <year>.csv per list
ENTITY = "holiday_list"
ACTION_SAVE = "holiday_list.save"
ACTION_IMPORT = "holiday_list.import"
ACTION_REMOVE = "holiday_list.remove"
ACTION_TAKE_IN = "holiday_list.take_in"
ORIGIN_TYPED = "录入"
ORIGIN_IMPORTED = "导入："  # + the file's name
ORIGIN_OLD_FILE = "旧版文件："  # + holidays/<year>.csv
ORIGIN_REMOVED = "删除"
_NOT_TAKEN_IN = "有错误未导入"


@dataclass(frozen=True, slots=True)
class SavedList:
    """The clerk's list of a year as in force: the newest row of that year, and where it came from."""

    id: int
    year_list: YearList
    origin: str  # 录入 / 导入：<file name> / 旧版文件：holidays/2027.csv
    actor: str
    saved_at: datetime

    @property
    def year(self) -> int:
        return self.year_list.year

    @property
    def how(self) -> str:
        """「2026-12-10 由 李敏 录入」, 「… 导入“2027年放假安排.csv”」, for the screen."""
        if self.origin.startswith(ORIGIN_IMPORTED):
            what = f"导入“{self.origin.removeprefix(ORIGIN_IMPORTED)}”"
        elif self.origin.startswith(ORIGIN_OLD_FILE):
            what = f"从旧版保存的文件“{self.origin.removeprefix(ORIGIN_OLD_FILE)}”转入"
        else:
            what = self.origin
        return f"{self.saved_at:%Y-%m-%d %H:%M} 由 {self.actor} {what}"


@dataclass(frozen=True, slots=True)
class YearInfo:
    """A year as the 节假日安排 dialog lists it: where its list comes from (None: counted Monday to Friday)."""

    year: int
    source: str  # SOURCE_CLERK / SOURCE_SHIPPED / SOURCE_PACKAGE / SOURCE_ESTIMATED
    year_list: YearList | None
    saved: SavedList | None  # the clerk's list, when the source is 本机录入

    @property
    def estimated(self) -> bool:
        return self.year_list is None


@dataclass(frozen=True, slots=True)
class Overview:
    calendar: WorkingCalendar
    years: tuple[YearInfo, ...]
    problems: tuple[
        str, ...
    ]  # shipped files that cannot be read, and old files not taken in (still not replaced)


@dataclass(frozen=True, slots=True)
class TakeIn:
    """What `take_in_old_files` did: the years taken in, and each file left out with its reason."""

    years: tuple[int, ...]
    problems: tuple[str, ...]


# --- reading --------------------------------------------------------------------------------------------------------


def clerk_lists(store: Store) -> dict[int, SavedList]:
    """The clerk's lists in force, by year."""
    with store.read() as session:
        return _in_force(session)


def year_list(store: Store, year: int) -> SavedList | None:
    """The clerk's list of ``year`` in force, or None (the year then counts on a shipped list, chinese-calendar, or
    Monday to Friday: see `working_calendar`)."""
    return clerk_lists(store).get(year)


def working_calendar(store: Store, *, shipped_folder: Path | None = None) -> WorkingCalendar:
    """The calendar deadlines are counted on (R20.1, R27.1, R37.1): the clerk's lists in the database first, then the
    lists shipped with the app (``shipped_folder``, default resources/reference/holidays), then chinese-calendar."""
    lists = {year: saved.year_list for year, saved in clerk_lists(store).items()}
    return build_calendar(lists, shipped_folder=shipped_folder)


def overview(store: Store, *, today: date | None = None, shipped_folder: Path | None = None) -> Overview:
    """What the 节假日安排 dialog shows: last year to next year (next year's list is published each December), every
    year the clerk or the app has a list for, each with its source; and the problems to tell the clerk about."""
    this_year = (today or date.today()).year
    with store.read() as session:
        saved = _in_force(session)
        old_files = _old_file_problems(session, saved)
    calendar = build_calendar(
        {year: each.year_list for year, each in saved.items()}, shipped_folder=shipped_folder
    )
    years = (
        set(range(this_year - 1, this_year + 2))
        | set(saved)
        | set(shipped_lists(shipped_folder))
        | set(old_files)
    )
    rows = tuple(
        YearInfo(
            year,
            calendar.source(year),
            calendar.year_list(year),
            saved.get(year) if calendar.source(year) == SOURCE_CLERK else None,
        )
        for year in sorted(years)
    )
    return Overview(calendar, rows, calendar.problems + tuple(old_files.values()))


def old_file_problems(store: Store) -> tuple[str, ...]:
    """The files of an earlier version that could not be taken in, for the years the clerk has not saved since."""
    with store.read() as session:
        return tuple(_old_file_problems(session, _in_force(session)).values())


def read_csv(path: Path) -> YearList:
    """Read and check a CSV file the clerk chose (UTF-8 or GBK), without saving it: for the preview before importing.
    Raises HolidayListError naming the file and line."""
    return parse_year_list(Path(path))


# --- changing -------------------------------------------------------------------------------------------------------


def save_year_list(
    store: Store,
    year: int,
    entries: Iterable[HolidayEntry | tuple[date | str, str] | tuple[date | str, str, str]],
    *,
    imported_from: str | None = None,
) -> SavedList:
    """Check a year's list and save it as the clerk's list of that year, replacing the one in force (a new row; the
    old one is kept). Entries are HolidayEntry or (日期, 类型[, 名称]) tuples; ``imported_from`` names the file it was
    imported from. Raises HolidayListError (nothing is saved then)."""
    checked = check_entries(year, entries)
    origin = f"{ORIGIN_IMPORTED}{imported_from}" if imported_from else ORIGIN_TYPED
    with store.transaction() as session:
        before = _in_force(session).get(year)
        saved = _add(session, year, checked, origin)
        _audit(session, ACTION_IMPORT if imported_from else ACTION_SAVE, saved.id, year, before, saved)
    return saved


def import_csv(store: Store, path: Path) -> SavedList:
    """Read a CSV file (UTF-8 or GBK) and save it as the clerk's list of its year. Raises HolidayListError naming the
    file and line; nothing is saved then."""
    path = Path(path)
    checked = parse_year_list(path)
    return save_year_list(store, checked.year, checked.entries, imported_from=path.name)


def remove_year_list(store: Store, year: int) -> None:
    """Take the clerk's list of ``year`` away (a new row saying so; the lists before stay in the history): the year
    counts on a shipped list, chinese-calendar, or Monday to Friday again. Raises NotFound when there is none."""
    with store.transaction() as session:
        before = _in_force(session).get(year)
        if before is None:
            raise NotFound(f"本机没有录入{year}年的节假日安排，无需删除")
        row = _row(session, year, None, ORIGIN_REMOVED)
        _audit(session, ACTION_REMOVE, row.id, year, before, None)


# --- the files of earlier versions ----------------------------------------------------------------------------------


def take_in_old_files(store: Store) -> TakeIn | None:
    """Import, once, the lists an earlier version wrote as ``<data folder>/holidays/<year>.csv``: each file that reads
    well becomes the clerk's list of its year (unless the database already has one for that year), a file that does
    not is named in the audit entry and shown in the 节假日安排 dialog. One transaction, one audit entry; the files
    stay where they are and are no longer read. None when there is nothing to do (no such files, or already done).

    Called on every open of the store, so the usual case costs a look at one folder and no SQLAlchemy."""
    folder = store.folder.root / OLD_FOLDER
    try:
        files = sorted(path for path in folder.iterdir() if year_of_file(path) and path.is_file())
    except OSError:  # no such folder: a data folder never used by an earlier version
        return None
    if not files or store.query("SELECT 1 FROM audit_event WHERE action = ? LIMIT 1", (ACTION_TAKE_IN,)):
        return None
    read: dict[int, tuple[str, YearList]] = {}
    refused: dict[str, str] = {}
    for path in files:
        try:
            read[year_of_file(path) or 0] = (path.name, parse_year_list(path))
        except HolidayListError as error:
            refused[path.name] = str(error)
    with store.transaction() as session:
        already = {year for (year,) in session.execute(_years_with_rows())}
        taken: dict[str, str] = {}
        kept: list[int] = []
        for year, (name, checked) in sorted(read.items()):
            if year in already:  # the database's own list wins over a file it never read
                kept.append(year)
                continue
            _add(session, year, checked, f"{ORIGIN_OLD_FILE}{OLD_FOLDER}/{name}")
            taken[str(year)] = f"{name}（{_counts(checked)}）"
        _record(
            session,
            ACTION_TAKE_IN,
            None,
            {
                "文件夹": str(folder),
                "已导入": taken,
                _NOT_TAKEN_IN: refused,
                "数据库中已有，未导入": [str(year) for year in kept],
            },
        )
    return TakeIn(tuple(int(year) for year in taken), tuple(refused.values()))


# --- rows -----------------------------------------------------------------------------------------------------------


def _in_force(session: Session) -> dict[int, SavedList]:
    from sqlalchemy import select

    from xueji_desktop.models import HolidayList

    newest: dict[int, HolidayList] = {}
    for row in session.scalars(select(HolidayList).order_by(HolidayList.id)):
        newest[row.year] = row
    return {
        year: SavedList(row.id, _load(year, row.entries), row.origin, row.actor, row.created_at)
        for year, row in sorted(newest.items())
        if row.entries is not None
    }


def _years_with_rows():
    from sqlalchemy import select

    from xueji_desktop.models import HolidayList

    return select(HolidayList.year).distinct()


def _add(session: Session, year: int, checked: YearList, origin: str) -> SavedList:
    row = _row(session, year, _dump(checked), origin)
    return SavedList(row.id, checked, row.origin, row.actor, row.created_at)


def _row(session: Session, year: int, entries: str | None, origin: str) -> Any:
    from xueji_desktop.models import HolidayList

    return audit.kept(session, HolidayList(year=year, entries=entries, origin=origin))


def _dump(checked: YearList) -> str:
    return json.dumps(
        [[e.day.isoformat(), e.kind, e.name] for e in sorted(checked.entries, key=lambda e: e.day)],
        ensure_ascii=False,
    )


def _load(year: int, entries: str) -> YearList:
    """A stored list (checked when it was saved) back as a YearList."""
    return YearList(
        year,
        tuple(HolidayEntry(date.fromisoformat(day), kind, name) for day, kind, name in json.loads(entries)),
    )


def _counts(checked: YearList) -> str:
    days_off = sum(1 for e in checked.entries if e.kind == DAY_OFF)
    make_up = sum(1 for e in checked.entries if e.kind == MAKE_UP_DAY)
    return f"放假 {days_off} 天，调休上班 {make_up} 天"


def _lines(saved: SavedList | None) -> list[str]:
    if saved is None:
        return []
    return [" ".join(filter(None, (e.day.isoformat(), e.kind, e.name))) for e in saved.year_list.entries]


def _audit(
    session: Session, action: str, row_id: int, year: int, before: SavedList | None, after: SavedList | None
) -> None:
    """old → new: where the list came from, its counts and every date, so the audit trail alone shows the change."""
    _record(
        session,
        action,
        row_id,
        {
            "年份": year,
            "来源": [before.origin if before else None, after.origin if after else None],
            "天数": [
                _counts(before.year_list) if before else None,
                _counts(after.year_list) if after else None,
            ],
            "日期": [_lines(before), _lines(after)],
        },
    )


def _record(session: Session, action: str, row_id: int | None, changes: dict[str, Any]) -> None:
    from xueji_desktop.services import audit

    audit.record(session, action, ENTITY, row_id, changes)


def _old_file_problems(session: Session, saved: dict[int, SavedList]) -> dict[int, str]:
    """Year -> why its old file was not taken in, for the years the clerk has not saved a list of since."""
    from sqlalchemy import select

    from xueji_desktop.models import AuditEvent

    changes = session.scalar(
        select(AuditEvent.changes).where(AuditEvent.action == ACTION_TAKE_IN).order_by(AuditEvent.id).limit(1)
    )
    if changes is None:
        return {}
    refused: dict[str, str] = json.loads(changes).get(_NOT_TAKEN_IN, {})
    by_year = {year_of_file(Path(name)) or 0: message for name, message in sorted(refused.items())}
    return {year: message for year, message in by_year.items() if year not in saved}
