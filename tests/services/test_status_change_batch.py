"""services.upload_batches.export_status_changes: the 学籍异动 the clerk still has to enter in the provincial system
(status change written; 待上报 or 已退回, R7.1) as a clean sheet of the template's columns — text cells, the JY/T 1001
异动类别, the template's limits, each export recorded — and nothing written when there is nothing to report."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import date

import openpyxl
import pytest
from sqlalchemy import select

from tests.factories import (
    STATUS_CHANGE_HEADERS,
    add_student,
    advance_to,
    class_id_of,
    illness_proofs,
    open_suspension,
    open_transfer_out,
    transfer_proofs,
)
from xueji_desktop import cli
from xueji_desktop.models import AuditEvent, Procedure, ProcedureEvent, Student, UploadBatch
from xueji_desktop.reference.resources import resource_path
from xueji_desktop.rules import proofs
from xueji_desktop.rules.suspensions import SuspensionReason
from xueji_desktop.services import procedures, upload_batches
from xueji_desktop.services.procedures import Decision, suspensions, withdrawals
from xueji_desktop.services.upload_batches import (
    BatchBlocked,
    BatchError,
    batches,
    change_kinds,
    export_status_changes,
)
from xueji_desktop.spreadsheets.template import load_template

SPEC = load_template("status_changes")
HEADERS = STATUS_CHANGE_HEADERS
TODAY = date(2026, 10, 8)
PDF = b"%PDF-1.4\n%%EOF\n"
APPROVAL = "潞教学籍〔2026〕12号"


def _student(store, name: str, *, numbered: bool = True) -> int:
    """A student of 三年级(1)班, with a 学籍号 (G + the ID number) unless numbered=False."""
    student_id = add_student(store, class_id_of(store, 3), name=name)
    with store.transaction() as session:
        student = session.get(Student, student_id)
        student.national_student_id = f"G{student.id_number}" if numbered else None
    return student_id


def _suspension(store, scan, student_id: int, *, complete: bool = True, approval: str = APPROVAL) -> int:
    """A suspension for illness opened today and, when complete, registered today under `approval`."""
    procedure_id = open_suspension(
        store, student_id, illness_proofs(scan), today=TODAY, illness_share_of_term=0.5
    )
    if complete:
        advance_to(store, procedure_id, on=TODAY, approval_number=approval)
    return procedure_id


def _death(store, scan, student_id: int, died_on: date = date(2026, 10, 2)) -> int:
    procedure_id = procedures.open(
        store,
        withdrawals.DeathRequest(student_id=student_id, died_on=died_on),
        proofs=[scan(proofs.DEATH_PROOF)],
        today=TODAY,
    )
    procedures.advance(store, procedure_id, "学籍管理部门已办理", on=TODAY)
    return procedure_id


def _transfer_out(store, scan, student_id: int) -> int:
    """A transfer out to 长治市实验小学 (its late-term warning confirmed) through to 学籍已转出, today."""
    confirmed = Decision(confirmed=True)
    procedure_id = open_transfer_out(
        store, student_id, transfer_proofs(scan), today=TODAY, decision=confirmed
    )
    return advance_to(store, procedure_id, on=TODAY)


def _sheet_rows(path, sheet: str = "学籍异动"):
    book = openpyxl.load_workbook(path)
    return [list(row) for row in book[sheet].iter_rows()]


def _values(path, sheet: str = "学籍异动") -> list[dict[str, str]]:
    header, *rows = _sheet_rows(path, sheet)
    assert [cell.value for cell in header] == HEADERS
    return [{h: cell.value or "" for h, cell in zip(HEADERS, row, strict=False)} for row in rows]


def _upload_batches(store):
    with store.read() as session:
        records = list(session.scalars(select(UploadBatch).order_by(UploadBatch.id)))
        session.expunge_all()
        return records


# --- the sheet --------------------------------------------------------------------------------------------------------


def test_r7_1_the_columns_in_order_and_each_cell_a_text_cell_in_its_form(school, scan, out_dir):
    student = _student(school, "王小明")
    procedure_id = _suspension(school, scan, student)
    result = export_status_changes(school, out_dir / "异动.xlsx")

    assert result.files == [out_dir / "异动.xlsx"] and result.procedures == [procedure_id]
    assert result.exported == [student] and result.blocked == []
    assert [column.header for column in SPEC.columns] == HEADERS
    header, row = _sheet_rows(result.files[0])
    assert [cell.value for cell in header] == HEADERS
    with school.read() as session:
        record = session.get(Student, student)
        expected = {
            "学校标识码": "2140012345",
            "学籍号": f"G{record.id_number}",
            "姓名": "王小明",
            "身份证件号": record.id_number,
            "异动类别": "休学",
            "异动日期": "20261008",
            "异动原因/说明": f"{SuspensionReason.ILLNESS.value}；休学期限：2026-10-08至2027-10-07",
            "转入（转出）学校": None,
            "审批文号": APPROVAL,
            "省级系统状态": "待上报",
        }
    assert {h: cell.value for h, cell in zip(HEADERS, row, strict=True)} == expected
    for header_name, cell in zip(HEADERS, row, strict=True):
        if cell.value is not None:
            assert (cell.data_type, cell.number_format) == ("s", "@"), header_name


def test_a_name_or_number_beginning_with_a_formula_sign_stays_text(school, scan, out_dir):
    """T11 as in the new-student batch: = + - @ at the start of a cell are written as text, never a formula."""
    student = _student(school, "王小明")
    _suspension(school, scan, student, approval="-1+2")
    with school.transaction() as session:
        session.get(Student, student).name = '=HYPERLINK("http://example.com","点我")'
    [path] = export_status_changes(school, out_dir / "异动.xlsx").files

    [row] = _sheet_rows(path)[1:]
    cells = dict(zip(HEADERS, row, strict=True))
    assert cells["姓名"].value == '=HYPERLINK("http://example.com","点我")'
    assert cells["审批文号"].value == "-1+2"
    for cell in (cells["姓名"], cells["审批文号"]):
        assert (cell.data_type, cell.number_format) == ("s", "@")


def test_only_changes_in_force_that_are_still_to_be_reported_or_were_returned(school, scan, out_dir):
    waiting = _suspension(school, scan, _student(school, "待上报"))
    reported = _suspension(school, scan, _student(school, "已上报"))
    procedures.set_province_state(school, reported, "已上报", on=TODAY)
    returned = _death(school, scan, _student(school, "已退回"))
    procedures.set_province_state(school, returned, "已上报", on=TODAY)
    procedures.set_province_state(school, returned, "已退回", on=TODAY, note="死亡证明不清晰")
    passed = _suspension(school, scan, _student(school, "已通过"))
    procedures.set_province_state(school, passed, "已上报", on=TODAY)
    procedures.set_province_state(school, passed, "已通过", on=TODAY)
    _suspension(
        school, scan, _student(school, "未生效"), complete=False
    )  # still 待上报, but no status change yet
    reversed_one = _suspension(school, scan, _student(school, "已冲正"))
    with school.read() as session:
        change = session.scalar(
            select(ProcedureEvent.status_change_id).where(
                ProcedureEvent.procedure_id == reversed_one, ProcedureEvent.status_change_id.is_not(None)
            )
        )
    procedures.reverse(school, change, reason="录错了学生", on=TODAY)

    result = export_status_changes(school, out_dir / "异动.xlsx")
    rows = _values(result.files[0])
    assert result.procedures == [
        returned,
        waiting,
    ]  # oldest change first: the death of 10-02, then the 10-08 one
    assert [(r["姓名"], r["异动类别"], r["异动日期"], r["省级系统状态"]) for r in rows] == [
        ("已退回", "死亡", "20261002", "已退回：死亡证明不清晰"),
        ("待上报", "休学", "20261008", "待上报"),
    ]


def test_a_transfer_out_names_the_other_school(school, scan, out_dir):
    procedure_id = _transfer_out(school, scan, _student(school, "李四"))
    result = export_status_changes(school, out_dir / "异动.xlsx")
    [row] = _values(result.files[0])
    assert result.procedures == [procedure_id]
    assert (row["异动类别"], row["转入（转出）学校"], row["异动原因/说明"]) == (
        "转学（转出）",
        "长治市实验小学",
        "转入长治市实验小学",
    )


# --- 异动类别 -----------------------------------------------------------------------------------------------------------


def test_every_procedure_kind_has_a_jyt1001_category_whose_code_and_name_agree_with_the_table():
    with resource_path("codes", "xjydlb_jyt1001.csv").open(encoding="utf-8-sig", newline="") as handle:
        table = {row["code"]: row["name"] for row in csv.DictReader(handle)}
    categories = change_kinds()
    assert set(categories) == set(procedures.all_kinds())
    for kind, category in categories.items():
        assert table[category["code"]] == category["name"], kind
    assert {kind: category["code"] for kind, category in categories.items()} == {
        "transfer_in": "22",
        "transfer_out": "21",
        "suspension": "11",
        "suspension_extension": "11",
        "resumption": "12",
        "withdrawal": "31",
        "automatic_withdrawal": "31",
        "death": "51",
        "dropout": "99",
        "information_change": "99",
        "restoration": "17",
    }


def test_the_template_file_says_it_is_unconfirmed():
    data = json.loads(resource_path("templates", "status_changes.json").read_text(encoding="utf-8"))
    assert "UNCONFIRMED" in data["source"] and "No public batch template" in data["source"]


def test_a_category_column_in_code_form_writes_the_code(school, scan, out_dir, monkeypatch):
    coded = replace(
        SPEC, columns=tuple(replace(c, form="code") if c.header == "异动类别" else c for c in SPEC.columns)
    )
    monkeypatch.setattr(upload_batches, "load_template", lambda key: coded)
    _death(school, scan, _student(school, "张三"))
    [row] = _values(export_status_changes(school, out_dir / "异动.xlsx").files[0])
    assert row["异动类别"] == "51"


def test_a_kind_whose_name_is_not_its_category_is_named_in_the_explanation(school, scan, out_dir):
    """延长休学 is entered as 休学 (JY/T 1001 has no code of its own): the explanation says 延长休学."""
    student = _student(school, "赵六")
    _suspension(school, scan, student)
    procedures.set_province_state(school, _suspension_id(school, student), "已上报", on=TODAY)
    extension = procedures.open(
        school,
        suspensions.ExtensionRequest(student_id=student, new_end=date(2028, 6, 30)),
        proofs=illness_proofs(scan),
        today=TODAY,
    )
    advance_to(school, extension, on=TODAY)
    [row] = _values(export_status_changes(school, out_dir / "异动.xlsx").files[0])
    assert row["异动类别"] == "休学"
    assert row["异动原因/说明"] == "延长休学；休学期限：2026-10-08至2028-06-30"
    assert row["异动日期"] == "20271007"  # the day the first year ended


def _suspension_id(store, student_id: int) -> int:
    with store.read() as session:
        return session.scalar(select(Procedure.id).where(Procedure.student_id == student_id))


# --- given procedures, limits, blocks -------------------------------------------------------------------------------


def test_given_procedures_are_exported_exactly_whatever_their_provincial_state(school, scan, out_dir):
    first = _suspension(school, scan, _student(school, "甲"))
    second = _suspension(school, scan, _student(school, "乙"))
    procedures.set_province_state(school, second, "已上报", on=TODAY)
    _suspension(school, scan, _student(school, "丙"))
    result = export_status_changes(school, out_dir / "异动.xlsx", procedure_ids=[second, first, second])
    assert result.procedures == [first, second]
    assert [r["姓名"] for r in _values(result.files[0])] == ["甲", "乙"]


def test_given_procedures_must_exist_and_be_in_force_or_nothing_is_written(school, scan, out_dir):
    done = _suspension(school, scan, _student(school, "甲"))
    pending = _suspension(school, scan, _student(school, "乙"), complete=False)
    with pytest.raises(BatchError, match="找不到这些异动手续：编号 9999"):
        export_status_changes(school, out_dir / "异动.xlsx", procedure_ids=[done, 9999])
    with pytest.raises(BatchError, match=f"还没有生效.*编号 {pending}"):
        export_status_changes(school, out_dir / "异动.xlsx", procedure_ids=[done, pending])
    assert list(out_dir.iterdir()) == [] and _upload_batches(school) == []


def test_the_templates_limits_split_the_batch_and_each_file_is_recorded(school, scan, out_dir, monkeypatch):
    small = replace(SPEC, max_rows_per_sheet=2, max_sheets_per_file=2)
    monkeypatch.setattr(upload_batches, "load_template", lambda key: small)
    ids = [_death(school, scan, _student(school, f"学生{n}"), date(2026, 10, n)) for n in range(1, 6)]
    result = export_status_changes(school, out_dir / "异动.xlsx")

    assert [f.name for f in result.files] == ["异动.xlsx", "异动_2.xlsx"]
    assert result.procedures == ids
    assert openpyxl.load_workbook(result.files[0]).sheetnames == ["学籍异动", "学籍异动2"]
    names = [r["姓名"] for r in _values(result.files[0]) + _values(result.files[0], "学籍异动2")]
    assert names == ["学生1", "学生2", "学生3", "学生4"]
    assert [r["姓名"] for r in _values(result.files[1])] == ["学生5"]
    assert [json.loads(r.student_ids) for r in _upload_batches(school)] == [
        result.exported[:4],
        result.exported[4:],
    ]


def test_a_column_the_template_requires_blocks_the_row_and_valid_only_leaves_it_out(
    school, scan, out_dir, monkeypatch
):
    strict = replace(
        SPEC, columns=tuple(replace(c, required=True) if c.header == "学籍号" else c for c in SPEC.columns)
    )
    monkeypatch.setattr(upload_batches, "load_template", lambda key: strict)
    without = _student(school, "无号", numbered=False)
    _suspension(school, scan, without)
    kept = _suspension(school, scan, _student(school, "有号"))

    with pytest.raises(BatchBlocked) as caught:
        export_status_changes(school, out_dir / "异动.xlsx")
    assert [b.line() for b in caught.value.blocked] == ["无号（休学）：学籍号：上报模板要求填写，现在是空的"]
    assert list(out_dir.iterdir()) == []
    result = export_status_changes(school, out_dir / "异动.xlsx", valid_only=True)
    assert result.procedures == [kept] and [b.id for b in result.blocked] == [without]


# --- recording, and nothing to export -------------------------------------------------------------------------------


def test_the_export_is_recorded_as_an_upload_batch_with_an_audit_event(school, scan, out_dir):
    first = _student(school, "甲")
    second = _student(school, "乙")
    procedure_ids = [_suspension(school, scan, first), _death(school, scan, second, TODAY)]
    result = export_status_changes(school, out_dir / "异动.xlsx")

    [record] = _upload_batches(school)
    assert record.kind == "status_changes" and record.file_name == str(result.files[0].resolve())
    assert json.loads(record.student_ids) == [first, second] == result.exported and record.student_count == 2
    with school.read() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "batch.export"))
        assert (event.entity, event.entity_id) == ("upload_batch", record.id)
        changes = json.loads(event.changes)
    assert changes["上报批次"] == [None, "学籍异动"] and changes["异动手续"] == [None, procedure_ids]
    [listed] = batches(school, "status_changes")
    assert (listed.title, listed.student_ids) == ("学籍异动", [first, second])


def test_nothing_to_export_is_refused_in_chinese_and_leaves_no_file(school, scan, out_dir):
    out = out_dir / "异动.xlsx"
    with pytest.raises(BatchError, match="没有需要上报的学籍异动"):
        export_status_changes(school, out)
    procedure_id = _suspension(school, scan, _student(school, "甲"))
    procedures.set_province_state(school, procedure_id, "已上报", on=TODAY)
    with pytest.raises(BatchError, match="没有需要上报的学籍异动"):
        export_status_changes(school, out)
    with pytest.raises(BatchError, match="没有需要上报的学籍异动"):
        export_status_changes(school, out, procedure_ids=[])
    assert list(out_dir.iterdir()) == [] and _upload_batches(school) == []


def test_cli_export_batch_status_changes(school, scan, out_dir, capsys):
    _suspension(school, scan, _student(school, "甲"))
    school.close()
    out = out_dir / "异动.xlsx"
    arguments = ["export-batch", "status-changes", str(out), "--data-dir", str(school.folder.root)]
    assert cli.main(arguments) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [str(out)] and "已导出 1 条学籍异动" in captured.err
    assert [r["姓名"] for r in _values(out)] == ["甲"]
    out.unlink()
    procedures.set_province_state(
        school, _suspension_id(school, _student_id(school, "甲")), "已上报", on=TODAY
    )
    school.close()
    assert cli.main(arguments) == 2
    assert "没有需要上报的学籍异动" in capsys.readouterr().err and not out.exists()


def _student_id(store, name: str) -> int:
    with store.read() as session:
        return session.scalar(select(Student.id).where(Student.name == name))
