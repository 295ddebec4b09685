"""Writing an upload batch (上报批次) in a provincial template: text cells, split by the template's limits, atomically.

- Every value is written as a text cell (data type string, number format "@"): ID numbers, phones, postcodes and
  region codes stay digits, never 1.4E+17 or a dropped leading 0, and a value beginning with = + - @ is text, never a
  formula (T11, RELIABILITY.md: openpyxl writes any string starting with "=" as a live formula unless told otherwise).
- A batch larger than the template allows (max_rows_per_sheet rows a sheet, max_sheets_per_file sheets a file) goes
  to sheets 学生信息, 学生信息2, … and files OUT.xlsx, OUT_2.xlsx, ….
- Each file is written to a temporary file in the same folder, fsynced, and only then moved into place with
  os.replace (T17): a failed or killed write leaves the old file or none, never half of one. A full disk raises
  BatchWriteError with a Chinese message and leaves no partial file.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import ALL_TEMP_FILES, WorksheetWriter

from xueji_desktop.errors import DomainError
from xueji_desktop.spreadsheets.saving import MAX_CELL_CHARS, write_failure
from xueji_desktop.spreadsheets.template import ColumnSpec, TemplateSpec

TEXT_FORMAT = "@"
TEMP_SUFFIX = ".part"

# Columns wider than their header: what the values usually need, in character widths (a Chinese character is 2).
_VALUE_WIDTHS = {
    "school_code": 12,
    "id_number": 20,
    "phone": 13,
    "postcode": 8,
    "current_address": 40,
    "mailing_address": 40,
    "home_address": 40,
    "address": 40,
    "employer": 26,
    "email": 22,
    "homepage": 26,
    "specialty": 16,
}
_FORM_WIDTHS = {"yyyymmdd": 10, "yyyymm": 8, "region12": 14, "region_name": 22}


class BatchWriteError(DomainError):
    """The batch could not be written; the message says why in Chinese. No partial file is left behind."""


def write_batch(path: Path, spec: TemplateSpec, rows: Iterable[list[str]]) -> list[Path]:
    """Write rows (one list of len(spec.columns) strings per student, "" or None for empty) under the template's
    header; return the files written, in order. An empty batch gives one file with the header only."""
    path = Path(path)
    if spec.max_rows_per_sheet < 1 or spec.max_sheets_per_file < 1:
        raise ValueError("template limits must be at least 1")
    _remove_stale_temporaries(path)
    source = _Rows(rows)
    written: list[tuple[Path, Path]] = []  # (temporary, final)
    target = path
    try:
        while True:
            target = path if not written else path.with_name(f"{path.stem}_{len(written) + 1}{path.suffix}")
            temporary = target.with_name(f".{target.name}.{os.getpid()}{TEMP_SUFFIX}")
            written.append((temporary, target))
            _write_file(temporary, spec, source)
            if not source.more:
                break
        for temporary, target in written:
            os.replace(temporary, target)
    except BaseException as error:
        for temporary, _final in written:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise BatchWriteError(write_failure(error, target, "上报文件")) from error
        raise
    _fsync_folder(path.parent)
    return [final for _temporary, final in written]


class _Rows:
    """The batch's rows, streamed, with a look at whether another one follows (so no empty sheet or file is made)."""

    def __init__(self, rows: Iterable[list[str]]):
        self._rows = iter(rows)
        self._next = next(self._rows, None)

    @property
    def more(self) -> bool:
        return self._next is not None

    def take(self) -> list[str]:
        row, self._next = self._next, next(self._rows, None)
        assert row is not None
        return row


def _write_file(target: Path, spec: TemplateSpec, source: _Rows) -> None:
    """One workbook: up to max_sheets_per_file sheets of up to max_rows_per_sheet rows each. openpyxl streams each
    sheet to a file of its own before zipping; those lie beside the target too (not in the system's temp folder: they
    hold the same personal data, and a killed export's leftovers are found and removed by the next one)."""
    workbook = Workbook(write_only=True)
    width = len(spec.columns)
    sheet_files: list[Path] = []
    try:
        for sheet_number in range(1, spec.max_sheets_per_file + 1):
            title = spec.sheet_name if sheet_number == 1 else f"{spec.sheet_name}{sheet_number}"
            sheet = workbook.create_sheet(title)
            sheet_files.append(
                target.with_name(f"{target.name.removesuffix(TEMP_SUFFIX)}.{sheet_number}{TEMP_SUFFIX}")
            )
            _prepare_sheet(sheet, spec.columns, sheet_files[-1])
            for _ in range(spec.max_rows_per_sheet):
                if not source.more:
                    break
                row = source.take()
                if len(row) != width:
                    raise ValueError(f"a row has {len(row)} values, the template {width} columns")
                sheet.append(row)
            if not source.more:
                break
        workbook.save(target)
        with target.open("rb+") as handle:
            os.fsync(handle.fileno())
    except BaseException:
        for sheet in workbook.worksheets:  # finish and close each sheet's stream, so its file can be removed
            if not sheet.closed:
                with contextlib.suppress(Exception):
                    sheet.close()
        for sheet_file in sheet_files:
            with contextlib.suppress(OSError):
                sheet_file.unlink(missing_ok=True)
        raise


def _prepare_sheet(sheet: WriteOnlyWorksheet, columns: tuple[ColumnSpec, ...], stream: Path) -> None:
    """Column widths and the frozen header (both go out before the first row), the sheet's stream file, then the
    bold header row."""
    for number, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = _column_width(column)
    sheet.freeze_panes = "A2"
    ALL_TEMP_FILES.append(str(stream))  # openpyxl removes it once zipped (and at exit), as it does its own
    sheet._writer = WorksheetWriter(sheet, out=str(stream))
    sheet._writer.write_top()
    sheet._values_to_row = _TextRows(sheet).cells
    bold, centred = Font(bold=True), Alignment(horizontal="center", vertical="center")
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, column.header)
        cell.data_type = "s"
        cell.font, cell.alignment, cell.number_format = bold, centred, TEXT_FORMAT
        header.append(cell)
    sheet.append(header)


class _TextCell(Cell):
    """A cell whose style is fixed when it is made: openpyxl would otherwise hash the style on every write."""

    __slots__ = ("style_id", "has_style", "coordinate")


class _TextRows:
    """Turns each appended row into text cells ("@", data type string), in place of openpyxl's own conversion.

    openpyxl would bind each value (inferring a type, turning "=…" into a formula) and, for a styled cell, allocate
    a fresh cell per value: 2x the time of writing plain values (benchmarks/batch_export.py). Every value here is
    text, so one styled cell per sheet is reused — the writer streams each cell out before the next is made — and
    its data type is string, which is what keeps "=1+1" text (T11). Characters XML cannot hold are dropped, and a
    carriage return becomes the line break every XML reader turns it into.
    Cells already made (the header) pass through as they are.
    """

    def __init__(self, sheet: WriteOnlyWorksheet):
        model = WriteOnlyCell(sheet)
        model.number_format = TEXT_FORMAT
        self._cell = _TextCell(sheet, style_array=model._style)
        self._cell.style_id, self._cell.has_style = model.style_id, True
        self._cell.data_type = "s"
        self._letters = [""]  # column letters by number, grown as wide as the rows are

    def cells(self, values: list[object], row_index: int) -> Iterator[Cell]:
        cell = self._cell
        cell.row = row_index
        suffix = str(row_index)
        letters = self._letters
        while len(letters) <= len(values):
            letters.append(get_column_letter(len(letters)))
        for column, value in enumerate(values, start=1):
            if value is None or value == "":
                continue
            if isinstance(value, Cell):
                value.row, value.column = row_index, column
                yield value
                continue
            text = value if isinstance(value, str) else str(value)
            if ILLEGAL_CHARACTERS_RE.search(text):
                text = ILLEGAL_CHARACTERS_RE.sub("", text)
            if "\r" in text:  # XML readers turn a bare CR into LF anyway: write what will be read
                text = text.replace("\r\n", "\n").replace("\r", "\n")
            cell._value = text[:MAX_CELL_CHARS]
            cell.column = column
            cell.coordinate = letters[column] + suffix
            yield cell


def _column_width(column: ColumnSpec) -> float:
    header = sum(2 if ord(character) > 0x2E7F else 1 for character in column.header)
    typical = _VALUE_WIDTHS.get(column.field_key) or _FORM_WIDTHS.get(column.form, 0)
    return max(header, typical, 6) + 2


def _remove_stale_temporaries(path: Path) -> None:
    """Temporary files a killed earlier export of the same file left behind (they hold personal data)."""
    if not path.parent.is_dir():
        return
    pattern = re.compile(
        rf"\.{re.escape(path.stem)}(_[0-9]+)?{re.escape(path.suffix)}\.[0-9]+(\.[0-9]+)?{re.escape(TEMP_SUFFIX)}"
    )
    for entry in path.parent.iterdir():
        if pattern.fullmatch(entry.name):
            entry.unlink(missing_ok=True)


def _fsync_folder(folder: Path) -> None:
    """Make the renames durable (POSIX); Windows cannot open a folder for this, and NTFS journals renames."""
    if os.name != "posix":
        return
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
