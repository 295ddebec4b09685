"""The one way the screen runs a service call, and the one signal that says what changed.

In the spirit of Anki's `CollectionOp` / `QueryOp` (qt/aqt/operations/__init__.py): every button that asks a service
for something goes through `run(parent, title, call, changes=…)`, so every screen behaves the same:

- the call runs on the UI thread when it is quick, or (`long=True`) off it in a worker thread behind a progress dialog
  that can be cancelled (ui/common/worker.py; cancelling inside a service's transaction writes nothing);
- a refusal (`errors.DomainError`: a rule's findings, a file that cannot be read, a full disk …) is caught here, in one
  place, and its lines are shown in a message box (ui/common/messages.py); findings that only warn are put to the
  clerk first when the caller gives the call again with the warnings confirmed (`confirmed=`);
- anything else is a fault nobody expected: its traceback goes to the data folder's log (fault_log.py) and the clerk
  reads one calm line naming the log file; the app and the clerk's open work stay;
- after a call that succeeded, the areas it changed (`STUDENTS`, `PROCEDURES` …) are announced on the one
  application-wide signal, `announcer().changed`; each tab refreshes itself from it (`refresh_on`) for the areas it
  shows — at once when it is on screen, else when it is next shown. No widget catches service errors itself and no tab
  has its own "changed" signal.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QWidget

from xueji_desktop.errors import DomainError, file_problem
from xueji_desktop.ui.common import messages  # called through the module: one place to watch in tests
from xueji_desktop.ui.common.worker import Cancelled, run_with_progress

T = TypeVar("T")

# the areas an operation can change; a tab names those it shows
STUDENTS = "students"  # a student's record, status or class (名册)
ENROLMENT = "enrolment"  # the 建籍 steps, 学籍号 (新生建籍)
CLASSES = "classes"  # grades and classes (名册's tree, 编班)
PROCEDURES = "procedures"  # 异动 procedures and status changes
HOLIDAYS = "holidays"  # the 节假日安排 lists (due dates move)
BATCHES = "batches"  # upload batches exported
CERTIFICATES = "certificates"  # certificates and forms issued (numbered, logged)
ARCHIVE = "archive"  # the 查阅登记簿, paper places, backups
SCHOOL = "school"  # the school, its terms and registrar
SETTINGS = "settings"  # document wording, 套打 offsets
AREAS = frozenset(
    {STUDENTS, ENROLMENT, CLASSES, PROCEDURES, HOLIDAYS, BATCHES, CERTIFICATES, ARCHIVE, SCHOOL, SETTINGS}
)


class Announcer(QObject):
    """The application-wide signal: `changed` carries the frozenset of areas an operation changed."""

    changed = Signal(object)

    def announce(self, areas: Iterable[str]) -> None:
        areas = frozenset(areas)
        unknown = areas - AREAS
        if unknown:
            raise ValueError(f"unknown areas: {sorted(unknown)}")
        if areas:
            self.changed.emit(areas)


_announcer: Announcer | None = None


def announcer() -> Announcer:
    """The one Announcer of the application (made by app.py at start, or on first use; it lives with QApplication)."""
    global _announcer
    if _announcer is None:
        app = QApplication.instance()
        _announcer = Announcer(app)
        _announcer.destroyed.connect(_forget)
    return _announcer


def _forget(*_: object) -> None:
    global _announcer
    _announcer = None


@dataclass(slots=True)
class Outcome(Generic[T]):
    """What came of an operation: `ok` with its `value`, or refused / cancelled / failed (already told)."""

    value: T | None = None
    refused: DomainError | None = None
    cancelled: bool = False
    failed: bool = False

    @property
    def ok(self) -> bool:
        return self.refused is None and not self.cancelled and not self.failed


def run(
    parent: QWidget | None,
    title: str,
    call: Callable[..., T],
    *,
    changes: Iterable[str] = (),
    long: bool | str = False,
    confirmed: Callable[..., T] | None = None,
    not_done: str = "",
    on_refusal: Callable[[DomainError], Any] | None = None,
) -> Outcome[T]:
    """Run `call` (a service call) the one way: see the module docstring.

    `long`: run off the UI thread behind a cancellable progress dialog (a text: the dialog's words, else the title);
    `call` then takes `progress(done, total)` if it has a parameter. `changes`: the areas announced when it succeeded. `confirmed`: the same call with the
    warnings confirmed — a RuleViolation that only warns is put to the clerk, who may go on with it. `not_done`: what
    a refusal's message starts with (「没有导入」), when the title alone does not say nothing was done. `on_refusal`:
    for a screen that shows refusals in place (a table of blocked students, a red line) instead of a message box.
    """
    try:
        value = _call(parent, title, call, long)
    except Cancelled:
        return Outcome(cancelled=True)
    except DomainError as refusal:
        if on_refusal is not None:
            on_refusal(refusal)
            return Outcome(refused=refusal)
        return _refused(parent, title, refusal, changes, long, confirmed, not_done)
    except Exception as error:
        refusal = _store_fault(error)
        if refusal is not None:
            if on_refusal is not None:
                on_refusal(refusal)
            else:
                messages.show_refusal(parent, title, refusal, not_done)
            return Outcome(refused=refusal)
        report_fault(parent, title, error)
        return Outcome(failed=True)
    announcer().announce(changes)
    return Outcome(value=value)


def _call(parent: QWidget | None, title: str, call: Callable[..., Any], long: bool | str) -> Any:
    if not long:
        return call()
    words = long if isinstance(long, str) else title
    if _takes_progress(call):
        return run_with_progress(parent, words, call)
    return run_with_progress(parent, words, lambda _progress: call())


def _takes_progress(call: Callable[..., Any]) -> bool:
    try:
        return bool(inspect.signature(call).parameters)
    except (TypeError, ValueError):  # a builtin without a signature: called as it is
        return False


def _refused(
    parent: QWidget | None,
    title: str,
    refusal: DomainError,
    changes: Iterable[str],
    long: bool | str,
    confirmed: Callable[..., Any] | None,
    not_done: str,
) -> Outcome[Any]:
    from xueji_desktop.rules.findings import RuleViolation

    if confirmed is not None and isinstance(refusal, RuleViolation) and not refusal.blocking:
        # warnings only: the clerk reads them and may go on
        if messages.confirm_findings(parent, title, refusal):
            return run(parent, title, confirmed, changes=changes, long=long, not_done=not_done)
        return Outcome(refused=refusal)
    messages.show_refusal(parent, title, refusal, not_done)
    return Outcome(refused=refusal)


def _store_fault(error: BaseException) -> DomainError | None:
    """A raw fault of the data file or the disk (full, locked, damaged) that escaped a transaction, or an OSError on a
    file the clerk chose (no permission, open in Excel), as its refusal."""
    from xueji_desktop.store import store_fault

    return store_fault(error) or file_problem(error)


def report_fault(parent: QWidget | None, title: str, error: BaseException) -> None:
    """Log a fault nobody expected with its traceback and tell the clerk in one calm line where the log is."""
    from xueji_desktop.fault_log import record_fault, unexpected_line

    messages.show_error(parent, title, unexpected_line(record_fault(error, title), title))


class _RefreshOn(QObject):
    """Calls `refresh` when one of `areas` changed: at once if the widget is on screen, else when next shown."""

    def __init__(self, widget: QWidget, areas: frozenset[str], refresh: Callable[[], Any]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._areas = areas
        self._refresh = refresh
        self.stale = False
        announcer().changed.connect(self._changed)
        widget.installEventFilter(self)

    def _changed(self, areas: frozenset[str]) -> None:
        if not self._areas & areas:
            return
        if self._widget.isVisible() or _never_shown(self._widget.window()):
            self.stale = False
            self._refresh()
        else:
            self.stale = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.stale and event.type() == QEvent.Type.Show:
            self.stale = False
            self._refresh()
        return False


def _never_shown(window: QWidget) -> bool:
    """A window never shown nor hidden (a widget used on its own, as in a script): refreshed at once, as nothing will
    show it; a closed window or a hidden tab waits for its next Show."""
    return not window.isVisible() and not window.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide)


def refresh_on(widget: QWidget, areas: Iterable[str], refresh: Callable[[], Any]) -> None:
    """Let `widget` refresh itself (`refresh()`) whenever an operation changed one of `areas`."""
    areas = frozenset(areas)
    if areas - AREAS:
        raise ValueError(f"unknown areas: {sorted(areas - AREAS)}")
    _RefreshOn(widget, areas, refresh)
