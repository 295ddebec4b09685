"""The registry: every kind of 异动手续 by its code, collected from the modules that declare them (transfers,
suspensions, withdrawals, information_changes), and the lookups everything else reads — a kind by its code or by
its request, the forms each kind prints, the Chinese name of a status change.

The declarations themselves (what a kind is made of) are in kinds.py, which the kind modules import; this module
imports the kind modules, so imports run one way: registry → kind modules → kinds, base.
"""

from __future__ import annotations

from functools import cache

from xueji_desktop.errors import NotFound
from xueji_desktop.services.procedures import information_changes, suspensions, transfers, withdrawals
from xueji_desktop.services.procedures.kinds import OTHER_CHANGE_NAMES, REVERSAL_PREFIX, ProcedureKind


@cache
def _registry() -> dict[str, ProcedureKind]:
    order = (
        transfers.TRANSFER_IN,
        transfers.TRANSFER_OUT,
        suspensions.SUSPENSION,
        suspensions.EXTENSION,
        suspensions.RESUMPTION,
        withdrawals.WITHDRAWAL,
        withdrawals.AUTOMATIC,
        withdrawals.DEATH,
        withdrawals.DROPOUT,
        information_changes.INFORMATION_CHANGE,
        withdrawals.RESTORATION,
    )
    return {kind.code: kind for kind in order}


def all_kinds() -> dict[str, ProcedureKind]:
    """Every kind of procedure by its code, in the order the 异动 tab offers them."""
    return dict(_registry())


def kind_of(code: str) -> ProcedureKind:
    """The kind stored as `code`; NotFound for a code no kind has."""
    kinds = _registry()
    if code not in kinds:
        raise NotFound(f"未知的异动手续：{code}")
    return kinds[code]


def kind_for(request: object) -> ProcedureKind:
    """The kind a request dataclass belongs to."""
    for kind in _registry().values():
        if type(request) is kind.request:
            return kind
    raise NotFound(f"不是异动手续的申请：{type(request).__name__}")


def kinds_printing(form: str) -> tuple[str, ...]:
    """The codes of the kinds whose procedures print `form` (休学、复学申请表 …)."""
    return tuple(kind.code for kind in _registry().values() if form in kind.forms)


def printable_forms() -> tuple[str, ...]:
    """Every form some kind prints, in the registry's order."""
    return tuple(dict.fromkeys(form for kind in _registry().values() for form in kind.forms))


def change_name(code: str) -> str:
    """The Chinese name of a status change's kind: a procedure kind's label, one of OTHER_CHANGE_NAMES, or
    冲正（休学） for the reversal of one."""
    if code.startswith(REVERSAL_PREFIX):
        return f"冲正（{change_name(code.removeprefix(REVERSAL_PREFIX))}）"
    kinds = _registry()
    if code in kinds:
        return kinds[code].label
    return OTHER_CHANGE_NAMES.get(code, code)
