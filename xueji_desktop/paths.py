"""Where the data folder is: --data-dir, else XUEJI_DATA_DIR, else the platform's per-user data folder; and where
in it the log of unexpected faults is (`logs/xueji.log`, see fault_log.py).

Kept apart from store.py so the window can be painted before SQLAlchemy is imported (0.3 s on the office PC).
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "XUEJI_DATA_DIR"
LOGS_FOLDER = "logs"
LOG_NAME = "xueji.log"


def log_file(data_dir: Path) -> Path:
    """The log of a data folder (or of any folder used as one, e.g. the temporary log's)."""
    return Path(data_dir) / LOGS_FOLDER / LOG_NAME


def default_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser().resolve()
    if os.environ.get(DATA_DIR_ENV):
        return Path(os.environ[DATA_DIR_ENV]).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_data_dir("XueJi", "XueJi", roaming=False))
