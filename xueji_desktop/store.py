"""The data folder and the database: engine, pragmas, transactions, migrations, the single-writer lock, backups.

Facts behind the choices are in shared/RELIABILITY.md: WAL + synchronous=FULL survives power loss, BEGIN IMMEDIATE
avoids upgrade deadlocks, locking_mode=EXCLUSIVE keeps a second copy of the app out, and a backup is taken through
SQLite's backup API (a file copy of a live WAL database can be empty).
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from xueji_desktop.paths import default_data_dir

log = logging.getLogger(__name__)

DATABASE_NAME = "xueji.sqlite3"
BACKUPS_TO_KEEP = 10
LOCK_WAIT_SECONDS = 1.0


class StoreError(Exception):
    """A problem with the data folder the clerk must hear about, in Chinese, with nothing lost."""


class StoreBusyError(StoreError):
    """The data folder is open in another copy of the app."""


BUSY_MESSAGE = "这个数据文件夹已在另一个学籍桌面窗口中打开。请切换到那个窗口继续工作，或先关闭它再打开。"
DISK_FULL_MESSAGE = "磁盘空间已满，刚才的操作没有保存，已保存的数据完好。请清理磁盘空间后重试。"


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
    return "disk is full" in text_ or "disk full" in text_ or getattr(error, "errno", None) == 28


def _is_locked(error: BaseException) -> bool:
    return "database is locked" in str(error).lower()


def _make_engine(database: Path) -> Engine:
    engine = create_engine(
        f"sqlite:///{database}",
        poolclass=QueuePool,
        pool_size=1,
        max_overflow=0,
        pool_timeout=10,
        connect_args={"timeout": LOCK_WAIT_SECONDS, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA locking_mode=EXCLUSIVE")  # before WAL: no shared memory, one process only
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA trusted_schema=OFF")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # noqa: ANN001 - SQLAlchemy Connection
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class Store:
    """An open data folder: one connection, held exclusively for as long as the app runs."""

    def __init__(self, folder: DataFolder, engine: Engine, audit_key: bytes):
        self.folder = folder
        self.engine = engine
        self.audit_key = audit_key
        self.actor = getpass.getuser() or "学籍管理员"
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, root: str | os.PathLike[str] | None = None, *, migrate: bool = True) -> Store:
        """Open (creating if new) a data folder; raise StoreBusyError if another copy of the app has it."""
        folder = DataFolder(default_data_dir(root))
        try:
            folder.create()
        except OSError as error:
            raise StoreError(f"无法创建数据文件夹 {folder.root}：{error.strerror or error}") from error
        engine = _make_engine(folder.database)
        try:
            with engine.connect() as connection:  # takes the exclusive lock now, not at the first edit
                connection.exec_driver_sql("PRAGMA user_version")
                connection.commit()
        except DatabaseError as error:  # OperationalError (locked, unreadable) or "file is not a database"
            engine.dispose()
            if _is_locked(error):
                raise StoreBusyError(BUSY_MESSAGE) from error
            raise StoreError(f"无法打开数据文件 {folder.database}：{error.orig}") from error
        store = cls(folder, engine, _load_audit_key(folder))
        if migrate:
            try:
                store.migrate()
            except OperationalError as error:
                store.close()
                if _is_disk_full(error):
                    raise StoreError(DISK_FULL_MESSAGE) from error
                raise
        return store

    def migrate(self) -> None:
        from xueji_desktop.migrations.runner import upgrade_to_head

        with self.engine.begin() as connection:
            upgrade_to_head(connection)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One use case: all of it is committed, or (on any error) none of it."""
        session = self._sessions(info={"audit_key": self.audit_key, "actor": self.actor})
        try:
            with session.begin():
                yield session
        except OperationalError as error:
            if _is_disk_full(error):
                raise StoreError(DISK_FULL_MESSAGE) from error
            raise
        finally:
            session.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for looking only; whatever it holds is rolled back."""
        session = self._sessions(info={"audit_key": self.audit_key, "actor": self.actor})
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def pragma(self, name: str) -> str:
        with self.engine.connect() as connection:
            return str(connection.exec_driver_sql(f"PRAGMA {name}").scalar())

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- backups -------------------------------------------------------------------------------------------------

    def backup(self, keep: int = BACKUPS_TO_KEEP) -> Path:
        """Take a verified backup through SQLite's backup API, then keep only the newest `keep` backups.

        The copy is written to a .part file, checked (integrity and row counts against the source), fsynced and
        renamed atomically; its manifest records the hash, the counts and the audit head.
        """
        self.folder.backups.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        final = self.folder.backups / f"xueji-{stamp}.sqlite3"
        part = final.with_suffix(".sqlite3.part")
        try:
            with self.engine.connect() as connection:
                source = connection.connection.dbapi_connection
                assert source is not None
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
                raise StoreError(
                    "磁盘空间已满，本次备份没有完成（已删除不完整的备份文件），数据文件完好。"
                ) from error
            raise
        for old in list_backups(self.folder)[keep:]:
            old.unlink(missing_ok=True)
            old.with_suffix(".json").unlink(missing_ok=True)
        return final


def list_backups(folder: DataFolder) -> list[Path]:
    """Finished backups, newest first."""
    return sorted(folder.backups.glob("xueji-*.sqlite3"), reverse=True)


def restore_backup(backup: Path, target_root: Path) -> Path:
    """Put a backup in place as the database of a (new or closed) data folder, removing any stale -wal/-shm."""
    try:
        manifest = json.loads(backup.with_suffix(".json").read_text(encoding="utf-8"))
        expected = manifest["sha256"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise StoreError(
            f"备份文件 {backup.name} 的说明文件（.json）缺失或已损坏，无法校验，请选择另一个备份。"
        ) from error
    if _sha256(backup) != expected:
        raise StoreError(f"备份文件 {backup.name} 已损坏（校验值不符），请选择另一个备份。")
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
