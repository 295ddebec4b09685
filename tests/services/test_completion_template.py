"""services.completion_template (补录模板): the workbook for the class teachers — identifying columns locked, only the
upload template's required fields that are missing, code fields as drop-down lists — and taking it back: only those
fields filled, old → new per student, bad cells on the error workbook and nothing written, one transaction with one
audit entry per student, key fields of an established record refused (R14.1)."""

from __future__ import annotations

import json

import openpyxl
import pytest
from sqlalchemy import select, update

from tests.factories import add_student, class_id_of, upload_ready_form
from xueji_desktop.errors import InvalidInput
from xueji_desktop.models import AuditEvent, FamilyMember, Student
from xueji_desktop.services import completion_template as ct
from xueji_desktop.services.students import create_student


@pytest.fixture
def pupils(school):
    class_id = class_id_of(school, 1)
    ids = [add_student(school, class_id, name=name) for name in ("张三", "李四", "王五")]
    with school.transaction() as session:
        session.execute(update(Student).where(Student.id.in_(ids)).values(enrolment_step="信息表已下发"))
    return ids


def _sheet(path):
    book = openpyxl.load_workbook(path)
    return book, book[ct.SHEET]


def _headers(sheet) -> list[str]:
    return [cell.value for cell in sheet[1]]


def _fill(path, values: dict[tuple[int, str], object]) -> None:
    """Type into the workbook as a teacher would: (data row 1…, header) → value."""
    book, sheet = _sheet(path)
    headers = _headers(sheet)
    for (row, header), value in values.items():
        sheet.cell(row + 1, headers.index(header) + 1, value)
    book.save(path)


def test_template_locks_the_identifying_columns_and_offers_code_lists(school, pupils, tmp_path):
    result = ct.write_template(school, tmp_path / "补录.xlsx", pupils)
    book, sheet = _sheet(result.path)
    headers = _headers(sheet)
    assert headers[:5] == list(ct.IDENTIFYING)
    # only required upload columns, and only those someone lacks: 民族 is filled for everybody
    assert "户口性质" in headers and "是否独生子女" in headers and "成员1现住址" in headers
    assert "民族" not in headers and "曾用名" not in headers and "班号" not in headers
    assert sheet.protection.sheet is True
    assert sheet.column_dimensions["A"].hidden
    assert [sheet.cell(r, 2).value for r in (2, 3, 4)] == ["张三", "李四", "王五"]
    assert "*" in sheet.cell(2, 3).value  # the ID number masked: the workbook goes to others
    for column in range(1, 6):
        assert sheet.cell(2, column).protection.locked
    for column in range(6, len(headers) + 1):
        assert not sheet.cell(2, column).protection.locked
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    letter = openpyxl.utils.get_column_letter(headers.index("户口性质") + 1)
    formula = lists[f"{letter}2:{letter}4"]
    assert formula.startswith("'代码'!")
    codes = book[ct.CODES_SHEET]
    assert codes.sheet_state == "hidden"
    named = [c.value for c in codes[formula.split("!")[1].replace("$", "").split(":")[0][0]]][1:]
    assert "非农业户口" in named
    letter = openpyxl.utils.get_column_letter(headers.index("是否独生子女") + 1)
    assert lists[f"{letter}2:{letter}4"] == '"是,否"'


def test_nothing_missing_is_said(school, tmp_path):
    ready = create_student(school, upload_ready_form(class_id_of(school, 1)))
    with pytest.raises(InvalidInput, match="不需要补录"):
        ct.write_template(school, tmp_path / "x.xlsx", [ready])


def test_reimport_fills_only_the_columns_with_a_diff_per_student(school, pupils, tmp_path):
    path = ct.write_template(school, tmp_path / "补录.xlsx", pupils).path
    _fill(
        path,
        {
            (1, "户口性质"): "非农业户口",
            (1, "出生地行政区划代码"): "潞城区",
            (1, "成员1现住址"): "潞华街道新华社区12号",
            (2, "是否独生子女"): "是",
            (1, "姓名"): "张三",  # the locked column as it was
        },
    )
    plan = ct.plan_completion(school, path)
    assert plan.ok
    assert [u.name for u in plan.updates] == ["张三", "李四"] and plan.unchanged == 1
    lines = list(ct.preview_lines(plan))
    assert "户口性质 （空） → 非农业户口" in lines[0]
    assert "出生地行政区划代码 （空） → 140406 山西省长治市潞城区" in lines[0]
    assert "家庭成员1 现住址 （空） → 潞华街道新华社区12号" in lines[0]
    assert ct.commit_completion(school, plan) == 2
    with school.read() as session:
        first = session.get(Student, pupils[0])
        assert (first.hukou_type, first.birthplace_region, first.name) == ("2", "140406", "张三")
        assert session.get(Student, pupils[1]).only_child is True
        member = session.scalar(
            select(FamilyMember).where(
                FamilyMember.student_id == pupils[0], FamilyMember.position_in_list == 1
            )
        )
        assert member.address == "潞华街道新华社区12号"
        entries = session.scalars(select(AuditEvent).where(AuditEvent.action == "student.update")).all()
        assert [e.entity_id for e in entries] == pupils[:2]
        assert json.loads(entries[0].changes)["来源"][1] == "补录表 补录.xlsx"
    assert ct.plan_completion(school, path).updates == []  # taken in once: nothing left to change


def test_bad_cells_go_to_the_error_workbook_and_nothing_is_written(school, pupils, tmp_path):
    path = ct.write_template(school, tmp_path / "补录.xlsx", pupils).path
    _fill(path, {(1, "户口性质"): "非农业户口", (2, "邮政编码"): "0475", (3, "是否独生子女"): "也许"})
    plan = ct.plan_completion(school, path)
    assert {(p.row_number, p.header) for p in plan.problems} == {(3, "邮政编码"), (4, "是否独生子女")}
    with pytest.raises(InvalidInput, match="2 处错误"):
        ct.commit_completion(school, plan)
    with school.read() as session:
        assert session.get(Student, pupils[0]).hukou_type is None
    errors = ct.write_errors(plan, tmp_path / "错误.xlsx")
    sheet = openpyxl.load_workbook(errors).active
    assert [sheet.cell(r, 1).value for r in (2, 3)] == [3, 4]
    assert "邮政编码" in sheet.cell(2, sheet.max_column).value


def test_an_edited_locked_name_is_refused(school, pupils, tmp_path):
    path = ct.write_template(school, tmp_path / "补录.xlsx", pupils).path
    _fill(path, {(1, "姓名"): "张叁", (1, "户口性质"): "非农业户口"})
    plan = ct.plan_completion(school, path)
    assert [p.header for p in plan.problems] == ["姓名"] and "第十四条" in plan.problems[0].hint


def test_a_key_field_of_an_established_record_is_refused_R14_1(school, tmp_path):
    student = add_student(school, class_id_of(school, 1), overseas_status=None)
    path = ct.write_template(school, tmp_path / "补录.xlsx", [student]).path
    assert "港澳台侨外" in _headers(_sheet(path)[1])
    with school.transaction() as session:
        session.execute(update(Student).where(Student.id == student).values(enrolment_step="审核通过"))
    _fill(path, {(1, "港澳台侨外"): "否"})
    plan = ct.plan_completion(school, path)
    assert len(plan.problems) == 1 and "信息变更" in plan.problems[0].message
    assert "第十四条" in plan.problems[0].message


def test_pending_are_the_students_the_upload_batch_refuses(school):
    class_id = class_id_of(school, 1)
    ready = create_student(school, upload_ready_form(class_id))
    lacking = add_student(school, class_id)
    approved = add_student(school, class_id)
    with school.transaction() as session:
        session.execute(
            update(Student).where(Student.id.in_([ready, lacking])).values(enrolment_step="信息表已下发")
        )
        session.execute(update(Student).where(Student.id == approved).values(enrolment_step="审核通过"))
    assert ct.pending_student_ids(school) == [lacking]
