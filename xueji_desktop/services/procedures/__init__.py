"""异动手续 (chapters 3–6 of the regulation): every kind declared once in one registry (kinds.py), opened through one
`open(store, request, proofs, decision)`, moved on, cancelled and reversed by the same operations (operations.py),
its state computed in one place (state.py); a module per family of kinds (transfers, suspensions, withdrawals,
information_changes) and the absences that lead to one (attendance).

    from xueji_desktop.services import procedures
    from xueji_desktop.services.procedures.suspensions import SuspensionRequest

    procedure_id = procedures.open(store, SuspensionRequest(student_id=7, reason=…, start=…), proofs=[…])
    procedures.advance(store, procedure_id, "学校已审核", on=today)
"""

from xueji_desktop.services.procedures.base import (
    CANCELLED,
    NO_DECISION,
    PROVINCE_STATES,
    Decision,
    FindingsPreview,
    current_state,
    decide,
    facts_of,
)
from xueji_desktop.services.procedures.kinds import (
    ClassId,
    Completion,
    Opening,
    Prefill,
    ProcedureKind,
    RequestField,
    request_fields,
)
from xueji_desktop.services.procedures.operations import (
    ProcedureRow,
    advance,
    cancel,
    kind_due,
    kind_of_procedure,
    latest_procedure_of_kinds,
    open,
    prefill,
    procedure_rows,
    reverse,
    set_province_state,
)
from xueji_desktop.services.procedures.registry import (
    all_kinds,
    change_name,
    kind_for,
    kind_of,
    kinds_printing,
    printable_forms,
)
from xueji_desktop.services.procedures.state import ProcedureState, procedure_states

__all__ = [
    "CANCELLED",
    "NO_DECISION",
    "PROVINCE_STATES",
    "ClassId",
    "Completion",
    "Decision",
    "FindingsPreview",
    "Opening",
    "Prefill",
    "ProcedureKind",
    "ProcedureRow",
    "ProcedureState",
    "RequestField",
    "advance",
    "all_kinds",
    "cancel",
    "change_name",
    "current_state",
    "decide",
    "facts_of",
    "kind_due",
    "kind_for",
    "kind_of",
    "kind_of_procedure",
    "kinds_printing",
    "latest_procedure_of_kinds",
    "open",
    "prefill",
    "printable_forms",
    "procedure_rows",
    "procedure_states",
    "request_fields",
    "reverse",
    "set_province_state",
]
