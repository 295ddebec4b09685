"""奖励 and 处分 (第三十一条、第三十二条): awards, sanctions and their liftings, append-only

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("student_award", "student_sanction", "sanction_lifting")


def upgrade() -> None:
    op.create_table(
        "student_award",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("awarded_on", sa.Date(), nullable=False),
        sa.Column("issuer", sa.String(length=100), nullable=False),
        sa.Column("attachment_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=50), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attachment_id"], ["attachment.id"], name=op.f("fk_student_award_attachment_id_attachment")
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["student.id"], name=op.f("fk_student_award_student_id_student")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_student_award")),
    )
    op.create_index(op.f("ix_student_award_student_id"), "student_award", ["student_id"], unique=False)
    op.create_table(
        "student_sanction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("document_number", sa.String(length=60), nullable=False),
        sa.Column("actor", sa.String(length=50), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"], ["student.id"], name=op.f("fk_student_sanction_student_id_student")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_student_sanction")),
    )
    op.create_index(op.f("ix_student_sanction_student_id"), "student_sanction", ["student_id"], unique=False)
    op.create_table(
        "sanction_lifting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sanction_id", sa.Integer(), nullable=False),
        sa.Column("lifted_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=50), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sanction_id"],
            ["student_sanction.id"],
            name=op.f("fk_sanction_lifting_sanction_id_student_sanction"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sanction_lifting")),
    )
    op.create_index(op.f("ix_sanction_lifting_sanction_id"), "sanction_lifting", ["sanction_id"], unique=True)
    for table in TABLES:  # a sanction is lifted by a new row, never edited (第三十二条; house rule of 0001)
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} 是只追加的历史记录，不能修改或删除'); END"
            )


def downgrade() -> None:
    for table in TABLES:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
    op.drop_index(op.f("ix_sanction_lifting_sanction_id"), table_name="sanction_lifting")
    op.drop_table("sanction_lifting")
    op.drop_index(op.f("ix_student_sanction_student_id"), table_name="student_sanction")
    op.drop_table("student_sanction")
    op.drop_index(op.f("ix_student_award_student_id"), table_name="student_award")
    op.drop_table("student_award")
