"""Reading checked spreadsheets with python-calamine: header detection, Excel row numbers, sheets, caps, errors.

Files are built here: openpyxl for .xlsx, xlwt for a real .xls, hand-made zips (hostile_files) for the odd ones.
"""

from __future__ import annotations

import builtins
import json
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import xlwt

from tests.spreadsheets import hostile_files
from tests.spreadsheets.hostile_files import PEAK_MB_SOURCE
from xueji_desktop.spreadsheets.errors import ImportFileError
from xueji_desktop.spreadsheets.reader import RawRow, list_sheets, read_table
from xueji_desktop.spreadsheets.template import load_template

SPEC = load_template("new_students")
HEADERS = [column.header for column in SPEC.columns]


def is_header(header: str) -> bool:
    return SPEC.column_for_header(header) is not None


def _read(path: Path, sheet: str | None = None, **options):
    return read_table(path, sheet, is_header=is_header, **options)


def _error(path: Path, sheet: str | None = None, **options) -> ImportFileError:
    with pytest.raises(ImportFileError) as caught:
        _read(path, sheet, **options)
    assert "\n" not in str(caught.value)
    return caught.value


def _save(workbook: openpyxl.Workbook, path: Path) -> Path:
    workbook.save(path)
    return path


def _student(i: int) -> list[object]:
    return [
        f"学生{i:05d}",
        "男" if i % 2 else "女",
        date(2020, 1 + i % 12, 1 + i % 28),
        f"14040620200101{i:04d}",
        "汉族",
        0.5 * i,
        i % 3 == 0,
    ]


def test_a_real_xls_with_a_merged_title_row(tmp_path):
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("一年级新生")
    sheet.write_merge(0, 0, 0, 4, "潞城区2026年秋季一年级新生名单")
    for column, header in enumerate(["姓名", "性别", "出生日期", "身份证件号", "民族"]):
        sheet.write(1, column, header)
    dated = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    rows = [
        ("张小明", "男", date(2020, 3, 4), "140406202003041234", "汉族"),
        ("李小红", "女", date(2020, 5, 6), "14040620200506234X", "回族"),
        None,
        (" 王小刚 ", "男", date(2019, 12, 1), "140406201912013456", "汉族"),
    ]
    for offset, row in enumerate(rows):
        for column, value in enumerate(row or ()):
            sheet.write(
                2 + offset, column, value, dated if isinstance(value, date) else xlwt.Style.default_style
            )
    path = tmp_path / "新生名单.xls"
    book.save(str(path))

    assert list_sheets(path) == ["一年级新生"]
    table = _read(path)
    assert table.sheet_name == "一年级新生"
    assert table.header_row_number == 2
    assert table.headers == ["姓名", "性别", "出生日期", "身份证件号", "民族"]
    assert [row.row_number for row in table.rows] == [3, 4, 6]
    assert table.rows[1].cells[3] == "14040620200506234X"
    assert table.rows[2].cells[0] == " 王小刚 "  # nothing stripped
    born = table.rows[0].cells[2]
    assert isinstance(born, date) and (born.year, born.month, born.day) == (2020, 3, 4)


@pytest.fixture(scope="module")
def five_thousand(tmp_path_factory) -> Path:
    """The national template's 71 columns under two title rows (the first merged across them), 5,000 students."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "新生名单"
    sheet.append(["潞城区2026年秋季一年级新生名单"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet.append(["填报单位：潞城区实验小学", None, None, "填报日期：2026年9月1日"])
    sheet.append(HEADERS)
    for i in range(5000):
        row = [f"值{i % 97}" for _ in HEADERS]
        row[1:8] = _student(i)
        sheet.append(row)
        if i % 1000 == 999:
            sheet.append([])  # a blank line the clerk left
    return _save(workbook, tmp_path_factory.mktemp("big") / "新生5000.xlsx")


@pytest.mark.slow  # the 5,000-row file is written, then read twice
def test_five_thousand_rows_with_excel_row_numbers(five_thousand):
    started = time.perf_counter()
    table = _read(five_thousand)
    calamine_s = time.perf_counter() - started

    assert table.header_row_number == 3
    assert table.headers == HEADERS
    assert len(table.rows) == 5000
    numbers = [row.row_number for row in table.rows]
    assert numbers[:3] == [4, 5, 6]
    assert (
        numbers[999] == 1003 and numbers[1000] == 1005
    )  # the blank line after the 1000th student is skipped
    assert numbers[-1] == 5003 + 4
    assert all(len(row.cells) == len(HEADERS) for row in table.rows)
    first = table.rows[0].cells
    assert first[1:8] == ["学生00000", "女", date(2020, 1, 1), "140406202001010000", "汉族", 0.0, True]

    started = time.perf_counter()
    workbook = openpyxl.load_workbook(five_thousand, read_only=True)
    expected = {}
    for cells in workbook.active.iter_rows(min_row=4):
        values = [cell.value for cell in cells]
        if any(value is not None for value in values):
            expected[cells[0].row] = values
    workbook.close()
    openpyxl_s = time.perf_counter() - started
    assert list(expected) == numbers
    for row in table.rows[::250]:
        got = [value.date() if isinstance(value, datetime) else value for value in expected[row.row_number]]
        assert row.cells == got
    print(
        f"\n5,000 × 71: read_table {calamine_s:.3f}s, openpyxl read_only {openpyxl_s:.3f}s "
        f"(ratio {calamine_s / openpyxl_s:.2f})"
    )


def test_sheet_none_picks_the_first_sheet_with_a_header(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "填表说明"
    workbook.active.append(["请按下表填写，日期格式为 2020-01-01"])
    listing = workbook.create_sheet("名单")
    listing.append(["姓名", "性别", "出生日期"])
    listing.append(["张三", "男", date(2020, 1, 1)])
    workbook.create_sheet("空表")
    path = _save(workbook, tmp_path / "多表.xlsx")

    assert list_sheets(path) == ["填表说明", "名单", "空表"]
    assert _read(path).sheet_name == "名单"
    assert _read(path, "名单").rows == [RawRow(2, ["张三", "男", date(2020, 1, 1)])]
    assert str(_error(path, "空表")) == "工作表“空表”是空的"
    missing = _error(path, "一年级")
    assert missing.code == "no_such_sheet" and "“一年级”" in str(missing)
    assert "“填表说明”、“名单”、“空表”" in str(missing)
    explained = _error(path, "填表说明", expected_headers=["姓名", "性别", "出生日期"])
    assert explained.code == "no_header" and "「姓名」「性别」「出生日期」" in str(explained)


def test_no_header_anywhere_names_the_sheets(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["甲", "乙", "丙"])
    workbook.create_sheet("其他").append(["丁"])
    error = _error(_save(workbook, tmp_path / "无表头.xlsx"))
    assert error.code == "no_header" and "“Sheet”、“其他”" in str(error) and "「姓名」" in str(error)


def test_a_header_below_row_30_is_not_found(tmp_path):
    workbook = openpyxl.Workbook()
    for _ in range(30):
        workbook.active.append(["说明"])
    workbook.active.append(["姓名", "性别", "出生日期"])
    assert _error(_save(workbook, tmp_path / "深.xlsx")).code == "no_header"


def test_two_recognised_cells_are_not_a_header(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["姓名", "性别", "备注"])
    workbook.active.append(["姓名", "性别", "民族"])
    workbook.active.append(["张三", "男", "汉族"])
    table = _read(_save(workbook, tmp_path / "x.xlsx"))
    assert table.header_row_number == 2 and [r.row_number for r in table.rows] == [3]


def test_data_starting_at_column_c_and_blank_or_space_rows(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["C2"], sheet["D2"], sheet["E2"], sheet["F2"] = "姓名", "性别", "出生日期", "民族"
    sheet["C3"], sheet["D3"], sheet["E3"] = "张三", "男", 20200101
    sheet["C4"] = "   "
    sheet["C6"], sheet["F6"] = "李四", "回族"
    sheet["A9"] = "制表人：李敏"  # outside the header's columns: not a row of the table
    table = _read(_save(workbook, tmp_path / "c.xlsx"))
    assert table.headers == ["姓名", "性别", "出生日期", "民族"]
    assert table.rows == [RawRow(3, ["张三", "男", 20200101, None]), RawRow(6, ["李四", None, None, "回族"])]


def test_row_and_column_caps(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["姓名", "性别", "出生日期", *[f"备注{i}" for i in range(10)]])
    for i in range(20):
        workbook.active.append([f"学生{i}", "男", date(2020, 1, 1), *range(10)])
    path = _save(workbook, tmp_path / "caps.xlsx")
    error = _error(path, max_rows=10)
    assert (
        error.code == "too_many_rows" and "10 行" in str(error) and "第 12 行" in str(error)
    )  # header row 1, rows 2–11 read
    table = _read(path, max_columns=4)
    assert table.headers == ["姓名", "性别", "出生日期", "备注0"] and len(table.rows[0].cells) == 4


def test_a_file_open_in_excel(tmp_path, monkeypatch):
    workbook = openpyxl.Workbook()
    workbook.active.append(["姓名", "性别", "民族"])
    path = _save(workbook, tmp_path / "锁定.xlsx")
    real_open = builtins.open

    def locked(file, *args, **kwargs):
        if Path(str(file)) == path:
            raise PermissionError(13, "being used by another process")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", locked)
    for call in (lambda: _read(path), lambda: list_sheets(path)):
        with pytest.raises(ImportFileError) as caught:
            call()
        assert str(caught.value) == "文件正被其他程序（如 Excel）打开，请关闭后重试"


@pytest.mark.parametrize(
    "sheet_xml",
    [
        b"<worksheet><sheetData><row r='1'><c r='A1' t='s'><v>7</v></c></row></sheetData></worksheet>",  # no table
        b"<worksheet><sheetData><row r='1'><c r='A1'><v>1</v></c></row></sheetData>",  # cut short
        b"<worksheet><sheetData><row r='1'><c r='A1' t='n'><v>abc</v></c></row></sheetData></worksheet>",
    ],
)
def test_calamine_errors_become_one_chinese_line(tmp_path, sheet_xml):
    path = tmp_path / "坏.xlsx"
    path.write_bytes(hostile_files._package(sheet=sheet_xml))
    try:
        table = _read(path)
    except ImportFileError as error:
        assert error.code in ("corrupt", "no_header", "empty_sheet")
        assert "\n" not in str(error) and "Traceback" not in str(error)
    else:  # calamine may accept some of these; then it is a table, never an exception of another kind
        assert table.rows is not None


def test_a_missing_sheet_part_is_a_clear_error(tmp_path):
    data = hostile_files._zip(
        [
            m
            for m in hostile_files._zip_members(hostile_files._package())
            if m[0] != "xl/worksheets/sheet1.xml"
        ]
    )
    path = tmp_path / "缺页.xlsx"
    path.write_bytes(data)
    assert list_sheets(path) == ["名单"]
    error = _error(path)
    assert error.code == "corrupt" and "损坏" in str(error)


_BIG_PROBE = (
    PEAK_MB_SOURCE
    + """


from pathlib import Path
from xueji_desktop.spreadsheets.reader import read_table
before = peak_mb()
started = time.perf_counter()
table = read_table(Path(sys.argv[1]), is_header=lambda h: h.startswith("列"))
print(json.dumps({"seconds": time.perf_counter() - started, "rows": len(table.rows),
                  "last": table.rows[-1].row_number, "width": len(table.headers),
                  "peak_mb": peak_mb(),
                  "growth_mb": peak_mb() - before}))
"""
)


def _hundred_thousand(path: Path, rows: int = 100_000, columns: int = 71, filled: int = 45) -> None:
    """Written as XML directly (openpyxl would take minutes): shared strings, numbers every fifth column."""
    letters = [hostile_files._column(i) for i in range(columns)]
    strings: dict[str, int] = {}

    def shared(text: str) -> int:
        return strings.setdefault(text, len(strings))

    lines = [
        '<row r="1">'
        + "".join(f'<c r="{letters[j]}1" t="s"><v>{shared(f"列{j}")}</v></c>' for j in range(columns))
        + "</row>"
    ]
    for r in range(2, rows + 2):
        cells = []
        for j in range(filled):
            if j % 5 == 0:
                cells.append(f'<c r="{letters[j]}{r}"><v>{r * 7 + j}</v></c>')
            else:
                cells.append(
                    f'<c r="{letters[j]}{r}" t="s"><v>{shared(f"值{j}_{r % (50 if j % 3 else 5000)}")}</v></c>'
                )
        lines.append(f'<row r="{r}">{"".join(cells)}</row>')
    sheet = f'<worksheet xmlns="{hostile_files.NS}"><sheetData>{"".join(lines)}</sheetData></worksheet>'
    table = "".join(f"<si><t>{text}</t></si>" for text in strings)
    shared_xml = f'<sst xmlns="{hostile_files.NS}">{table}</sst>'
    path.write_bytes(hostile_files._package(sheet=sheet.encode(), shared=shared_xml.encode()))


@pytest.mark.slow  # about a minute: 100,000 rows read in a child process
def test_a_hundred_thousand_rows_within_memory(tmp_path):
    """100,000 rows × 71 columns (45 filled): read in its own process, streamed (xlsx_stream); peak memory bounded."""
    path = tmp_path / "十万.xlsx"
    started = time.perf_counter()
    _hundred_thousand(path)
    built_s = time.perf_counter() - started
    completed = subprocess.run(
        [sys.executable, "-c", _BIG_PROBE, str(path)], capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    print(
        f"\n100,000 × 71: built {built_s:.1f}s ({path.stat().st_size / 1e6:.0f} MB), read {result['seconds']:.1f}s, "
        f"peak RSS {result['peak_mb']:.0f} MB (+{result['growth_mb']:.0f} MB)"
    )
    assert result["rows"] == 100_000 and result["last"] == 100_001 and result["width"] == 71
    assert (
        result["peak_mb"] <= 300
    )  # measured 132 MB here; calamine, which holds the whole sheet, took 473 MB
