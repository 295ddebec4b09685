"""Alembic environment: always given an open connection by migrations.runner (the store's, exclusive)."""

from __future__ import annotations

from alembic import context

from xueji_desktop.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached by running the alembic command by hand
    raise SystemExit("请通过 xueji_desktop.migrations.runner 运行迁移（需要已打开的数据连接）。")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
