"""The streaming .xlsx reader (spreadsheets/xlsx_stream.py) gives what python-calamine gives, cell by cell.

Large sheets are streamed so that a 100,000-row import stays within its memory figure (500 MB); every other file
goes to calamine. The two must agree, or a clerk's file would read differently depending on its size: each workbook
here is read both ways and compared row by row, and read_table is run with streaming forced on every one.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from tests.spreadsheets import hostile_files
from tests.spreadsheets.test_import_fuzz import write_clean_xlsx, write_demo_export
from xueji_desktop.spreadsheets import reader, xlsx_stream
from xueji_desktop.spreadsheets.errors import ImportFileError
from xueji_desktop.spreadsheets.preflight import check_file
from xueji_desktop.spreadsheets.xlsx_stream import XlsxStream


def _both(path: Path) -> tuple[dict, dict]:
    """{sheet: {row number: cells without trailing empties}} from calamine and from the stream."""
    check_file(path)
    with reader._CalamineBook(path) as book:
        by_calamine = {name: _rows(book.rows(name)) for name in book.sheet_names()}
    with XlsxStream(path) as stream:
        by_stream = {name: _rows(stream.rows(name)) for name in stream.sheet_names}
    return by_calamine, by_stream


def _rows(rows) -> dict[int, list]:
    kept = {}
    for number, cells in rows:
        cells = [
            "" if cell is None else cell for cell in cells
        ]  # calamine's empty is ""; the stream's is None
        while cells and cells[-1] == "":
            cells.pop()
        if cells:
            kept[number] = cells
    return kept


def _assert_same(path: Path) -> dict:
    by_calamine, by_stream = _both(path)
    assert list(by_stream) == list(by_calamine)  # the same worksheets in the same order
    for name in by_calamine:
        assert by_stream[name] == by_calamine[name], name
        for number, cells in by_calamine[
            name
        ].items():  # the same types, not only equal values (1.0 == 1 == True)
            assert [type(c) for c in by_stream[name][number]] == [type(c) for c in cells], (name, number)
    return by_stream


def test_values_of_every_kind_read_as_calamine_reads_them(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "学生"
    sheet.append(["姓名", "数", "小数", "是否", "日期", "日期时间", "时间", "时长", "公式"])
    sheet.append(
        [
            "张三",
            1,
            1.5,
            True,
            date(2020, 1, 2),
            datetime(2020, 1, 2, 3, 4, 5),
            time(3, 4),
            timedelta(hours=30),
            "=1+1",
        ]
    )
    sheet.append(
        [
            "李四",
            -7,
            1e-7,
            False,
            date(1900, 1, 1),
            datetime(1900, 3, 1, 12),
            time(0, 0, 1),
            timedelta(minutes=1),
            '="a"&"b"',
        ]
    )
    sheet.append(["  空格  ", 20260901, 3.14159, None, date(2026, 9, 1), None, None, None, "=1/0"])
    formats = {
        "A6": "yyyy-mm-dd",
        "B6": "yyyy/m/d h:mm",
        "C6": "h:mm",
        "D6": "[$-F800]dddd, mmmm dd, yyyy",
        "E6": "0.00",
        "F6": 'yyyy"年"m"月"d"日"',
        "G6": "[h]:mm:ss",
        "H6": "[Red]0.0",
        "I6": '"天"0',
        "A7": "mm:ss",
        "B7": "General",
        "C7": "@",
        "D7": "[DBNum1]yyyy年m月",
        "E7": "[mm]:ss",
        "F7": "d-mmm",
    }
    for reference, number_format in formats.items():
        sheet[reference] = 45000.5 if reference in ("B6", "E7") else 45000
        sheet[reference].number_format = number_format
    sheet["C6"] = 0.25
    sheet["A7"] = 0.0123
    sheet["J2"] = CellRichText(["王", TextBlock(InlineFont(b=True), "小明")])
    sheet["K3"] = "第一行\n第二行"
    sheet["M9"] = "远处的一格"
    sheet.merge_cells("A10:D10")
    sheet["A10"] = "合并单元格"
    second = book.create_sheet("第二页")
    second["C3"] = "不从 A1 开始"
    second["D4"] = 12
    book.create_sheet("空白页")
    path = tmp_path / "各种值.xlsx"
    book.save(path)
    rows = _assert_same(path)
    assert rows["学生"][2][4] == date(2020, 1, 2) and rows["学生"][6][1] == datetime(2023, 3, 15, 12)
    assert rows["学生"][6][2] == time(6) and rows["学生"][6][6] == timedelta(days=45000)
    assert rows["第二页"] == {3: ["", "", "不从 A1 开始"], 4: ["", "", "", 12.0]} and rows["空白页"] == {}


def test_1904_date_system(tmp_path):
    book = openpyxl.Workbook()
    book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    book.active.append(["出生日期", date(2020, 3, 12), datetime(2020, 3, 12, 8, 30)])
    path = tmp_path / "1904.xlsx"
    book.save(path)
    assert _assert_same(path)["Sheet"][1][1] == date(2020, 3, 12)


def test_shared_strings_rich_runs_phonetic_runs_and_escapes(tmp_path):
    shared = (
        f'<sst xmlns="{hostile_files.NS}"><si><t>姓名</t></si><si><r><t>欧阳</t></r><r><rPr><b/></rPr><t>娜娜</t></r>'
        '</si><si><t>李</t><rPh sb="0" eb="1"><t>り</t></rPh></si><si><t xml:space="preserve"> 前后空格 </t></si>'
        "<si><t>a&amp;b&lt;c&gt;</t></si><si><t>回车_x000D_换行</t></si><si><t>_x005F_x000D_ 与 _x4e2d_ 与 _xZZZZ_</t></si></sst>"
    )
    cells = "".join(f'<c r="{hostile_files._column(i)}1" t="s"><v>{i}</v></c>' for i in range(7))
    sheet = (
        f'<worksheet xmlns="{hostile_files.NS}"><sheetData><row r="1">{cells}</row>'
        '<row r="3"><c r="B3" t="inlineStr"><is><t>行内</t></is></c><c r="C3" t="b"><v>1</v></c>'
        '<c r="D3" t="e"><v>#N/A</v></c><c r="E3" t="str"><v>公式文本</v></c><c r="F3"><v>12.50</v></c><c r="G3" t="inlineStr"><is><t>行内_x000A_换行</t></is></c>'
        '<c r="H3" t="str"><v>公式_x000D_</v></c></row>'
        '<row><c t="inlineStr"><is><t>无 r 的行</t></is></c><c><v>7</v></c></row></sheetData></worksheet>'
    )
    path = tmp_path / "shared.xlsx"
    path.write_bytes(hostile_files._package(sheet=sheet.encode(), shared=shared.encode()))
    rows = _assert_same(path)["名单"]
    assert rows[1][:5] == ["姓名", "欧阳娜娜", "李", " 前后空格 ", "a&b<c>"]
    assert rows[4] == ["无 r 的行", 7.0]


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("seeds")
    return [write_clean_xlsx(folder / "clean.xlsx"), write_demo_export(folder)]


def test_the_import_seed_files_read_the_same(seeds):
    for path in seeds:
        _assert_same(path)


def test_read_table_streamed_equals_read_table_by_calamine(seeds, monkeypatch):
    is_header = lambda text: text in ("姓名", "性别", "出生日期", "民族", "身份证件号", "证件号码")  # noqa: E731
    for path in seeds:
        by_calamine = reader.read_table(path, is_header=is_header)
        assert len(by_calamine.rows) >= 8
        with monkeypatch.context() as patch:
            patch.setattr(xlsx_stream, "STREAM_FROM_BYTES", 0)
            assert xlsx_stream.large_xlsx(path)
            assert isinstance(reader._open_book(path), reader._StreamBook)
            assert reader.read_table(path, is_header=is_header) == by_calamine
            assert reader.list_sheets(path) == [by_calamine.sheet_name]


_LAUGHS = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'


@pytest.mark.parametrize("part", ["sheet", "xl/sharedStrings.xml", "xl/styles.xml"])
def test_a_declaration_reaching_the_stream_is_refused(tmp_path, part):
    """The pre-flight check refuses DTDs first; the stream refuses them again where the parser is (defusedxml's
    forbid_dtd, done on the bytes), in every part it parses."""
    sheet = f'<worksheet xmlns="{hostile_files.NS}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    sheet += "</sheetData></worksheet>"
    shared = f'<sst xmlns="{hostile_files.NS}"><si><t>&b;</t></si></sst>'
    styles = (
        f'<styleSheet xmlns="{hostile_files.NS}"><cellXfs count="1"><xf numFmtId="0"/></cellXfs></styleSheet>'
    )
    parts = {"sheet": sheet, "xl/sharedStrings.xml": shared.replace("&b;", "x"), "xl/styles.xml": styles}
    parts[part] = _LAUGHS + (parts[part] if part != "xl/sharedStrings.xml" else shared)
    path = tmp_path / "dtd.xlsx"
    path.write_bytes(
        hostile_files._package(
            sheet=parts["sheet"].encode(),
            shared=parts["xl/sharedStrings.xml"].encode(),
            extra=[("xl/styles.xml", parts["xl/styles.xml"].encode())],
        )
    )
    with pytest.raises(ImportFileError) as caught:
        with XlsxStream(path) as stream:
            list(stream.rows("名单"))
    assert caught.value.code == "xml_dtd" and "DTD" in caught.value.message


def test_a_part_not_in_utf_8_is_refused(tmp_path):
    """A declaration in UTF-16 would not show to a byte search: such a part is refused before it is parsed."""
    sheet = f'<?xml version="1.0" encoding="UTF-16"?><worksheet xmlns="{hostile_files.NS}"><sheetData/></worksheet>'
    path = tmp_path / "utf16.xlsx"
    path.write_bytes(hostile_files._package(sheet=sheet.encode("utf-16")))
    with XlsxStream(path) as stream, pytest.raises(ImportFileError) as caught:
        list(stream.rows("名单"))
    assert caught.value.code == "xml_encoding" and "UTF-8" in caught.value.message


def test_a_damaged_sheet_is_one_chinese_line(tmp_path):
    sheet = f'<worksheet xmlns="{hostile_files.NS}"><sheetData><row r="1"><c r="A1"><v>1</v></c>'
    path = tmp_path / "cut.xlsx"
    path.write_bytes(hostile_files._package(sheet=sheet.encode()))
    with XlsxStream(path) as stream, pytest.raises(ImportFileError) as caught:
        list(stream.rows("名单"))
    assert caught.value.code == "corrupt" and "损坏" in caught.value.message


def test_not_a_zip_is_one_chinese_line(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ImportFileError) as caught:
        XlsxStream(path)
    assert caught.value.code == "corrupt"


def test_only_large_sheets_are_streamed(tmp_path, monkeypatch):
    path = write_clean_xlsx(tmp_path / "clean.xlsx")
    assert not xlsx_stream.large_xlsx(path)
    with zipfile.ZipFile(path) as package:
        size = package.getinfo("xl/worksheets/sheet1.xml").file_size
    monkeypatch.setattr(xlsx_stream, "STREAM_FROM_BYTES", size - 1)
    assert xlsx_stream.large_xlsx(path)


def test_every_built_in_number_format_decides_date_or_number_as_calamine_does(tmp_path):
    """Built-in formats have no code in the file (14 is a date, 46 a duration, 27–36 and 50–58 East Asian dates …)."""
    ids = list(range(82))
    xfs = "".join(f'<xf numFmtId="{i}" fontId="0" fillId="0" borderId="0" xfId="0"/>' for i in ids)
    custom = [
        'yyyy"年"m"月"d"日"',
        "[$-804]aaaa",
        "0.00_);[Red]\\(0.00\\)",
        '"m"0',
        "\\d0",
        "[hh]",
        "上午/下午h时mm分",
        "General;[Red]-General",
        "mmm",
        "e",
        "ggge年",
        '#,##0.00 "元"',
        "@",
    ]
    formats = "".join(
        f'<numFmt numFmtId="{200 + n}" formatCode="{_attr(code)}"/>' for n, code in enumerate(custom)
    )
    xfs += "".join(
        f'<xf numFmtId="{200 + n}" fontId="0" fillId="0" borderId="0" xfId="0"/>' for n in range(len(custom))
    )
    styles = (
        f'<styleSheet xmlns="{hostile_files.NS}"><numFmts count="{len(custom)}">{formats}</numFmts>'
        f'<cellXfs count="{len(ids) + len(custom)}">{xfs}</cellXfs></styleSheet>'
    )
    rows = "".join(
        f'<row r="{s + 1}"><c r="A{s + 1}" s="{s}"><v>45000.25</v></c><c r="B{s + 1}" s="{s}"><v>45000</v></c>'
        f'<c r="C{s + 1}" s="{s}"><v>0.5</v></c><c r="D{s + 1}" s="{s}"><v>-3</v></c><c r="E{s + 1}" s="{s}"><v>-3.25</v>'
        f'</c><c r="F{s + 1}" s="{s}"><v>59.5</v></c><c r="G{s + 1}" s="{s}"><v>60</v></c><c r="H{s + 1}" s="{s}">'
        f"<v>2958466</v></c></row>"
        for s in range(len(ids) + len(custom))
    )
    sheet = f'<worksheet xmlns="{hostile_files.NS}"><sheetData>{rows}</sheetData></worksheet>'
    path = tmp_path / "formats.xlsx"
    path.write_bytes(hostile_files._package(sheet=sheet.encode(), extra=[("xl/styles.xml", styles.encode())]))
    rows = _assert_same(path)["名单"]
    assert rows[15][1] == date(2023, 3, 15) and rows[1][1] == 45000.0  # 14: a date; 0 (General): a number


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
