"""Faults of the data file itself, each its own StoreError with one Chinese line, and nothing half-written: a full disk
(SQLITE_FULL, made real with PRAGMA max_page_count; ENOSPC on a file a use case writes), a write lock held by another
connection, a file of garbage bytes and a file whose pages are damaged. All on real SQLite files."""

from __future__ import annotations

import errno
import sqlite3

import pytest
from sqlalchemy import func, select

from xueji_desktop.errors import DomainError
from xueji_desktop.models import AuditEvent
from xueji_desktop.services import audit
from xueji_desktop.store import (
    DISK_FULL_MESSAGE,
    LOCKED_MESSAGE,
    DataFolder,
    DiskFull,
    Store,
    StoreDamaged,
    StoreError,
    StoreLocked,
    _load_audit_key,
    store_fault,
)


def _events(store: Store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count(AuditEvent.id)))


def _one_line(error: BaseException) -> str:
    text = str(error)
    assert "\n" not in text and text.isascii() is False
    return text


def test_every_store_fault_is_a_domain_error():
    """The CLI and the UI show a StoreError like any refusal: its message, no traceback."""
    for kind in (DiskFull, StoreLocked, StoreDamaged):
        assert issubclass(kind, StoreError) and issubclass(kind, DomainError)
    from xueji_desktop import store as store_module

    assert store_module.StoreError is StoreError  # still importable from store.py


def test_a_full_database_is_disk_full_and_the_transaction_is_rolled_back(store):
    """SQLITE_FULL (the file may not grow: max_page_count) -> DiskFull, its line; nothing of the use case stays."""
    with store.transaction() as session:
        audit.record(session, "before", "test", 1)
    before = _events(store)
    pages = int(store.pragma("page_count"))
    store.query(f"PRAGMA max_page_count = {pages + 2}")
    with pytest.raises(DiskFull) as caught, store.transaction() as session:
        for number in range(50):
            audit.record(session, "too.big", "test", number, {"payload": "满" * 4_000})
            session.flush()
    assert _one_line(caught.value) == DISK_FULL_MESSAGE
    assert isinstance(caught.value.__cause__.orig, sqlite3.OperationalError)
    assert _events(store) == before
    store.query("PRAGMA max_page_count = 1073741823")
    with store.transaction() as session:  # the store goes on once there is room again
        audit.record(session, "after", "test", 2)
    assert _events(store) == before + 1
    assert store.pragma("integrity_check") == "ok"


def test_a_full_disk_while_a_use_case_writes_a_file_is_disk_full_and_rolled_back(store):
    """ENOSPC on a file written inside the transaction (a proof copy, a PDF) -> DiskFull; the rows are not kept."""
    before = _events(store)
    with pytest.raises(DiskFull, match="磁盘空间已满"), store.transaction() as session:
        audit.record(session, "with.file", "test", 1)
        session.flush()
        raise OSError(errno.ENOSPC, "No space left on device")
    assert _events(store) == before


def test_a_write_lock_held_elsewhere_is_store_locked_and_writes_nothing(tmp_path):
    """A second connection holds the write lock (BEGIN IMMEDIATE) past the wait -> StoreLocked, its line.

    The app's own connection takes the lock at open (locking_mode=EXCLUSIVE), so the store here is given a
    connection in normal locking mode, as after a reconnect while another program had the file."""
    Store.open(tmp_path / "data").close()  # the data folder and its database, made once
    folder = DataFolder(tmp_path / "data")
    connection = sqlite3.connect(folder.database, timeout=0.2, isolation_level=None, check_same_thread=False)
    store = Store(folder, connection, _load_audit_key(folder))
    other = sqlite3.connect(folder.database, isolation_level=None)
    try:
        before = _events(store)
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(StoreLocked) as caught, store.transaction() as session:
            audit.record(session, "locked.out", "test", 1)
        assert _one_line(caught.value) == LOCKED_MESSAGE
        other.execute("ROLLBACK")
        assert _events(store) == before
        with store.transaction() as session:  # free again: the write goes through
            audit.record(session, "after", "test", 1)
        assert _events(store) == before + 1
    finally:
        other.close()
        store.close()


def test_a_file_of_garbage_bytes_is_store_damaged_at_open(tmp_path):
    root = tmp_path / "data"
    root.mkdir()
    (root / "xueji.sqlite3").write_bytes(bytes(range(256)) * 64)
    with pytest.raises(StoreDamaged) as caught:
        Store.open(root)
    message = _one_line(caught.value)
    assert message.startswith("无法打开数据文件") and "已损坏" in message and "备份" in message
    assert str(root / "xueji.sqlite3") in message


def _damage_last_pages(database, pages: int) -> None:
    """Overwrite the file's last pages (the rows written last) with garbage; the schema pages stay."""
    data = bytearray(database.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    for offset in range(len(data) - page_size * pages, len(data)):
        data[offset] = (offset * 37 + 11) % 256
    database.write_bytes(bytes(data))


def test_damaged_pages_are_store_damaged_in_a_read_and_in_a_transaction(tmp_path):
    root = tmp_path / "data"
    with Store.open(root) as store:
        with store.transaction() as session:
            for number in range(200):
                audit.record(session, "filler", "test", number, {"payload": "页" * 200})
    with sqlite3.connect(root / "xueji.sqlite3") as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw.execute("PRAGMA journal_mode=DELETE")
    _damage_last_pages(root / "xueji.sqlite3", pages=10)
    store = Store.open(root, migrate=False)
    try:
        with pytest.raises(StoreDamaged) as caught, store.read() as session:
            session.scalars(select(AuditEvent)).all()
        assert "已损坏" in _one_line(caught.value) and "备份" in str(caught.value)
        with pytest.raises(StoreDamaged), store.transaction() as session:
            audit.record(session, "on.damaged", "test", 1)
    finally:
        store.close()


def test_other_errors_are_not_store_faults():
    """A bug or a refusal is not a store fault: it keeps its own way to the clerk (or to the log)."""
    assert store_fault(RuntimeError("database is locked")) is None
    assert store_fault(OSError(errno.EACCES, "Permission denied")) is None
    assert store_fault(sqlite3.IntegrityError("UNIQUE constraint failed")) is None
    assert isinstance(store_fault(OSError(errno.ENOSPC, "No space left on device")), DiskFull)
    assert isinstance(store_fault(sqlite3.OperationalError("database or disk is full")), DiskFull)
