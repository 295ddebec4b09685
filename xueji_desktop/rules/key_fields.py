"""Which of a student's fields the clerk may still change by hand (第十四条, 第十条).

Once the electronic record is established — R10.3's steps ended in 审核通过, or the record was formal before the app
knew the student (no step), or the national system has given a 学籍号 — its key fields (the list is data:
resources/reference/key_fields.json, with its source) change only through 信息变更: the guardian's request with
proof, the authority's approval, then the new value (R14.1). After 毕业/结业/肄业 nothing changes at all (R14.2), and
the 学籍号 is set once and never changed (R10.4). Procedures other than enrolment need an established record too.

Pure: facts in, findings out; the dialog, the service that saves a student and the procedures all ask here.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from functools import cache

from xueji_desktop.models.statuses import EnrolmentStep
from xueji_desktop.reference.resources import resource_path
from xueji_desktop.reference.student_fields import FIELDS_BY_KEY, STUDENT_FIELDS
from xueji_desktop.rules.findings import Finding, block
from xueji_desktop.rules.information_change import LEFT_AT_THE_END, NEVER_CHANGED

KEY_FIELDS_FILE = ("reference", "key_fields.json")

# Procedure kinds a student without an established record may go through, and why (R10.3):
# - 转入 creates the student here: his record is the sending school's, established there;
# - 死亡 is reported whatever the record's state: the child leaves the roster and R10.1's 30 days stop counting —
#   there is nothing to wait for, and no other way to take a student still being enrolled off the roster.
# Every other kind (转出, 休学, 延长休学, 复学, 退学, 自动退学, 辍学, 信息变更, 恢复学籍) changes a record in the national
# system, which does not exist yet: the clerk finishes 建立学籍 first (before it, a wrong name is simply corrected
# in the student dialog, no 信息变更 needed).
WITHOUT_ESTABLISHED_RECORD = {
    "transfer_in": "转入的学生由本校新建，其学籍已在原学校建立",
    "death": "死亡须在10个工作日内报告，与学籍是否建立无关",
}


@cache
def key_fields() -> tuple[str, ...]:
    """The keys (reference/student_fields.py) of the key fields, in the record's order, from key_fields.json."""
    data = json.loads(resource_path(*KEY_FIELDS_FILE).read_text(encoding="utf-8"))
    listed = [entry["key"] for entry in data["fields"]]
    unknown = [key for key in listed if key not in FIELDS_BY_KEY]
    if unknown:
        raise ValueError(f"key_fields.json names fields the record does not have: {', '.join(unknown)}")
    return tuple(spec.key for spec in STUDENT_FIELDS if spec.key in listed)


def is_established(enrolment_step: str | None, national_student_id: str | None) -> bool:
    """The electronic record exists (R10.3 ended): 审核通过, no step at all (a record formal before the app knew
    the student, or one transferred in), or a 学籍号 given by the national system."""
    return bool(national_student_id) or enrolment_step in (None, EnrolmentStep.APPROVED.value)


def is_final(status: str) -> bool:
    """毕业, 结业, 肄业: the record is closed for good (R14.2)."""
    return status in LEFT_AT_THE_END


def locked_fields(status: str, enrolment_step: str | None, national_student_id: str | None) -> frozenset[str]:
    """The student fields the clerk may not edit by hand: all of them after graduation (R14.2); the key fields once
    the record is established (R14.1); the 学籍号 once set (R10.4)."""
    if is_final(status):
        return frozenset(spec.key for spec in STUDENT_FIELDS)
    locked: set[str] = set()
    if is_established(enrolment_step, national_student_id):
        locked.update(key_fields())
    if national_student_id:
        locked.update(NEVER_CHANGED)
    return frozenset(locked)


def check_edit(
    status: str,
    enrolment_step: str | None,
    national_student_id: str | None,
    changed: Collection[str],
    *,
    family_changed: bool = False,
) -> list[Finding]:
    """What saving these changed fields (keys) of a student by hand would break: anything after graduation
    (R14.2), the 学籍号 once set (R10.4), a key field of an established record (R14.1)."""
    if is_final(status):
        if changed or family_changed:
            return [block("R14.2", f"学生已{status}，其原学籍信息不得修改")]
        return []
    found = []
    if national_student_id and any(key in NEVER_CHANGED for key in changed):
        found.append(block("R10.4", f"学籍号 {national_student_id} 由全国系统生成，终身不变，不能修改"))
    keys = [key for key in key_fields() if key in changed]
    if keys and is_established(enrolment_step, national_student_id):
        labels = "、".join(FIELDS_BY_KEY[key].label for key in keys)
        found.append(
            block(
                "R14.1",
                f"学籍已建立，{labels}是关键信息，须由监护人凭《居民户口簿》等证明申请，"
                "办理“信息变更”并经学籍管理部门核准后才能修改",
            )
        )
    return found


def check_procedure_record(
    kind_code: str, kind_label: str, enrolment_step: str | None, national_student_id: str | None
) -> list[Finding]:
    """R10.3: a procedure other than 建立学籍 needs the student's record established (except the kinds of
    WITHOUT_ESTABLISHED_RECORD)."""
    if kind_code in WITHOUT_ESTABLISHED_RECORD or is_established(enrolment_step, national_student_id):
        return []
    return [
        block(
            "R10.3",
            f"该学生的学籍尚未建立（建立学籍进行到“{enrolment_step}”），不能办理{kind_label}；"
            "请先完成建立学籍（审核通过或取得学籍号）",
        )
    ]
