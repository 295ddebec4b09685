"""Reading a checked spreadsheet (.xlsx or .xls): the sheets, the header row, the data rows.

python-calamine reads every file but one kind: an .xlsx with a sheet too large to hold whole in memory (past
xlsx_stream.STREAM_FROM_BYTES of XML, about 15,000 template rows) is streamed row by row (xlsx_stream), with the same
values. The rows are kept packed (PackedRows), so a 100,000-row import stays within its memory figure (500 MB).

Every call runs the pre-flight check first (remembered for an unchanged file, so it costs once). The header row is the
first of the first 30 rows with at least 3 cells the caller recognises (`is_header`); title rows above it — merged
across the columns, like 「潞城区2026年秋季一年级新生名单」 — are skipped. Cells are calamine's raw values (str, int,
float, bool, date, datetime, time, timedelta) with an empty cell as None; nothing is stripped. Rows with no content
(empty, or only spaces) are dropped; row numbers are Excel's, 1-based. Calamine's errors and panics of any kind become
one ImportFileError: never a traceback.
"""

from __future__ import annotations

import pickle
import zlib
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import overload

from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum

from xueji_desktop.spreadsheets.errors import ImportFileError
from xueji_desktop.spreadsheets.preflight import CORRUPT, ENCRYPTED, LOCKED, check_file, file_kind, os_message
from xueji_desktop.spreadsheets.xlsx_stream import XlsxStream, large_xlsx

HEADER_SCAN_ROWS = 30
MIN_HEADER_CELLS = 3
DEFAULT_EXPECTED = ("姓名", "性别", "出生日期", "身份证件号", "民族")


@dataclass(frozen=True, slots=True)
class RawRow:
    row_number: int  # as Excel shows it, 1-based
    cells: list[object]  # aligned to SheetTable.headers


@dataclass(frozen=True, slots=True)
class SheetTable:
    sheet_name: str
    header_row_number: int  # as Excel shows it, 1-based
    headers: list[str]
    rows: Sequence[RawRow]  # PackedRows from read_table


def list_sheets(path: Path) -> list[str]:
    """The workbook's worksheets in workbook order (chart and macro sheets left out; hidden sheets included)."""
    path = Path(path)
    check_file(path)
    with _open_book(path) as book:
        return book.sheet_names()


def read_table(
    path: Path,
    sheet: str | None = None,
    *,
    is_header: Callable[[str], bool],
    max_rows: int = 200_000,
    max_columns: int = 300,
    expected_headers: Sequence[str] = (),
) -> SheetTable:
    """The header and data rows of `sheet`, or of the first sheet that has a header row when `sheet` is None.

    `expected_headers` (a few column names) only makes the no-header message more helpful.
    """
    path = Path(path)
    check_file(path)
    with _open_book(path) as book:
        names = book.sheet_names()
        if sheet is not None:
            if sheet not in names:
                raise ImportFileError(
                    f"文件中没有名为“{sheet}”的工作表；现有的工作表：{_quoted(names)}", code="no_such_sheet"
                )
            return _read_sheet(book, sheet, is_header, max_rows, max_columns, expected_headers, required=True)
        for name in names:
            table = _read_sheet(
                book, name, is_header, max_rows, max_columns, expected_headers, required=False
            )
            if table is not None:
                return table
        if not names:
            raise ImportFileError("文件中没有工作表，请检查是否选对了文件", code="empty_sheet")
        if len(names) == 1:  # say exactly what is wrong with the only sheet
            _read_sheet(book, names[0], is_header, max_rows, max_columns, expected_headers, required=True)
        raise ImportFileError(
            f"在所有工作表（{_quoted(names)}）的前 {HEADER_SCAN_ROWS} 行中都没有找到表头行；"
            f"应有{_examples(expected_headers)}等列名，请检查是否选对了文件",
            code="no_header",
        )


def _open_book(path: Path) -> _CalamineBook | _StreamBook:
    """An .xlsx with a sheet too large to hold whole is streamed (xlsx_stream); every other file goes to calamine."""
    if file_kind(path) == "xlsx" and large_xlsx(path):
        return _StreamBook(path)
    return _CalamineBook(path)


class _CalamineBook:
    """Opens the workbook from bytes we read ourselves (the content decides the format, not the file name)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.workbook: CalamineWorkbook | None = None

    def __enter__(self) -> _CalamineBook:
        try:
            with open(self.path, "rb") as handle:
                self.workbook = _guarded(lambda: CalamineWorkbook.from_filelike(handle))
        except OSError as exc:
            raise _os_error(self.path, exc) from None
        return self

    def __exit__(self, *exc_info) -> None:
        if self.workbook is not None:
            try:
                self.workbook.close()
            except BaseException:
                pass

    def sheet_names(self) -> list[str]:
        metadata = _guarded(lambda: self.workbook.sheets_metadata)
        return [sheet.name for sheet in metadata if sheet.typ == SheetTypeEnum.WorkSheet]

    def rows(self, name: str) -> Iterator[tuple[int, list[object]]]:
        sheet = _guarded(lambda: self.workbook.get_sheet_by_name(name))
        if sheet.start is None:
            return iter(())
        return _numbered_rows(sheet, sheet.start)


class _StreamBook:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.stream: XlsxStream | None = None

    def __enter__(self) -> _StreamBook:
        try:
            self.stream = XlsxStream(self.path)
        except OSError as exc:
            raise _os_error(self.path, exc) from None
        return self

    def __exit__(self, *exc_info) -> None:
        if self.stream is not None:
            self.stream.close()

    def sheet_names(self) -> list[str]:
        return self.stream.sheet_names

    def rows(self, name: str) -> Iterator[tuple[int, list[object]]]:
        return self.stream.rows(name)


def _os_error(path: Path, exc: OSError) -> ImportFileError:
    if isinstance(exc, PermissionError):
        return ImportFileError(LOCKED, code="locked")
    if isinstance(exc, FileNotFoundError):
        return ImportFileError(f"找不到文件“{path.name}”，可能已被移动或删除，请重新选择", code="missing")
    return ImportFileError(os_message(path.name, exc), code="unreadable", detail=str(exc))


def _guarded(call: Callable):
    """Run a calamine call; any error or Rust panic (a BaseException in PyO3) becomes an ImportFileError."""
    try:
        return call()
    except ImportFileError:
        raise
    except PasswordError as exc:
        raise ImportFileError(ENCRYPTED, code="encrypted", detail=str(exc)) from None
    except MemoryError:
        raise ImportFileError("文件内容太多，超出本机可用的内存；请分成几个文件导入", code="memory") from None
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise ImportFileError(ENCRYPTED, code="encrypted", detail=str(exc)) from None
        raise ImportFileError(CORRUPT, code="corrupt", detail=f"{type(exc).__name__}: {exc}") from None


def _read_sheet(
    book: _CalamineBook | _StreamBook,
    name: str,
    is_header: Callable[[str], bool],
    max_rows: int,
    max_columns: int,
    expected: Sequence[str],
    *,
    required: bool,
) -> SheetTable | None:
    rows = book.rows(name)
    header = None
    seen_content = False
    for row_number, values in rows:
        if row_number > HEADER_SCAN_ROWS:
            break
        texts = ["" if value is None else str(value) for value in values]
        seen_content = seen_content or any(text.strip() for text in texts)
        if sum(1 for text in texts if text.strip() and _recognised(is_header, text)) >= MIN_HEADER_CELLS:
            header = (row_number, texts)
            break
    if header is None:
        if not required:
            return None
        if not seen_content:
            raise ImportFileError(f"工作表“{name}”是空的", code="empty_sheet")
        raise ImportFileError(
            f"在工作表“{name}”的前 {HEADER_SCAN_ROWS} 行中没有找到表头行；应有{_examples(expected)}等列名"
            f"（至少 {MIN_HEADER_CELLS} 个能识别），请检查是否选对了工作表，或表头是否被改动",
            code="no_header",
        )
    header_row_number, texts = header
    filled = [index for index, text in enumerate(texts) if text.strip()]
    first, last = filled[0], min(filled[-1] + 1, filled[0] + max_columns)
    headers = texts[first:last]
    width = last - first
    table = PackedRows()
    for row_number, values in rows:
        cells = values[first:last]
        if not any(cell is not None and not (isinstance(cell, str) and cell.isspace()) for cell in cells):
            continue
        if len(table) >= max_rows:
            raise ImportFileError(
                f"工作表“{name}”的数据超过 {max_rows:,} 行的上限（第 {row_number} 行起未读入）；请分成几个文件导入",
                code="too_many_rows",
            )
        if len(cells) < width:
            cells.extend([None] * (width - len(cells)))
        table.append(row_number, cells)
    return SheetTable(name, header_row_number, headers, table)


class PackedRows(Sequence[RawRow]):
    """A sheet's data rows, each kept pickled and compressed until it is read again (as a RawRow).

    The plan of an import keeps every raw row for the error workbook and the preview: 100,000 rows of the 71-column
    template held as lists took 212 MB, packed they take about 60 MB (a 100,000-row import must stay within 500 MB).
    The bytes are pickled here from the cell values the reader made (str, numbers, dates, None) and never come from a
    file, so unpickling them is safe.
    """

    __slots__ = ("_numbers", "_packed")

    def __init__(self) -> None:
        self._numbers = array("q")
        self._packed: list[bytes] = []

    def append(self, row_number: int, cells: list[object]) -> None:
        self._numbers.append(row_number)
        self._packed.append(zlib.compress(pickle.dumps(cells, protocol=pickle.HIGHEST_PROTOCOL), 1))

    def __len__(self) -> int:
        return len(self._packed)

    @overload
    def __getitem__(self, index: int) -> RawRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[RawRow]: ...
    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return RawRow(self._numbers[index], pickle.loads(zlib.decompress(self._packed[index])))

    def __iter__(self) -> Iterator[RawRow]:
        for number, packed in zip(self._numbers, self._packed, strict=True):
            yield RawRow(number, pickle.loads(zlib.decompress(packed)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]


def _numbered_rows(sheet, start: tuple[int, int]) -> Iterator[tuple[int, list[object]]]:
    """(Excel row number, cells from column A with "" as None), one row at a time from calamine's range.

    python-calamine's iter_rows starts at row 1 (padding the rows above the data with empty rows) but at the first
    used column; columns before it are padded back here so that every row starts at column A.
    """
    iterator = _guarded(sheet.iter_rows)
    pad = [None] * start[1]
    first = True
    row_number = 0
    while True:
        values = _guarded(lambda: next(iterator, None))
        if values is None:
            return
        if first and start[0] > 0 and any(value != "" for value in values):
            row_number = start[0]  # an iter_rows that does not pad the rows above the data
        first = False
        row_number += 1
        cells = [None if value == "" else value for value in values]
        yield row_number, (pad + cells) if pad else cells


def _recognised(is_header: Callable[[str], bool], text: str) -> bool:
    try:
        return bool(is_header(text))
    except Exception:
        return False


def _quoted(names: Sequence[str]) -> str:
    shown = "、".join(f"“{name}”" for name in names[:10])
    return shown + (f" 等 {len(names)} 个" if len(names) > 10 else "")


def _examples(expected: Sequence[str]) -> str:
    return "".join(f"「{name}」" for name in (list(expected)[:5] or DEFAULT_EXPECTED))
