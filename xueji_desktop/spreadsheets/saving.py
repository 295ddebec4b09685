"""Saving an .xlsx the app wrote (the term review report, the 查阅登记簿, the error workbook, the upload batch): what a
cell can hold, the save itself — to a temporary file beside the target, moved into place only when complete, so a
failed or killed write leaves the old file or none, never half of one (RELIABILITY.md, T17) — and the Chinese line
that says why a write failed."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # openpyxl is imported by the writers, when a file is written (start-up stays fast)
    from openpyxl import Workbook

MAX_CELL_CHARS = 32_767  # Excel's limit for one cell
# what an .xlsx cannot hold (XML 1.0) but a damaged file's cells or a typed value can bring: control characters,
# U+FFFE/U+FFFF, lone surrogates
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def save_workbook(workbook: Workbook, out: Path) -> Path:
    """Save `workbook` as `out` through a temporary file in the same folder (which must exist): OSError when the
    folder is missing or cannot be written or the disk is full, and then no partial file is left."""
    out = Path(out)
    handle, temporary = tempfile.mkstemp(prefix=".xueji-", suffix=".xlsx", dir=out.parent)
    os.close(handle)
    try:
        workbook.save(temporary)
        os.replace(temporary, out)
    finally:
        with contextlib.suppress(OSError):
            Path(temporary).unlink(missing_ok=True)
    return out


def write_failure(error: OSError, target: Path, what: str) -> str:
    """Why `what` (复核报告, 上报文件 …) could not be written as `target`, in one Chinese line that says what to do."""
    if error.errno == errno.ENOSPC:
        return f"磁盘空间已满，{what}“{target.name}”没有写成（已删除不完整的文件）。请清理磁盘空间后重试。"
    if isinstance(error, PermissionError):
        return (
            f"无法写入“{target}”：文件可能正在 Excel 等程序中打开，或没有写入这个文件夹的权限。"
            "请关闭该文件或换一个文件夹后重试。"
        )
    if isinstance(error, FileNotFoundError):
        return f"无法写入“{target}”：文件夹不存在。"
    return f"无法写入“{target}”：{error.strerror or error}"
