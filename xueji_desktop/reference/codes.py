"""Code tables of the national student record (民族, 身份证件类型 …), loaded once from resources/codes/*.csv.

The same table feeds the drop-downs of the detail dialog and the validation of imports, so a value the screen offers
is always a value the checks accept.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from xueji_desktop.reference.resources import resource_path


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    name: str
    # the upload template's wording where it differs from the name (入学方式 12: 义务教育阶段其他)
    label: str = ""


@dataclass(frozen=True, slots=True)
class CodeTable:
    key: str
    title: str
    codes: tuple[Code, ...]

    def name_of(self, code: str | None) -> str:
        """The display name of a code; the code itself when unknown (never hides a stored value)."""
        if code is None or code == "":
            return ""
        for item in self.codes:
            if item.code == code:
                return item.name
        return code

    def code_of(self, value: str | None) -> str | None:
        """Accept either the code or the name (as clerks and spreadsheets write both); None when neither."""
        if value is None:
            return None
        text = value.strip()
        for item in self.codes:
            if text == item.code or text == item.name:
                return item.code
        return None


# key -> (file in resources/codes, 中文 title, codes to leave out of the drop-down)
_TABLES: dict[str, tuple[str, str, frozenset[str]]] = {
    "gender": ("xb.csv", "性别", frozenset({"0", "9"})),
    "ethnicity": ("minzu.csv", "民族", frozenset()),
    "id_type": ("sfzjlx.csv", "身份证件类型", frozenset()),
    "overseas_status": ("gatqw.csv", "港澳台侨外", frozenset()),
    "health": ("jkzk.csv", "健康状况", frozenset()),
    "hukou_type": ("hkxz.csv", "户口性质", frozenset()),
    "political_status": ("zzmm.csv", "政治面貌", frozenset()),
    "relation": ("jtgx.csv", "家庭成员关系", frozenset()),
    "admission_method": ("rxfs.csv", "入学方式", frozenset()),
    "attendance_mode": ("jdfs.csv", "就读方式", frozenset()),
    "student_source": ("xsly.csv", "学生来源", frozenset()),
    "inclusive_education": ("sbjd.csv", "随班就读", frozenset()),
    "disability_type": ("cjlx.csv", "残疾类型", frozenset()),
    "commute_mode": ("sxxfs.csv", "上下学方式", frozenset()),
    "left_behind": ("lset.csv", "是否留守儿童", frozenset()),
    "blood_type": ("xx_blood.csv", "血型", frozenset()),
    "nationality": ("gjdq.csv", "国籍/地区", frozenset()),
    "yes_no": ("sf.csv", "是否", frozenset()),
}


@cache
def code_table(key: str) -> CodeTable:
    file_name, title, hidden = _TABLES[key]
    with resource_path("codes", file_name).open(encoding="utf-8-sig", newline="") as handle:
        rows = [
            Code(
                row["code"].strip() or row["name"].strip(),
                row["name"].strip(),
                (row.get("template_label_variant") or "").strip(),
            )
            for row in csv.DictReader(handle)
            if row["code"].strip() not in hidden and row["name"].strip()
        ]
    if key == "nationality":  # 中国 first: nearly every student is Chinese
        rows.sort(key=lambda c: c.code != "CHN")
    return CodeTable(key, title, tuple(rows))


def table_keys() -> tuple[str, ...]:
    return tuple(_TABLES)
