"""Where a generated PDF goes: written to a temporary name beside its place and moved there only when complete, so a
failure (a full disk, a refused certificate) never leaves half a file or overwrites a good one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def placed(out: Path) -> Iterator[Path]:
    """A temporary file beside `out`, moved into place when the block succeeds, removed otherwise."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".xueji-", suffix=out.suffix or ".pdf", dir=out.parent)
    os.close(handle)
    try:
        yield Path(temporary)
        os.replace(temporary, out)
    finally:
        Path(temporary).unlink(missing_ok=True)
