"""services.bulk_edit (批量修改): one field to one value for many students — preview old → new, one transaction, one
audit entry per student; values checked as the dialog checks them; key fields of an established record refused
(R14.1, through 信息变更), a graduate's record refused whole (R14.2); suggestions (推断) from the ID number's area code
and from 家庭地址."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, update

from tests.factories import add_graduate, add_student, class_id_of
from xueji_desktop.errors import InvalidInput
from xueji_desktop.models import AuditEvent, Student
from xueji_desktop.rules import RuleViolation
from xueji_desktop.services import audit, bulk_edit

NEW = "信息表已下发"  # a 建籍 step before 审核通过: the record is not established yet


def enrolling(store, ids):
    with store.transaction() as session:
        session.execute(update(Student).where(Student.id.in_(ids)).values(enrolment_step=NEW))
    return ids


@pytest.fixture
def three(school):
    class_id = class_id_of(school, 1)
    return enrolling(
        school,
        [
            add_student(school, class_id, name=f"学生甲{n}", home_address=f"潞城区新华街{n}号")
            for n in range(3)
        ],
    )


def _values(store, key):
    with store.read() as session:
        return [getattr(s, key) for s in session.scalars(select(Student).order_by(Student.id))]


def _updates(store) -> list[tuple[int, dict]]:
    """(student id, changes) of each 修改学生信息 entry, oldest first."""
    with store.read() as session:
        return [
            (e.entity_id, json.loads(e.changes))
            for e in session.scalars(
                select(AuditEvent).where(AuditEvent.action == "student.update").order_by(AuditEvent.id)
            )
        ]


def test_preview_lists_old_and_new_and_commit_writes_one_audit_entry_per_student(school, three):
    spec = bulk_edit.field_of("户口性质")
    plan = bulk_edit.preview(school, spec.key, bulk_edit.parse_value(spec, "非农业户口"), three)
    assert [(r.name, r.old, r.new) for r in plan.rows] == [(f"学生甲{n}", "", "非农业户口") for n in range(3)]
    assert _values(school, "hukou_type") == [None, None, None]  # a preview writes nothing
    assert bulk_edit.commit(school, plan) == 3
    assert _values(school, "hukou_type") == [plan.values[three[0]]] * 3
    events = _updates(school)
    assert [student for student, _ in events] == three
    assert events[0][1] == {"户口性质": [None, plan.values[three[0]]]}
    with school.read() as session:
        assert audit.verify_chain(session) == []


def test_unchanged_students_are_listed_but_not_written(school, three):
    spec = bulk_edit.field_of("民族")
    plan = bulk_edit.preview(school, spec.key, "01", three)  # 汉族 already
    assert plan.changes == 0
    assert {r.note for r in plan.rows} == {"不变"}
    assert bulk_edit.commit(school, plan) == 0
    assert _updates(school) == []


def test_values_are_checked_as_the_dialog_checks_them(school, three):
    with pytest.raises(InvalidInput, match="邮政编码"):
        bulk_edit.preview(school, "postcode", "0475", three)
    with pytest.raises(InvalidInput, match="民族"):
        bulk_edit.parse_value(bulk_edit.field_of("民族"), "火星族")
    with pytest.raises(InvalidInput, match="不是有效的行政区划代码"):
        bulk_edit.preview(school, "hukou_region", "999999", three)
    with pytest.raises(InvalidInput, match="逐个填写"):
        bulk_edit.field_of("姓名")


def test_a_key_field_of_an_established_record_is_refused_R14_1(school):
    class_id = class_id_of(school, 1)
    new, born = enrolling(school, [add_student(school, class_id), add_student(school, class_id)])
    with school.transaction() as session:
        session.get(Student, born).national_student_id = "G140406201903140011"
    formal = add_student(school, class_id)  # no 建籍 step: a record formal before the app knew the student
    with pytest.raises(RuleViolation) as refused:
        bulk_edit.preview(school, "ethnicity", "03", [new, born])
    assert refused.value.findings[0].rule_id == "R14.1"
    assert "信息变更" in refused.value.lines[0] and "第十四条" in refused.value.lines[0]
    # the same field of a record not yet established, and an ordinary field of the established one, are fine
    assert bulk_edit.preview(school, "ethnicity", "03", [new]).changes == 1
    assert bulk_edit.preview(school, "hukou_type", "1", [new, born]).changes == 2
    with pytest.raises(RuleViolation, match="关键字段"):
        bulk_edit.preview(school, "ethnicity", "03", [formal])


def test_a_record_established_after_the_preview_is_refused_at_commit_R14_1(school, three):
    plan = bulk_edit.preview(school, "ethnicity", "03", three)
    with school.transaction() as session:
        session.get(Student, three[1]).enrolment_step = "审核通过"
    with pytest.raises(RuleViolation, match="关键字段"):
        bulk_edit.commit(school, plan)
    assert _values(school, "ethnicity") == ["01", "01", "01"]  # nothing written


def test_a_graduate_record_is_not_modified_R14_2(school):
    graduate = add_graduate(school, class_id_of(school, 1))
    with pytest.raises(RuleViolation) as refused:
        bulk_edit.preview(school, "hukou_type", "1", [graduate])
    assert refused.value.findings[0].rule_id == "R14.2"


def test_regions_are_inferred_from_the_area_code_and_marked(school, three):
    plan = bulk_edit.suggest(school, "户口所在地行政区划", "id_area", three)
    assert {r.note for r in plan.rows} == {bulk_edit.INFERRED}
    assert {r.new for r in plan.rows} == {"140406 山西省长治市潞城区"}
    assert bulk_edit.commit(school, plan) == 3
    assert _values(school, "hukou_region") == ["140406"] * 3
    assert "推断" in _updates(school)[0][1]["方式"][1]
    # a filled value is never replaced by a guess
    again = bulk_edit.suggest(school, "hukou_region", "id_area", three)
    assert again.changes == 0 and {r.note for r in again.rows} == {"已填写，不推断"}


def test_no_area_code_inferred_for_another_document(school):
    other = add_student(school, class_id_of(school, 1), id_type="6", number="H12345678")
    plan = bulk_edit.suggest(school, "birthplace_region", "id_area", [other])
    assert plan.changes == 0 and plan.rows[0].note == "没有可推断的值"


def test_addresses_follow_the_home_address(school, three):
    plan = bulk_edit.suggest(school, "mailing_address", "home_address", three)
    assert [r.new for r in plan.rows] == [f"潞城区新华街{n}号" for n in range(3)]
    assert bulk_edit.suggestions_for("postcode") == []  # no postcode data is shipped


def test_a_class_by_name(school, three):
    assert bulk_edit.class_student_ids(school, "一年级(1)班") == sorted(three)
