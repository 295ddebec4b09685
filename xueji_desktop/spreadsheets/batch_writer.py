"""Writing an upload batch (上报批次) in a provincial template: text cells, split by the template's limits, atomically.

- Every value is written as a text cell (xlsxwriter's write_string, number format "@"): ID numbers, phones, postcodes
  and region codes stay digits, never 1.4E+17 or a dropped leading 0, and a value beginning with = + - @ is text,
  never a formula (T11, RELIABILITY.md). xlsxwriter builds the workbook in memory and writes it once: 0.6 of the time
  openpyxl's write_only took for the same cells (benchmarks/batch_export.py), and no sheet is ever streamed to a
  temporary file outside the export's folder.
- A batch larger than the template allows (max_rows_per_sheet rows a sheet, max_sheets_per_file sheets a file) goes
  to sheets 学生信息, 学生信息2, … and files OUT.xlsx, OUT_2.xlsx, ….
- Each file is written to a temporary file in the same folder, fsynced, and only then moved into place with
  os.replace (T17): a failed or killed write leaves the old file or none, never half of one. A full disk raises
  BatchWriteError with a Chinese message and leaves no partial file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
from collections.abc import Iterable
from pathlib import Path

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

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
    """One workbook: up to max_sheets_per_file sheets of up to max_rows_per_sheet rows each, built in memory by
    xlsxwriter (no sheet is streamed to a temporary file anywhere: the personal data never leaves the export's
    folder) and written to `target`, then fsynced."""
    import xlsxwriter
    from xlsxwriter.exceptions import FileCreateError

    workbook = xlsxwriter.Workbook(
        str(target),
        {
            "in_memory": True,
            "strings_to_formulas": False,  # T11: "=1+1" stays text
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    workbook.set_properties({"creator": "学籍桌面"})
    text = workbook.add_format({"num_format": TEXT_FORMAT})
    header_format = workbook.add_format(
        {"num_format": TEXT_FORMAT, "bold": True, "align": "center", "valign": "vcenter"}
    )
    width = len(spec.columns)
    for sheet_number in range(1, spec.max_sheets_per_file + 1):
        title = spec.sheet_name if sheet_number == 1 else f"{spec.sheet_name}{sheet_number}"
        sheet = workbook.add_worksheet(title)
        for number, column in enumerate(spec.columns):
            sheet.set_column(number, number, _column_width(column), text)
        sheet.freeze_panes(1, 0)
        for number, column in enumerate(spec.columns):
            sheet.write_string(0, number, column.header, header_format)
        # the undecorated write_string (xlsxwriter's own name for it): the decorator only turns "A1" into numbers,
        # and over 300,000 cells its cost is a tenth of the export (benchmarks/batch_export.py)
        write = getattr(sheet, "_write_string", sheet.write_string)
        for row_index in range(1, spec.max_rows_per_sheet + 1):
            if not source.more:
                break
            row = source.take()
            if len(row) != width:
                raise ValueError(f"a row has {len(row)} values, the template {width} columns")
            for column_index, value in enumerate(row):
                if value is None or value == "":
                    continue
                write(row_index, column_index, _text(value), text)
        if not source.more:
            break
    try:
        workbook.close()
    except FileCreateError as error:  # xlsxwriter's wrapper of the OSError that stopped it
        cause = error.__cause__ or (error.args[0] if error.args else None)
        if isinstance(cause, OSError):
            raise cause from error
        raise OSError(errno.EIO, str(error)) from error
    with target.open("rb+") as handle:
        os.fsync(handle.fileno())


def _text(value: object) -> str:
    """A cell's text: characters XML cannot hold dropped, a carriage return made the line break every XML reader turns
    it into, at most MAX_CELL_CHARS characters."""
    text = value if isinstance(value, str) else str(value)
    if text.isprintable():  # nearly every value: no control character, no line break (one C call)
        return text[:MAX_CELL_CHARS]
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text[:MAX_CELL_CHARS]


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
