"""工作日 on the official calendar (调休 included): chinese_calendar for the years it knows, the clerk's lists (given by
services.holidays from the database) or shipped lists for the others, Monday to Friday as a marked estimate when there is
no list. Deadlines R20.1 and R27.1 count these. The module only reads: it writes no file and knows no data folder."""

from __future__ import annotations

import ast
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xueji_desktop.reference.resources import resource_path
from xueji_desktop.reference.working_days import (
    SOURCE_CLERK,
    SOURCE_ESTIMATED,
    SOURCE_PACKAGE,
    SOURCE_SHIPPED,
    DueDate,
    HolidayEntry,
    HolidayListError,
    YearList,
    build_calendar,
    check_entries,
    parse_year_list,
    shipped_lists,
)

# A made-up 2027 list for the tests only: the real one is published by the State Council in December 2026.
CLERK_2027 = """\
# 2027年放假安排（测试用，虚构）
日期,类型,名称
2027-01-01,休,元旦
2027-10-01,休,国庆节
2027-10-04,休,国庆节
2027-10-05,休,国庆节
2027-10-09,班,国庆节
"""


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def clerk_list(folder: Path, year: int, text: str) -> dict[int, YearList]:
    """The clerk's list of ``year`` as services.holidays hands it in (read here from a CSV text)."""
    return {year: parse_year_list(write(folder / "clerk" / f"{year}.csv", text))}


@pytest.fixture
def calendar(empty_shipped):
    return build_calendar(shipped_folder=empty_shipped)


# --- the years chinese_calendar knows ---------------------------------------------------------------------------------


def test_national_day_2026_is_a_holiday(calendar):
    assert not calendar.is_working_day(date(2026, 10, 1))  # a Thursday
    assert not calendar.is_working_day(date(2026, 10, 7))  # a Wednesday, still in the golden week
    assert calendar.is_working_day(date(2026, 10, 8))
    assert calendar.knows(2026) and calendar.knows(2025)
    assert calendar.source(2026) == SOURCE_PACKAGE


def test_a_make_up_saturday_counts_as_a_working_day(calendar):
    """2026-10-10 (Saturday) is worked in lieu of the golden week, per chinese_calendar itself."""
    make_up = date(2026, 10, 10)
    assert make_up.weekday() == 5
    assert make_up in chinese_calendar.workdays and chinese_calendar.is_workday(make_up)
    assert calendar.is_working_day(make_up)
    assert not calendar.is_working_day(date(2026, 10, 17))  # an ordinary Saturday


def test_every_make_up_day_of_2025_and_2026_is_a_weekend_working_day(calendar):
    make_up_days = [day for day in chinese_calendar.workdays if day.year in (2025, 2026)]
    assert make_up_days
    for day in make_up_days:
        assert day.weekday() >= 5
        assert calendar.is_working_day(day)


def test_agrees_with_chinese_calendar_every_day_of_2025_and_2026(calendar):
    day = date(2025, 1, 1)
    while day.year < 2027:
        assert calendar.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


def test_year_list_names_the_holidays_in_chinese(calendar):
    entries = {entry.day: entry for entry in calendar.year_list(2026).entries}
    assert entries[date(2026, 10, 1)].kind == "休"
    assert entries[date(2026, 10, 1)].name == "国庆节"
    assert entries[date(2026, 10, 10)].kind == "班"


# --- counting ---------------------------------------------------------------------------------------------------------


def test_start_is_not_counted(calendar):
    friday = date(2026, 3, 6)  # before an ordinary weekend
    assert calendar.add_working_days(friday, 1) == DueDate(date(2026, 3, 9), False, ())  # the Monday
    assert calendar.add_working_days(friday, 0).day == friday
    assert calendar.working_days_between(friday, friday) == 0
    assert calendar.working_days_between(friday, date(2026, 3, 9)) == 1
    assert calendar.working_days_between(friday, date(2026, 3, 8)) == 0


def test_across_the_2026_golden_week(calendar):
    eve = date(2026, 9, 30)
    assert calendar.add_working_days(eve, 1).day == date(2026, 10, 8)
    assert calendar.add_working_days(eve, 3).day == date(2026, 10, 10)  # the make-up Saturday
    assert calendar.working_days_between(eve, date(2026, 10, 7)) == 0


def test_r20_1_transfer_completion_due_10_working_days_after_approval(calendar):
    """R20.1: completion due 10 working days after approval; approved the day before 国庆 2026."""
    due = calendar.add_working_days(date(2026, 9, 30), 10)
    # 10-08, 10-09, 10-10 (调休 Saturday), 10-12 … 10-16, 10-19, 10-20
    assert due == DueDate(date(2026, 10, 20), False, ())
    assert due.note == ""


def test_r27_1_death_status_change_due_within_10_working_days(calendar):
    """R27.1: status change within 10 working days; 2025's 国庆+中秋 (10-01 to 10-08 off, 10-11 worked)."""
    due = calendar.add_working_days(date(2025, 9, 30), 10)
    # 10-09, 10-10, 10-11 (调休 Saturday), 10-13 … 10-17, 10-20, 10-21
    assert due.day == date(2025, 10, 21)
    assert not due.estimated


def test_overdue_counts_backwards(calendar):
    due = date(2026, 10, 20)
    assert calendar.working_days_between(due, date(2026, 10, 22)) == 2
    assert calendar.working_days_between(date(2026, 10, 22), due) == -2


def test_negative_days_are_refused(calendar):
    with pytest.raises(ValueError):
        calendar.add_working_days(date(2026, 1, 5), -1)


# --- a year nobody has entered ----------------------------------------------------------------------------------------


def test_without_a_list_2027_is_monday_to_friday_and_estimated(calendar):
    assert not calendar.knows(2027)
    assert calendar.source(2027) == SOURCE_ESTIMATED
    assert calendar.is_working_day(
        date(2027, 10, 1)
    )  # a Friday: surely a holiday, but nobody has said so yet
    due = calendar.add_working_days(date(2026, 12, 25), 10)
    # 12-28 … 12-31, then 2027-01-01 (Friday, counted for want of a list), 01-04 … 01-08
    assert due.day == date(2027, 1, 8)
    assert due.estimated and due.years_estimated == (2027,)
    assert due.note == "按周一至周五估算（尚未录入2027年节假日安排）"
    assert calendar.years_estimated(date(2026, 12, 25), due.day) == (2027,)


def test_a_date_inside_a_known_year_is_not_estimated_even_near_an_unknown_one(calendar):
    due = calendar.add_working_days(date(2026, 12, 28), 3)
    assert due.day == date(2026, 12, 31)
    assert not due.estimated and due.note == ""


# --- the clerk's and shipped lists ------------------------------------------------------------------------------------


def test_a_clerks_2027_list_makes_2027_known(tmp_path, empty_shipped):
    calendar = build_calendar(clerk_list(tmp_path, 2027, CLERK_2027), shipped_folder=empty_shipped)
    assert calendar.knows(2027)
    assert calendar.source(2027) == SOURCE_CLERK
    assert not calendar.is_working_day(date(2027, 10, 1))
    assert calendar.is_working_day(date(2027, 10, 9))  # 班 on a Saturday
    due = calendar.add_working_days(date(2027, 9, 30), 3)  # 10-06, 10-07, 10-08
    assert due == DueDate(date(2027, 10, 8), False, ())
    assert calendar.problems == ()


def test_a_clerks_list_overrides_chinese_calendar(tmp_path, empty_shipped):
    clerk = clerk_list(tmp_path, 2026, "日期,类型,名称\n2026-10-01,休,国庆节\n")
    calendar = build_calendar(clerk, shipped_folder=empty_shipped)
    assert calendar.source(2026) == SOURCE_CLERK
    assert calendar.is_working_day(
        date(2026, 10, 2)
    )  # a holiday in chinese_calendar, not in the clerk's list
    assert not calendar.is_working_day(date(2026, 10, 10))  # the make-up Saturday is not in the clerk's list
    assert build_calendar(shipped_folder=empty_shipped).source(2026) == SOURCE_PACKAGE


def test_lookup_order_clerk_then_shipped_then_chinese_calendar(tmp_path, empty_shipped):
    write(empty_shipped / "2027.csv", "2027-10-01,休,国庆节\n")
    write(empty_shipped / "2026.csv", "2026-10-01,休,国庆节\n")
    calendar = build_calendar(clerk_list(tmp_path, 2027, CLERK_2027), shipped_folder=empty_shipped)
    assert calendar.source(2027) == SOURCE_CLERK
    assert calendar.source(2026) == SOURCE_SHIPPED
    assert calendar.source(2025) == SOURCE_PACKAGE
    assert sorted(shipped_lists(empty_shipped)) == [2026, 2027]
    assert (
        build_calendar(shipped_folder=empty_shipped / "2027.csv").source(2027) == SOURCE_ESTIMATED
    )  # not a folder


def test_the_shipped_lists_are_valid():
    folder = resource_path("reference", "holidays")
    assert (folder / "README.md").is_file()
    assert build_calendar().problems == ()


def test_a_broken_shipped_list_is_skipped_and_reported(empty_shipped):
    write(empty_shipped / "2026.csv", "2026-10-01,假,国庆节\n")
    calendar = build_calendar(shipped_folder=empty_shipped)
    assert calendar.source(2026) == SOURCE_PACKAGE
    assert len(calendar.problems) == 1 and "2026.csv 第1行" in calendar.problems[0]


def test_a_changed_shipped_file_is_read_again(empty_shipped):
    path = write(empty_shipped / "2027.csv", "2027-10-01,休,国庆节\n")
    assert not build_calendar(shipped_folder=empty_shipped).is_working_day(date(2027, 10, 1))
    write(path, "2027-10-04,休,国庆节\n2027-10-05,休,国庆节\n")
    calendar = build_calendar(shipped_folder=empty_shipped)
    assert calendar.is_working_day(date(2027, 10, 1))
    assert not calendar.is_working_day(date(2027, 10, 5))


# --- reading a list ---------------------------------------------------------------------------------------------------


def test_parse_a_year_list(tmp_path):
    year_list = parse_year_list(write(tmp_path / "2027.csv", CLERK_2027))
    assert year_list.year == 2027
    assert year_list.entries[0] == HolidayEntry(date(2027, 1, 1), "休", "元旦")
    assert len(year_list.entries) == 5


def test_dates_as_excel_writes_them(tmp_path):
    text = "2027/1/1,休,元旦\n2027年10月1日,休,国庆节\n2027/10/9 0:00,班,\n\n,,\n"
    year_list = parse_year_list(write(tmp_path / "2027.csv", text))
    assert [entry.day for entry in year_list.entries] == [
        date(2027, 1, 1),
        date(2027, 10, 1),
        date(2027, 10, 9),
    ]
    assert year_list.entries[2].name == ""


def test_a_gbk_file_from_excel_is_read(tmp_path):
    year_list = parse_year_list(write(tmp_path / "2027.csv", CLERK_2027, "gbk"))
    assert year_list.entries[1].name == "国庆节"


def test_a_file_with_bom_is_read(tmp_path):
    year_list = parse_year_list(write(tmp_path / "2027.csv", CLERK_2027, "utf-8-sig"))
    assert len(year_list.entries) == 5  # the header was recognised despite the BOM


def test_an_imported_file_takes_its_year_from_the_dates(tmp_path):
    year_list = parse_year_list(write(tmp_path / "国务院放假安排.csv", CLERK_2027))
    assert year_list.year == 2027


@pytest.mark.parametrize(
    ("file_name", "text", "expected"),
    [
        pytest.param(
            "2027.csv",
            "2027-01-01,休,元旦\n2026-12-31,休,元旦\n",
            ["第2行", "不在 2027 年内"],
            id="other-year",
        ),
        pytest.param(
            "2027.csv",
            "2027-01-01,休,元旦\n2027-02-30,休,春节\n",
            ["第2行", "「2027-02-30」不是有效的日期"],
            id="bad-date",
        ),
        pytest.param(
            "2027.csv", "2027-01-01,休,元旦\n元旦,休,\n", ["第2行", "不是有效的日期"], id="not-a-date"
        ),
        pytest.param(
            "2027.csv", "日期,类型,名称\n2027-01-01,假,元旦\n", ["第2行", "类型「假」不对"], id="bad-kind"
        ),
        pytest.param("2027.csv", "2027-01-01\n", ["第1行", "缺少类型"], id="no-kind"),
        pytest.param("2027.csv", "2027-01-01,休,元旦\n,休,春节\n", ["第2行", "缺少日期"], id="no-date"),
        pytest.param(
            "2027.csv",
            "2027-10-01,休,国庆节\n#\n2027-10-01,休,国庆节\n",
            ["第3行", "在第1行已经出现过"],
            id="duplicate",
        ),
        pytest.param(
            "2027.csv", "2027-02-08,班,春节\n", ["第1行", "星期一", "周六或周日"], id="make-up-on-a-weekday"
        ),
        pytest.param("2027.csv", "2027-10-01,休,国庆节,多余\n", ["第1行", "多了一列"], id="extra-column"),
        pytest.param(
            "导入.csv",
            "2027-01-01,休,元旦\n\n2028-01-01,休,元旦\n",
            ["第3行", "与第1行的 2027-01-01 不在同一年"],
            id="mixed-years",
        ),
        pytest.param("2027.csv", "# 只有注释\n日期,类型,名称\n", ["没有任何日期"], id="empty"),
    ],
)
def test_holiday_list_errors_name_the_line(tmp_path, file_name, text, expected):
    with pytest.raises(HolidayListError) as caught:
        parse_year_list(write(tmp_path / file_name, text))
    message = str(caught.value)
    assert "\n" not in message and message.startswith(file_name)
    for part in expected:
        assert part in message


def test_a_file_neither_utf8_nor_gbk_is_refused_with_its_line(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_bytes("2027-01-01,休,元旦\n".encode() + b"2027-10-01,\xff\xfe,\n")
    with pytest.raises(HolidayListError, match=r"^2027\.csv 第2行.*UTF-8 或 GBK"):
        parse_year_list(path)


def test_a_missing_file_is_a_holiday_list_error(tmp_path):
    with pytest.raises(HolidayListError, match="无法读取 2027.csv"):
        parse_year_list(tmp_path / "2027.csv")


# --- checking a typed list -------------------------------------------------------------------------------------------


def test_check_entries_takes_typed_rows_and_sorts_them():
    entries = (
        HolidayEntry(date(2027, 10, 9), "班", ""),
        ("2027-10-01", "休", "国庆, 中秋"),
        (date(2027, 1, 1), "休"),
    )
    assert check_entries(2027, entries).entries == (
        HolidayEntry(date(2027, 1, 1), "休", ""),
        HolidayEntry(date(2027, 10, 1), "休", "国庆, 中秋"),
        HolidayEntry(date(2027, 10, 9), "班", ""),
    )


def test_check_entries_round_trips_a_parsed_file(tmp_path):
    entries = parse_year_list(write(tmp_path / "import" / "安排.csv", CLERK_2027, "gbk")).entries
    assert check_entries(2027, reversed(entries)).entries == entries  # sorted by date again


def test_check_entries_names_the_row():
    with pytest.raises(HolidayListError, match="^2027年节假日安排第2条：2027-02-08 是星期一"):
        check_entries(2027, [("2027-01-01", "休", "元旦"), ("2027-02-08", "班", "春节")])
    with pytest.raises(HolidayListError, match="第1条：日期 2026-10-01 不在 2027 年内"):
        check_entries(2027, [("2026-10-01", "休", "国庆节")])
    with pytest.raises(HolidayListError, match="没有任何日期"):
        check_entries(2027, [])
    with pytest.raises(HolidayListError, match="年份 27 不对"):
        check_entries(27, [("2027-10-01", "休", "国庆节")])


# --- properties and layering ------------------------------------------------------------------------------------------

_known = build_calendar(shipped_folder=Path(__file__).parent / "no-such-folder")


@given(start=st.dates(date(2025, 1, 1), date(2026, 12, 31)), days=st.integers(0, 40))
def test_counting_back_gives_the_same_number(start, days):
    due = _known.add_working_days(start, days)
    assert _known.working_days_between(start, due.day) == days
    if days > 0:
        assert _known.is_working_day(due.day)
        assert due.estimated == (due.day.year == 2027)


def test_no_qt_or_database_imports():
    code = (
        "import sys, xueji_desktop.reference.working_days; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'sqlalchemy')]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])


def test_the_module_writes_nothing():
    """reference/ only reads: no file is opened for writing, created, moved or removed here (the clerk's lists are
    records, saved by services.holidays)."""
    import xueji_desktop.reference.working_days as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    writes = {
        "write_text",
        "write_bytes",
        "mkdir",
        "rename",
        "unlink",
        "NamedTemporaryFile",
        "open",
        "fsync",
    }
    called = {
        node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
    }
    assert called & writes == set()
    assert not hasattr(module, "save_year_list") and not hasattr(module, "working_calendar")
