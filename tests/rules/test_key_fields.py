"""rules.key_fields: which fields the clerk may change by hand — key fields of an established record only through
信息变更 (R14.1), nothing after graduation (R14.2), the 学籍号 set once (R10.4) — and which procedures need an
established record (R10.3)."""

from __future__ import annotations

import json

import pytest

from xueji_desktop.reference.resources import resource_path
from xueji_desktop.reference.student_fields import FIELDS_BY_KEY, STUDENT_FIELDS
from xueji_desktop.rules.key_fields import (
    KEY_FIELDS_FILE,
    WITHOUT_ESTABLISHED_RECORD,
    check_edit,
    check_procedure_record,
    is_established,
    key_fields,
    locked_fields,
)

APPROVED, ENTERED = "审核通过", "已录入系统"
NSID = "G140406201903140011"


def test_the_key_fields_are_data_with_their_source():
    data = json.loads(resource_path(*KEY_FIELDS_FILE).read_text(encoding="utf-8"))
    assert "第十四条" in data["说明"] and data["source"]
    for entry in data["fields"]:
        assert FIELDS_BY_KEY[entry["key"]].label == entry["label"]  # the label matches the record's field
    assert key_fields() == (
        "name",
        "gender",
        "birth_date",
        "ethnicity",
        "nationality",
        "id_type",
        "id_number",
        "overseas_status",
    )
    assert "national_student_id" not in key_fields()  # set once (R10.4), not changed through 信息变更 either


@pytest.mark.parametrize(
    ("step", "nsid", "established"),
    [
        (APPROVED, None, True),  # R10.3 ended
        (None, None, True),  # a formal record before the app knew the student, or transferred in
        (ENTERED, NSID, True),  # the national system gave a 学籍号
        (ENTERED, None, False),
        ("信息表已下发", "", False),
    ],
)
def test_when_a_record_is_established(step, nsid, established):
    assert is_established(step, nsid) is established


def test_r14_1_key_field_of_an_established_record_is_blocked():
    [finding] = check_edit("在读", APPROVED, None, ["name", "phone"])
    assert finding.rule_id == "R14.1" and finding.blocks
    assert "姓名" in finding.message and "信息变更" in finding.message and "第十四条" in finding.text
    assert "联系电话" not in finding.message
    [by_nsid] = check_edit("在读", ENTERED, NSID, ["gender", "ethnicity"])
    assert by_nsid.rule_id == "R14.1" and "性别、民族" in by_nsid.message


def test_r14_1_passes_other_fields_and_records_still_being_established():
    assert check_edit("在读", APPROVED, None, ["phone", "current_address"], family_changed=True) == []
    assert check_edit("在读", ENTERED, None, ["name", "id_number", "birth_date"]) == []


def test_r14_2_after_graduation_nothing_changes():
    for status in ("毕业", "结业", "肄业"):
        [finding] = check_edit(status, None, NSID, ["phone"])
        assert finding.rule_id == "R14.2" and finding.blocks and status in finding.message
        [family] = check_edit(status, None, None, [], family_changed=True)
        assert family.rule_id == "R14.2"
        assert locked_fields(status, None, None) == {spec.key for spec in STUDENT_FIELDS}


def test_r14_2_passes_a_graduate_saved_unchanged_and_a_student_who_left_otherwise():
    assert check_edit("毕业", None, NSID, []) == []
    assert check_edit("转出", None, None, ["phone"]) == []  # 第十四条 closes a graduate's record only
    assert "phone" not in locked_fields("转出", None, None)


def test_r10_4_national_student_id_set_once():
    [finding] = check_edit("在读", ENTERED, NSID, ["national_student_id"])
    assert finding.rule_id == "R10.4" and finding.blocks and "第十条" in finding.text
    assert check_edit("在读", ENTERED, None, ["national_student_id"]) == []  # given the first time: fine
    assert "national_student_id" in locked_fields("在读", ENTERED, NSID)
    assert "national_student_id" not in locked_fields("在读", APPROVED, None)


def test_locked_fields_follow_establishment():
    assert locked_fields("在读", ENTERED, None) == frozenset()
    assert locked_fields("在读", APPROVED, None) == set(key_fields())
    assert locked_fields("休学", None, NSID) == {*key_fields(), "national_student_id"}


def test_r10_3_procedures_need_an_established_record():
    [finding] = check_procedure_record("suspension", "休学", ENTERED, None)
    assert finding.rule_id == "R10.3" and finding.blocks
    assert "学籍尚未建立" in finding.message and ENTERED in finding.message and "休学" in finding.message
    assert "第十条" in finding.text


def test_r10_3_passes_established_records_and_the_kinds_that_need_none():
    assert check_procedure_record("suspension", "休学", APPROVED, None) == []
    assert check_procedure_record("transfer_out", "转出", ENTERED, NSID) == []
    assert set(WITHOUT_ESTABLISHED_RECORD) == {"transfer_in", "death"}
    assert check_procedure_record("death", "死亡", ENTERED, None) == []
