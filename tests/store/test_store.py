"""The store: pragmas on every connection and BEGIN IMMEDIATE for writes (T2), all-or-nothing transactions, the data
folder, kill -9 of a writer losing nothing acknowledged (T1, short form) and a full disk (T5, short form)."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from xueji_desktop.models import AuditEvent, Grade, SchoolClass
from xueji_desktop.paths import DATA_DIR_ENV, default_data_dir
from xueji_desktop.services import audit
from xueji_desktop.store import DISK_FULL_MESSAGE, Store, StoreError, list_backups

EXPECTED_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "2",  # FULL
    "foreign_keys": "1",
    "trusted_schema": "0",
    "locking_mode": "exclusive",
}


def _pragmas(connection) -> dict[str, str]:
    return {name: str(connection.exec_driver_sql(f"PRAGMA {name}").scalar()) for name in EXPECTED_PRAGMAS}


# --- T2 ---------------------------------------------------------------------------------------------------------


def test_t2_pragmas_on_the_pooled_connection(store):
    """T2: WAL, synchronous FULL, foreign keys on, trusted_schema off, exclusive locking."""
    assert {name: store.pragma(name) for name in EXPECTED_PRAGMAS} == EXPECTED_PRAGMAS
    with store.transaction() as session:
        assert _pragmas(session.connection()) == EXPECTED_PRAGMAS


def test_t2_pragmas_on_every_new_connection(store, tmp_path):
    """T2: a connection made after the pool was emptied, and one of a reopened folder, get them too."""
    store.engine.dispose()
    with store.engine.connect() as connection:
        assert _pragmas(connection) == EXPECTED_PRAGMAS
    store.close()
    with Store.open(tmp_path / "data") as reopened, reopened.engine.connect() as connection:
        assert _pragmas(connection) == EXPECTED_PRAGMAS


def test_t2_the_file_itself_is_in_wal_mode(store):
    store.close()
    with sqlite3.connect(store.folder.database) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_t2_writes_begin_immediate(store):
    """T2: every transaction starts with BEGIN IMMEDIATE (the write lock at once, no upgrade deadlock)."""
    statements: list[str] = []
    with store.engine.connect() as connection:
        raw = connection.connection.dbapi_connection
    raw.set_trace_callback(statements.append)  # the pool holds this one connection
    try:
        with store.transaction() as session:
            audit.record(session, "test.write", "test", 1)
    finally:
        raw.set_trace_callback(None)
    begins = [s for s in statements if s.upper().startswith("BEGIN")]
    assert begins == ["BEGIN IMMEDIATE"]
    assert statements[-1].upper() == "COMMIT"


def test_t2_foreign_keys_are_enforced(store):
    with pytest.raises(IntegrityError), store.transaction() as session:
        session.add(SchoolClass(grade_id=999, number=1, name="没有年级的班"))


def test_a_failed_transaction_leaves_nothing(store):
    with pytest.raises(ValueError), store.transaction() as session:
        session.add(Grade(level=1, name="一年级"))
        session.flush()
        audit.record(session, "grade.create", "grade", 1)
        raise ValueError("the use case failed half way")
    with store.read() as session:
        assert session.scalar(select(func.count(Grade.id))) == 0
        assert session.scalar(select(func.count(AuditEvent.id))) == 0


def test_read_sessions_never_write(store):
    with store.read() as session:
        session.add(Grade(level=1, name="一年级"))
        session.flush()
    with store.read() as session:
        assert session.scalar(select(func.count(Grade.id))) == 0


# --- the data folder ------------------------------------------------------------------------------------------


def test_open_creates_the_data_folder_and_keeps_its_audit_key(tmp_path):
    root = tmp_path / "新建文件夹" / "数据"
    with Store.open(root) as first:
        key = first.audit_key
        assert len(key) == 32
        for folder in (first.folder.attachments, first.folder.backups, first.folder.logs):
            assert folder.is_dir()
        assert first.folder.database.exists()
    with Store.open(root) as second:
        assert second.audit_key == key


def test_open_where_no_folder_can_be_made_is_a_chinese_error(tmp_path):
    blocker = tmp_path / "是一个文件"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="无法创建数据文件夹"):
        Store.open(blocker / "data")


def test_open_a_file_that_is_no_database_is_a_chinese_error(tmp_path):
    root = tmp_path / "data"
    root.mkdir()
    (root / "xueji.sqlite3").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="无法打开数据文件"):
        Store.open(root)


def test_default_data_dir(tmp_path, monkeypatch):
    """--data-dir wins over XUEJI_DATA_DIR, which wins over the per-user folder."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "env"))
    assert default_data_dir(tmp_path / "explicit") == (tmp_path / "explicit").resolve()
    assert default_data_dir() == (tmp_path / "env").resolve()
    monkeypatch.delenv(DATA_DIR_ENV)
    assert default_data_dir().name == "XueJi"


# --- T1: kill -9 of a writer --------------------------------------------------------------------------------------

WRITER = """
import sys
from xueji_desktop.services import audit
from xueji_desktop.store import Store

store = Store.open(sys.argv[1])
print("ready", flush=True)
n = 0
while True:
    n += 1
    with store.transaction() as session:  # three chained events per transaction: all or none
        ids = [audit.record(session, "t1.write", "test", n, {"payload": "x" * (n % 9) * 300}).id for _ in range(3)]
    print(*ids, flush=True)  # acknowledged only after the commit returned
"""


def _run_writer_and_kill(root: Path, rng: random.Random) -> list[int]:
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(root)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout.readline().strip() == "ready", process.stderr.read()
        time.sleep(rng.uniform(0.01, 0.25))
    finally:
        process.kill()  # SIGKILL: no cleanup, no checkpoint, mid-transaction most of the time
        process.wait()
    acknowledged = [int(part) for line in process.stdout.read().splitlines() for part in line.split()]
    process.stdout.close()
    process.stderr.close()
    assert process.returncode == -9
    return acknowledged


@pytest.mark.xdist_group("wall_clock")  # kills a child at timed moments: never beside another such test
def test_t1_kill_minus_nine_loses_nothing_acknowledged(tmp_path):
    """T1 (short, 10 kills): every acknowledged event is present, no transaction is half there, integrity ok."""
    root = tmp_path / "data"
    Store.open(root).close()  # the schema exists before the first kill
    rng = random.Random(20261129)
    acknowledged: list[int] = []
    for _ in range(10):
        acknowledged += _run_writer_and_kill(root, rng)
        with sqlite3.connect(root / "xueji.sqlite3") as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            present = {row[0] for row in raw.execute("SELECT id FROM audit_event")}
        raw.close()
        assert set(acknowledged) <= present
        assert len(present) % 3 == 0  # whole transactions only
    assert len(acknowledged) > 30  # the writer really wrote between kills
    with Store.open(root) as store, store.read() as session:
        assert audit.verify_chain(session) == []


# --- T5: a full disk ----------------------------------------------------------------------------------------------


@pytest.fixture
def small_disk(small_disk_of):
    """A 2m tmpfs (tests/conftest.py small_disk_of)."""
    return small_disk_of("2m")


def _fill_disk(folder: Path, leave_bytes: int) -> Path:
    """A filler file taking all but about leave_bytes of the disk."""
    stats = os.statvfs(folder)
    free = stats.f_bavail * stats.f_frsize
    filler = folder / "filler.bin"
    with filler.open("wb") as handle:
        handle.write(b"\0" * max(free - leave_bytes, 0))
    return filler


def _event_count(store: Store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count(AuditEvent.id)))


def test_t5_write_on_a_full_disk_is_a_chinese_message_and_loses_nothing(small_disk):
    """T5: a write that does not fit raises StoreError(磁盘空间已满…); what was committed before is intact."""
    root = small_disk / "data"
    store = Store.open(root)
    committed = 0
    with pytest.raises(StoreError) as caught:
        for number in range(1, 200):
            with store.transaction() as session:
                audit.record(session, "t5.write", "test", number, {"payload": "满" * 60_000})
            committed += 1
    assert str(caught.value) == DISK_FULL_MESSAGE
    assert "磁盘空间已满" in str(caught.value)
    assert 0 < committed < 199
    assert _event_count(store) == committed
    assert store.pragma("integrity_check") == "ok"
    with store.read() as session:
        assert audit.verify_chain(session) == []
    store.close()  # the checkpoint at close may not fit either: the WAL keeps the data
    with Store.open(root) as reopened:
        assert _event_count(reopened) == committed
        assert reopened.pragma("integrity_check") == "ok"
        with reopened.transaction() as session:  # small writes still fit after the failed big one
            audit.record(session, "t5.small", "test", 0)


def test_t5_backup_on_a_full_disk_removes_its_partial_file(small_disk):
    """T5: a backup that does not fit fails with the Chinese message and leaves no .part or unfinished file."""
    root = small_disk / "data"
    store = Store.open(root)
    for number in range(10):
        with store.transaction() as session:
            audit.record(session, "t5.write", "test", number, {"payload": "备" * 3_000})
    before = _event_count(store)
    filler = _fill_disk(small_disk, leave_bytes=32 * 1024)
    with pytest.raises(StoreError, match="磁盘空间已满，本次备份没有完成"):
        store.backup()
    assert list(store.folder.backups.iterdir()) == []
    assert _event_count(store) == before
    assert store.pragma("integrity_check") == "ok"
    filler.unlink()
    taken = store.backup()
    assert list_backups(store.folder) == [taken]
    store.close()
