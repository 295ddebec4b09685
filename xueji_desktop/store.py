"""The data folder and the database: connection, pragmas, transactions, migrations, the single-writer lock, backups.

The store opens its one sqlite3 connection itself and reads the roster's first view through it (`query`); SQLAlchemy is
imported only when a session or the engine is first asked for (it costs more than the rest of start-up).

Faults of the file itself are refusals like any other (errors.StoreError, a DomainError), each with one Chinese line
saying what happened and what to do: a full disk (DiskFull), a write lock held elsewhere past the wait (StoreLocked), a
damaged file (StoreDamaged), another copy of the app (StoreBusyError). `store_fault` tells them from a raw sqlite3 or
OS error; `transaction()` rolls back first, so nothing is half-written.

Facts behind the choices are in docs/RELIABILITY.md: WAL + synchronous=FULL survives power loss, BEGIN IMMEDIATE
avoids upgrade deadlocks, locking_mode=EXCLUSIVE keeps a second copy of the app out, and a backup is taken through
SQLite's backup API (a file copy of a live WAL database can be empty).
"""

from __future__ import annotations

import errno
import getpass
import hashlib
import json
import logging
import os
import secrets
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xueji_desktop.errors import StoreError
from xueji_desktop.paths import default_data_dir

if TYPE_CHECKING:  # SQLAlchemy loads on first use, after the roster is on screen (~0.3 s of imports)
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

DATABASE_NAME = "xueji.sqlite3"
BACKUPS_TO_KEEP = 10
LOCK_WAIT_SECONDS = 1.0


class StoreBusyError(StoreError):
    """The data folder is open in another copy of the app."""


class DiskFull(StoreError):
    """The disk is full (SQLITE_FULL, or ENOSPC on a file the use case wrote): the transaction was rolled back."""


class StoreLocked(StoreError):
    """Another program holds the data file's write lock past the wait (SQLITE_BUSY / SQLITE_LOCKED): rolled back."""


class StoreDamaged(StoreError):
    """The data file is not a database any more, or its pages are damaged (SQLITE_NOTADB / SQLITE_CORRUPT)."""


BUSY_MESSAGE = "这个数据文件夹已在另一个学籍桌面窗口中打开。请切换到那个窗口继续工作，或先关闭它再打开。"
DISK_FULL_MESSAGE = "磁盘空间已满，刚才的操作没有保存，已保存的数据完好。请清理磁盘空间后重试。"
LOCKED_MESSAGE = (
    "数据文件正被另一个程序占用（另一个学籍桌面窗口、备份或杀毒软件），刚才的操作没有保存，已保存的数据完好。"
    "请稍等片刻后重试；若仍如此，请关闭其他学籍桌面窗口。"
)
DAMAGED_MESSAGE = (
    "数据文件 {database} 已损坏，刚才的操作没有保存。请不要再修改它：关闭学籍桌面，"
    "从数据文件夹的 backups 中恢复最近的备份，或请信息技术老师帮助。"
)
OPEN_DAMAGED_MESSAGE = (
    "无法打开数据文件 {database}：它已损坏或不是学籍桌面的数据文件。"
    "请从数据文件夹的 backups 中恢复最近的备份，或请信息技术老师帮助。"
)

# SQLite's primary result codes (an extended code keeps the primary one in its low byte)
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_NOTADB = 5, 6, 11, 13, 26


@dataclass(frozen=True, slots=True)
class DataFolder:
    root: Path

    @property
    def database(self) -> Path:
        return self.root / DATABASE_NAME

    @property
    def attachments(self) -> Path:
        return self.root / "attachments"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def lock_file(self) -> Path:
        return self.root / "xueji.lock"

    @property
    def audit_key_file(self) -> Path:
        return self.root / "audit.key"

    def create(self) -> None:
        for folder in (self.root, self.attachments, self.backups, self.logs):
            folder.mkdir(parents=True, exist_ok=True)


def _is_disk_full(error: BaseException) -> bool:
    text_ = str(error).lower()
    return "disk is full" in text_ or "disk full" in text_ or getattr(error, "errno", None) == errno.ENOSPC


def _is_locked(error: BaseException) -> bool:
    return "database is locked" in str(error).lower()


def store_fault(error: BaseException, database: Path | str = DATABASE_NAME) -> StoreError | None:
    """The StoreError a fault of the data file or the disk stands for (full, locked, damaged), else None.

    Looks through SQLAlchemy's wrapper to the sqlite3 error (its result code, or its words when it has none) and at
    an OSError's errno; anything else (a bug, a refusal already in the clerk's words) is not a store fault.
    """
    if isinstance(error, StoreError):
        return error
    # sqlalchemy.exc.DBAPIError keeps the sqlite3 error as .orig
    cause = getattr(error, "orig", None) or error
    if isinstance(cause, OSError):
        return DiskFull(DISK_FULL_MESSAGE) if cause.errno == errno.ENOSPC else None
    if not isinstance(cause, sqlite3.Error):
        return None
    code = (getattr(cause, "sqlite_errorcode", None) or 0) & 0xFF
    text_ = str(cause).lower()
    if code == _SQLITE_FULL or "disk is full" in text_:
        return DiskFull(DISK_FULL_MESSAGE)
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED) or "database is locked" in text_ or "database is busy" in text_:
        return StoreLocked(LOCKED_MESSAGE)
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB) or "malformed" in text_ or "not a database" in text_:
        return StoreDamaged(DAMAGED_MESSAGE.format(database=database))
    return None


def _connect(database: Path) -> sqlite3.Connection:
    """The one connection: pragmas set here for it and for any reconnection (T2); the exclusive lock taken now."""
    connection = sqlite3.connect(
        database, timeout=LOCK_WAIT_SECONDS, isolation_level=None, check_same_thread=False
    )
    try:  # isolation_level None: we issue BEGIN IMMEDIATE ourselves (below)
        connection.execute("PRAGMA locking_mode=EXCLUSIVE")  # before WAL: no shared memory, one process only
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute("PRAGMA trusted_schema=OFF")
        connection.execute("PRAGMA user_version").fetchone()  # takes the lock now, not at the first edit
    except BaseException:
        connection.close()
        raise
    return connection


def _is_open(connection: sqlite3.Connection | None) -> bool:
    if connection is None:
        return False
    try:
        connection.total_changes  # noqa: B018 - raises on a closed connection
    except sqlite3.ProgrammingError:
        return False
    return True


def _make_engine(store: Store) -> Engine:
    """SQLAlchemy over the store's own connection (one pooled connection, as before; reopened if the pool closed it)."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import QueuePool

    engine = create_engine(
        f"sqlite:///{store.folder.database}",
        creator=store._live_connection,
        poolclass=QueuePool,
        pool_size=1,
        max_overflow=0,
        pool_timeout=10,
    )

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class Store:
    """An open data folder: one connection, held exclusively for as long as the app runs.

    Start-up reads (the roster's first view) go through `query` on the connection itself; SQLAlchemy (`engine`,
    `transaction`, `read`) is imported and set up on first use, over the same connection.
    """

    def __init__(self, folder: DataFolder, connection: sqlite3.Connection, audit_key: bytes):
        self.folder = folder
        self._connection: sqlite3.Connection | None = connection
        self._connection_lock = threading.Lock()
        self.audit_key = audit_key
        self.actor = getpass.getuser() or "学籍管理员"

    @classmethod
    def open(cls, root: str | os.PathLike[str] | None = None, *, migrate: bool = True) -> Store:
        """Open (creating if new) a data folder; raise StoreBusyError if another copy of the app has it."""
        folder = DataFolder(default_data_dir(root))
        try:
            folder.create()
        except OSError as error:
            raise StoreError(f"无法创建数据文件夹 {folder.root}：{error.strerror or error}") from error
        try:
            connection = _connect(folder.database)
        except sqlite3.DatabaseError as error:  # locked, unreadable, or "file is not a database"
            if _is_locked(error):
                raise StoreBusyError(BUSY_MESSAGE) from error
            if isinstance(store_fault(error), StoreDamaged):
                raise StoreDamaged(OPEN_DAMAGED_MESSAGE.format(database=folder.database)) from error
            raise StoreError(f"无法打开数据文件 {folder.database}：{error}") from error
        store = cls(folder, connection, _load_audit_key(folder))
        if migrate:
            try:
                store.migrate()
            except Exception as error:
                store.close()
                fault = store_fault(error, folder.database)
                if isinstance(fault, StoreDamaged):
                    raise StoreDamaged(OPEN_DAMAGED_MESSAGE.format(database=folder.database)) from error
                if fault is not None and fault is not error:
                    raise fault from error
                raise
        return store

    def _live_connection(self) -> sqlite3.Connection:
        """The connection, reopened (pragmas, lock) if it was closed, e.g. by engine.dispose()."""
        with self._connection_lock:
            if not _is_open(self._connection):
                self._connection = _connect(self.folder.database)
            assert self._connection is not None
            return self._connection

    @cached_property
    def engine(self) -> Engine:
        return _make_engine(self)

    @cached_property
    def _sessions(self):
        from sqlalchemy.orm import sessionmaker

        return sessionmaker(self.engine, expire_on_commit=False)

    def migrate(self) -> None:
        """Upgrade to head; an up-to-date file (the usual case) is recognised by one query, without SQLAlchemy."""
        from xueji_desktop.migrations.runner import head_revision, upgrade_to_head

        if self._revision() == head_revision():
            return
        with self.engine.begin() as connection:
            upgrade_to_head(connection)

    def _revision(self) -> str | None:
        if not self.query("SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"):
            return None
        rows = self.query("SELECT version_num FROM alembic_version")
        return rows[0][0] if rows else None

    @contextmanager
    def _raw(self) -> Iterator[sqlite3.Connection]:
        """The sqlite3 connection for a moment; once SQLAlchemy is up, checked out of its pool, so that a session in
        another thread (a worker, the T3 writer) is waited for, not interleaved with."""
        if "engine" not in self.__dict__:
            yield self._live_connection()
            return
        with self.engine.connect() as connection:
            raw = connection.connection.dbapi_connection
            assert raw is not None
            yield raw  # type: ignore[misc]

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[tuple]:
        """Rows of a read-only statement, straight on the connection (no SQLAlchemy: used while the app starts)."""
        try:
            with self._raw() as connection:
                return connection.execute(sql, params).fetchall()
        except (sqlite3.Error, OSError) as error:
            self._raise_fault(error)
            raise

    def _raise_fault(self, error: BaseException) -> None:
        """Raise the StoreError (full, locked, damaged) `error` stands for, if it is a fault of the file or disk."""
        fault = store_fault(error, self.folder.database)
        if fault is not None and fault is not error:
            raise fault from error

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One use case: all of it is committed, or (on any error) none of it.

        A full disk (SQLITE_FULL, or ENOSPC on a file the use case writes), a write lock held elsewhere past the wait
        and a damaged file come out as DiskFull / StoreLocked / StoreDamaged, each one Chinese line; the transaction
        is rolled back first, so nothing is half-written.
        """
        session = self._sessions(info={"audit_key": self.audit_key, "actor": self.actor})
        try:
            with session.begin():
                yield session
        except Exception as error:
            self._raise_fault(error)
            raise
        finally:
            session.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for looking only; whatever it holds is rolled back. A locked or damaged file is a StoreError."""
        session = self._sessions(info={"audit_key": self.audit_key, "actor": self.actor})
        try:
            yield session
        except Exception as error:
            self._raise_fault(error)
            raise
        finally:
            session.rollback()
            session.close()

    def pragma(self, name: str) -> str:
        return str(self.query(f"PRAGMA {name}")[0][0])

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()
        with self._connection_lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- backups -------------------------------------------------------------------------------------------------

    def backup(self, keep: int = BACKUPS_TO_KEEP, *, into: Path | None = None) -> Path:
        """Take a verified backup through SQLite's backup API, then keep only the newest `keep` backups.

        The copy is written to a .part file, checked (integrity and row counts against the source), fsynced and
        renamed atomically; its manifest records the hash, the counts and the audit head. `into` is another folder
        (a year end's backup, kept apart from the rotation of the everyday ones: only the newest `keep` of that
        folder are kept).
        """
        folder = into or self.folder.backups
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        final = folder / f"xueji-{stamp}.sqlite3"
        part = final.with_suffix(".sqlite3.part")
        try:
            with self._raw() as source:
                counts = _table_counts(source)
                head = _audit_head(source)
                target = sqlite3.connect(part)
                try:
                    source.backup(target)
                    target.execute("PRAGMA journal_mode=DELETE")
                    if target.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                        raise StoreError("备份校验失败：备份文件不完整")
                    if _table_counts(target) != counts:
                        raise StoreError("备份校验失败：备份与数据文件的记录数不一致")
                finally:
                    target.close()
            with part.open("rb+") as handle:
                os.fsync(handle.fileno())
            os.replace(part, final)
            manifest = {
                "file": final.name,
                "sha256": _sha256(final),
                "created_at": datetime.now().isoformat(timespec="seconds"),
                "counts": counts,
                "audit_head": head,
                # the audit chain's key travels with the backup: it lives beside the data anyway, and a restored
                # folder must verify its history (tamper-evidence against outsiders needs an outside anchor)
                "audit_key": self.audit_key.hex(),
            }
            _write_atomically(final.with_suffix(".json"), json.dumps(manifest, ensure_ascii=False, indent=2))
        except BaseException as error:
            part.unlink(missing_ok=True)
            if final.exists() and not final.with_suffix(".json").exists():
                final.unlink(missing_ok=True)
            if isinstance(error, (OSError, sqlite3.Error)) and _is_disk_full(error):
                raise DiskFull(
                    "磁盘空间已满，本次备份没有完成（已删除不完整的备份文件），数据文件完好。"
                ) from error
            raise
        for old in sorted(folder.glob("xueji-*.sqlite3"), reverse=True)[keep:]:
            old.unlink(missing_ok=True)
            old.with_suffix(".json").unlink(missing_ok=True)
        return final

    def restore_in_place(self, backup: Path) -> None:
        """Put a verified backup back into the open data file, through SQLite's backup API on the store's own
        connection (the app keeps its exclusive lock; nothing else may be running a use case). Every table becomes
        exactly what the backup holds; a backup whose hash does not match its manifest is refused untouched."""
        _verified(backup)
        try:
            with self._raw() as target:
                source = sqlite3.connect(backup)
                try:
                    source.backup(target)
                finally:
                    source.close()
        except (sqlite3.Error, OSError) as error:
            self._raise_fault(error)
            raise


def list_backups(folder: DataFolder) -> list[Path]:
    """Finished backups, newest first."""
    return sorted(folder.backups.glob("xueji-*.sqlite3"), reverse=True)


def restore_backup(backup: Path, target_root: Path) -> Path:
    """Put a backup in place as the database of a (new or closed) data folder, removing any stale -wal/-shm."""
    manifest = _verified(backup)
    folder = DataFolder(target_root)
    folder.create()
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{folder.database}{suffix}").unlink(missing_ok=True)
    temporary = folder.database.with_suffix(".restoring")
    temporary.write_bytes(backup.read_bytes())
    with temporary.open("rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, folder.database)
    if manifest.get("audit_key"):  # the chain verifies with the key it was written with, on any machine
        _write_atomically(folder.audit_key_file, manifest["audit_key"])
    return folder.database


def _verified(backup: Path) -> dict[str, Any]:
    """The backup's manifest, once its hash matches the file; else a StoreError saying which is wrong."""
    try:
        manifest = json.loads(backup.with_suffix(".json").read_text(encoding="utf-8"))
        expected = manifest["sha256"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise StoreError(
            f"备份文件 {backup.name} 的说明文件（.json）缺失或已损坏，无法校验，请选择另一个备份。"
        ) from error
    if _sha256(backup) != expected:
        raise StoreError(f"备份文件 {backup.name} 已损坏（校验值不符），请选择另一个备份。")
    return manifest


def _load_audit_key(folder: DataFolder) -> bytes:
    path = folder.audit_key_file
    if not path.exists():
        _write_atomically(path, secrets.token_hex(32))
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


def _table_counts(connection: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def _audit_head(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1").fetchone()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_atomically(path: Path, content: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
