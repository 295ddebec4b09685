"""procedures of status changes (异动手续), their events and proofs

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 12:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_TABLES = ("procedure", "procedure_event", "procedure_proof")


def upgrade() -> None:
    op.create_table(
        "procedure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=True),
        sa.Column("student_name", sa.String(length=50), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=50), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["student_id"], ["student.id"], name=op.f("fk_procedure_student_id_student")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procedure")),
    )
    op.create_index(op.f("ix_procedure_student_id"), "procedure", ["student_id"], unique=False)
    op.create_table(
        "procedure_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("track", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("approval_number", sa.String(length=60), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status_change_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=50), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["procedure_id"], ["procedure.id"], name=op.f("fk_procedure_event_procedure_id_procedure")
        ),
        sa.ForeignKeyConstraint(
            ["status_change_id"],
            ["status_change.id"],
            name=op.f("fk_procedure_event_status_change_id_status_change"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procedure_event")),
    )
    op.create_index(
        op.f("ix_procedure_event_procedure_id"), "procedure_event", ["procedure_id"], unique=False
    )
    op.create_table(
        "procedure_proof",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("attachment_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attachment_id"], ["attachment.id"], name=op.f("fk_procedure_proof_attachment_id_attachment")
        ),
        sa.ForeignKeyConstraint(
            ["procedure_id"], ["procedure.id"], name=op.f("fk_procedure_proof_procedure_id_procedure")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procedure_proof")),
    )
    op.create_index(
        op.f("ix_procedure_proof_procedure_id"), "procedure_proof", ["procedure_id"], unique=False
    )
    for table in NEW_TABLES:  # history: append-only like the others (0001)
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} 是只追加的历史记录，不能修改或删除'); END"
            )


def downgrade() -> None:
    for table in NEW_TABLES:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
    op.drop_index(op.f("ix_procedure_proof_procedure_id"), table_name="procedure_proof")
    op.drop_table("procedure_proof")
    op.drop_index(op.f("ix_procedure_event_procedure_id"), table_name="procedure_event")
    op.drop_table("procedure_event")
    op.drop_index(op.f("ix_procedure_student_id"), table_name="procedure")
    op.drop_table("procedure")
