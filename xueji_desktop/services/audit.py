"""The audit trail: who did what, when, old → new per field; an HMAC chain makes edits and deletions detectable. And
who and when on every append-only entry a use case adds (an attachment, a status change, a procedure step …)."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any, Protocol, TypeVar, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from xueji_desktop.models import AuditEvent

GENESIS = "0" * 64
DEFAULT_ACTOR = "学籍管理员"  # a session that names nobody (a test's, the CLI's before a registrar is set)


class _Entry(Protocol):
    actor: str
    created_at: datetime


Entry = TypeVar("Entry", bound=_Entry)


def actor(session: Session) -> str:
    """Who does what the session does: the registrar the store signed in (Store.actor)."""
    return session.info.get("actor", DEFAULT_ACTOR)


def kept(session: Session, entry: Entry) -> Entry:
    """`entry`, a row of an append-only table, stamped with who and when, added in the caller's transaction and
    flushed (its id known)."""
    entry.actor = actor(session)
    entry.created_at = datetime.now()
    session.add(entry)
    session.flush()
    return entry


def _digest(key: bytes, event: AuditEvent | SimpleNamespace) -> str:
    payload = json.dumps(
        [
            event.at.isoformat(),
            event.actor,
            event.action,
            event.entity,
            event.entity_id,
            event.changes,
            event.prev_hash,
        ],
        ensure_ascii=False,
    )
    return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


def record(
    session: Session, action: str, entity: str, entity_id: int | None, changes: dict[str, Any] | None = None
) -> AuditEvent:
    """Append one audit event in the caller's transaction (so it exists exactly when the change does)."""
    previous = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    event = AuditEvent(
        at=datetime.now(),
        actor=actor(session),
        action=action,
        entity=entity,
        entity_id=entity_id,
        changes=json.dumps(changes or {}, ensure_ascii=False, default=str, sort_keys=True),
        prev_hash=previous or GENESIS,
        hash="",
    )
    event.hash = _digest(session.info["audit_key"], event)
    session.add(event)
    session.flush()
    return event


def record_many(session: Session, entries: Sequence[tuple[str, str, int | None, Mapping[str, Any]]]) -> None:
    """Append many events (action, entity, entity_id, changes) at once: one look-up of the chain's head, one insert —
    for imports of thousands of students, where one query per event would dominate."""
    from sqlalchemy import Table, insert

    previous = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)) or GENESIS
    who = actor(session)
    now = datetime.now()
    rows = []
    for (
        action,
        entity,
        entity_id,
        changes,
    ) in entries:  # plain rows: a mapped AuditEvent each would cost more than the HMAC
        row = {
            "at": now,
            "actor": who,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "changes": json.dumps(changes or {}, ensure_ascii=False, default=str, sort_keys=True),
            "prev_hash": previous,
        }
        row["hash"] = previous = _digest(session.info["audit_key"], SimpleNamespace(**row))
        rows.append(row)
    if rows:
        session.execute(insert(cast(Table, AuditEvent.__table__)), rows)  # Core: one INSERT for all


@dataclass(frozen=True, slots=True)
class AuditProblem:
    event_id: int
    message: str


def verify_chain(session: Session) -> list[AuditProblem]:
    """Every broken link of the chain, naming the entry (an edit, a deletion or a reordering shows here)."""
    problems: list[AuditProblem] = []
    previous = GENESIS
    key = session.info["audit_key"]
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        if event.prev_hash != previous:
            problems.append(AuditProblem(event.id, f"审计记录 #{event.id} 之前的记录被删除或调换"))
        if not hmac.compare_digest(_digest(key, event), event.hash):
            problems.append(AuditProblem(event.id, f"审计记录 #{event.id} 的内容被改动"))
        previous = event.hash
    return problems


def history_of(session: Session, entity: str, entity_id: int) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
            .order_by(AuditEvent.id)
        )
    )
