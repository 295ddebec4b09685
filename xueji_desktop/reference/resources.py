"""The one way to find a file in resources/, whether running from the source tree or installed."""

from __future__ import annotations

import sys
from importlib import resources as importlib_resources
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """Path of a file under resources/ (source tree, PyInstaller bundle, or installed package data)."""
    source_tree = Path(__file__).resolve().parents[2] / "resources"
    if source_tree.is_dir():
        return source_tree.joinpath(*parts)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle, "resources", *parts)
    return Path(str(importlib_resources.files("xueji_desktop").joinpath("resources", *parts)))
