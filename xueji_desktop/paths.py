"""Where the data folder is: --data-dir, else XUEJI_DATA_DIR, else the platform's per-user data folder.

Kept apart from store.py so the window can be painted before SQLAlchemy is imported (0.3 s on the office PC).
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "XUEJI_DATA_DIR"


def default_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser().resolve()
    if os.environ.get(DATA_DIR_ENV):
        return Path(os.environ[DATA_DIR_ENV]).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_data_dir("XueJi", "XueJi", roaming=False))
