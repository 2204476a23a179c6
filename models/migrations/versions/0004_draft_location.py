"""draft location

A group report held for [登记] or for "same as …?" kept its text and photos but not where the
reporter said it was, so the ticket made from it had no location and the duplicate check
could not compare distances.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 10:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('draft', schema=None) as batch_op:
        batch_op.add_column(sa.Column('latitude', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('draft', schema=None) as batch_op:
        batch_op.drop_column('longitude')
        batch_op.drop_column('latitude')
