"""the consultation register (查阅登记, R35.1) and where each paper archive file is kept (R5.1), both append-only

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("record_consultation", "paper_archive_place")


def upgrade() -> None:
    op.create_table(
        "record_consultation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("visitor", sa.String(length=50), nullable=False),
        sa.Column("organisation", sa.String(length=100), nullable=True),
        sa.Column("basis", sa.String(length=30), nullable=False),
        sa.Column("basis_number", sa.String(length=60), nullable=True),
        sa.Column("student_id", sa.Integer(), nullable=True),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("copies_out", sa.Boolean(), nullable=False),
        sa.Column("approval_number", sa.String(length=60), nullable=True),
        sa.Column("actor", sa.String(length=50), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"], ["student.id"], name=op.f("fk_record_consultation_student_id_student")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_consultation")),
    )
    op.create_index(
        op.f("ix_record_consultation_student_id"), "record_consultation", ["student_id"], unique=False
    )
    op.create_table(
        "paper_archive_place",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=True),
        sa.Column("item", sa.String(length=100), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("actor", sa.String(length=50), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"], ["student.id"], name=op.f("fk_paper_archive_place_student_id_student")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paper_archive_place")),
    )
    op.create_index(
        op.f("ix_paper_archive_place_student_id"), "paper_archive_place", ["student_id"], unique=False
    )
    for table in TABLES:  # who consulted what, and every place a paper file was ever kept: append-only (0001)
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} 是只追加的历史记录，不能修改或删除'); END"
            )


def downgrade() -> None:
    for table in reversed(TABLES):
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
        op.drop_index(op.f(f"ix_{table}_student_id"), table_name=table)
        op.drop_table(table)
