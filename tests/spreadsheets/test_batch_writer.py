"""spreadsheets.batch_writer: text cells (T11: no formula ever), the template's sheet/file limits, the header, and
atomic writes (T17: a failed, killed or disk-full write leaves the old file or none, never half of one; T5)."""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from xueji_desktop.spreadsheets import batch_writer
from xueji_desktop.spreadsheets.batch_writer import BatchWriteError, write_batch
from xueji_desktop.spreadsheets.template import ColumnSpec, TemplateSpec, load_template

SPEC = load_template("new_students")
WIDTH = len(SPEC.columns)
COLUMN = {column.field: index for index, column in enumerate(SPEC.columns)}
HOSTILE = [
    "=1+1",
    "+1",
    "-1",
    "@SUM(1)",
    '=HYPERLINK("http://x","y")',
    "\t=1+1",
    "=",
    "#N/A",
    "-",
    "=cmd|' /C calc'!A0",
]


def small_spec(rows_per_sheet: int = 3, sheets_per_file: int = 2) -> TemplateSpec:
    """A three-column template with tiny limits, so splitting is tested in milliseconds."""
    columns = (
        ColumnSpec("姓名", "name", "text", True),
        ColumnSpec("身份证件号", "id_number", "text", False),
        ColumnSpec("联系电话", "phone", "text", True),
    )
    return TemplateSpec("small", "测试模板", "学生信息", 1, rows_per_sheet, sheets_per_file, columns)


def template_row(**values: str) -> list[str]:
    row = [""] * WIDTH
    for field, value in values.items():
        row[COLUMN[field]] = value
    return row


def read_all(path: Path) -> dict[str, list[list[str]]]:
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def sheet_xml(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return [
            archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
        ]


# --- T11: text, never a formula -------------------------------------------------------------------------------------


def test_t11_values_that_look_like_formulas_are_written_as_text_and_round_trip(tmp_path):
    """T11: =1+1, +1, -1, @SUM(1), =HYPERLINK(…) (and tab-led ones) come back exactly, as strings; the sheet XML
    holds no <f> element at all. A CR-led value is text too; its CR comes back as the LF every XML reader makes of
    it, so the writer writes LF."""
    values = [*HOSTILE, "\r=1+1", "a\r\nb"]
    expected = [*HOSTILE, "\n=1+1", "a\nb"]
    rows = [template_row(name=value, current_address=value) for value in values]
    [path] = write_batch(tmp_path / "批次.xlsx", SPEC, rows)

    sheet = openpyxl.load_workbook(path)["学生信息"]
    for number, value in enumerate(expected, start=2):
        for field in ("name", "current_address"):
            cell = sheet.cell(number, COLUMN[field] + 1)
            assert cell.value == value
            assert cell.data_type == "s"
            assert cell.number_format == "@"
    for xml in sheet_xml(path):
        assert "<f>" not in xml and "<f " not in xml
    read_back = read_all(path)["学生信息"]
    assert [row[COLUMN["name"]] for row in read_back[1:]] == expected


def test_id_numbers_phones_postcodes_and_region_codes_are_text_cells(tmp_path):
    """An 18-digit ID number would become 1.40406E+17 in a number cell, 047500 would lose its 0."""
    values = {
        "school_code": "2140406999",
        "id_number": "140406201903121238",
        "phone": "13800138000",
        "postcode": "047500",
        "birthplace_region": "140406000000",
        "hukou_region": "140406000000",
        "birth_date": "20190312",
        "entry_month": "201909",
        "class_number": "1",
        "family.1.phone": "03555555555",
        "family.1.id_number": "14040619850101001X",
        "family.1.hukou_region": "140406000000",
    }
    [path] = write_batch(tmp_path / "批次.xlsx", SPEC, [template_row(**values)])

    sheet = openpyxl.load_workbook(path)["学生信息"]
    for field, value in values.items():
        cell = sheet.cell(2, COLUMN[field] + 1)
        assert (cell.value, cell.data_type, cell.number_format) == (value, "s", "@"), field
    row = read_all(path)["学生信息"][1]
    assert {field: row[COLUMN[field]] for field in values} == values


def test_characters_xml_cannot_hold_are_dropped_not_fatal(tmp_path):
    [path] = write_batch(
        tmp_path / "批次.xlsx", SPEC, [template_row(name="张\x00三\x07", current_address="a\tb")]
    )
    row = read_all(path)["学生信息"][1]
    assert row[COLUMN["name"]] == "张三"
    assert row[COLUMN["current_address"]] == "a\tb"


# --- the template's shape and limits -----------------------------------------------------------------------------------


def test_header_is_the_templates_in_order_bold_frozen_with_widths(tmp_path):
    [path] = write_batch(tmp_path / "批次.xlsx", SPEC, [template_row(name="张三")])
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["学生信息"]
    sheet = book["学生信息"]
    assert [cell.value for cell in sheet[1]] == [column.header for column in SPEC.columns]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    id_letter = openpyxl.utils.get_column_letter(COLUMN["id_number"] + 1)
    name_letter = openpyxl.utils.get_column_letter(COLUMN["name"] + 1)
    assert sheet.column_dimensions[id_letter].width >= 20  # 18 digits fit
    assert 6 <= sheet.column_dimensions[name_letter].width < sheet.column_dimensions[id_letter].width


def test_a_batch_is_split_by_rows_a_sheet_and_sheets_a_file(tmp_path):
    """3 rows a sheet, 2 sheets a file: 13 rows → 批次.xlsx (3+3), 批次_2.xlsx (3+3), 批次_3.xlsx (1), in order."""
    rows = [[f"学生{i}", f"1404062019031200{i:02d}", f"138{i:08d}"] for i in range(13)]
    files = write_batch(tmp_path / "批次.xlsx", small_spec(), rows)

    assert files == [tmp_path / "批次.xlsx", tmp_path / "批次_2.xlsx", tmp_path / "批次_3.xlsx"]
    contents = [read_all(path) for path in files]
    assert [list(content) for content in contents] == [["学生信息", "学生信息2"]] * 2 + [["学生信息"]]
    written = []
    for content in contents:
        for sheet in content.values():
            assert sheet[0] == ["姓名", "身份证件号", "联系电话"]
            assert 1 <= len(sheet) - 1 <= 3
            written += sheet[1:]
    assert written == rows  # every cell back as written (python-calamine round trip)


@pytest.mark.parametrize(("count", "sheets_per_file"), [(0, [1]), (3, [1]), (4, [2]), (6, [2]), (7, [2, 1])])
def test_no_empty_sheet_or_file_is_made_at_the_limits(tmp_path, count, sheets_per_file):
    rows = [[f"学生{i}", "", ""] for i in range(count)]
    files = write_batch(tmp_path / "批次.xlsx", small_spec(), rows)
    assert [len(read_all(path)) for path in files] == sheets_per_file
    assert sum(len(sheet) - 1 for path in files for sheet in read_all(path).values()) == count


def test_the_real_template_puts_2000_rows_on_a_sheet(tmp_path):
    """The provincial limit (2,000 rows a sheet, 3 sheets a file) is data of the template: row 2,001 opens 学生信息2."""
    assert (SPEC.max_rows_per_sheet, SPEC.max_sheets_per_file) == (2000, 3)
    rows = [template_row(name=f"学生{i}", id_number=f"{140406201903120000 + i}") for i in range(2001)]
    [path] = write_batch(tmp_path / "批次.xlsx", SPEC, rows)
    content = read_all(path)
    assert list(content) == ["学生信息", "学生信息2"]
    assert len(content["学生信息"]) == 2001 and len(content["学生信息2"]) == 2
    assert content["学生信息2"][1][COLUMN["name"]] == "学生2000"
    assert content["学生信息2"][1][COLUMN["id_number"]] == "140406201903122000"


def test_a_row_of_the_wrong_width_is_refused_and_nothing_written(tmp_path):
    with pytest.raises(ValueError):
        write_batch(tmp_path / "批次.xlsx", small_spec(), [["张三", "", ""], ["李四", ""]])
    assert list(tmp_path.iterdir()) == []


# --- T17 / T5: atomic writes --------------------------------------------------------------------------------------------


@pytest.fixture
def old_file(tmp_path) -> tuple[Path, bytes]:
    [path] = write_batch(tmp_path / "批次.xlsx", small_spec(), [["旧的", "", ""]])
    return path, path.read_bytes()


def _fail_mid_write(monkeypatch, error: BaseException, after_calls: int = 1) -> None:
    """The zip writer puts part of a worksheet on disk and then fails, as a crash or a full disk would (whichever
    way the writer adds its parts: from files, or from memory)."""
    calls = {"n": 0}

    def failing(real):
        def add(self, *args, **kwargs):
            calls["n"] += 1
            if calls["n"] > after_calls:
                self.fp.write(b"PK\x03\x04 half a worksheet")
                raise error
            return real(self, *args, **kwargs)

        return add

    monkeypatch.setattr(zipfile.ZipFile, "write", failing(zipfile.ZipFile.write))
    monkeypatch.setattr(zipfile.ZipFile, "writestr", failing(zipfile.ZipFile.writestr))


def test_t17_a_write_failing_midway_leaves_the_old_file_intact(tmp_path, monkeypatch, old_file):
    path, old_bytes = old_file
    _fail_mid_write(monkeypatch, RuntimeError("simulated crash"))
    with pytest.raises(RuntimeError):
        write_batch(path, small_spec(), [[f"新的{i}", "", ""] for i in range(5)])
    assert path.read_bytes() == old_bytes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["批次.xlsx"]  # no temporary, no 批次_2


def test_t17_when_the_second_file_fails_the_first_is_not_replaced_either(tmp_path, monkeypatch, old_file):
    """Files are moved into place only when all are written: no mix of a new 批次.xlsx and a missing 批次_2.xlsx."""
    path, old_bytes = old_file
    real_write_file = batch_writer._write_file
    calls = {"n": 0}

    def second_fails(target, spec, source):
        calls["n"] += 1
        if calls["n"] == 2:
            target.write_bytes(b"half")
            raise OSError(errno.EIO, "Input/output error")
        real_write_file(target, spec, source)

    monkeypatch.setattr(batch_writer, "_write_file", second_fails)
    with pytest.raises(BatchWriteError, match="无法写入"):
        write_batch(path, small_spec(), [[f"新的{i}", "", ""] for i in range(9)])
    assert path.read_bytes() == old_bytes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["批次.xlsx"]


def test_t5_a_full_disk_is_a_chinese_message_and_no_partial_file(tmp_path, monkeypatch, old_file):
    path, old_bytes = old_file
    _fail_mid_write(monkeypatch, OSError(errno.ENOSPC, "No space left on device"))
    with pytest.raises(BatchWriteError) as caught:
        write_batch(path, small_spec(), [[f"新的{i}", "", ""] for i in range(5)])
    assert "磁盘空间已满" in str(caught.value) and "批次.xlsx" in str(caught.value)
    assert path.read_bytes() == old_bytes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["批次.xlsx"]


def test_a_file_that_cannot_be_replaced_says_it_may_be_open_in_excel(tmp_path, monkeypatch, old_file):
    """On Windows a file open in Excel cannot be replaced: PermissionError → a message naming the likely cause."""
    path, old_bytes = old_file

    def locked(source, target):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(batch_writer.os, "replace", locked)
    with pytest.raises(BatchWriteError, match="Excel"):
        write_batch(path, small_spec(), [["新的", "", ""]])
    assert path.read_bytes() == old_bytes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["批次.xlsx"]


@pytest.fixture
def small_disk(small_disk_of):
    """A 256k tmpfs (tests/conftest.py small_disk_of)."""
    return small_disk_of("256k")


def test_t5_on_a_really_full_disk_nothing_is_left_behind(small_disk):
    """T5 on a real 256 KB file system: the batch does not fit, the message is Chinese, the folder stays empty."""
    rng = random.Random(5)
    rows = [
        template_row(
            name=f"学生{i}", current_address="".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(60))
        )
        for i in range(3000)
    ]
    with pytest.raises(BatchWriteError, match="磁盘空间已满"):
        write_batch(small_disk / "批次.xlsx", SPEC, rows)
    assert list(small_disk.iterdir()) == []


_KILLED_WRITER = """
import sys
from pathlib import Path
from xueji_desktop.spreadsheets.batch_writer import write_batch
from xueji_desktop.spreadsheets.template import load_template
spec = load_template("new_students")
rows = [[f"{i:05d}"] * len(spec.columns) for i in range(int(sys.argv[2]))]
print("ready", flush=True)
while True:
    write_batch(Path(sys.argv[1]), spec, rows)
"""


@pytest.mark.xdist_group("wall_clock")  # kills a child at timed moments: never beside another such test
def test_t17_a_killed_write_leaves_a_whole_file_never_half(tmp_path):
    """T17: kill -9 a process that keeps rewriting the batch, at random moments; the file is always the old one or a
    complete new one, and the next write clears the killed one's temporary file."""
    path = tmp_path / "批次.xlsx"
    rows = 600
    rng = random.Random(17)
    for _ in range(3):
        process = subprocess.Popen(
            [sys.executable, "-c", _KILLED_WRITER, str(path), str(rows)], stdout=subprocess.PIPE, text=True
        )
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.2, 1.2))
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        if path.exists():  # the first kill may come before the first write finished: then no file at all
            content = read_all(path)
            assert len(content["学生信息"]) == rows + 1
            assert content["学生信息"][-1][0] == f"{rows - 1:05d}"
    write_batch(path, small_spec(), [["张三", "", ""]])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["批次.xlsx"]


def test_no_sheet_is_streamed_to_the_system_temp_folder(tmp_path, monkeypatch, old_file):
    """The workbook is built in memory: personal data is never written to the system's temp folder, and a failed
    write leaves nothing beside the target either."""
    import tempfile

    def no_system_temp(*args, **kwargs):
        raise AssertionError("a part of the batch went to the system temp folder")

    for name in ("mkstemp", "TemporaryFile", "NamedTemporaryFile", "SpooledTemporaryFile", "mkdtemp"):
        monkeypatch.setattr(tempfile, name, no_system_temp)
    path, old_bytes = old_file
    files = write_batch(tmp_path / "新.xlsx", small_spec(), [[f"学生{i}", "", ""] for i in range(8)])
    assert [f.name for f in files] == ["新.xlsx", "新_2.xlsx"]
    _fail_mid_write(monkeypatch, RuntimeError("simulated crash"))
    with pytest.raises(RuntimeError):
        write_batch(path, small_spec(), [[f"新的{i}", "", ""] for i in range(5)])
    assert path.read_bytes() == old_bytes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["批次.xlsx", "新.xlsx", "新_2.xlsx"]
