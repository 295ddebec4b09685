"""student (school_class_id, status) index: the class tree's counts come from the index alone

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 10:50:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_student_class_status", "student", ["school_class_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_student_class_status", table_name="student")
