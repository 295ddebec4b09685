"""The refusals a clerk can meet, as one family: every one is a `DomainError` with a Chinese message.

A service that will not do what it was asked raises a `DomainError` (or a subclass): the message is one Chinese line
the clerk can act on, the findings (if any) carry their rule ids and articles, and the hint says what to do next. The
UI shows it through one helper (ui/common/operations.py) and the CLI prints it and exits 2; neither needs to know which
subclass it was. Anything that is not a `DomainError` is a fault nobody expected: it is logged with its traceback and
the clerk sees one calm line naming the log file.

This module sits at the bottom of the house (it imports nothing of the app), so rules, the store, spreadsheets,
documents and services can all raise these.
"""

from __future__ import annotations

import errno
from collections.abc import Sequence
from typing import Protocol


class Finding(Protocol):
    """What a refusal needs of a finding (rules/findings.py's Finding, which imports this module): its text with the
    article it rests on."""

    @property
    def text(self) -> str: ...


class DomainError(Exception):
    """A use case refused: `message` (one Chinese line), the `findings` behind it (rule id, article, text) and an
    optional `hint` (what the clerk can do about it)."""

    def __init__(self, message: str, *, findings: Sequence[Finding] = (), hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.findings: Sequence[Finding] = list(findings)  # a subclass may hold a narrower kind
        self.hint = hint

    def __str__(self) -> str:
        return self.message

    @property
    def lines(self) -> list[str]:
        """What the clerk reads: the message (or each finding with its article), then the hint."""
        shown = [finding.text for finding in self.findings] or [self.message]
        return [*shown, self.hint] if self.hint else shown


class NotFound(DomainError, LookupError):
    """What was asked for is not in the records (a student, a class, a procedure by its number)."""


class InvalidInput(DomainError, ValueError):
    """A value the clerk gave cannot be used as it is (a date, an ID number, a file): the message says which."""


class FileProblem(InvalidInput):
    """A file the clerk chose cannot be read or written: no permission, open in another program (Excel, WPS), missing,
    on a read-only disk. Made from the OSError by `file_problem`; the message says which file and why, in Chinese."""


_FILE_REASONS = {
    errno.EACCES: "没有权限，或文件正被其他程序（如 Excel、WPS）打开",
    errno.EPERM: "没有权限，或文件正被其他程序（如 Excel、WPS）打开",
    errno.EBUSY: "文件正被其他程序使用",
    errno.ENOENT: "找不到这个文件或文件夹",
    errno.EROFS: "这个磁盘是只读的",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中有一部分不是文件夹",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EINVAL: "文件名中有不能使用的字符",
}


def file_problem(error: BaseException) -> FileProblem | None:
    """The refusal an OSError on a named file stands for (a full disk is a store.DiskFull, not this), else None."""
    if not isinstance(error, OSError) or not error.filename or error.errno == errno.ENOSPC:
        return None
    reason = _FILE_REASONS.get(error.errno or 0, "系统拒绝了这次读写")
    return FileProblem(f"无法读写文件“{error.filename}”：{reason}。请检查后重试。")


class StoreError(DomainError):
    """The data file itself cannot do what was asked: the disk is full, the file is locked by another copy of the
    app, it is damaged, or a backup cannot be read. Its message says which, in the clerk's words."""
