"""节假日安排 as records (services.holidays): a year's list typed in or imported from a CSV file (UTF-8 or GBK) is one
transaction with its audit entry and a new append-only row, the newest in force; a bad file or row is refused in Chinese
with nothing written; the files an earlier version wrote in the data folder are taken in once; the lists travel in the
backups; and an R27.1 deadline moves with a list saved here. Real SQLite files in tmp dirs."""

from __future__ import annotations

import json
from datetime import date

import pytest
from alembic import command
from sqlalchemy import create_engine, func, inspect, select
from sqlalchemy.exc import IntegrityError

from tests.conftest import luchang_setup
from tests.factories import add_student
from xueji_desktop.errors import DomainError, InvalidInput, NotFound
from xueji_desktop.migrations.runner import alembic_config, current_revision, head_revision
from xueji_desktop.models import AuditEvent, HolidayList
from xueji_desktop.reference.working_days import (
    SOURCE_CLERK,
    SOURCE_ESTIMATED,
    SOURCE_PACKAGE,
    HolidayEntry,
    HolidayListError,
)
from xueji_desktop.rules import proofs
from xueji_desktop.services import audit, history, holidays, procedures, roster
from xueji_desktop.services.procedures.withdrawals import DeathRequest
from xueji_desktop.services.school_setup import create_school
from xueji_desktop.store import Store, list_backups, restore_backup

# A made-up 2027 list for the tests only (the real one is published by the State Council in December 2026).
LIST_2027 = "# 2027年放假安排（测试用）\n日期,类型,名称\n2027-01-01,休,元旦\n2027-10-01,休,国庆节\n2027-10-09,班,国庆节\n"
ENTRIES_2027 = (
    HolidayEntry(date(2027, 1, 1), "休", "元旦"),
    HolidayEntry(date(2027, 10, 1), "休", "国庆节"),
    HolidayEntry(date(2027, 10, 9), "班", "国庆节"),
)


def rows(store) -> list[HolidayList]:
    with store.read() as session:
        found = list(session.scalars(select(HolidayList).order_by(HolidayList.id)))
        session.expunge_all()  # kept as read, for looking at after the session
        return found


def events(store, prefix: str = "holiday_list.") -> list[AuditEvent]:
    with store.read() as session:
        found = [
            event
            for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id))
            if event.action.startswith(prefix)
        ]
        session.expunge_all()
        return found


def write(path, text: str, encoding: str = "utf-8"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


# --- saving and reading -----------------------------------------------------------------------------------------------


def test_a_typed_list_is_saved_read_back_and_counted_on(store):
    assert holidays.year_list(store, 2027) is None
    assert holidays.working_calendar(store).source(2027) == SOURCE_ESTIMATED

    saved = holidays.save_year_list(
        store,
        2027,
        [("2027/10/9", "班", "国庆节"), (date(2027, 1, 1), "休", "元旦"), ("2027-10-01", "休", "国庆节")],
    )

    assert saved.year == 2027 and saved.origin == "录入" and saved.actor == store.actor
    assert saved.year_list.entries == ENTRIES_2027  # sorted by date
    assert holidays.year_list(store, 2027).year_list.entries == ENTRIES_2027
    assert list(holidays.clerk_lists(store)) == [2027]
    calendar = holidays.working_calendar(store)
    assert calendar.source(2027) == SOURCE_CLERK == "本机录入"
    assert not calendar.is_working_day(date(2027, 10, 1)) and calendar.is_working_day(date(2027, 10, 9))
    assert not (store.folder.root / "holidays").exists()  # a record, not a file


def test_saving_again_adds_a_row_and_the_newest_is_in_force(store):
    first = holidays.save_year_list(store, 2027, ENTRIES_2027)
    second = holidays.save_year_list(store, 2027, [("2027-10-01", "休", "国庆节")])

    assert second.id > first.id
    assert [(row.year, json.loads(row.entries)) for row in rows(store)] == [
        (
            2027,
            [["2027-01-01", "休", "元旦"], ["2027-10-01", "休", "国庆节"], ["2027-10-09", "班", "国庆节"]],
        ),
        (2027, [["2027-10-01", "休", "国庆节"]]),
    ]
    assert holidays.year_list(store, 2027).year_list.entries == (
        HolidayEntry(date(2027, 10, 1), "休", "国庆节"),
    )
    assert holidays.working_calendar(store).is_working_day(date(2027, 1, 1))  # no longer a day off


def test_a_clerks_list_overrides_chinese_calendar_until_removed(store):
    holidays.save_year_list(store, 2026, [("2026-10-01", "休", "国庆节")])
    assert holidays.working_calendar(store).is_working_day(date(2026, 10, 2))  # off in chinese_calendar

    holidays.remove_year_list(store, 2026)

    assert holidays.year_list(store, 2026) is None
    calendar = holidays.working_calendar(store)
    assert calendar.source(2026) == SOURCE_PACKAGE and not calendar.is_working_day(date(2026, 10, 2))
    assert [(row.year, row.entries, row.origin) for row in rows(store)][-1] == (2026, None, "删除")
    assert len(rows(store)) == 2  # the removed list is kept in the history


def test_removing_a_year_the_clerk_never_saved_is_refused(store):
    with pytest.raises(NotFound, match="^本机没有录入2027年的节假日安排，无需删除$"):
        holidays.remove_year_list(store, 2027)
    assert rows(store) == [] and events(store) == []


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        (
            [("2027-01-01", "休", "元旦"), ("2027-01-06", "班", "元旦")],
            "2027年节假日安排第2条：2027-01-06 是星期三，「班」只用于周六或周日的调休上班日",
        ),
        ([("2026-10-01", "休", "国庆节")], "2027年节假日安排第1条：日期 2026-10-01 不在 2027 年内"),
        ([], "2027年节假日安排中没有任何日期"),
    ],
    ids=["make-up day on a Wednesday", "another year", "empty"],
)
def test_a_wrong_typed_list_is_refused_and_nothing_is_written(store, entries, message):
    holidays.save_year_list(store, 2027, ENTRIES_2027)
    before = (rows(store), events(store))

    with pytest.raises(HolidayListError) as caught:
        holidays.save_year_list(store, 2027, entries)

    assert str(caught.value).startswith(message)
    assert isinstance(caught.value, InvalidInput) and isinstance(caught.value, DomainError)
    assert (len(rows(store)), len(events(store))) == (len(before[0]), len(before[1]))
    assert holidays.year_list(store, 2027).year_list.entries == ENTRIES_2027


# --- importing a CSV file ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_importing_a_csv_file(store, tmp_path, encoding):
    path = write(
        tmp_path / "国务院办公厅2027年放假安排.csv", LIST_2027, encoding
    )  # Excel on Windows saves GBK

    saved = holidays.import_csv(store, path)

    assert saved.year == 2027 and saved.year_list.entries == ENTRIES_2027
    assert saved.origin == "导入：国务院办公厅2027年放假安排.csv"
    assert "导入“国务院办公厅2027年放假安排.csv”" in saved.how
    assert holidays.working_calendar(store).source(2027) == SOURCE_CLERK
    [event] = events(store)
    assert event.action == "holiday_list.import" and event.entity_id == saved.id


def test_read_csv_checks_without_saving(store, tmp_path):
    path = write(tmp_path / "2027.csv", LIST_2027, "gbk")
    assert holidays.read_csv(path).entries == ENTRIES_2027
    assert rows(store) == [] and events(store) == []


@pytest.mark.parametrize(
    ("text", "encoding", "message"),
    [
        (
            "日期,类型,名称\n2027-02-30,休,春节\n",
            "utf-8",
            "放假安排.csv 第2行：「2027-02-30」不是有效的日期，应写成 2027-10-01 这样",
        ),
        (
            "2027-10-01,休,国庆节\n2028-01-01,休,元旦\n",
            "gbk",
            "放假安排.csv 第2行：日期 2028-01-01 与第1行的 2027-10-01 不在同一年，一个文件只能是一年的安排",
        ),
        ("日期,类型,名称\n2027-10-01,假,国庆节\n", "gbk", "放假安排.csv 第2行：类型「假」不对"),
    ],
    ids=["no such date", "two years (GBK)", "bad kind (GBK)"],
)
def test_a_bad_csv_is_refused_in_chinese_and_nothing_is_written(store, tmp_path, text, encoding, message):
    path = write(tmp_path / "放假安排.csv", text, encoding)

    with pytest.raises(HolidayListError) as caught:
        holidays.import_csv(store, path)

    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)
    assert rows(store) == [] and events(store) == []


def test_a_file_neither_utf8_nor_gbk_is_refused(store, tmp_path):
    path = tmp_path / "2027.csv"
    path.write_bytes("2027-01-01,休,元旦\n".encode() + b"2027-10-01,\xff\xfe,\n")
    with pytest.raises(HolidayListError, match=r"^2027\.csv 第2行有无法识别的字符：文件须为 UTF-8 或 GBK"):
        holidays.import_csv(store, path)
    assert rows(store) == []


# --- the audit trail and the append-only table ------------------------------------------------------------------------


def test_each_change_is_audited_old_to_new_in_chinese(store, tmp_path):
    typed = holidays.save_year_list(store, 2027, [("2027-10-01", "休", "国庆节")])
    imported = holidays.import_csv(store, write(tmp_path / "2027.csv", LIST_2027))
    holidays.remove_year_list(store, 2027)

    save, load, remove = events(store)
    assert [e.action for e in (save, load, remove)] == [
        "holiday_list.save",
        "holiday_list.import",
        "holiday_list.remove",
    ]
    assert [history.action_name(e.action) for e in (save, load, remove)] == [
        "录入节假日安排",
        "导入节假日安排",
        "删除本机录入的节假日安排",
    ]
    assert history.ENTITY_NAMES["holiday_list"] == "节假日安排"
    assert (save.entity, save.entity_id, load.entity_id) == ("holiday_list", typed.id, imported.id)
    assert json.loads(save.changes) == {
        "年份": 2027,
        "来源": [None, "录入"],
        "天数": [None, "放假 1 天，调休上班 0 天"],
        "日期": [[], ["2027-10-01 休 国庆节"]],
    }
    assert json.loads(load.changes)["日期"] == [
        ["2027-10-01 休 国庆节"],
        ["2027-01-01 休 元旦", "2027-10-01 休 国庆节", "2027-10-09 班 国庆节"],
    ]
    assert json.loads(remove.changes)["来源"] == ["导入：2027.csv", None]
    assert save.actor == store.actor
    with store.read() as session:
        assert audit.verify_chain(session) == []


def test_the_holiday_list_table_refuses_update_and_delete(store):
    holidays.save_year_list(store, 2027, ENTRIES_2027)
    for statement in ("UPDATE holiday_list SET entries = NULL", "DELETE FROM holiday_list"):
        with pytest.raises(IntegrityError, match="holiday_list 是只追加的历史记录，不能修改或删除"):
            with store.engine.begin() as connection:
                connection.exec_driver_sql(statement)
    assert holidays.year_list(store, 2027).year_list.entries == ENTRIES_2027


# --- the files an earlier version wrote -------------------------------------------------------------------------------


@pytest.fixture
def old_files(tmp_path):
    """A data folder as an earlier version left it: lists in holidays/<year>.csv (UTF-8 with BOM as it saved them, one
    GBK as Excel saves it), one broken, and a file of another name it never read."""
    root = tmp_path / "data"
    folder = root / "holidays"
    write(folder / "2027.csv", LIST_2027, "utf-8-sig")
    write(folder / "2026.csv", "日期,类型,名称\n2026-10-01,休,国庆节\n", "gbk")
    write(folder / "2028.csv", "日期,类型,名称\n2028-01-05,班,元旦\n")
    write(folder / "说明.csv", "2029-01-01,休,元旦\n")
    return root


def test_the_old_files_are_taken_in_once(old_files):
    folder = old_files / "holidays"
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    with Store.open(old_files) as store:
        assert holidays.working_calendar(store).source(2027) == SOURCE_ESTIMATED  # not read any more

        taken = holidays.take_in_old_files(store)

        assert taken is not None and taken.years == (2026, 2027)
        assert len(taken.problems) == 1 and taken.problems[0].startswith(
            "2028.csv 第2行：2028-01-05 是星期三"
        )
        assert holidays.year_list(store, 2027).year_list.entries == ENTRIES_2027
        assert holidays.year_list(store, 2027).origin == "旧版文件：holidays/2027.csv"
        assert holidays.year_list(store, 2026).year_list.entries == (
            HolidayEntry(date(2026, 10, 1), "休", "国庆节"),
        )
        assert sorted(holidays.clerk_lists(store)) == [
            2026,
            2027,
        ]  # not 2028 (broken), nor 2029 (not a year file)
        [event] = events(store)
        assert event.action == "holiday_list.take_in"
        assert history.action_name(event.action) == "转入旧版保存的节假日安排文件"
        changes = json.loads(event.changes)
        assert changes["已导入"] == {
            "2026": "2026.csv（放假 1 天，调休上班 0 天）",
            "2027": "2027.csv（放假 2 天，调休上班 1 天）",
        }
        assert list(changes["有错误未导入"]) == ["2028.csv"]
        assert holidays.old_file_problems(store) == taken.problems

        assert holidays.take_in_old_files(store) is None  # never twice
        assert len(rows(store)) == 2 and len(events(store)) == 1
    with Store.open(old_files) as store:  # nor on the next open
        assert holidays.take_in_old_files(store) is None
        assert len(rows(store)) == 2
    assert {
        path.name: path.read_bytes() for path in folder.iterdir()
    } == before  # the files are left as they were


def test_an_old_file_does_not_replace_a_list_the_database_already_has(old_files):
    with Store.open(old_files) as store:
        holidays.save_year_list(store, 2027, [("2027-10-01", "休", "国庆节")])

        taken = holidays.take_in_old_files(store)

        assert taken.years == (2026,)
        assert holidays.year_list(store, 2027).origin == "录入"
        assert json.loads(events(store, "holiday_list.take_in")[0].changes)["数据库中已有，未导入"] == [
            "2027"
        ]


def test_an_old_problem_is_no_longer_shown_once_the_year_is_saved(old_files):
    with Store.open(old_files) as store:
        holidays.take_in_old_files(store)
        assert [p[:8] for p in holidays.overview(store, today=date(2026, 12, 10)).problems] == ["2028.csv"]
        assert 2028 in [info.year for info in holidays.overview(store, today=date(2026, 12, 10)).years]

        holidays.save_year_list(store, 2028, [("2028-01-01", "休", "元旦")])

        assert holidays.old_file_problems(store) == ()


def test_nothing_to_take_in_writes_nothing(store):
    assert holidays.take_in_old_files(store) is None
    (store.folder.root / "holidays").mkdir()
    write(store.folder.root / "holidays" / "说明.txt", "不是安排")
    assert holidays.take_in_old_files(store) is None
    assert events(store, "") == []


def test_the_command_line_takes_the_old_files_in_when_it_opens_the_data_folder(old_files, capsys):
    from xueji_desktop.cli import main

    with Store.open(old_files) as store:
        create_school(store, luchang_setup())
    assert main(["students", "--data-dir", str(old_files)]) == 0
    with Store.open(old_files) as store:
        assert sorted(holidays.clerk_lists(store)) == [2026, 2027]
        assert events(store, "holiday_list.")[0].actor == "李敏"  # the school's 学籍管理员


# --- the overview the dialog shows ------------------------------------------------------------------------------------


def test_the_overview_lists_the_years_around_today_and_the_clerks(store, tmp_path):
    shipped = tmp_path / "shipped"
    write(shipped / "2030.csv", "2030-10-01,休,国庆节\n")
    holidays.save_year_list(store, 2029, [("2029-10-01", "休", "国庆节")])

    shown = holidays.overview(store, today=date(2026, 12, 10), shipped_folder=shipped)

    assert [(info.year, info.source) for info in shown.years] == [
        (2025, SOURCE_PACKAGE),
        (2026, SOURCE_PACKAGE),
        (2027, SOURCE_ESTIMATED),
        (2029, SOURCE_CLERK),
        (2030, "随软件提供"),
    ]
    assert shown.years[2].estimated and shown.years[2].saved is None
    assert shown.years[3].saved.origin == "录入" and shown.problems == ()


# --- deadlines, backups, migrations -----------------------------------------------------------------------------------


def test_an_r27_1_deadline_moves_with_a_list_saved_here(school, scan):
    """R27.1: a death is recorded within 10 working days. Died on Monday 2026-09-28: with chinese_calendar's 国庆 (1–7
    October off, the 10th worked) the tenth working day is 16 October; with the clerk's list of only 1 October off,
    it is 13 October."""
    first_class = roster.class_tree(school)[0].classes[0].id
    student = add_student(school, first_class)
    procedure_id = procedures.open(
        school,
        DeathRequest(student_id=student, died_on=date(2026, 9, 28)),
        proofs=[scan(proofs.DEATH_PROOF)],
        today=date(2026, 9, 29),
    )

    def due():
        [row] = [
            row
            for row in procedures.procedure_rows(school, today=date(2026, 9, 29))
            if row.id == procedure_id
        ]
        return row.due

    assert due().day == date(2026, 10, 16) and not due().estimated

    holidays.save_year_list(school, 2026, [("2026-10-01", "休", "国庆节")])
    assert due().day == date(2026, 10, 13)

    holidays.remove_year_list(school, 2026)
    assert due().day == date(2026, 10, 16)


def test_a_restored_backup_has_the_lists(store, tmp_path):
    holidays.save_year_list(store, 2027, ENTRIES_2027)
    holidays.save_year_list(store, 2028, [("2028-01-01", "休", "元旦")])
    store.backup()
    [backup] = list_backups(store.folder)

    restore_backup(backup, tmp_path / "restored")

    with Store.open(tmp_path / "restored") as restored:
        assert holidays.year_list(restored, 2027).year_list.entries == ENTRIES_2027
        assert sorted(holidays.clerk_lists(restored)) == [2027, 2028]
        assert holidays.working_calendar(restored).source(2027) == SOURCE_CLERK
        assert [e.action for e in events(restored)] == ["holiday_list.save", "holiday_list.save"]


@pytest.mark.parametrize("start", [f"{n:04d}" for n in range(1, 9)])
def test_0009_upgrades_a_file_at_each_earlier_revision(tmp_path, start):
    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), start)
            assert not inspect(connection).has_table("holiday_list")
            command.upgrade(alembic_config(connection), "head")
            assert current_revision(connection) == head_revision()
            assert {c["name"] for c in inspect(connection).get_columns("holiday_list")} == {
                "id",
                "year",
                "entries",
                "origin",
                "actor",
                "created_at",
            }
            triggers = {
                name
                for (name,) in connection.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'holiday_list'"
                )
            }
            assert triggers == {"holiday_list_no_update", "holiday_list_no_delete"}
            command.downgrade(alembic_config(connection), "0008")
            assert not inspect(connection).has_table("holiday_list")
            assert (
                connection.exec_driver_sql(
                    "SELECT count(*) FROM sqlite_master WHERE name LIKE 'holiday_list%'"
                ).scalar()
                == 0
            )
    finally:
        engine.dispose()


def test_the_table_counts_in_the_backup_manifest(store):
    holidays.save_year_list(store, 2027, ENTRIES_2027)
    backup = store.backup()
    manifest = json.loads(backup.with_suffix(".json").read_text(encoding="utf-8"))
    assert manifest["counts"]["holiday_list"] == 1
    with store.read() as session:
        assert session.scalar(select(func.count(HolidayList.id))) == 1
