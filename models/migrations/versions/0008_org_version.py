"""org_version: one number bumped by triggers whenever areas or bound groups change

The handlers cache the area tree and the bound groups in memory; a transaction reads this
number first and drops the cache when it moved (models/org/version.py says why triggers).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 09:00:00
"""
import sqlalchemy as sa
from alembic import op

from models.org.version import DROP_POSTGRES, DROP_SQLITE, SEED, triggers_for

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'org_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.execute(SEED)
    for statement in triggers_for(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in DROP_POSTGRES if postgres else DROP_SQLITE:
        op.execute(statement)
    op.drop_table('org_version')
