"""services.audit: the HMAC-chained audit trail (T13 in short) — written with the change it records, refused to
UPDATE/DELETE by triggers, and verify_chain names the entry that was edited, deleted or reordered even with the
triggers dropped."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from xueji_desktop.models import AuditEvent
from xueji_desktop.services import audit


def _record_five(store):
    for number in range(1, 6):
        with store.transaction() as session:
            audit.record(session, "test.write", "test", number, {"字段": [number - 1, number]})


def _verify(store):
    with store.read() as session:
        return audit.verify_chain(session)


def _raw(store, *statements):
    """Run SQL as an attacker with the file would: straight on the connection, triggers dropped first."""
    with store.engine.begin() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)


def test_a_clean_chain_verifies(store):
    _record_five(store)
    assert _verify(store) == []
    with store.read() as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        assert events[0].prev_hash == audit.GENESIS
        assert all(
            later.prev_hash == earlier.hash for earlier, later in zip(events, events[1:], strict=False)
        )
        assert json.loads(events[2].changes) == {"字段": [2, 3]}
        assert events[0].actor == store.actor


def test_the_event_exists_exactly_when_the_change_does(store):
    with pytest.raises(RuntimeError), store.transaction() as session:
        audit.record(session, "test.write", "test", 1)
        raise RuntimeError("the use case failed after recording")
    with store.read() as session:
        assert session.scalar(select(AuditEvent.id)) is None


def test_triggers_refuse_update_and_delete_of_audit_events(store):
    _record_five(store)
    for statement in (
        "UPDATE audit_event SET actor = '某人' WHERE id = 2",
        "DELETE FROM audit_event WHERE id = 2",
    ):
        with pytest.raises(IntegrityError, match="只追加的历史记录"):
            _raw(store, statement)
    assert _verify(store) == []


def test_an_edited_event_is_detected_and_named(store):
    """T13: an edit made with the trigger dropped is found, naming the entry."""
    _record_five(store)
    _raw(
        store,
        "DROP TRIGGER audit_event_no_update",
        """UPDATE audit_event SET changes = '{"字段": [2, 30]}' WHERE id = 3""",
    )
    problems = _verify(store)
    assert [p.event_id for p in problems] == [3]
    assert problems[0].message == "审计记录 #3 的内容被改动"


def test_an_edited_actor_or_time_is_detected(store):
    _record_five(store)
    _raw(
        store,
        "DROP TRIGGER audit_event_no_update",
        "UPDATE audit_event SET actor = '别人' WHERE id = 1",
        "UPDATE audit_event SET at = '2020-01-01 00:00:00.000000' WHERE id = 4",
    )
    assert [p.event_id for p in _verify(store)] == [1, 4]


def test_a_deleted_event_is_detected_at_the_next_one(store):
    """T13: deleting an entry breaks the link of the entry after it."""
    _record_five(store)
    _raw(store, "DROP TRIGGER audit_event_no_delete", "DELETE FROM audit_event WHERE id = 2")
    problems = _verify(store)
    assert [(p.event_id, p.message) for p in problems] == [(3, "审计记录 #3 之前的记录被删除或调换")]


def test_a_recomputed_hash_without_the_key_is_still_detected(store):
    """Editing and re-hashing with a guessed key does not pass: the chain is keyed (HMAC), not a plain hash."""
    _record_five(store)
    with store.read() as session:
        event = session.get(AuditEvent, 3)
        event.changes = '{"字段": [2, 30]}'
        forged = audit._digest(b"not the key", event)
    _raw(
        store,
        "DROP TRIGGER audit_event_no_update",
        f"""UPDATE audit_event SET changes = '{{"字段": [2, 30]}}', hash = '{forged}' WHERE id = 3""",
    )
    problems = _verify(store)
    assert {p.event_id for p in problems} == {3, 4}  # 3's content, and 4 no longer follows 3


def test_reordered_events_are_detected(store):
    """T13: swapping the contents of two entries breaks the chain at both."""
    _record_five(store)
    columns = "at, actor, action, entity, entity_id, changes, prev_hash, hash"
    _raw(
        store,
        "DROP TRIGGER audit_event_no_update",
        "CREATE TEMP TABLE swap AS SELECT * FROM audit_event WHERE id IN (2, 3)",
        f"UPDATE audit_event SET ({columns}) = (SELECT {columns} FROM swap WHERE swap.id = 3) WHERE id = 2",
        f"UPDATE audit_event SET ({columns}) = (SELECT {columns} FROM swap WHERE swap.id = 2) WHERE id = 3",
    )
    assert {p.event_id for p in _verify(store)} >= {2, 3}


def test_a_chain_verified_with_another_key_fails_everywhere(store):
    _record_five(store)
    with store.read() as session:
        session.info["audit_key"] = b"\0" * 32
        assert len(audit.verify_chain(session)) == 5


def test_history_of_a_record(store):
    _record_five(store)
    with store.transaction() as session:
        audit.record(session, "test.write", "test", 3, {"字段": [3, 4]})
    with store.read() as session:
        history = audit.history_of(session, "test", 3)
        assert [json.loads(e.changes)["字段"] for e in history] == [[2, 3], [3, 4]]
