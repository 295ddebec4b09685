"""The one error a spreadsheet that cannot be read at all raises: a single Chinese line saying why and what to do.

`code` names the check that refused the file (tests and logs use it; the clerk sees only the message); `detail` keeps
the parser's own words, in English, for the log — never shown on screen.
"""

from __future__ import annotations

import re

from xueji_desktop.errors import DomainError

# what would break the line: a sheet or file name from a damaged file can hold line breaks and control characters
_NOT_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class ImportFileError(DomainError):
    """The file cannot be read at all (str() is one Chinese line: why, and what to do)."""

    def __init__(self, message: str, *, code: str = "unreadable", detail: str = "") -> None:
        message = _NOT_ONE_LINE.sub("\ufffd", message)
        super().__init__(message)
        self.message = message
        self.code = code
        self.detail = detail

    def __str__(self) -> str:
        return self.message
