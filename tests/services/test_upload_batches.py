"""services.upload_batches: the new-student upload batch in the template's value forms, only for students who pass
every check (the rest refused with what blocks them, nothing written), each export recorded with an audit event;
and `xueji export-batch`."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import select, update

from tests.factories import class_id_of, id_number, id_number_ending_in_x, upload_ready_form
from xueji_desktop import cli
from xueji_desktop.demo import create_demo_school
from xueji_desktop.models import AuditEvent, FamilyMember, School, SchoolClass, Student, UploadBatch
from xueji_desktop.reference.codes import code_table
from xueji_desktop.reference.regions import region_table
from xueji_desktop.reference.student_fields import FAMILY_FIELDS_BY_KEY, FIELDS_BY_KEY
from xueji_desktop.services import audit, upload_batches
from xueji_desktop.services.school_setup import sign_in_registrar
from xueji_desktop.services.students import create_student, load_form
from xueji_desktop.services.upload_batches import (
    BatchBlocked,
    BatchError,
    batches,
    export_new_students,
)
from xueji_desktop.spreadsheets.batch_writer import BatchWriteError
from xueji_desktop.spreadsheets.template import load_template

SPEC = load_template("new_students")
HEADERS = [column.header for column in SPEC.columns]
NEW = "信息表已下发"


@pytest.fixture
def demo(store):
    """The demo school with 50 students, its 学籍管理员 signed in; nobody is new yet."""
    create_demo_school(store, students=50)
    sign_in_registrar(store)
    return store


def make_new(store, ids, step=NEW):
    with store.transaction() as session:
        session.execute(update(Student).where(Student.id.in_(ids)).values(enrolment_step=step))


def all_ids(store):
    with store.read() as session:
        return list(session.scalars(select(Student.id).order_by(Student.id)))


def complete_ids(store):
    """Demo students every template column is filled for (the demo leaves a parent working away without 现住址)."""
    with store.read() as session:
        lacking = set(session.scalars(select(FamilyMember.student_id).where(FamilyMember.address.is_(None))))
    return [i for i in all_ids(store) if i not in lacking]


def read_rows(path):
    """{sheet: rows} as python-calamine reads them (header first)."""
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def by_header(row):
    return dict(zip(HEADERS, row, strict=False)) | {h: "" for h in HEADERS[len(row) :]}


def expected_row(store, student_id):
    """The template row worked out independently, from the ORM objects and the reference tables."""
    with store.read() as session:
        student = session.get(Student, student_id)
        school = session.scalar(select(School))
        school_class = session.get(SchoolClass, student.school_class_id)
        family = list(student.family_members)
        expected = {}
        for column in SPEC.columns:
            if column.field == "school_code":
                value = school.code
            elif column.field == "class_number":
                value = str(school_class.number)
            elif column.family_index is not None:
                value = getattr(family[column.family_index - 1], column.field_key)
            else:
                value = getattr(student, column.field_key)
            spec = (FAMILY_FIELDS_BY_KEY if column.family_index else FIELDS_BY_KEY).get(column.field_key)
            if value is None:
                value = ""
            elif column.form == "name":
                value = code_table(spec.table).name_of(value)
            elif column.form == "yes_no":
                value = "是" if value else "否"
            elif column.form == "yyyymmdd":
                value = value.strftime("%Y%m%d")
            elif column.form == "yyyymm":
                value = value[:4] + value[5:]
            elif column.form == "region12":
                value = value + "000000"
            elif column.form == "region_name":
                value = region_table().full_name(value)
            expected[column.header] = str(value)
        return expected


# --- value forms ----------------------------------------------------------------------------------------------------


def test_every_column_is_in_the_templates_value_form(demo, out_dir):
    """Sheet name and column order are the template's; each cell is in its form: option names, 是/否, YYYYMMDD,
    YYYYMM, 12-digit region codes, 籍贯 as a full name, the school's 学校标识码, the class's 班号, family members."""
    ids = complete_ids(demo)[:12]
    make_new(demo, ids)
    result = export_new_students(demo, out_dir / "新生.xlsx")

    assert sorted(result.exported) == sorted(ids) and result.blocked == []
    [path] = result.files
    sheets = read_rows(path)
    assert list(sheets) == ["学生信息"]
    header, *rows = sheets["学生信息"]
    assert header == HEADERS
    assert len(rows) == len(ids)
    for student_id, row in zip(result.exported, rows, strict=True):
        assert by_header(row) == expected_row(demo, student_id)


def test_a_hand_made_student_in_literal_forms(school, out_dir):
    """The literal forms the provincial system expects, for one student whose every value is known."""
    born = date(2019, 3, 12)
    number = id_number(born, "2", seq=7)
    form = upload_ready_form(
        class_id_of(school, 1, 2), name="李思雨", birth=born, gender="2", number=number, entry_month="2019-09"
    )
    form.values["national_student_id"] = None  # R10.4: the national system assigns it after this upload
    father_number = id_number_ending_in_x(date(1985, 1, 1), "1")
    form.family[0].update(is_guardian=True, id_number=father_number)
    form.family[1].update(is_guardian=False)
    student_id = create_student(school, form)
    make_new(school, [student_id])

    [path] = export_new_students(school, out_dir / "新生.xlsx").files
    row = by_header(read_rows(path)["学生信息"][1])
    assert row["学校标识码"] == "2140012345"
    assert (row["姓名"], row["性别"], row["出生日期"], row["入学年月"]) == (
        "李思雨",
        "女",
        "20190312",
        "201909",
    )
    assert row["出生地行政区划代码"] == row["户口所在地行政区划"] == "140406000000"
    assert row["籍贯"] == "山西省长治市潞城区"
    assert (row["民族"], row["国籍/地区"], row["身份证件类型"], row["港澳台侨外"]) == (
        "汉族",
        "中国",
        "居民身份证",
        "否",
    )
    assert (row["健康状况"], row["政治面貌"], row["户口性质"]) == ("健康或良好", "群众", "农业户口")
    assert (row["班号"], row["就读方式"], row["入学方式"]) == ("2", "走读", "就近入学")
    assert (row["身份证件号"], row["联系电话"], row["邮政编码"]) == (number, "13800138000", "047500")
    assert (row["是否独生子女"], row["是否孤儿"], row["是否留守儿童"]) == ("是", "否", "非留守儿童")
    assert (row["成员1姓名"], row["成员1关系"], row["成员1是否监护人"]) == ("张建军", "父亲", "是")
    assert (row["成员1身份证件号"], row["成员1户口所在地行政区划"]) == (father_number, "140406000000")
    assert (row["成员2姓名"], row["成员2关系"], row["成员2是否监护人"]) == ("王丽", "母亲", "否")
    assert row["是否进城务工人员随迁子女"] == "否"

    sheet = openpyxl.load_workbook(path)["学生信息"]  # text cells: Excel never shows 1.40406E+17
    for header in (
        "身份证件号",
        "联系电话",
        "邮政编码",
        "出生地行政区划代码",
        "户口所在地行政区划",
        "成员1身份证件号",
        "成员1联系电话",
        "学校标识码",
        "出生日期",
    ):
        cell = sheet.cell(2, HEADERS.index(header) + 1)
        assert (cell.data_type, cell.number_format) == ("s", "@"), header


def test_the_form_checked_is_the_one_load_form_gives(demo):
    """The export reads students in bulk (5,000 sessions would be slow) but must check exactly what load_form gives."""
    make_new(demo, all_ids(demo))
    candidates = upload_batches._load(demo, None)
    assert len(candidates) == 50
    for candidate in candidates:
        assert candidate.form == load_form(demo, candidate.id)


def test_round_trip_every_cell_read_back_equals_what_was_written(demo, out_dir, monkeypatch):
    """The file read back with python-calamine gives exactly the rows handed to the writer."""
    handed = {}
    real_write = upload_batches.write_batch

    def recording_write(path, spec, rows):
        handed["rows"] = [list(row) for row in rows]
        return real_write(path, spec, handed["rows"])

    monkeypatch.setattr(upload_batches, "write_batch", recording_write)
    make_new(demo, complete_ids(demo))
    [path] = export_new_students(demo, out_dir / "新生.xlsx").files
    header, *rows = read_rows(path)["学生信息"]
    assert len(rows) == len(handed["rows"]) > 30
    width = len(HEADERS)
    assert [row + [""] * (width - len(row)) for row in rows] == handed["rows"]


# --- who goes out, who is refused -----------------------------------------------------------------------------------


def test_only_new_students_go_out_not_approved_nor_formal_ones(demo, out_dir):
    """New = in the R10.3 steps and not yet 审核通过; students with no step are formal records from before."""
    first, second, third, approved, *_ = complete_ids(demo)
    make_new(demo, [first])
    make_new(demo, [second], "已签字回收")
    make_new(demo, [third], "已录入系统")
    make_new(demo, [approved], "审核通过")
    result = export_new_students(demo, out_dir / "新生.xlsx")
    assert sorted(result.exported) == sorted([first, second, third])


def test_blocked_students_are_refused_with_their_reasons_and_nothing_is_written(demo, out_dir):
    """Each blocked student is named with each field and what is wrong; no file, no record, no audit event."""
    good, bad_id, no_birthplace, bad_code, no_address, *_ = complete_ids(demo)
    with demo.transaction() as session:
        student = session.get(Student, bad_id)
        student.id_number = student.id_number[:-1] + ("0" if student.id_number[-1] != "0" else "1")
        session.get(Student, no_birthplace).birthplace_region = None
        session.get(Student, bad_code).ethnicity = "99"
        session.get(Student, no_address).current_address = None
        names = {i: session.get(Student, i).name for i in (bad_id, no_birthplace, bad_code, no_address)}
    make_new(demo, [good, bad_id, no_birthplace, bad_code, no_address])
    out = out_dir / "新生.xlsx"

    with pytest.raises(BatchBlocked) as caught:
        export_new_students(demo, out)

    blocked = {b.id: b for b in caught.value.blocked}
    assert set(blocked) == {bad_id, no_birthplace, bad_code, no_address}
    assert {i: b.name for i, b in blocked.items()} == names
    assert any(p.startswith("身份证件号：") and "校验位" in p for p in blocked[bad_id].problems)
    assert blocked[no_birthplace].problems == ["出生地行政区划代码：上报模板要求填写，现在是空的"]
    assert blocked[bad_code].problems == ["民族：代码“99”不在代码表中，请重新选择"]
    assert blocked[no_address].problems == ["现住址：上报模板要求填写，现在是空的"]
    message = str(caught.value)
    assert message.startswith("4 名学生的信息未通过检查，不能上报")
    assert f"{names[no_address]}：现住址：上报模板要求填写，现在是空的" in message.splitlines()
    assert list(out_dir.iterdir()) == []
    assert batches(demo) == []
    with demo.read() as session:
        assert session.scalar(select(AuditEvent).where(AuditEvent.action == "batch.export")) is None


def test_valid_only_exports_the_others_and_lists_the_blocked(demo, out_dir):
    ids = complete_ids(demo)[:6]
    with demo.transaction() as session:
        session.get(Student, ids[0]).hukou_region = None
        blocked_number = session.get(Student, ids[0]).id_number
    make_new(demo, ids)
    result = export_new_students(demo, out_dir / "新生.xlsx", valid_only=True)

    assert [b.id for b in result.blocked] == [ids[0]]
    assert result.blocked[0].problems == ["户口所在地行政区划：上报模板要求填写，现在是空的"]
    assert sorted(result.exported) == sorted(ids[1:])
    rows = read_rows(result.files[0])["学生信息"][1:]
    numbers = [by_header(row)["身份证件号"] for row in rows]
    assert len(numbers) == 5 and blocked_number not in numbers
    assert json.loads(_upload_batches(demo)[0].student_ids) == result.exported


def test_valid_only_with_nobody_valid_is_still_refused(demo, out_dir):
    [only] = complete_ids(demo)[:1]
    with demo.transaction() as session:
        session.get(Student, only).postcode = None
    make_new(demo, [only])
    with pytest.raises(BatchBlocked):
        export_new_students(demo, out_dir / "新生.xlsx", valid_only=True)
    assert list(out_dir.iterdir()) == []


def test_a_new_student_without_a_xueji_number_is_fine(demo, out_dir):
    """R10.4: the national system assigns 学籍号 after the upload; its absence blocks nothing."""
    [student_id] = complete_ids(demo)[:1]
    with demo.transaction() as session:
        session.get(Student, student_id).national_student_id = None
    make_new(demo, [student_id])
    assert export_new_students(demo, out_dir / "新生.xlsx").exported == [student_id]


def test_template_requirements_beyond_the_record_checks(school, out_dir):
    """The record's own checks pass, but the template wants a class, a second family member and 是/否 answers."""
    without_class = create_student(school, upload_ready_form(None, name="赵一"))
    one_parent = upload_ready_form(class_id_of(school, 1), name="钱二")
    one_parent.family.pop()
    one_parent_id = create_student(school, one_parent)
    unanswered = upload_ready_form(class_id_of(school, 1), name="孙三")
    unanswered.values["only_child"] = None
    unanswered_id = create_student(school, unanswered)
    make_new(school, [without_class, one_parent_id, unanswered_id])

    with pytest.raises(BatchBlocked) as caught:
        export_new_students(school, out_dir / "新生.xlsx")
    problems = {b.name: b.problems for b in caught.value.blocked}
    assert problems == {
        "赵一": ["班号：还没有分班，上报模板要求填写班号"],
        "钱二": ["家庭成员2：上报模板要求填写家庭成员2（现在只有1位）"],
        "孙三": ["是否独生子女：上报模板要求填写，现在是空的"],
    }


def test_given_ids_are_exported_whatever_their_step_and_unknown_ids_refused(demo, out_dir):
    first, second, *_ = complete_ids(demo)
    result = export_new_students(demo, out_dir / "新生.xlsx", student_ids=[second, first, second])
    assert sorted(result.exported) == sorted([first, second])
    with pytest.raises(BatchError, match="找不到"):
        export_new_students(demo, out_dir / "再次.xlsx", student_ids=[first, 99999])


def test_nothing_to_export_is_a_clear_message(demo, out_dir):
    with pytest.raises(BatchError, match="没有需要上报的新生"):
        export_new_students(demo, out_dir / "新生.xlsx")
    assert list(out_dir.iterdir()) == []


# --- recording ------------------------------------------------------------------------------------------------------


def _upload_batches(store):
    with store.read() as session:
        records = list(session.scalars(select(UploadBatch).order_by(UploadBatch.id)))
        session.expunge_all()  # keep the loaded values past the read's rollback
        return records


def test_every_export_is_recorded_with_who_when_which_students_and_an_audit_event(demo, out_dir):
    ids = complete_ids(demo)[:5]
    make_new(demo, ids)
    result = export_new_students(demo, out_dir / "新生.xlsx")

    [record] = _upload_batches(demo)
    assert record.kind == "new_students"
    assert record.file_name == str(result.files[0].resolve())
    assert json.loads(record.student_ids) == result.exported and record.student_count == 5
    assert record.actor == "李晓燕"  # the demo school's 学籍管理员, signed in
    with demo.read() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "batch.export"))
        assert (event.actor, event.entity, event.entity_id) == ("李晓燕", "upload_batch", record.id)
        changes = json.loads(event.changes)
        assert changes["学生人数"] == [None, 5] and changes["学生"] == [None, result.exported]
        assert audit.verify_chain(session) == []
    [listed] = batches(demo)
    assert (listed.id, listed.title, listed.student_ids, listed.actor) == (
        record.id,
        "新生信息",
        result.exported,
        "李晓燕",
    )


def test_a_split_batch_records_which_students_went_in_which_file(demo, out_dir, monkeypatch):
    """With a template of 3 rows a sheet and 2 sheets a file, 13 students make three files, each recorded."""
    small = replace(SPEC, max_rows_per_sheet=3, max_sheets_per_file=2)
    monkeypatch.setattr(upload_batches, "load_template", lambda key: small)
    ids = complete_ids(demo)[:13]
    make_new(demo, ids)
    result = export_new_students(demo, out_dir / "新生.xlsx")

    assert [f.name for f in result.files] == ["新生.xlsx", "新生_2.xlsx", "新生_3.xlsx"]
    records = _upload_batches(demo)
    assert [json.loads(r.student_ids) for r in records] == [
        result.exported[:6],
        result.exported[6:12],
        result.exported[12:],
    ]
    for record, path in zip(records, result.files, strict=True):
        sheets = read_rows(path)
        numbers = [by_header(row)["身份证件号"] for rows in sheets.values() for row in rows[1:]]
        with demo.read() as session:
            expected = [session.get(Student, i).id_number for i in json.loads(record.student_ids)]
        assert numbers == expected
    assert [r.id for r in batches(demo)] == [r.id for r in reversed(records)]  # newest first


def test_a_failed_write_records_nothing(demo, out_dir, monkeypatch):
    def full_disk(path, spec, rows):
        raise BatchWriteError("磁盘空间已满，上报文件没有写成")

    monkeypatch.setattr(upload_batches, "write_batch", full_disk)
    make_new(demo, complete_ids(demo)[:3])
    with pytest.raises(BatchWriteError):
        export_new_students(demo, out_dir / "新生.xlsx")
    assert _upload_batches(demo) == []


def test_an_export_that_cannot_be_recorded_takes_its_files_back(demo, out_dir, monkeypatch):
    """Who received which children's data must always be known: no record, no file."""

    def broken_record(*args, **kwargs):
        raise RuntimeError("simulated failure while recording")

    monkeypatch.setattr(upload_batches.audit, "record", broken_record)
    make_new(demo, complete_ids(demo)[:3])
    with pytest.raises(RuntimeError):
        export_new_students(demo, out_dir / "新生.xlsx")
    assert list(out_dir.iterdir()) == []
    assert _upload_batches(demo) == []


# --- the command line ---------------------------------------------------------------------------------------------


def test_cli_export_batch_writes_and_prints_each_file(demo, out_dir, capsys):
    make_new(demo, complete_ids(demo)[:4])
    demo.close()
    out = out_dir / "新生.xlsx"
    code = cli.main(["export-batch", "new-students", str(out), "--data-dir", str(demo.folder.root)])
    captured = capsys.readouterr()
    assert code == 0
    assert captured.out.splitlines() == [str(out)]
    assert len(read_rows(out)["学生信息"]) == 5


def test_cli_export_batch_blocked_prints_one_line_per_student_and_writes_nothing(demo, out_dir, capsys):
    ids = complete_ids(demo)[:3]
    with demo.transaction() as session:
        for student_id in ids[:2]:
            session.get(Student, student_id).postcode = None
        names = [session.get(Student, i).name for i in ids[:2]]
    make_new(demo, ids)
    demo.close()
    out = out_dir / "新生.xlsx"
    arguments = ["export-batch", "new-students", str(out), "--data-dir", str(demo.folder.root)]

    assert cli.main(arguments) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"{name}：邮政编码：上报模板要求填写，现在是空的" for name in names]
    assert not out.exists()

    assert cli.main([*arguments, "--valid-only"]) == 0
    assert capsys.readouterr().out.splitlines() == [str(out)]
    assert len(read_rows(out)["学生信息"]) == 2
