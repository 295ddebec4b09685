"""Every field of the national basic-information record (学生基础信息), grouped as the provincial system groups them.

One list drives the detail dialog's widgets, the audit's field names and (later) the upload template's headers, so a
field is named the same everywhere. Labels are the template's column headers (shared/data/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class FieldKind(StrEnum):
    TEXT = "text"
    DATE = "date"
    MONTH = "month"  # YYYY-MM, e.g. 入学年月
    CODE = "code"  # a value of a code table (reference.codes)
    BOOL = "bool"  # 是 / 否 / not filled
    REGION = "region"  # six-digit GB/T 2260 code


@dataclass(frozen=True, slots=True)
class FieldSpec:
    key: str
    label: str
    group: str
    kind: FieldKind = FieldKind.TEXT
    table: str | None = None
    required: bool = False
    max_length: int = 100


GROUPS = ("基本信息", "学籍信息", "联系信息", "扩展信息", "交通方式", "户口信息")

_T, _D, _M, _C, _B, _R = (
    FieldKind.TEXT,
    FieldKind.DATE,
    FieldKind.MONTH,
    FieldKind.CODE,
    FieldKind.BOOL,
    FieldKind.REGION,
)

STUDENT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", "姓名", "基本信息", _T, required=True, max_length=50),
    FieldSpec("gender", "性别", "基本信息", _C, "gender", required=True),
    FieldSpec("birth_date", "出生日期", "基本信息", _D, required=True),
    FieldSpec("birthplace_region", "出生地行政区划代码", "基本信息", _R),
    FieldSpec("native_place", "籍贯", "基本信息", _R),
    FieldSpec("ethnicity", "民族", "基本信息", _C, "ethnicity", required=True),
    FieldSpec("nationality", "国籍/地区", "基本信息", _C, "nationality", required=True),
    FieldSpec("id_type", "身份证件类型", "基本信息", _C, "id_type", required=True),
    FieldSpec("id_number", "身份证件号", "基本信息", _T, max_length=30),
    FieldSpec("overseas_status", "港澳台侨外", "基本信息", _C, "overseas_status"),
    FieldSpec("political_status", "政治面貌", "基本信息", _C, "political_status"),
    FieldSpec("health", "健康状况", "基本信息", _C, "health"),
    FieldSpec("name_pinyin", "姓名拼音", "基本信息", _T),
    FieldSpec("former_name", "曾用名", "基本信息", _T, max_length=50),
    FieldSpec("id_valid_until", "身份证件有效期", "基本信息", _T, max_length=30),
    FieldSpec("blood_type", "血型", "基本信息", _C, "blood_type"),
    FieldSpec("specialty", "特长", "基本信息", _T),
    FieldSpec("national_student_id", "学籍号", "学籍信息", _T, max_length=30),
    FieldSpec("aux_student_id", "学籍辅号", "学籍信息", _T, max_length=30),
    FieldSpec("school_number", "学号", "学籍信息", _T, max_length=30),
    FieldSpec("seat_number", "班内学号", "学籍信息", _T, max_length=10),
    FieldSpec("entry_month", "入学年月", "学籍信息", _M, required=True),
    FieldSpec("admission_method", "入学方式", "学籍信息", _C, "admission_method"),
    FieldSpec("attendance_mode", "就读方式", "学籍信息", _C, "attendance_mode"),
    FieldSpec("student_source", "学生来源", "学籍信息", _C, "student_source"),
    FieldSpec("current_address", "现住址", "联系信息", _T, max_length=200),
    FieldSpec("mailing_address", "通信地址", "联系信息", _T, max_length=200),
    FieldSpec("home_address", "家庭地址", "联系信息", _T, max_length=200),
    FieldSpec("phone", "联系电话", "联系信息", _T, max_length=30),
    FieldSpec("postcode", "邮政编码", "联系信息", _T, max_length=6),
    FieldSpec("email", "电子信箱", "联系信息", _T),
    FieldSpec("homepage", "主页地址", "联系信息", _T, max_length=200),
    FieldSpec("only_child", "是否独生子女", "扩展信息", _B),
    FieldSpec("preschool", "是否受过学前教育", "扩展信息", _B),
    FieldSpec("left_behind", "是否留守儿童", "扩展信息", _C, "left_behind"),
    FieldSpec("migrant_child", "是否进城务工人员随迁子女", "扩展信息", _B),
    FieldSpec("orphan", "是否孤儿", "扩展信息", _B),
    FieldSpec("martyr_child", "是否烈士或优抚子女", "扩展信息", _B),
    FieldSpec("inclusive_education", "随班就读", "扩展信息", _C, "inclusive_education"),
    FieldSpec("disability_type", "残疾类型", "扩展信息", _C, "disability_type"),
    FieldSpec("govt_funded_place", "是否由政府购买学位", "扩展信息", _B),
    FieldSpec("needs_aid", "是否需要申请资助", "扩展信息", _B),
    FieldSpec("one_subsidy", "是否享受一补", "扩展信息", _B),
    FieldSpec("commute_distance", "上下学距离", "交通方式", _T, max_length=10),
    FieldSpec("commute_mode", "上下学方式", "交通方式", _C, "commute_mode"),
    FieldSpec("needs_school_bus", "是否需要乘坐校车", "交通方式", _B),
    FieldSpec("hukou_region", "户口所在地行政区划", "户口信息", _R),
    FieldSpec("hukou_type", "户口性质", "户口信息", _C, "hukou_type"),
)

FAMILY_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", "姓名", "家庭成员", _T, required=True, max_length=50),
    FieldSpec("relation", "关系", "家庭成员", _C, "relation", required=True),
    FieldSpec("relation_note", "关系说明", "家庭成员", _T),
    FieldSpec("address", "现住址", "家庭成员", _T, max_length=200),
    FieldSpec("hukou_region", "户口所在地行政区划", "家庭成员", _R),
    FieldSpec("phone", "联系电话", "家庭成员", _T, max_length=30),
    FieldSpec("is_guardian", "是否监护人", "家庭成员", _B, required=True),
    FieldSpec("id_type", "身份证件类型", "家庭成员", _C, "id_type"),
    FieldSpec("id_number", "身份证件号", "家庭成员", _T, max_length=30),
    FieldSpec("ethnicity", "民族", "家庭成员", _C, "ethnicity"),
    FieldSpec("employer", "工作单位", "家庭成员", _T, max_length=200),
    FieldSpec("position", "职务", "家庭成员", _T),
)

FIELDS_BY_KEY = {spec.key: spec for spec in STUDENT_FIELDS}
FAMILY_FIELDS_BY_KEY = {spec.key: spec for spec in FAMILY_FIELDS}


def new_student_defaults(today: date | None = None) -> tuple[dict[str, object], list[dict[str, object]]]:
    """The values nearly every new student has (中国, 汉族, 居民身份证, 走读 …) and the usual two family members
    (father the guardian, mother) — for the add-student dialog and for the fields an imported file lacks."""
    today = today or date.today()
    values: dict[str, object] = {
        "nationality": "CHN",
        "ethnicity": "01",
        "id_type": "1",
        "overseas_status": "00",
        "health": "10",
        "entry_month": f"{today.year}-09" if today.month >= 8 else f"{today.year - 1}-09",
        "attendance_mode": "1",
        "student_source": "1",
        "admission_method": "11",
    }
    family: list[dict[str, object]] = [
        {"relation": "1", "is_guardian": True, "id_type": "1", "ethnicity": "01"},
        {"relation": "2", "is_guardian": False, "id_type": "1", "ethnicity": "01"},
    ]
    return values, family
