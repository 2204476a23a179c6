"""retention

The retention job (GRIDBOT_RETENTION_DAYS_PHOTOS / _RESOLVED, `gridbot prune`) marks what it
did: a photo whose file was deleted keeps its row (the count and the hash stay for the
statistics) with pruned_at set; a finished ticket whose personal text was blanked has
anonymised_at set, so the daily job never looks at it again.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 10:00:00
"""
import sqlalchemy as sa
from alembic import op

import models.types

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pruned_at', models.types.UTCDateTime(timezone=True),
                                      nullable=True))
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', models.types.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.drop_column('pruned_at')
