"""the clerk's 节假日安排 (the year lists that move the working-day deadlines of R20.1 and R27.1), append-only

Until now each year's list was a CSV file in the data folder's holidays/ subfolder, written by the dialog itself; the
lists now live here, beside the rest of the records (one transaction and an audit entry per change, and in every
backup). The files already written are taken in once, by services.holidays.take_in_old_files on the first open.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-10 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "holiday_list",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("entries", sa.Text(), nullable=True),
        sa.Column("origin", sa.String(length=200), nullable=False),
        sa.Column("actor", sa.String(length=50), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holiday_list")),
    )
    op.create_index(op.f("ix_holiday_list_year"), "holiday_list", ["year"], unique=False)
    for verb in ("UPDATE", "DELETE"):  # every list ever in force is kept, like the other history (0001)
        op.execute(
            f"CREATE TRIGGER holiday_list_no_{verb.lower()} BEFORE {verb} ON holiday_list "
            "BEGIN SELECT RAISE(ABORT, 'holiday_list 是只追加的历史记录，不能修改或删除'); END"
        )


def downgrade() -> None:
    for verb in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS holiday_list_no_{verb}")
    op.drop_index(op.f("ix_holiday_list_year"), table_name="holiday_list")
    op.drop_table("holiday_list")
