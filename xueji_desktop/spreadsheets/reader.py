"""Reading a checked spreadsheet (.xlsx or .xls) with python-calamine: the sheets, the header row, the data rows.

Every call runs the pre-flight check first (remembered for an unchanged file, so it costs once). The header row is the
first of the first 30 rows with at least 3 cells the caller recognises (`is_header`); title rows above it — merged
across the columns, like 「潞城区2026年秋季一年级新生名单」 — are skipped. Cells are calamine's raw values (str, int,
float, bool, date, datetime, time, timedelta) with an empty cell as None; nothing is stripped. Rows with no content
(empty, or only spaces) are dropped; row numbers are Excel's, 1-based. Calamine's errors and panics of any kind become
one ImportFileError: never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum

from xueji_desktop.spreadsheets.errors import ImportFileError
from xueji_desktop.spreadsheets.preflight import CORRUPT, ENCRYPTED, LOCKED, check_file

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
    rows: list[RawRow]


def list_sheets(path: Path) -> list[str]:
    """The workbook's worksheets in workbook order (chart and macro sheets left out; hidden sheets included)."""
    path = Path(path)
    check_file(path)
    with _calamine(path) as workbook:
        return _worksheet_names(workbook)


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
    with _calamine(path) as workbook:
        names = _worksheet_names(workbook)
        if sheet is not None:
            if sheet not in names:
                raise ImportFileError(
                    f"文件中没有名为“{sheet}”的工作表；现有的工作表：{_quoted(names)}", code="no_such_sheet"
                )
            return _read_sheet(
                workbook, sheet, is_header, max_rows, max_columns, expected_headers, required=True
            )
        empty = []
        for name in names:
            table = _read_sheet(
                workbook, name, is_header, max_rows, max_columns, expected_headers, required=False
            )
            if table is not None:
                return table
            empty.append(name)
        if not names:
            raise ImportFileError("文件中没有工作表，请检查是否选对了文件", code="empty_sheet")
        if len(names) == 1:  # say exactly what is wrong with the only sheet
            _read_sheet(workbook, names[0], is_header, max_rows, max_columns, expected_headers, required=True)
        raise ImportFileError(
            f"在所有工作表（{_quoted(names)}）的前 {HEADER_SCAN_ROWS} 行中都没有找到表头行；"
            f"应有{_examples(expected_headers)}等列名，请检查是否选对了文件",
            code="no_header",
        )


class _calamine:
    """Opens the workbook from bytes we read ourselves (the content decides the format, not the file name)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.workbook: CalamineWorkbook | None = None

    def __enter__(self) -> CalamineWorkbook:
        try:
            with open(self.path, "rb") as handle:  # noqa: PTH123 - builtins.open: a Windows lock surfaces here
                self.workbook = _guarded(lambda: CalamineWorkbook.from_filelike(handle))
        except PermissionError:
            raise ImportFileError(LOCKED, code="locked") from None
        except FileNotFoundError:
            raise ImportFileError(
                f"找不到文件“{self.path.name}”，可能已被移动或删除，请重新选择", code="missing"
            ) from None
        except OSError as exc:
            raise ImportFileError(
                f"无法读取文件“{self.path.name}”（{exc.strerror or '系统错误'}），请检查文件权限，或复制到本机后重试",
                code="unreadable",
                detail=str(exc),
            ) from None
        return self.workbook

    def __exit__(self, *exc_info) -> None:
        if self.workbook is not None:
            try:
                self.workbook.close()
            except BaseException:  # noqa: BLE001, S110 - closing twice or after a panic: nothing left to free
                pass


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
    except BaseException as exc:  # noqa: BLE001 - calamine's errors, and pyo3's PanicException
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise ImportFileError(ENCRYPTED, code="encrypted", detail=str(exc)) from None
        raise ImportFileError(CORRUPT, code="corrupt", detail=f"{type(exc).__name__}: {exc}") from None


def _worksheet_names(workbook: CalamineWorkbook) -> list[str]:
    metadata = _guarded(lambda: workbook.sheets_metadata)
    return [sheet.name for sheet in metadata if sheet.typ == SheetTypeEnum.WorkSheet]


def _read_sheet(
    workbook: CalamineWorkbook,
    name: str,
    is_header: Callable[[str], bool],
    max_rows: int,
    max_columns: int,
    expected: Sequence[str],
    *,
    required: bool,
) -> SheetTable | None:
    sheet = _guarded(lambda: workbook.get_sheet_by_name(name))
    start = sheet.start
    if start is None:
        if required:
            raise ImportFileError(f"工作表“{name}”是空的", code="empty_sheet")
        return None
    rows = _numbered_rows(sheet, start)
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
    table: list[RawRow] = []
    shared = _SharedValues(width)
    for row_number, values in rows:
        cells = values[first:last]
        if not any(cell is not None and not (isinstance(cell, str) and cell.isspace()) for cell in cells):
            continue
        cells = shared.share(cells)
        if len(table) >= max_rows:
            raise ImportFileError(
                f"工作表“{name}”的数据超过 {max_rows:,} 行的上限（第 {row_number} 行起未读入）；请分成几个文件导入",
                code="too_many_rows",
            )
        if len(cells) < width:
            cells.extend([None] * (width - len(cells)))
        table.append(RawRow(row_number, cells))
    return SheetTable(name, header_row_number, headers, table)


class _SharedValues:
    """One str object per distinct value of a repetitive column (性别, 民族, 班号 …): calamine makes a new one per cell.

    A column that turns out to be mostly distinct (姓名, 身份证件号) stops being tracked, so the cache stays small.
    """

    LIMIT = 10_000

    def __init__(self, width: int) -> None:
        self.caches: list[dict | None] = [{} for _ in range(width)]
        self.rows = 0

    def share(self, cells: list[object]) -> list[object]:
        caches = self.caches
        cells = [
            cache.setdefault(value, value) if cache is not None and type(value) is str else value
            for value, cache in zip(cells, caches, strict=False)
        ]
        self.rows += 1
        if self.rows % 1000 == 0:
            self.caches = [None if cache is None or len(cache) > self.LIMIT else cache for cache in caches]
        return cells


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
    except Exception:  # noqa: BLE001 - a caller's matcher that chokes on odd text does not recognise it
        return False


def _quoted(names: Sequence[str]) -> str:
    shown = "、".join(f"“{name}”" for name in names[:10])
    return shown + (f" 等 {len(names)} 个" if len(names) > 10 else "")


def _examples(expected: Sequence[str]) -> str:
    return "".join(f"「{name}」" for name in (list(expected)[:5] or DEFAULT_EXPECTED))
