"""services.students: adding a student by hand and saving edits — R13.1 duplicates, R12.1 class size, R10.4 学籍号,
and the audit entry each write leaves."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import add_student, id_number, student_form
from xueji_desktop.models import AuditEvent, Student
from xueji_desktop.rules import RuleViolation
from xueji_desktop.services.roster import class_tree
from xueji_desktop.services.students import (
    InvalidRecord,
    create_student,
    load_form,
    update_student,
)


def _class_id(store, grade_level=1, number=1):
    grade = next(g for g in class_tree(store) if g.level == grade_level)
    return next(c.id for c in grade.classes if c.number == number)


def _set_status(store, student_id, status):
    with store.transaction() as session:
        session.get(Student, student_id).status = status


def _being_enrolled(store, student_id):
    """The student's record still being established (R10.3 at 已录入系统): his key fields may still be corrected by
    hand (R14.1 applies once it is established; tests/services/test_key_fields.py)."""
    with store.transaction() as session:
        session.get(Student, student_id).enrolment_step = "已录入系统"


def test_create_student_stores_the_record_family_and_search_keys(school):
    class_id = _class_id(school)
    form = student_form(class_id, name="张三", birth=date(2019, 3, 14), gender="1")
    number = form.values["id_number"]
    form.values["id_number"] = "".join(chr(ord(c) + 0xFEE0) for c in number)  # typed in full width
    student_id = create_student(school, form)
    with school.read() as session:
        student = session.get(Student, student_id)
        assert student.name == "张三"
        assert student.id_number == number
        assert student.status == "在读"
        assert student.school_class_id == class_id
        assert (student.pinyin_key, student.initials_key) == ("zhangsan", "zs")
        assert student.name_pinyin == "ZHANG SAN"
        assert [(m.name, m.is_guardian, m.position_in_list) for m in student.family_members] == [
            ("张建军", True, 1),
            ("王丽", False, 2),
        ]
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "student.create")).one()
        assert event.entity_id == student_id
        assert json.loads(event.changes)["姓名"] == [None, "张三"]


def test_invalid_record_is_refused_with_every_problem_and_nothing_written(school):
    form = student_form(_class_id(school))
    number = form.values["id_number"]
    form.values.update(name="  ", id_number=number[:-1] + ("1" if number[-1] == "0" else "0"))
    with pytest.raises(InvalidRecord) as caught:
        create_student(school, form)
    fields = {p.field for p in caught.value.problems}
    assert {"name", "id_number"} <= fields
    with school.read() as session:
        assert session.scalar(select(Student.id)) is None


def test_r13_1_duplicate_id_number_is_refused_even_if_confirmed(school):
    """R13.1: the same 身份证件号 is the same person — a second record is blocked."""
    first = add_student(school, _class_id(school), name="李四", birth=date(2019, 6, 1), gender="2")
    with school.read() as session:
        number = session.get(Student, first).id_number
    with pytest.raises(RuleViolation) as caught:
        add_student(
            school,
            _class_id(school, 1, 2),
            name="李思",
            birth=date(2019, 6, 1),
            gender="2",
            number=number,
            confirmed=True,
        )
    assert caught.value.blocking
    [finding] = caught.value.findings
    assert finding.rule_id == "R13.1"
    assert "第十三条" in finding.text and "李四" in finding.text


@pytest.mark.parametrize("status", ["转出", "毕业", "退学"])
def test_r13_1_students_who_have_left_count_as_duplicates(school, status):
    """R13.1: a student who has left (转出/毕业/退学) still owns the ID number."""
    first = add_student(school, _class_id(school), birth=date(2019, 6, 2), gender="1")
    _set_status(school, first, status)
    with school.read() as session:
        number = session.get(Student, first).id_number
    with pytest.raises(RuleViolation) as caught:
        add_student(school, _class_id(school), birth=date(2019, 6, 2), gender="1", number=number)
    assert caught.value.blocking
    assert f"（{status}）" in caught.value.findings[0].message


def test_r13_1_same_name_birth_and_gender_is_a_warning_the_clerk_may_confirm(school):
    """R13.1: same name + birth date + gender with a different ID number is a likely duplicate: warn, then allow."""
    class_id = _class_id(school)
    born = date(2019, 7, 7)
    first = add_student(school, class_id, name="王芳", birth=born, gender="2")
    _set_status(school, first, "转出")  # left the school: still counts
    with pytest.raises(RuleViolation) as caught:
        add_student(school, class_id, name="王芳", birth=born, gender="2")
    [finding] = caught.value.findings
    assert finding.rule_id == "R13.1" and not finding.blocks
    assert "可能是重复学籍" in finding.text and "（转出）" in finding.text
    second = add_student(school, class_id, name="王芳", birth=born, gender="2", confirmed=True)
    assert second != first


def test_r13_1_same_name_other_birth_date_is_no_duplicate(school):
    class_id = _class_id(school)
    add_student(school, class_id, name="赵六", birth=date(2019, 1, 1))
    add_student(school, class_id, name="赵六", birth=date(2019, 1, 2))


def _fill(store, class_id, count, birth=date(2019, 9, 1)):
    for _ in range(count):
        add_student(store, class_id, birth=birth, confirmed=True)


def test_r12_1_create_warns_above_standard_and_refuses_above_maximum(school):
    """R12.1: the 46th pupil of a primary class needs confirmation, the 51st is refused (第十二条)."""
    class_id = _class_id(school, 2, 1)
    _fill(school, class_id, 45)
    with pytest.raises(RuleViolation) as warned:
        add_student(school, class_id)
    assert not warned.value.blocking
    assert "第十二条" in str(warned.value) and "46人" in str(warned.value)
    _fill(school, class_id, 5)  # confirmed: 46 … 50
    with pytest.raises(RuleViolation) as refused:
        add_student(school, class_id, confirmed=True)
    assert refused.value.blocking
    assert "超过班额上限50人" in str(refused.value)
    assert class_tree(school)[1].classes[0].size == 50


def test_r12_1_students_who_left_free_their_place(school):
    """R12.1 counts students in the class (在读/休学) only."""
    class_id = _class_id(school, 3, 1)
    _fill(school, class_id, 45)
    with school.read() as session:
        some = session.scalars(select(Student.id).where(Student.school_class_id == class_id)).first()
    _set_status(school, some, "转出")
    add_student(school, class_id)  # the 45th in the class, no warning


def test_update_student_records_old_and_new_values(school):
    student_id = add_student(school, _class_id(school), name="孙七", birth=date(2019, 2, 2))
    # 姓名 is a key field: editable by hand only before the record is established (R14.1)
    _being_enrolled(school, student_id)
    form = load_form(school, student_id)
    form.values["phone"] = "13912345678"
    form.values["name"] = "孙琪"
    form.family[1]["phone"] = "13700000000"
    changes = update_student(school, student_id, form)
    assert changes["联系电话"] == [None, "13912345678"]
    assert changes["姓名"] == ["孙七", "孙琪"]
    assert "家庭成员" in changes
    reloaded = load_form(school, student_id)
    assert reloaded.values["phone"] == "13912345678"
    assert reloaded.family[1]["phone"] == "13700000000"
    with school.read() as session:
        student = session.get(Student, student_id)
        assert student.initials_key == "sq"
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "student.update")).one()
        assert json.loads(event.changes)["姓名"] == ["孙七", "孙琪"]


def test_update_without_changes_writes_no_audit_entry(school):
    student_id = add_student(school, _class_id(school))
    assert update_student(school, student_id, load_form(school, student_id)) == {}
    with school.read() as session:
        assert session.scalar(select(AuditEvent.id).where(AuditEvent.action == "student.update")) is None


def test_r10_4_national_student_id_can_be_set_once_and_never_changed(school):
    """R10.4: 学籍号 is stored once known; changing or clearing it is refused."""
    student_id = add_student(school, _class_id(school))
    form = load_form(school, student_id)
    form.values["national_student_id"] = "G140406201903140011"
    assert update_student(school, student_id, form)["学籍号"] == [None, "G140406201903140011"]
    for new in ("G140406201903140012", "", None):
        form = load_form(school, student_id)
        form.values["national_student_id"] = new
        with pytest.raises(RuleViolation) as caught:
            update_student(school, student_id, form)
        [finding] = caught.value.findings
        assert finding.rule_id == "R10.4" and finding.blocks
        assert "第十条" in finding.text
    assert load_form(school, student_id).values["national_student_id"] == "G140406201903140011"


def test_r13_1_update_to_another_students_id_number_is_refused(school):
    class_id = _class_id(school)
    born = date(2019, 4, 4)
    add_student(school, class_id, birth=born, number=id_number(born, "1", 401))
    second = add_student(school, class_id, birth=born, number=id_number(born, "1", 402))
    # 身份证件号 is a key field: editable by hand only before the record is established (R14.1)
    _being_enrolled(school, second)
    form = load_form(school, second)
    form.values["id_number"] = id_number(born, "1", 401)
    with pytest.raises(RuleViolation) as caught:
        update_student(school, second, form)
    assert caught.value.blocking and caught.value.findings[0].rule_id == "R13.1"


def test_update_of_a_missing_student_is_a_lookup_error(school):
    with pytest.raises(LookupError):
        update_student(school, 999, student_form())
