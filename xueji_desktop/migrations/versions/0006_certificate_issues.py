"""the log of certificates issued (在读证明 …)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 13:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "certificate_issue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("actor", sa.String(length=50), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"], ["student.id"], name=op.f("fk_certificate_issue_student_id_student")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_issue")),
        sa.UniqueConstraint("kind", "number", name=op.f("uq_certificate_issue_kind")),
    )
    op.create_index(
        op.f("ix_certificate_issue_student_id"), "certificate_issue", ["student_id"], unique=False
    )
    for verb in ("UPDATE", "DELETE"):  # a log of what was issued: append-only like the other history (0001)
        op.execute(
            f"CREATE TRIGGER certificate_issue_no_{verb.lower()} BEFORE {verb} ON certificate_issue "
            "BEGIN SELECT RAISE(ABORT, 'certificate_issue 是只追加的历史记录，不能修改或删除'); END"
        )


def downgrade() -> None:
    for verb in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS certificate_issue_no_{verb}")
    op.drop_index(op.f("ix_certificate_issue_student_id"), table_name="certificate_issue")
    op.drop_table("certificate_issue")
