"""One spreadsheet row → a checked student record (R13.1: no record from false information), and a file's header row
→ the template columns it names.

Each cell is normalised (spreadsheets.normalise); then the record, completed with the new-student defaults for the
fields the file does not have, goes through the same checks as the detail dialog (rules.student_record), and every
problem is put on the column the clerk must fix — a disagreement between ID number and birth date or gender on
身份证件号, naming both values.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from xueji_desktop.reference.regions import region_table
from xueji_desktop.reference.student_fields import new_student_defaults
from xueji_desktop.rules.student_record import FieldProblem, check_student
from xueji_desktop.spreadsheets.normalise import (
    BirthMonth,
    CellProblem,
    Normaliser,
    normaliser_for,
    settle_birth_month,
    shown,
)
from xueji_desktop.spreadsheets.template import ColumnSpec, TemplateSpec

# Without these a row cannot become a student: 姓名, 性别, 出生日期, and 身份证件号 or at least its type.
_ESSENTIAL = ("name", "gender", "birth_date")
_ID_FIELDS = ("id_number", "id_type")
# The template marks them required for the upload, but the import knows its own school and can assign classes
# (均衡编班), so a blank is not an error here.
_NOT_REQUIRED_ON_IMPORT = frozenset({"school_code", "class_number"})
_OWN_COLUMNS = ("school_code", "class_number")


class FieldValues(Mapping[str, object]):
    """A record's field key → value, read-only: the keys are one tuple shared by every row of a file, the values a
    tuple. A 100,000-row import holds 300,000 of these (the student and two family members per row); as dicts they
    took 2.9 KB a row, as this 0.6 KB."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: tuple[object, ...]) -> None:
        self._index = index  # shared: key → position in values
        self._values = values

    def __getitem__(self, key: str) -> object:
        return self._values[self._index[key]]

    def get(self, key: str, default: object = None) -> object:
        position = self._index.get(key)
        return default if position is None else self._values[position]

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._values)

    def items(self):
        return dict(zip(self._index, self._values, strict=True)).items()

    def __repr__(self) -> str:
        return f"FieldValues({dict(self.items())!r})"


class _Layouts:
    """The shared key tuple (as an index) of each distinct key order met in one file: a handful per import."""

    def __init__(self) -> None:
        self.known: dict[tuple[str, ...], dict[str, int]] = {}

    def values(self, record: dict[str, object]) -> FieldValues:
        keys = tuple(record)
        index = self.known.get(keys)
        if index is None:
            index = self.known.setdefault(keys, {key: position for position, key in enumerate(keys)})
        return FieldValues(index, tuple(record.values()))


class _SharedValues:
    """One object for equal values across a file's records (codes like "01", the same birth date) and within a row
    (one address in five columns, the guardian's phone as the student's): the normalisers make a new object per cell.
    The file-wide table is bounded; once it is full, values are shared within their row only."""

    LIMIT = 50_000

    def __init__(self) -> None:
        self.seen: dict[object, object] = {}

    def __call__(self, value: object, row: dict[object, object]) -> object:
        kind = type(value)
        if kind is str or kind is date:
            shared = self.seen.get(value)
            if shared is not None:
                return shared
            if len(self.seen) < self.LIMIT:
                self.seen[value] = value
                return value
            return row.setdefault(value, value)
        return value


_NO_PROBLEMS: tuple[CellProblem, ...] = ()  # one shared empty sequence for the clean rows (most of them)


@dataclass(slots=True)
class RowRecord:
    row_number: int
    # student field key → value, for every student column the file has (None: empty or wrong)
    values: Mapping[str, object]
    # family field key → value per member, in the file's order; an all-empty member left out; fields the file has
    # no column for carry the new-student defaults (关系 父亲/母亲, 是否监护人 …) the record was checked with
    family: tuple[Mapping[str, object], ...]
    school_code: str | None
    class_label: str | None
    problems: Sequence[CellProblem]


@dataclass(slots=True)
class HeaderMapping:
    columns: list[ColumnSpec | None]  # aligned with the headers; None: a column the import ignores
    unknown: list[str]  # headers that name no template column
    missing_required: list[str]  # without them no row can become a student
    missing_optional: list[str] = field(default_factory=list)  # template-required columns the file lacks
    duplicates: list[str] = field(default_factory=list)  # a second column for the same field: ignored

    @property
    def usable(self) -> bool:
        return not self.missing_required


def check_header_mapping(headers: Sequence[object], spec: TemplateSpec) -> HeaderMapping:
    """Match headers to the template by name and alias; a field named twice keeps its first column."""
    columns: list[ColumnSpec | None] = []
    unknown: list[str] = []
    duplicates: list[str] = []
    seen: set[str] = set()
    for header in headers:
        text = "" if header is None else str(header).strip()
        column = spec.column_for_header(text) if text else None
        if column is None:
            if text:
                unknown.append(text)
        elif column.field in seen:
            duplicates.append(text)
            column = None
        else:
            seen.add(column.field)
        columns.append(column)
    by_field = {c.field: c for c in spec.columns}
    missing_required = [by_field[f].header for f in _ESSENTIAL if f in by_field and f not in seen]
    if not seen.intersection(_ID_FIELDS) and "id_number" in by_field:
        missing_required.append(by_field["id_number"].header)
    essential = {*_ESSENTIAL, *_ID_FIELDS}
    missing_optional = [
        c.header for c in spec.columns if c.required and c.field not in seen and c.field not in essential
    ]
    return HeaderMapping(columns, unknown, missing_required, missing_optional, duplicates)


@dataclass(slots=True)
class _Plan:
    """What read_row needs to know about a column list, worked out once per list."""

    columns: tuple[ColumnSpec | None, ...]  # kept so the ids in the cache key stay valid
    # (cell index, field, key in its record, record: 0 student / -1 school code and class / N member N,
    #  blank is an error, header, normaliser)
    cells: list[tuple[int, str, str, int, bool, str, Normaliser]]
    index_of: dict[str, int]  # column.field → cell index
    members: list[int]  # family member numbers with at least one column
    student_defaults: dict[str, object]
    member_defaults: dict[int, dict[str, object]]
    layouts: _Layouts = field(default_factory=_Layouts)
    shared: _SharedValues = field(default_factory=_SharedValues)


_PLANS: dict[tuple[int, ...], _Plan] = {}


def _plan_for(columns: Sequence[ColumnSpec | None]) -> _Plan:
    key = tuple(map(id, columns))
    plan = _PLANS.get(key)
    if plan is None:
        if len(_PLANS) > 32:
            _PLANS.clear()
        plan = _PLANS[key] = _make_plan(tuple(columns))
    return plan


def _make_plan(columns: tuple[ColumnSpec | None, ...]) -> _Plan:
    mapped = [(i, c) for i, c in enumerate(columns) if c is not None]
    cells = [
        (
            i,
            c.field,
            c.field_key if c.family_index else c.field,
            c.family_index or (-1 if c.field in _OWN_COLUMNS else 0),
            c.required and c.field not in _NOT_REQUIRED_ON_IMPORT,
            c.header,
            normaliser_for(c),
        )
        for i, c in mapped
    ]
    index_of = {c.field: i for i, c in mapped}
    members = sorted({c.family_index for _, c in mapped if c.family_index is not None})
    default_values, default_family = new_student_defaults()
    student_defaults = {k: v for k, v in default_values.items() if k not in index_of}
    member_defaults = {
        n: {k: v for k, v in default_family[n - 1].items() if f"family.{n}.{k}" not in index_of}
        if n <= len(default_family)
        else {}
        for n in members
    }
    return _Plan(columns, cells, index_of, members, student_defaults, member_defaults)


class RowReader:
    """read_row for the rows of one file: the column plan worked out once, and equal values shared between its rows
    (a fresh reader per file, so nothing of one file is kept for the next)."""

    def __init__(self, columns: Sequence[ColumnSpec | None]) -> None:
        self.plan = _make_plan(tuple(columns))

    def __call__(self, row_number: int, cells: Sequence[object]) -> RowRecord:
        return _read(self.plan, row_number, cells)


def read_row(row_number: int, cells: Sequence[object], columns: Sequence[ColumnSpec | None]) -> RowRecord:
    """Normalise every mapped cell, check the record as a whole, and put each problem on its column."""
    return _read(_plan_for(columns), row_number, cells)


def _read(plan: _Plan, row_number: int, cells: Sequence[object]) -> RowRecord:
    share, in_row = plan.shared, {}
    values: dict[str, object] = {}
    own: dict[str, Any] = {}
    records: dict[int, dict[str, object]] = {0: values, -1: own}
    for member in plan.members:
        records[member] = {}
    filled: set[int] = set()  # members with at least one cell
    problems: list[CellProblem] = []
    bad: set[str] = set()  # fields already reported
    blank_required: list[tuple[int, str, int, str]] = []
    count = len(cells)
    for index, field_name, key, record_of, must_fill, header, normalise in plan.cells:
        raw = cells[index] if index < count else None
        if raw is None or raw == "":
            value = message = None
        else:
            value, message, hint = normalise(raw)
            value = share(value, in_row)
            if message is not None:
                problems.append(CellProblem(row_number, header, shown(raw), message, hint or "", index))
                bad.add(field_name)
            if record_of > 0 and (value is not None or message is not None):
                filled.add(record_of)
        records[record_of][key] = value
        if must_fill and value is None and message is None:
            blank_required.append((index, field_name, record_of, header))
    born = values.get("birth_date")
    if type(born) is BirthMonth:  # 「2020.08」: the day comes from the ID number, when it agrees
        id_type = values.get("id_type", plan.student_defaults.get("id_type"))
        settled, message, hint = settle_birth_month(born, id_type, values.get("id_number"))
        values["birth_date"] = settled
        if settled is None:
            index = plan.index_of["birth_date"]
            header = plan.columns[index].header  # type: ignore[union-attr]
            problems.append(CellProblem(row_number, header, shown(cells[index]), message, hint, index))
            bad.add("birth_date")
    for index, field_name, record_of, header in blank_required:
        if record_of <= 0 or record_of in filled:
            problems.append(CellProblem(row_number, header, "", "必填", f"请填写{header}", index))
            bad.add(field_name)
    present = [n for n in plan.members if n in filled]
    family = [{**plan.member_defaults[n], **records[n]} for n in present]
    found = check_student({**plan.student_defaults, **values}, family, region_exists=region_table().exists)
    for problem in found:
        placed = _place(problem, plan, present, bad, cells)
        if placed is not None:
            index, header, shown_value, message, hint = placed
            problems.append(CellProblem(row_number, header, shown_value, message, hint, index))
    layouts = plan.layouts
    return RowRecord(
        row_number,
        layouts.values(values),
        tuple(layouts.values(member) for member in family),
        own.get("school_code"),
        own.get("class_number"),
        problems or _NO_PROBLEMS,
    )


def _place(
    problem: FieldProblem, plan: _Plan, present: list[int], bad: set[str], cells: Sequence[object]
) -> tuple[int, str, str, str, str] | None:
    """(cell index, header, value, message, hint) for a record-level problem, on the column to fix; None when that
    column's cell is already reported, or when the file has no column the clerk could fix it in."""
    message = problem.message
    target = problem.field
    if target in ("birth_date", "gender") and "身份证件号" in message:  # the number disagrees with the record
        if bad.intersection(("id_number", target)):
            return None
        target = "id_number"
        hint = f"请以户口簿为准，核对身份证件号和{'出生日期' if problem.field == 'birth_date' else '性别'}"
    elif target == "family":
        if not plan.members:
            return None  # no family columns: the members are entered during the enrolment steps
        guardians = [f"family.{n}.is_guardian" for n in plan.members]
        if bad.intersection(guardians):
            return None
        if present:
            target = next((f for f in guardians if f in plan.index_of), f"family.{plan.members[0]}.name")
            hint = "请在“成员1是否监护人”或“成员2是否监护人”中至少填一个“是”"
        else:
            target, message = f"family.{plan.members[0]}.name", "没有填写家庭成员"
            hint = "请至少填写一位家庭成员的姓名、关系、现住址、联系电话和是否监护人"
    else:
        if target.startswith("family."):  # check_student counts the members given; the file numbers its own
            position = int(target.split(".")[1])
            member = present[position - 1]
            target = f"family.{member}.{target.rsplit('.', 1)[1]}"
            message = message.replace(f"家庭成员{position}", f"家庭成员{member}", 1)
        if target in bad:
            return None
        hint = _hint(problem)
    index = plan.index_of.get(target)
    if index is None:
        index = _fallback_index(target, plan)
    if index is None:
        return None
    column = plan.columns[index]
    assert column is not None
    return index, column.header, shown(cells[index] if index < len(cells) else None), message, hint


def _fallback_index(target: str, plan: _Plan) -> int | None:
    """A field the file has no column for: the column that decides it (证件类型 for a missing 证件号), else the
    member's or the student's first column, so no problem goes unreported."""
    related = {"id_number": "id_type"}.get(target)
    if related in plan.index_of:
        return plan.index_of[related]
    if target.startswith("family."):
        prefix = target.rsplit(".", 1)[0] + "."
        return next((i for f, i in plan.index_of.items() if f.startswith(prefix)), None)
    if "name" in plan.index_of:
        return plan.index_of["name"]
    return next((i for f, i in plan.index_of.items() if not f.startswith("family.")), None)


def _hint(problem: FieldProblem) -> str:
    message = problem.message
    if "不能为空" in message:
        return f"请填写{problem.label}"
    if "校验位" in message or "应为18位" in message or "只能是数字" in message:
        return "请对照户口簿逐位核对身份证件号"
    if "不存在" in message:
        return "请对照户口簿核对身份证件号中的出生日期（第7～14位）"
    if "不合常理" in message:
        return "请核对出生日期的年份"
    if "太长" in message:
        return "请删减字数"
    return "请核对后改正"
