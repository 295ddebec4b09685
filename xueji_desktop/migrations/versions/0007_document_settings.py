"""the wording printed on certificates, as the clerk set it (append-only)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "document_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=50), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_setting")),
    )
    op.create_index(op.f("ix_document_setting_key"), "document_setting", ["key"], unique=False)
    for verb in ("UPDATE", "DELETE"):  # every wording ever in force is kept, like the other history (0001)
        op.execute(
            f"CREATE TRIGGER document_setting_no_{verb.lower()} BEFORE {verb} ON document_setting "
            "BEGIN SELECT RAISE(ABORT, 'document_setting 是只追加的历史记录，不能修改或删除'); END"
        )


def downgrade() -> None:
    for verb in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS document_setting_no_{verb}")
    op.drop_index(op.f("ix_document_setting_key"), table_name="document_setting")
    op.drop_table("document_setting")
