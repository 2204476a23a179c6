"""invites expire and can be revoked; the demo clock survives a restart

An invite code lived for ever until used: a link forwarded to the wrong chat stayed a way in.
Codes now carry expires_at (7 days by default) and revoked_at (`gridbot invite revoke`).
Codes made before this migration keep expires_at NULL and stay valid until used or revoked.

The demo's fast-forward was kept in memory only, so restarting `gridbot demo` put the clock
back and the chat showed 12-01 followed by 11-30: the offset is now one row in demo_clock.

Revision ID: 0007
Revises: 0004
Create Date: 2026-11-30 08:00:00
"""
import sqlalchemy as sa
from alembic import op

import models.types

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('invite_code', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', models.types.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('revoked_at', models.types.UTCDateTime(timezone=True),
                                      nullable=True))
    op.create_table('demo_clock',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('offset_seconds', sa.Float(), nullable=False),
                    sa.PrimaryKeyConstraint('id'))


def downgrade() -> None:
    op.drop_table('demo_clock')
    with op.batch_alter_table('invite_code', schema=None) as batch_op:
        batch_op.drop_column('revoked_at')
        batch_op.drop_column('expires_at')
