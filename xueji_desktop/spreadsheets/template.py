"""Upload/import template specs (resources/templates/*.json): sheet name, limits, and each column's header, field,
value form and aliases. Data, not code: a clerk's corrected template needs no new release (shared/data/README.md).

Field names: a student field key (reference.student_fields), "family.N.key" for 家庭成员N, or one of the template's
own columns "school_code" (学校标识码) and "class_number" (班号).
Value forms: text, name (code-table name), yes_no (是/否), yyyymmdd, yyyymm, region12 (12-digit code), region_name.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from xueji_desktop.reference.resources import resource_path


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    header: str
    field: str
    form: str
    required: bool
    aliases: tuple[str, ...] = ()

    @property
    def family_index(self) -> int | None:
        """1 or 2 for 家庭成员 columns, None for the student's own."""
        return int(self.field.split(".")[1]) if self.field.startswith("family.") else None

    @property
    def field_key(self) -> str:
        """The key within its record: "name" for both 姓名 and 成员1姓名."""
        return self.field.rsplit(".", 1)[-1]


@dataclass(frozen=True, slots=True)
class TemplateSpec:
    key: str
    title: str
    sheet_name: str
    header_rows: int
    max_rows_per_sheet: int
    max_sheets_per_file: int
    columns: tuple[ColumnSpec, ...]

    def column_for_header(self, header: str) -> ColumnSpec | None:
        """The column a header names, by its own name or an alias, ignoring spaces, width, ★ and line breaks."""
        return self._by_header().get(header_key(header))

    @cache  # noqa: B019 - specs are few and live for the whole run
    def _by_header(self) -> dict[str, ColumnSpec]:
        index: dict[str, ColumnSpec] = {}
        for column in self.columns:
            for name in (column.header, *column.aliases):
                index.setdefault(header_key(name), column)
        return index


_NOISE = re.compile(r"[\s*★☆※:：()（）]|必填|\(必填\)")


def header_key(header: object) -> str:
    """出生日期, 「出生日期 *」, 「出生日期（必填）」 and full-width variants all give the same key."""
    text = unicodedata.normalize("NFKC", str(header or ""))
    return _NOISE.sub("", text).lower()


@cache
def load_template(key: str) -> TemplateSpec:
    data = json.loads(resource_path("templates", f"{key}.json").read_text(encoding="utf-8"))
    columns = tuple(
        ColumnSpec(c["header"], c["field"], c["form"], bool(c.get("required")), tuple(c.get("aliases", ())))
        for c in data["columns"]
    )
    return TemplateSpec(
        data["key"],
        data["title"],
        data["sheet_name"],
        int(data.get("header_rows", 1)),
        int(data["max_rows_per_sheet"]),
        int(data["max_sheets_per_file"]),
        columns,
    )
