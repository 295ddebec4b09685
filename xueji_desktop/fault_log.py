"""Where faults nobody expected are written: `logs/xueji.log` in the data folder, a rotating file.

A refusal (`errors.DomainError`) is shown to the clerk and needs no log. Anything else is a fault: the app (ui/common/
operations.py), the CLI and the last-resort excepthook write its traceback here and show the clerk one calm Chinese line
naming this file, never the traceback. Before a data folder is open (or when its logs folder cannot be written), the
log goes to a folder of the system's temporary directory instead, so there is always a file to name.
"""

from __future__ import annotations

import logging
import tempfile
from logging.handlers import RotatingFileHandler
from pathlib import Path

from xueji_desktop.paths import log_file

log = logging.getLogger("xueji_desktop")
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _FaultLog(RotatingFileHandler):
    """The one handler this module installs on the root logger (recognised by its type when replaced)."""


def _installed() -> _FaultLog | None:
    return next((h for h in logging.getLogger().handlers if isinstance(h, _FaultLog)), None)


def log_to(data_dir: Path) -> Path:
    """Write the log in `data_dir`/logs/xueji.log from now on (replacing a log of another folder); returns the file.

    Falls back to the temporary log when the logs folder cannot be made (a read-only or full disk)."""
    target = log_file(data_dir)
    current = _installed()
    if current is not None and Path(current.baseFilename) == target:
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handler = _FaultLog(
            target, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True
        )
    except OSError:
        return temporary_log()
    _install(handler)
    return target


def temporary_log() -> Path:
    """The log in the system's temporary folder, for when no data folder is open; installed if none is."""
    current = _installed()
    if current is not None:
        return Path(current.baseFilename)
    target = log_file(Path(tempfile.gettempdir()) / "xueji-desktop")
    target.parent.mkdir(parents=True, exist_ok=True)
    _install(_FaultLog(target, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True))
    return target


def _install(handler: _FaultLog) -> None:
    root = logging.getLogger()
    previous = _installed()
    if previous is not None:
        root.removeHandler(previous)
        previous.close()
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.setLevel(logging.INFO)
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)


def record_fault(error: BaseException, doing: str) -> Path:
    """Write `error` with its traceback to the log (the data folder's, else the temporary one); returns the file."""
    path = current_log()
    log.error("未预料的错误（%s）", doing, exc_info=(type(error), error, error.__traceback__))
    handler = _installed()
    if handler is not None:
        handler.flush()
    return path


def current_log() -> Path:
    """The file faults are written to now (installing the temporary log when no data folder's log is)."""
    handler = _installed()
    return Path(handler.baseFilename) if handler is not None else temporary_log()


def unexpected_line(path: Path, doing: str = "") -> str:
    """The one line the clerk reads about a fault: what did not finish, that the data is safe, where the log is."""
    what = f"“{doing}”没有完成，" if doing else ""
    return f"出现了一个意外问题，{what}已保存的数据不受影响。详细情况已记录在日志文件 {path} 中，请把它交给技术支持。"
