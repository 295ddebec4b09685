"""Run Alembic from code (no alembic.ini): the app upgrades its data file to head on every open.

Alembic itself costs ~0.4 s to import, so an up-to-date file (the usual case) is recognised with one query and the
head revision read from the versions folder's file names (each begins with its revision id: 0001_…).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # head_revision() is asked at every open, before SQLAlchemy has loaded
    from sqlalchemy import Connection

SCRIPT_LOCATION = Path(__file__).resolve().parent


def alembic_config(connection: Connection | None = None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    return max(path.name.split("_", 1)[0] for path in (SCRIPT_LOCATION / "versions").glob("[0-9]*_*.py"))


def current_revision(connection: Connection) -> str | None:
    from sqlalchemy import inspect

    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def upgrade_to_head(connection: Connection) -> None:
    if current_revision(connection) == head_revision():
        return
    from alembic import command

    command.upgrade(alembic_config(connection), "head")
