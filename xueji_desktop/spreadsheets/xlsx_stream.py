"""Reading a large .xlsx sheet one row at a time, so that memory follows the rows kept, not the sheet.

python-calamine builds the whole sheet in memory before it gives the first row: a 100,000-row × 71-column sheet costs
about 700 MB that way. The reader (reader.py) sends a sheet here when its XML is larger than STREAM_FROM_BYTES; this
module walks the sheet's XML with expat through defusedxml (no DTD, no entities), clearing each row once it is read,
so the sheet costs what one row costs. Only files that passed the pre-flight check (preflight.check_file) come here.

The values are python-calamine's, so the two readers give the same table for the same file (tests/spreadsheets/
test_xlsx_stream.py proves it cell by cell): text as str; numbers as float; booleans as bool; numbers in a date or
time format as date (whole days), datetime (days with a time), time (below one day) or timedelta ([h]:mm and the
like), in the workbook's 1900 or 1904 date system, to the millisecond; formula results as their cached value; error
cells as ""; an empty cell as None. Rows come with Excel's row number; cells start at column A.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from xml.etree.ElementTree import iterparse

from xueji_desktop.spreadsheets.errors import ImportFileError
from xueji_desktop.spreadsheets.preflight import CORRUPT

STREAM_FROM_BYTES = 64 * 1024 * 1024  # a sheet's XML, inflated: about 15,000 rows of the 71-column template

_MAIN = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
_WORKSHEET_TYPES = tuple(f"{base}/worksheet" for base in _OFFICE_REL)
_DATE_FORMAT_IDS = {14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 47} | set(range(27, 37)) | set(range(50, 59))
_DURATION_FORMAT_IDS = {46}
_QUOTED_OR_ESCAPED = re.compile(r'"[^"]*"|\\.|_.|\*.')
_BRACKETED = re.compile(r"\[([^\]]*)\]")
_DURATION_BRACKET = re.compile(r"^(?:h+|m+|s+)$", re.IGNORECASE)
_ESCAPED = re.compile(r"_x([0-9A-F]{4})_")  # upper-case hex only, as Excel writes it and calamine reads it
_EPOCH_1900 = datetime(1899, 12, 30)
_EPOCH_1904 = datetime(1904, 1, 1)
_NOT_DATE, _DATE, _DURATION = 0, 1, 2


class XlsxStream:
    """One open .xlsx: its worksheets by name, and each sheet's rows as a stream."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise ImportFileError(CORRUPT, code="corrupt", detail=str(exc)) from None
        try:
            self.names = {info.filename.lower(): info.filename for info in self.zip.infolist()}
            self.sheets, self.date1904 = self._workbook()
            self.styles = self._styles()
            self._shared: list[str] | None = None
        except ImportFileError:
            self.zip.close()
            raise
        except Exception as exc:
            self.zip.close()
            raise ImportFileError(CORRUPT, code="corrupt", detail=f"{type(exc).__name__}: {exc}") from None

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> XlsxStream:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @property
    def sheet_names(self) -> list[str]:
        return list(self.sheets)

    def sheet_size(self, name: str) -> int:
        """The sheet's XML as declared in the zip (the pre-flight check has verified the declarations)."""
        return self.zip.getinfo(self.sheets[name]).file_size

    def rows(self, name: str) -> Iterator[tuple[int, list[object]]]:
        """(Excel row number, cells from column A with None for empty) for every row that has a cell element."""
        try:
            yield from self._rows(self.sheets[name])
        except ImportFileError:
            raise
        except Exception as exc:
            raise ImportFileError(CORRUPT, code="corrupt", detail=f"{type(exc).__name__}: {exc}") from None

    # --- the package -------------------------------------------------------------------------------------------

    def _open(self, part: str):
        return self.zip.open(self.names[part.lower()])

    def _has(self, part: str) -> bool:
        return part.lower() in self.names

    def _workbook(self) -> tuple[dict[str, str], bool]:
        targets = {}
        if self._has("xl/_rels/workbook.xml.rels"):
            with self._open("xl/_rels/workbook.xml.rels") as handle:
                for _, element in iterparse(_Guarded(handle)):
                    if _local(element.tag) == "Relationship" and element.get("Type") in _WORKSHEET_TYPES:
                        targets[element.get("Id")] = _part_path("xl", element.get("Target", ""))
        sheets: dict[str, str] = {}
        date1904 = False
        with self._open("xl/workbook.xml") as handle:
            for _, element in iterparse(_Guarded(handle)):
                tag = _local(element.tag)
                if tag == "workbookPr":
                    date1904 = element.get("date1904", "").lower() in ("1", "true")
                elif tag == "sheet":
                    rel = next(
                        (element.get(f"{{{ns}}}id") for ns in _OFFICE_REL if element.get(f"{{{ns}}}id")), None
                    )
                    target = targets.get(rel)
                    if target is not None and self._has(target):
                        sheets[element.get("name", "")] = self.names[target.lower()]
        return sheets, date1904

    def _styles(self) -> list[int]:
        """For each cell style (s="…"), whether its number format shows a date, a duration or neither."""
        if not self._has("xl/styles.xml"):
            return []
        custom: dict[int, str] = {}
        kinds: list[int] = []
        in_cell_xfs = False
        with self._open("xl/styles.xml") as handle:
            for event, element in iterparse(_Guarded(handle), events=("start", "end")):
                tag = _local(element.tag)
                if tag == "cellXfs":
                    in_cell_xfs = event == "start"
                elif event == "end" and tag == "numFmt":
                    custom[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
                elif event == "end" and tag == "xf" and in_cell_xfs:
                    number_format = int(element.get("numFmtId", "0") or 0)
                    kinds.append(_format_kind(number_format, custom.get(number_format)))
        return kinds

    def _shared_strings(self) -> list[str]:
        if self._shared is None:
            self._shared = []
            if self._has("xl/sharedStrings.xml"):
                with self._open("xl/sharedStrings.xml") as handle:
                    for _, element in iterparse(_Guarded(handle)):
                        if _local(element.tag) == "si":
                            self._shared.append(_rich_text(element))
                            element.clear()
        return self._shared

    # --- the sheet ---------------------------------------------------------------------------------------------

    def _rows(self, part: str) -> Iterator[tuple[int, list[object]]]:
        shared = self._shared_strings()
        styles = self.styles
        epoch = _EPOCH_1904 if self.date1904 else _EPOCH_1900
        columns: dict[str, int] = {}
        row_tags = {f"{{{ns}}}row" for ns in _MAIN}
        cell_tags = {f"{{{ns}}}c" for ns in _MAIN}
        value_tags = {f"{{{ns}}}v" for ns in _MAIN}
        inline_tags = {f"{{{ns}}}is" for ns in _MAIN}
        text_tags = {f"{{{ns}}}t" for ns in _MAIN}
        row_number = 0
        with self._open(part) as handle:
            for _, row in iterparse(_Guarded(handle)):
                if row.tag not in row_tags:
                    continue
                number = row.get("r")
                row_number = int(number) if number else row_number + 1
                cells: list[object] = []
                column = -1
                for cell in row:
                    if cell.tag not in cell_tags:
                        continue
                    reference = cell.get("r")
                    if reference:
                        letters = reference.rstrip("0123456789")
                        column = columns.get(letters)
                        if column is None:
                            column = columns[letters] = _column_index(letters)
                    else:
                        column += 1
                    if not len(cell):
                        continue
                    first = cell[0]
                    kind = cell.get("t")
                    if kind == "s" and first.tag in value_tags:  # the common cases first, inline
                        value = shared[int(first.text)]
                    elif kind == "inlineStr" and first.tag in inline_tags:
                        plain = len(first) == 1 and first[0].tag in text_tags
                        value = (first[0].text or "") if plain else _rich_text(first)
                        if plain and "_x" in value:
                            value = _unescape(value)
                    else:
                        value = _cell_value(cell, kind, shared, styles, epoch, value_tags, inline_tags)
                        if value is None:
                            continue
                    if column >= len(cells):
                        cells.extend([None] * (column + 1 - len(cells)))
                    cells[column] = value
                row.clear()
                yield row_number, cells


class _Guarded:
    """A part's bytes as iterparse reads them, refused at the first document type or entity declaration, or when the
    part is not UTF-8 (where such a declaration could hide from a byte search).

    This is defusedxml's forbid_dtd, done on the bytes: defusedxml's own parser is the pure-Python one and would
    double the time a 100,000-row sheet takes. The pre-flight check has refused such files already; this keeps the
    guarantee where the parser is.
    """

    _DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
    _ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']*)["']""")

    def __init__(self, handle) -> None:
        self.handle = handle
        self.tail: bytes | None = None

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        if self.tail is None:
            declared = self._ENCODING.match(data[:200])
            if (
                data.startswith((b"\xff\xfe", b"\xfe\xff"))
                or b"\x00" in data[:200]
                or (declared and declared.group(1).lower() not in (b"utf-8", b"utf8"))
            ):
                raise ImportFileError(
                    "文件内部的 XML 不是 UTF-8 编码，正常的 Excel 文件不会这样，已拒绝读取；请用 Excel 另存一份再导入",
                    code="xml_encoding",
                )
            self.tail = b""
        if self._DECLARATION.search(self.tail + data):
            raise ImportFileError(
                "文件中含有 XML 文档类型声明（DTD/实体），正常的 Excel 文件不会有，已拒绝读取", code="xml_dtd"
            )
        self.tail = data[-9:]
        return data


def _cell_value(cell, kind, shared, styles, epoch, value_tags, inline_tags) -> object:
    """Any cell the fast path in _rows did not take; None when it holds no value."""
    text = None
    for child in cell:
        if child.tag in value_tags:
            text = child.text or ""
        elif child.tag in inline_tags:  # read whatever the t attribute says, as calamine does
            return _rich_text(child)
    if text is None or kind == "inlineStr":
        return None
    if kind == "s":
        return shared[int(text)]
    if kind == "str":
        return _unescape(text) if "_x" in text else text
    if kind == "b":
        return text.strip() in ("1", "true")
    if kind == "e":
        return ""
    if kind == "d":
        return _iso_value(text)
    number = _number(text)
    if number is None:
        return text
    date_kind = _NOT_DATE
    style = cell.get("s")
    if style and styles and style.isdigit():
        index = int(style)
        date_kind = styles[index] if index < len(styles) else _NOT_DATE
    try:
        if date_kind == _DATE:
            return _serial_value(number, epoch)
        if date_kind == _DURATION:
            return timedelta(milliseconds=round(number * 86_400_000))
    except (
        OverflowError,
        ValueError,
    ):  # past year 9999, or not a number at all (NaN, infinity): the number itself
        return number
    return number


def _number(text: str) -> float | None:
    """A number as Excel writes it; None for anything else (spaces, full-width digits, 1_000), kept as text."""
    if not text or not text.isascii() or "_" in text or text != text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _serial_value(number: float, epoch: datetime) -> object:
    """An Excel serial number in a date format as python-calamine gives it."""
    moment = epoch + timedelta(milliseconds=round(number * 86_400_000))
    if epoch is _EPOCH_1900 and number < 60:  # Excel counts a 29 February 1900 that never was
        moment += timedelta(days=1)
    if number < 1:  # a time of day; calamine gives a negative serial's time too
        return moment.time()
    if moment.time() == time(0):
        return moment.date()
    return moment


def _iso_value(text: str) -> object:
    try:
        moment = datetime.fromisoformat(text.rstrip("Z"))
    except ValueError:
        try:
            return time.fromisoformat(text)
        except ValueError:
            return text
    return moment.date() if "T" not in text and " " not in text else moment


def _format_kind(number_format: int, code: str | None) -> int:
    if code is None:
        if number_format in _DURATION_FORMAT_IDS:
            return _DURATION
        return _DATE if number_format in _DATE_FORMAT_IDS else _NOT_DATE
    plain = _QUOTED_OR_ESCAPED.sub("", code).split(";")[0]
    if any(_DURATION_BRACKET.match(part) for part in _BRACKETED.findall(plain)):
        return _DURATION
    plain = _BRACKETED.sub("", plain).lower()
    if plain == "general":
        return _NOT_DATE
    return _DATE if any(letter in plain for letter in "dmyhs") else _NOT_DATE


def _rich_text(element) -> str:
    """The text of a shared or inline string: its runs joined, phonetic (rPh) runs left out, _xHHHH_ unescaped."""
    parts: list[str] = []
    for child in element:
        tag = _local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts.extend(run.text or "" for run in child if _local(run.tag) == "t")
    text = "".join(parts)
    return _unescape(text) if "_x" in text else text


def _unescape(text: str) -> str:
    """OOXML's escape for characters XML cannot carry: _x000D_ is a carriage return, _x005F_ an underscore."""
    return _ESCAPED.sub(lambda match: chr(int(match.group(1), 16)), text)


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index - 1


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _part_path(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base, target))


def large_xlsx(path: Path) -> bool:
    """Whether a checked .xlsx has a worksheet whose XML, inflated, passes STREAM_FROM_BYTES."""
    try:
        with zipfile.ZipFile(path) as package:
            return any(
                info.filename.lower().startswith("xl/worksheets/") and info.file_size > STREAM_FROM_BYTES
                for info in package.infolist()
            )
    except (zipfile.BadZipFile, OSError, ValueError):
        return False  # calamine reports what is wrong
