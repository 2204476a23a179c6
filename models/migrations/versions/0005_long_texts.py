"""long texts

Telegram allows 4,096 characters in a message; the columns keeping what people wrote were
VARCHAR(4000) (a report) and VARCHAR(2000) (a closing note, a reason, an audit note), so a
long report or note failed on PostgreSQL. Each now holds a whole message (models.types).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# (table, column, old length, nullable)
COLUMNS = [
    ('draft', 'text', 4000, False),
    ('ticket', 'text', 4000, False),
    ('ticket', 'close_note', 2000, True),
    ('ticket', 'reject_reason', 2000, True),
    ('ticket', 'return_reason', 2000, True),
    ('ticket_event', 'note', 2000, True),
]


def _alter(widen: bool) -> None:
    for table, column, old, nullable in COLUMNS:
        before, after = (old, 4096) if widen else (4096, old)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=sa.String(length=before),
                                  type_=sa.String(length=after), existing_nullable=nullable)


def upgrade() -> None:
    _alter(widen=True)


def downgrade() -> None:
    # A text longer than the old width would no longer fit: PostgreSQL refuses, nothing is cut.
    _alter(widen=False)
