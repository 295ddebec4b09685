"""Where each procedure stands, computed once for many procedures in one pass over their events: its step and the
next one, each step's date, the provincial system's state and note, the status change it wrote, the approval number
recorded. The 异动 list (operations.procedure_rows), the term review, the upload batch and the timeline all read it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from xueji_desktop.models import Procedure, ProcedureEvent
from xueji_desktop.reference.working_days import DueDate, WorkingCalendar
from xueji_desktop.services.procedures.base import CANCELLED, PROVINCE, STEPS
from xueji_desktop.services.procedures.kinds import ProcedureKind
from xueji_desktop.services.procedures.registry import all_kinds

_ID_CHUNK = 900  # SQLite variables per IN (…)


@dataclass(frozen=True, slots=True)
class Event:
    """One recorded step or provincial state of a procedure."""

    track: str  # STEPS or PROVINCE
    state: str
    on: date
    approval_number: str | None
    note: str | None
    created_at: datetime


@dataclass(slots=True)
class ProcedureState:
    """One procedure as it stands: `kind` is None for a code no kind of this version has."""

    procedure_id: int
    code: str
    kind: ProcedureKind | None
    step: str = ""  # the latest step (CANCELLED once cancelled)
    step_on: date | None = None
    province: str = ""
    province_on: date | None = None
    province_note: str | None = None
    status_change_id: int | None = None
    approval_number: str | None = None  # the latest one recorded with a step
    days: dict[str, date] = field(default_factory=dict)  # each step's date (the cancellation's too)
    events: list[Event] = field(default_factory=list)  # oldest first

    @property
    def label(self) -> str:
        return self.kind.label if self.kind else self.code

    @property
    def cancelled(self) -> bool:
        return self.step == CANCELLED

    @property
    def known(self) -> bool:
        """The kind exists and the step is one of its steps (or the cancellation)."""
        return self.kind is not None and (self.step in self.kind.steps or self.cancelled)

    @property
    def next_step(self) -> str | None:
        """The step to record next; None once completed or cancelled."""
        kind = self.kind
        if kind is None or not self.known or self.cancelled or self.step == kind.steps[-1]:
            return None
        return kind.steps[kind.steps.index(self.step) + 1]

    @property
    def open(self) -> bool:
        return self.next_step is not None

    def due(self, facts: dict, calendar: WorkingCalendar) -> DueDate | None:
        """The regulation's deadline while it is open, where the kind sets one (R20.1, R27.1 …)."""
        if not self.open or self.kind is None or self.kind.due is None:
            return None
        return self.kind.due(facts, self.days, calendar)


def procedure_states(
    session: Session, procedure_ids: Collection[int] | None = None
) -> dict[int, ProcedureState]:
    """The state of the given procedures (all, when None), in one query per 900 of them."""
    kinds = all_kinds()
    states: dict[int, ProcedureState] = {}
    columns = (
        ProcedureEvent.procedure_id,
        ProcedureEvent.track,
        ProcedureEvent.state,
        ProcedureEvent.on,
        ProcedureEvent.approval_number,
        ProcedureEvent.note,
        ProcedureEvent.status_change_id,
        ProcedureEvent.created_at,
        Procedure.kind,
    )
    query = (
        select(*columns)
        .join(Procedure, Procedure.id == ProcedureEvent.procedure_id)
        .order_by(ProcedureEvent.id)
    )
    for condition in _conditions(procedure_ids):
        for pid, track, state, on, approval, note, change, created, code in session.execute(
            query.where(condition) if condition is not None else query
        ):
            current = states.get(pid)
            if current is None:
                current = states[pid] = ProcedureState(pid, code, kinds.get(code))
            current.events.append(Event(track, state, on, approval, note, created))
            if track == PROVINCE:
                current.province, current.province_on, current.province_note = state, on, note
                continue
            if track == STEPS:
                current.step, current.step_on = state, on
                current.days.setdefault(state, on)
            if change is not None:
                current.status_change_id = change
            if approval:
                current.approval_number = approval
    if procedure_ids is not None:  # a procedure with no event yet (never, once opened): still listed
        for pid, code in _kinds_of(session, [pid for pid in procedure_ids if pid not in states]):
            states[pid] = ProcedureState(pid, code, kinds.get(code))
    return states


def _conditions(procedure_ids: Collection[int] | None) -> Iterator:
    if procedure_ids is None:
        yield None
        return
    wanted = list(dict.fromkeys(procedure_ids))
    for start in range(0, len(wanted), _ID_CHUNK):
        yield ProcedureEvent.procedure_id.in_(wanted[start : start + _ID_CHUNK])


def _kinds_of(session: Session, ids: list[int]) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for start in range(0, len(ids), _ID_CHUNK):
        chunk = ids[start : start + _ID_CHUNK]
        found += session.execute(select(Procedure.id, Procedure.kind).where(Procedure.id.in_(chunk))).tuples()
    return found
