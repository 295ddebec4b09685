"""absence records of senior students (R26.1)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 13:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "absence_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("term_start", sa.Date(), nullable=False),
        sa.Column("longest_continuous_weeks", sa.Float(), nullable=False),
        sa.Column("total_weeks", sa.Float(), nullable=False),
        sa.Column("contacted_family", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=50), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"], ["student.id"], name=op.f("fk_absence_record_student_id_student")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absence_record")),
    )
    op.create_index(op.f("ix_absence_record_student_id"), "absence_record", ["student_id"], unique=False)
    for verb in ("UPDATE", "DELETE"):  # history: append-only like the others (0001)
        op.execute(
            f"CREATE TRIGGER absence_record_no_{verb.lower()} BEFORE {verb} ON absence_record "
            "BEGIN SELECT RAISE(ABORT, 'absence_record 是只追加的历史记录，不能修改或删除'); END"
        )


def downgrade() -> None:
    for verb in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS absence_record_no_{verb}")
    op.drop_index(op.f("ix_absence_record_student_id"), table_name="absence_record")
    op.drop_table("absence_record")
