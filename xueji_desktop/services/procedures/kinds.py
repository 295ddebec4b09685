"""The one registry of 异动手续 kinds: each kind is declared once, here in its `ProcedureKind` entry, and everything
else reads it — the wizard's 办理信息 page and the CLI (the request's fields), the proofs page (its proofs), the 异动
list and the term review (its steps and due date), printing (its forms), the upload batch (its 异动类别) and the
term review's checks.

A kind's request is a frozen dataclass whose fields say what the clerk is asked: the name, the Chinese label (field
metadata, through `ask`), the type (date, bool, float, int, str, an enum of Chinese values, `ClassId`, a tuple of an
enum for several choices, a mapping of student fields) and the default. `request_fields` reads them back.

The kinds themselves live with their family (transfers.py, suspensions.py, withdrawals.py, information_changes.py);
`all_kinds` gathers them in the order the 异动 tab offers them. docs/recipes/add-procedure-kind.md says how to add
one.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field
from datetime import date
from enum import Enum
from functools import cache
from typing import TYPE_CHECKING, Any, NewType

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from xueji_desktop.models import Procedure, Student
    from xueji_desktop.reference.working_days import DueDate, WorkingCalendar
    from xueji_desktop.rules.findings import Finding
    from xueji_desktop.rules.review import ReviewFinding, StudentRef

ClassId = NewType(
    "ClassId", int
)  # a class of the school: the wizard offers the class list, the CLI takes a name

Requirement = tuple[str, ...]  # any one of these proof kinds (rules/proofs.py)

# the printable forms of procedures (services/printing/forms.py fills them; a kind names the ones it prints)
SUSPENSION_FORM = "休学、复学申请表"
WITHDRAWAL_FORM = "退学申请表"
TRANSFER_LETTER = "转学联系函"
DROPOUT_REPORT = "辍学书面报告"

# the status changes no procedure makes (enrolment, promotion, graduation … written by their own services), named
# beside the kinds so that every status change has its Chinese name in one of these two places
OTHER_CHANGE_NAMES = {
    "admission": "入学",
    "registration": "注册",
    "promotion": "升级",
    "graduation": "毕业",
    "continuation": "新生学籍转接",  # 初一、高一新生 (第十五条, R15.1), and a nine-year school's 六年级 going on to 初一
    "completion": "结业",
    "non_completion": "肄业",
    "info_change": "信息变更",
}
REVERSAL_PREFIX = "reversal:"  # a 冲正 is recorded as reversal:<the kind it undoes>

# the problems an open procedure answers, so the term review does not list the student for them again
ANSWERS_ABSENCE = "absence"  # 无故旷课 (R26.1)
ANSWERS_SUSPENSION = "suspension"  # 休学期满 (R22.3)


def ask(
    label: str,
    default: Any = MISSING,
    *,
    default_factory: Any = MISSING,
    hint: str = "",
    choices: tuple[Any, ...] = (),
    names: Mapping[Any, str] | None = None,
    code_table: str = "",
    percent: bool = False,
    maximum: float | None = None,
    suffix: str = "",
    when: tuple[str, Any] | None = None,
    follows: tuple[str, Callable[[Any], Any]] | None = None,
    initial: Any = MISSING,
) -> Any:
    """A request field the clerk is asked, with its Chinese `label`.

    `hint`: a placeholder or a line of explanation; `choices`: the enum members offered (all, when empty); `names`: the values offered with the
    name shown for each (年级 by level);
    `code_table`: a str holding a code of that table (性别 …), offered by name; `percent`: a share 0–1 asked as 0–100 %;
    `maximum`, `suffix`: a number's range and unit; `when` = (field, value): asked only while that field has that
    value (None otherwise); `follows` = (field, f): the wizard sets it to f(that field) as that field changes;
    `initial`: what the wizard shows first where the field has no default (the CLI still asks for it), or a function
    of today giving it."""
    metadata = {
        "label": label,
        "hint": hint,
        "choices": choices,
        "names": names,
        "code_table": code_table,
        "percent": percent,
        "maximum": maximum,
        "suffix": suffix,
        "when": when,
        "follows": follows,
        "initial": initial,
    }
    if default_factory is not MISSING:
        return field(default_factory=default_factory, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True, slots=True)
class RequestField:
    """One field of a kind's request, as the wizard and the CLI ask it."""

    name: str
    label: str
    type: Any  # date, bool, float, int, str, an Enum class, ClassId, tuple (several of `item`), Mapping
    optional: bool  # None is a value
    default: Any  # MISSING: the clerk must give it
    meta: Mapping[str, Any]
    item: Any = None  # the enum of a tuple field

    @property
    def required(self) -> bool:
        return self.default is MISSING

    @property
    def form(self) -> str:
        """What kind of answer: date, bool, number, integer, text, choice, choices, class, code, student_fields."""
        kind = self.type
        if kind is ClassId:
            return "class"
        if kind is date:
            return "date"
        if kind is bool:
            return "bool"
        if kind is float:
            return "number"
        if kind is int:
            return "choice" if self.meta.get("names") else "integer"
        if isinstance(kind, type) and issubclass(kind, Enum):
            return "choice"
        if kind is tuple:
            return "choices"
        if kind is Mapping:
            return "student_fields"
        return "code" if self.meta.get("code_table") else "text"

    def options(self) -> tuple[Any, ...]:
        """The values offered for a choice: the declared choices, or every member of the enum."""
        chosen = tuple(self.meta.get("choices") or self.meta.get("names") or ())
        if chosen:
            return chosen
        enum = self.item if self.type is tuple else self.type
        return tuple(enum) if isinstance(enum, type) and issubclass(enum, Enum) else ()

    def shown(self, value: Any) -> str:
        """A value as the clerk reads it: an enum's Chinese value, a name from `names`, 是/否."""
        names = self.meta.get("names")
        if names and value in names:
            return names[value]
        if isinstance(value, Enum):
            return str(value.value)
        if isinstance(value, bool):
            return "是" if value else "否"
        return "" if value is None else str(value)


@cache
def request_fields(request: type) -> tuple[RequestField, ...]:
    """The fields of a request dataclass in their order, with their labels, types and defaults."""
    hints = typing.get_type_hints(request)
    found = []
    for spec in dataclasses.fields(request):
        hint = hints[spec.name]
        optional = False
        if typing.get_origin(hint) in (typing.Union, types.UnionType):
            kept = [arg for arg in typing.get_args(hint) if arg is not type(None)]
            optional = len(kept) < len(typing.get_args(hint))
            hint = kept[0]
        item = None
        origin = typing.get_origin(hint)
        if origin is tuple:
            item, hint = typing.get_args(hint)[0], tuple
        elif origin in (Mapping, dict):
            hint = Mapping
        default = spec.default
        if spec.default_factory is not MISSING:
            default = spec.default_factory()
        found.append(
            RequestField(
                spec.name, spec.metadata.get("label", spec.name), hint, optional, default, spec.metadata, item
            )
        )
    return tuple(found)


@dataclass(frozen=True, slots=True)
class Proofs:
    """The proofs a kind's article requires: the rule that asks for them (the finding names it) and the requirements
    for a request (each a tuple of alternatives); `depends_on` names the request fields that change them."""

    rule_id: str
    required: Callable[[Any], list[Requirement]]
    depends_on: tuple[str, ...] = ()


NO_PROOFS = Proofs("R7.1", lambda request: [])


@dataclass(frozen=True, slots=True)
class BatchColumns:
    """How a kind's status change is entered in the 学籍异动 upload batch (services/upload_batches.py): its 异动类别
    (JY/T 1001 学籍异动类别 code and name, resources/codes/xjydlb_jyt1001.csv) and, where the category does not say
    it all, a line of 说明 made from the status change's details."""

    category_code: str
    category_name: str
    note: Callable[[dict[str, Any]], str | None] | None = None


@dataclass(frozen=True, slots=True)
class ReviewChecks:
    """What the 每学期复核 (第三十四条) checks of a procedure of this kind, beyond being overdue or stalled while open
    and reported to the provincial system once effective (every kind)."""

    answers: frozenset[str] = frozenset()  # ANSWERS_ABSENCE, ANSWERS_SUSPENSION: what an open one answers
    # once its effective step is done and before its last: the kind's own follow-up (转出: the archive sent within
    # a month, R20.1) instead of the open-procedure check — (student, each step's date, today, term start)
    follow_up: Callable[[StudentRef, dict[str, date], date, date | None], list[ReviewFinding]] | None = None
    # checked in every state (转入: the sending side's approval recorded, R13.2) — (student, each step's date)
    always: Callable[[StudentRef, dict[str, date]], list[ReviewFinding]] | None = None


@dataclass(frozen=True, slots=True)
class Prefill:
    """What the 办理信息 page starts from for a student: answers taken from the records, and lines shown above
    the questions (目前休学截止日期 …)."""

    values: dict[str, Any] = field(default_factory=dict)
    shown: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Completion:
    """What completing a procedure does to its student (a kind's complete() returns it)."""

    student: Student
    status_after: str
    effective_date: date
    details: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None
    new_record: bool = False  # the procedure made the student's record (a transfer in): no status before it


@dataclass(frozen=True, slots=True)
class Opening:
    """What a kind's `prepare` found for a request, in the opening transaction: who the procedure is for (no id for
    a 转入: the record is made when it completes), the facts kept with it, and the rules' findings."""

    student_id: int | None
    student_name: str
    facts: dict[str, Any]
    findings: list[Finding]
    proof_rule: str | None = (
        None  # where the article asking for the proofs depends on the student (退学: R23.1/R24.1)
    )


@dataclass(frozen=True, slots=True)
class ProcedureKind:
    """One kind of 异动手续, declared once.

    `prepare` reads what the rules need in the opening transaction and returns the Opening (the student, the facts
    kept, the findings); `complete` says what the effective step does to the student. `statuses`: who may start it
    (empty: the student is not ours yet, as for a 转入)."""

    code: str  # transfer_in, suspension … (GLOSSARY.md)
    label: str  # 转入, 休学 …
    request: type  # the frozen dataclass of what the clerk is asked
    statuses: tuple[str, ...]
    explanation: str  # the articles it rests on, shown at the top of the 办理信息 page
    steps: tuple[str, ...]  # its states in order; the last ends it
    prepare: Callable[[Session, Any, date], Opening]
    complete: Callable[[Session, Procedure, dict[str, Any], date], Completion]
    proofs: Proofs = NO_PROOFS
    batch: BatchColumns = BatchColumns("99", "其他")
    effective_step: str | None = (
        None  # the step that writes the status change (None: the last); later steps follow up
    )
    due: Callable[[dict[str, Any], dict[str, date], WorkingCalendar], DueDate | None] | None = None
    due_article: str = ""  # the article that sets the deadline (第二十条 …), for the term review
    forms: tuple[str, ...] = ()  # the printable forms (SUSPENSION_FORM …)
    review: ReviewChecks = ReviewChecks()
    prefill: Callable[[Session, int, date], Prefill] | None = None

    @property
    def effective(self) -> str:
        return self.effective_step or self.steps[-1]

    @property
    def key(self) -> str:  # the name procedures and status changes store it under
        return self.code

    @property
    def picks_student(self) -> bool:
        """False for a kind whose student has no record here yet (转入: the request says who it is)."""
        return any(spec.name == "student_id" for spec in request_fields(self.request))

    def fields(self) -> tuple[RequestField, ...]:
        """What the clerk is asked, the student aside (the wizard's first page picks the student)."""
        return tuple(spec for spec in request_fields(self.request) if spec.name != "student_id")

    def required_proofs(self, request: Any) -> list[Requirement]:
        return self.proofs.required(request)
