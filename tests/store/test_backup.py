"""Backups: taken while writing, each verified against its manifest, rotation keeping the newest 10 (T3, short form);
restore drill from the last 3 onto fresh folders, a corrupted backup refused (T4)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from tests.factories import add_student
from xueji_desktop.models import AuditEvent, Student
from xueji_desktop.services import audit
from xueji_desktop.services.roster import class_tree, move_student
from xueji_desktop.store import BACKUPS_TO_KEEP, Store, StoreError, list_backups, restore_backup


def _manifest(backup: Path) -> dict:
    return json.loads(backup.with_suffix(".json").read_text(encoding="utf-8"))


def _counts_of(execute) -> dict[str, int]:
    names = [
        r[0]
        for r in execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
    ]
    return {name: execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def _counts(database: Path) -> dict[str, int]:
    """Row counts of a closed database file (a backup)."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as raw:
        counts = _counts_of(raw.execute)
    raw.close()
    return counts


def _store_counts(store: Store) -> dict[str, int]:
    """Row counts through the store's own (exclusive) connection."""
    with store.engine.connect() as connection:
        return _counts_of(connection.exec_driver_sql)


def _check_backup(backup: Path, audit_key: bytes) -> dict:
    """Everything T3 asks of one backup; returns its manifest."""
    manifest = _manifest(backup)
    assert manifest["file"] == backup.name
    assert hashlib.sha256(backup.read_bytes()).hexdigest() == manifest["sha256"]
    with sqlite3.connect(f"file:{backup}?mode=ro", uri=True) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # self-contained, no -wal needed
        head = raw.execute("SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1").fetchone()
    raw.close()
    assert _counts(backup) == manifest["counts"]
    assert manifest["audit_head"] == (head[0] if head else None)
    engine = create_engine(f"sqlite:///file:{backup}?mode=ro&uri=true")
    with Session(engine, info={"audit_key": audit_key}) as session:
        assert audit.verify_chain(session) == []
    engine.dispose()
    return manifest


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith((".part", ".tmp", ".restoring"))]


def test_t3_backups_while_writing_are_consistent_and_rotated(school):
    """T3 (short): 12 backups while a writer thread commits; each opens, is intact and matches its manifest; the
    newest 10 are kept, no partial files."""
    stop = threading.Event()
    errors: list[BaseException] = []
    written = [0]

    def writer() -> None:
        while not stop.is_set():
            try:
                with school.transaction() as session:
                    audit.record(session, "t3.write", "test", written[0], {"payload": "写" * 500})
                written[0] += 1
                time.sleep(0.002)  # a clerk's pace, compressed: lets the backup get the one pooled connection
            except BaseException as error:
                errors.append(error)
                return

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    taken = []
    try:
        for _ in range(12):
            time.sleep(0.02)
            taken.append(school.backup())
    finally:
        stop.set()
        thread.join(10)
    assert errors == []
    assert written[0] > 12
    kept = list_backups(school.folder)
    assert len(kept) == BACKUPS_TO_KEEP
    assert kept == sorted(taken, reverse=True)[:BACKUPS_TO_KEEP]  # the newest 10
    for dropped in taken[:2]:
        assert not dropped.exists() and not dropped.with_suffix(".json").exists()
    events = [_check_backup(backup, school.audit_key)["counts"]["audit_event"] for backup in reversed(kept)]
    assert events == sorted(events) and events[0] < events[-1]  # the writer ran between the backups
    assert _leftovers(school.folder.backups) == []
    assert {p.suffix for p in school.folder.backups.iterdir()} == {".sqlite3", ".json"}


def test_t3_rotation_respects_keep(store):
    for _ in range(4):
        store.backup(keep=2)
    assert len(list_backups(store.folder)) == 2
    assert len(list(store.folder.backups.glob("*.json"))) == 2


def test_backup_of_an_empty_store(store):
    manifest = _check_backup(store.backup(), store.audit_key)
    assert manifest["audit_head"] is None
    assert manifest["counts"]["alembic_version"] == 1


@pytest.fixture
def three_backups(school):
    """A school whose data grows between three backups (students added, one moved), and a write after the last."""
    classes = [c.id for g in class_tree(school) for c in g.classes]
    backups = []
    for round_ in range(3):
        students = [add_student(school, classes[round_]) for _ in range(3 + round_)]
        if round_ == 2:
            move_student(school, students[0], classes[0])
        backups.append(school.backup())
    add_student(school, classes[0])  # after the last backup: must not appear in a restore
    return school, backups


@pytest.mark.parametrize("which", [0, 1, 2])
def test_t4_restore_drill_onto_a_fresh_folder(three_backups, tmp_path, which):
    """T4: each of the last 3 backups restored onto a fresh folder opens, with the counts and audit head of its
    manifest; the chain verifies with the school's audit key."""
    store, backups = three_backups
    backup = backups[which]
    manifest = _manifest(backup)
    target = tmp_path / f"restored-{which}"
    restore_backup(backup, target)
    with Store.open(target) as restored:
        assert _store_counts(restored) == manifest["counts"]
        with restored.read() as session:
            head = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
            assert head == manifest["audit_head"]
            assert session.scalar(select(func.count(Student.id))) == [3, 7, 12][which]
            session.info["audit_key"] = store.audit_key
            assert audit.verify_chain(session) == []
        restored.backup()  # a restored folder works as any other
    assert _leftovers(target) == []


def test_t4_restored_folder_verifies_its_own_audit_chain(three_backups, tmp_path):
    _store, backups = three_backups
    restore_backup(backups[-1], tmp_path / "restored")
    with Store.open(tmp_path / "restored") as restored, restored.read() as session:
        assert audit.verify_chain(session) == []


def test_t4_restore_removes_stale_wal_and_shm(three_backups, tmp_path):
    """T4: leftovers of another database's -wal/-shm next to the restored file are removed, not replayed."""
    _store, backups = three_backups
    target = tmp_path / "target"
    Store.open(target).close()
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target / 'xueji.sqlite3'}{suffix}").write_bytes(b"stale" * 1000)
    restore_backup(backups[0], target)
    for suffix in ("-wal", "-shm", "-journal"):
        assert not Path(f"{target / 'xueji.sqlite3'}{suffix}").exists()
    with Store.open(target) as restored:
        assert _store_counts(restored) == _manifest(backups[0])["counts"]


def test_t4_corrupted_backup_is_refused_in_chinese(three_backups, tmp_path):
    """T4: one flipped byte and the backup is refused; nothing is put in place."""
    _store, backups = three_backups
    damaged = bytearray(backups[1].read_bytes())
    damaged[len(damaged) // 2] ^= 0x01
    backups[1].write_bytes(bytes(damaged))
    target = tmp_path / "target"
    with pytest.raises(
        StoreError, match=f"备份文件 {backups[1].name} 已损坏（校验值不符），请选择另一个备份"
    ):
        restore_backup(backups[1], target)
    assert not (target / "xueji.sqlite3").exists()


def test_t4_backup_without_its_manifest_is_refused_in_chinese(three_backups, tmp_path):
    """A backup whose .json is missing or unreadable cannot be checked: refused with a message, not a traceback."""
    _store, backups = three_backups
    backups[0].with_suffix(".json").unlink()
    backups[1].with_suffix(".json").write_text("{", encoding="utf-8")
    for backup in backups[:2]:
        with pytest.raises(StoreError, match="无法校验"):
            restore_backup(backup, tmp_path / "target")
    assert not (tmp_path / "target" / "xueji.sqlite3").exists()
