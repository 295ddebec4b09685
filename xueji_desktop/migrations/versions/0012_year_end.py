"""学年结束 (第十五条, 第二十九条): the record of each year end, append-only, one per 学年 ended

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "year_end",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ended_year", sa.Integer(), nullable=False),
        sa.Column("new_year", sa.Integer(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("backup_file", sa.String(length=260), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=50), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_year_end")),
        sa.UniqueConstraint("ended_year", name=op.f("uq_year_end_ended_year")),
    )
    for verb in ("UPDATE", "DELETE"):  # like the other history (0001)
        op.execute(
            f"CREATE TRIGGER year_end_no_{verb.lower()} BEFORE {verb} ON year_end "
            "BEGIN SELECT RAISE(ABORT, 'year_end 是只追加的历史记录，不能修改或删除'); END"
        )


def downgrade() -> None:
    for verb in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS year_end_no_{verb}")
    op.drop_table("year_end")
