"""工作日 on the official PRC calendar (法定节假日 and 调休 make-up working days), for deadlines such as R20.1 and R27.1.

Each December the State Council publishes the next year's 放假安排, so a year's list can come from three places, looked
up in this order:

1. the clerk's list, typed in or imported in the app (「本机录入」): it lives in the database (services/holidays.py
   reads it and hands it in here as ``clerk_lists``);
2. a list shipped with the app: ``resources/reference/holidays/<year>.csv`` (「随软件提供」);
3. the ``chinese_calendar`` package, for the years it knows (「国务院办公厅通知（软件内置）」).

A year with none of these counts Monday to Friday as working days, and every date computed through it is marked as
estimated, so the screen can say 「按周一至周五估算（尚未录入2027年节假日安排）」 next to it.

This module only reads: the lists it is given, a CSV file the clerk chose to import, and the shipped resources. It
writes nothing and reads no data folder. A year list as a CSV file is one row per date: ``日期,类型,名称`` where 类型 is
「休」 (day off) or 「班」 (a Saturday or Sunday worked in lieu); lines starting with ``#`` are comments (see
resources/reference/holidays/README.md).
"""

from __future__ import annotations

import csv
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

import chinese_calendar

from xueji_desktop.errors import InvalidInput
from xueji_desktop.reference.resources import resource_path

DAY_OFF = "休"
MAKE_UP_DAY = "班"
KINDS = (DAY_OFF, MAKE_UP_DAY)
HOLIDAYS_FOLDER = "holidays"  # under resources/reference/

SOURCE_CLERK = "本机录入"
SOURCE_SHIPPED = "随软件提供"
SOURCE_PACKAGE = (
    "国务院办公厅通知（软件内置）"  # from the chinese_calendar package; the clerk sees no library names
)
SOURCE_ESTIMATED = "按周一至周五估算"

_HEADER = ("日期", "类型", "名称")
_WEEKDAYS = "一二三四五六日"
_ONE_DAY = timedelta(days=1)
_YEAR_FILE = re.compile(r"^(\d{4})\.csv$", re.IGNORECASE)
# 2027-10-01, 2027/10/1, 2027.10.1, 2027年10月1日; Excel may add a midnight time (2027/10/1 0:00)
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+0?0:00(?::00)?)?$")


class HolidayListError(InvalidInput):
    """A year list that cannot be used; the message is one Chinese line naming the file and line (or 第N条)."""


@dataclass(frozen=True, slots=True)
class HolidayEntry:
    day: date
    kind: str  # DAY_OFF | MAKE_UP_DAY
    name: str = ""  # 春节, 国庆节 …


@dataclass(frozen=True, slots=True)
class YearList:
    """One year's official arrangement: the dates that differ from a plain Monday-to-Friday week."""

    year: int
    entries: tuple[HolidayEntry, ...]
    _days_off: frozenset[date] = field(init=False, repr=False, compare=False)
    _make_up_days: frozenset[date] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_days_off", frozenset(e.day for e in self.entries if e.kind == DAY_OFF))
        object.__setattr__(
            self, "_make_up_days", frozenset(e.day for e in self.entries if e.kind == MAKE_UP_DAY)
        )

    def is_working_day(self, day: date) -> bool:
        if day in self._make_up_days:
            return True
        return day.weekday() < 5 and day not in self._days_off


@dataclass(frozen=True)
class DueDate:
    """A date counted in working days; estimated when it ran through a year with no official list."""

    day: date
    estimated: bool
    years_estimated: tuple[int, ...]

    @property
    def note(self) -> str:
        """The remark to show next to the date: 「按周一至周五估算（尚未录入2027年节假日安排）」, or "" when exact."""
        if not self.estimated:
            return ""
        return estimate_note(self.years_estimated)


def estimate_note(years: Iterable[int]) -> str:
    """「按周一至周五估算（尚未录入2027、2028年节假日安排）」 for the given years; "" when there are none."""
    listed = "、".join(str(year) for year in sorted(set(years)))
    return f"{SOURCE_ESTIMATED}（尚未录入{listed}年节假日安排）" if listed else ""


class WorkingCalendar:
    """Working days over any span of years, each year from the first source that has its list."""

    def __init__(
        self,
        clerk_lists: Mapping[int, YearList] | None = None,
        shipped_lists: Mapping[int, YearList] | None = None,
        problems: Iterable[str] = (),
    ):
        self._clerk = dict(clerk_lists or {})
        self._shipped = dict(shipped_lists or {})
        self._problems = tuple(problems)
        self._resolved: dict[int, tuple[YearList | None, str]] = {}

    @property
    def problems(self) -> tuple[str, ...]:
        """Messages for the clerk's or shipped files that could not be read (those years fall back to the next source)."""
        return self._problems

    def _year(self, year: int) -> tuple[YearList | None, str]:
        found = self._resolved.get(year)
        if found is None:
            if year in self._clerk:
                found = (self._clerk[year], SOURCE_CLERK)
            elif year in self._shipped:
                found = (self._shipped[year], SOURCE_SHIPPED)
            else:
                package_list = _package_year_list(year)
                found = (package_list, SOURCE_PACKAGE if package_list is not None else SOURCE_ESTIMATED)
            self._resolved[year] = found
        return found

    def knows(self, year: int) -> bool:
        """True when an official list for the year exists (the clerk's, shipped, or chinese_calendar's)."""
        return self._year(year)[0] is not None

    def source(self, year: int) -> str:
        """Where the year's list comes from, in words for the screen: 「本机录入」, 「随软件提供」, … 「按周一至周五估算」."""
        return self._year(year)[1]

    def year_list(self, year: int) -> YearList | None:
        """The year's list as used (None when the year is estimated), for showing or editing it."""
        return self._year(year)[0]

    def is_working_day(self, day: date) -> bool:
        day = _as_date(day)
        year_list = self._year(day.year)[0]
        if year_list is None:
            return day.weekday() < 5
        return year_list.is_working_day(day)

    def add_working_days(self, start: date, days: int) -> DueDate:
        """The date ``days`` working days after ``start`` (start itself not counted; 0 gives start).

        R20.1 "within 10 working days after approval" is ``add_working_days(approval, 10)``.
        """
        if days < 0:
            raise ValueError("days must be 0 or more")
        day = _as_date(start)
        estimated: set[int] = set()
        remaining = days
        while remaining:
            day += _ONE_DAY
            if not self.knows(day.year):
                estimated.add(day.year)
            if self.is_working_day(day):
                remaining -= 1
        return DueDate(day, bool(estimated), tuple(sorted(estimated)))

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``; negative when end comes before start
        (``working_days_between(due, today)`` is how many working days a deadline is overdue)."""
        start, end = _as_date(start), _as_date(end)
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += _ONE_DAY
            if self.is_working_day(day):
                count += 1
        return count

    def years_estimated(self, start: date, end: date) -> tuple[int, ...]:
        """The years between two dates (after start up to end) counted Monday to Friday for want of a list."""
        first, last = sorted((_as_date(start), _as_date(end)))
        if first == last:
            return ()
        years = range((first + _ONE_DAY).year, last.year + 1)
        return tuple(year for year in years if not self.knows(year))


def build_calendar(
    clerk_lists: Mapping[int, YearList] | None = None, *, shipped_folder: Path | None = None
) -> WorkingCalendar:
    """A calendar over the clerk's lists as given (services.holidays.working_calendar reads them from the database),
    the shipped lists of ``shipped_folder`` (default resources/reference/holidays) and chinese_calendar. A shipped file
    that cannot be read is skipped and named in ``problems``."""
    problems: list[str] = []
    shipped = shipped_lists(shipped_folder, problems)
    return WorkingCalendar(clerk_lists, shipped, problems)


def shipped_lists(folder: Path | None = None, problems: list[str] | None = None) -> dict[int, YearList]:
    """The lists shipped with the app, by year (``<year>.csv`` files of ``folder``, default
    resources/reference/holidays); a file that cannot be read is left out and its message added to ``problems``.
    Files are parsed once per change, so calling this per use is cheap."""
    root = folder if folder is not None else resource_path("reference", HOLIDAYS_FOLDER)
    return _read_folder(Path(root), problems if problems is not None else [])


def year_of_file(path: Path) -> int | None:
    """2027 for a file named ``2027.csv``; None for any other name."""
    match = _YEAR_FILE.match(Path(path).name)
    return int(match.group(1)) if match else None


def parse_year_list(path: Path) -> YearList:
    """Read and check one year list. The year comes from a ``<year>.csv`` file name, else from the dates themselves
    (an imported file with another name: all its dates must share one year). Raises HolidayListError."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise HolidayListError(f"无法读取 {path.name}：{error.strerror or error}") from error
    text = _decode(raw, path.name)
    match = _YEAR_FILE.match(path.name)
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [cell.strip() for cell in next(csv.reader([line]))]
        while cells and not cells[-1]:
            cells.pop()
        if not cells or cells[0].startswith("#"):
            continue
        if not rows and cells[0] == _HEADER[0]:
            continue  # the header row
        rows.append((f"第{number}行", cells))
    if not rows:
        raise HolidayListError(
            f"{path.name} 中没有任何日期。每行一个日期：日期,类型,名称，例如 2027-10-01,休,国庆节"
        )
    year = int(match.group(1)) if match else None
    return _check_rows(rows, year, f"{path.name} ", f"文件名是 {path.name}" if match else "")


def check_entries(
    year: int,
    entries: Iterable[HolidayEntry | tuple[date | str, str] | tuple[date | str, str, str]],
) -> YearList:
    """Check a year's list as typed or stored: entries are HolidayEntry or (日期, 类型[, 名称]) tuples, the date a date or
    text; the list comes back sorted by date. Raises HolidayListError naming the row (第N条)."""
    if not 1000 <= year <= 9999:
        raise HolidayListError(f"年份 {year} 不对，应为四位数的年份")
    rows = []
    for number, entry in enumerate(entries, start=1):
        if isinstance(entry, HolidayEntry):
            cells = [entry.day.isoformat(), entry.kind, entry.name]
        else:
            cells = [item.isoformat() if isinstance(item, date) else str(item or "") for item in entry]
        rows.append((f"第{number}条", [cell.strip() for cell in cells]))
    if not rows:
        raise HolidayListError(f"{year}年节假日安排中没有任何日期")
    checked = _check_rows(rows, year, f"{year}年节假日安排", "")
    return YearList(year, tuple(sorted(checked.entries, key=lambda e: e.day)))


# --- reading and checking ---------------------------------------------------------------------------------------------


def _decode(raw: bytes, file_name: str) -> str:
    """UTF-8 (with or without BOM) first, then GBK, as Excel on Chinese Windows saves CSV."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            return raw.decode("gbk")
        except UnicodeDecodeError:
            line = raw.count(b"\n", 0, utf8_error.start) + 1
            raise HolidayListError(
                f"{file_name} 第{line}行有无法识别的字符：文件须为 UTF-8 或 GBK 编码的 CSV 文本"
                "（在 Excel 中可另存为「CSV UTF-8（逗号分隔）」）"
            ) from utf8_error


def _check_rows(
    rows: list[tuple[str, list[str]]], year: int | None, where: str, year_reason: str
) -> YearList:
    """Check (place, cells) rows into a YearList; ``where`` prefixes every message (file name or list title)."""
    entries: list[HolidayEntry] = []
    seen: dict[date, str] = {}
    first: tuple[str, date] | None = None
    for place, cells in rows:
        prefix = f"{where}{place}："
        if len(cells) > len(_HEADER):
            raise HolidayListError(f"{prefix}多了一列「{cells[3]}」，每行只有 日期,类型,名称 三列")
        text = cells[0]
        kind = cells[1] if len(cells) > 1 else ""
        name = (
            " ".join(cells[2].split()) if len(cells) > 2 else ""
        )  # one line, as the file has one row per date
        if not text:
            raise HolidayListError(f"{prefix}缺少日期，应写成 2027-10-01 这样")
        day = parse_date(text)
        if day is None:
            raise HolidayListError(f"{prefix}「{text}」不是有效的日期，应写成 2027-10-01 这样")
        if year is not None and day.year != year:
            reason = f"（{year_reason}）" if year_reason else ""
            raise HolidayListError(
                f"{prefix}日期 {day.isoformat()} 不在 {year} 年内{reason}，每年的安排单独一个文件"
            )
        if year is None and first is not None and day.year != first[1].year:
            raise HolidayListError(
                f"{prefix}日期 {day.isoformat()} 与{first[0]}的 {first[1].isoformat()} 不在同一年，"
                "一个文件只能是一年的安排"
            )
        if not kind:
            raise HolidayListError(f"{prefix}缺少类型，应填「休」（放假）或「班」（调休上班）")
        if kind not in KINDS:
            raise HolidayListError(f"{prefix}类型「{kind}」不对，只能填「休」（放假）或「班」（调休上班）")
        if day in seen:
            raise HolidayListError(
                f"{prefix}日期 {day.isoformat()} 在{seen[day]}已经出现过，每个日期只写一行"
            )
        if kind == MAKE_UP_DAY and day.weekday() < 5:
            raise HolidayListError(
                f"{prefix}{day.isoformat()} 是星期{_WEEKDAYS[day.weekday()]}，「班」只用于周六或周日的调休上班日"
            )
        seen[day] = place
        if first is None:
            first = (place, day)
        entries.append(HolidayEntry(day, kind, name))
    assert first is not None  # callers reject an empty list
    return YearList(year if year is not None else first[1].year, tuple(entries))


def parse_date(text: str) -> date | None:
    """The day a list gives as 2027-10-01, 2027/10/1, 2027.10.1 or 2027年10月1日 (Excel's 00:00 after it allowed);
    None for anything else or a day that does not exist."""
    match = _DATE.match(text)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


# file path -> ((mtime_ns, size), the list or the error message): each file is parsed again only when it changes
_parsed: dict[str, tuple[tuple[int, int], YearList | str]] = {}
_parsed_lock = threading.Lock()


def _read_folder(folder: Path, problems: list[str]) -> dict[int, YearList]:
    lists: dict[int, YearList] = {}
    try:
        paths = sorted(folder.iterdir())
    except OSError:  # no such folder yet: no lists
        return lists
    for path in paths:
        match = _YEAR_FILE.match(path.name)
        if not match or not path.is_file():
            continue
        result = _parse_cached(path)
        if isinstance(result, str):
            problems.append(result)
        else:
            lists[int(match.group(1))] = result
    return lists


def _parse_cached(path: Path) -> YearList | str:
    try:
        status = path.stat()
    except OSError as error:
        return f"无法读取 {path.name}：{error.strerror or error}"
    stamp = (status.st_mtime_ns, status.st_size)
    key = str(path.resolve())
    with _parsed_lock:
        cached = _parsed.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        result: YearList | str = parse_year_list(path)
    except HolidayListError as error:
        result = str(error)
    with _parsed_lock:
        _parsed[key] = (stamp, result)
    return result


@cache
def _package_year_list(year: int) -> YearList | None:
    """chinese_calendar's list for the year, or None for a year it does not know (it raises NotImplementedError)."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return None
    entries = [
        HolidayEntry(day, DAY_OFF, _holiday_name(name))
        for day, name in chinese_calendar.holidays.items()
        if day.year == year
    ]
    entries += [
        HolidayEntry(day, MAKE_UP_DAY, _holiday_name(name))
        for day, name in chinese_calendar.workdays.items()
        if day.year == year
    ]
    return YearList(year, tuple(sorted(entries, key=lambda e: e.day)))


def _holiday_name(english: str) -> str:
    try:
        return chinese_calendar.Holiday(english).chinese
    except ValueError:
        return english


def _as_date(day: date) -> date:
    return day.date() if isinstance(day, datetime) else day
