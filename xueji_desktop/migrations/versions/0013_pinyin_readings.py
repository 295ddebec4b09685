"""拼音 search keys recomputed with surname readings and every reading of a 多音字 (曾子轩: "zengzixuan cengzixuan",
"zzx czx"), for the students written before: no schema change, a data migration. 姓名拼音 itself (name_pinyin) is
record data the clerk may have chosen and is left as it is (reference/pinyin.stale_spelling finds the ones this app
filled in without the surname reading).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-12 03:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHUNK = 5000  # rows a statement: 50,000 students in a few seconds, memory bounded


def upgrade() -> None:
    from xueji_desktop.reference.pinyin import pinyin_keys

    connection = op.get_bind()
    rows = connection.exec_driver_sql("SELECT id, name, pinyin_key, initials_key FROM student").fetchall()
    changed = []
    for student_id, name, full, initials in rows:
        keys = pinyin_keys(name or "")
        if keys != (full, initials):
            changed.append((*keys, student_id))
    for start in range(0, len(changed), CHUNK):
        connection.exec_driver_sql(
            "UPDATE student SET pinyin_key = ?, initials_key = ? WHERE id = ?", changed[start : start + CHUNK]
        )


def downgrade() -> None:
    """Nothing to undo: the keys written by 0013 still begin with the preferred spelling, which is all the code
    before it reads."""
