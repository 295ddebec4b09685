"""体质健康 (第二十九条, R29.1): each 学年's 《国家学生体质健康标准》 result and 体育免修, append-only

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 02:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("fitness_result", "pe_exemption")


def upgrade() -> None:
    op.create_table(
        "fitness_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("school_year", sa.Integer(), nullable=False),
        sa.Column("total_score", sa.Float(), nullable=False),
        sa.Column("grade", sa.String(length=4), nullable=False),
        sa.Column("source", sa.String(length=260), nullable=False),
        sa.Column("actor", sa.String(length=50), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"], ["student.id"], name=op.f("fk_fitness_result_student_id_student")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fitness_result")),
    )
    op.create_index(op.f("ix_fitness_result_student_id"), "fitness_result", ["student_id"], unique=False)
    op.create_table(
        "pe_exemption",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("school_year", sa.Integer(), nullable=False),
        sa.Column("exempt", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("attachment_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=50), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attachment_id"], ["attachment.id"], name=op.f("fk_pe_exemption_attachment_id_attachment")
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["student.id"], name=op.f("fk_pe_exemption_student_id_student")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pe_exemption")),
    )
    op.create_index(op.f("ix_pe_exemption_student_id"), "pe_exemption", ["student_id"], unique=False)
    for table in TABLES:  # a correction is a newer row, like the other history (0001)
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
