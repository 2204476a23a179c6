"""outbox lanes and claim leases

The sender now claims rows in batches, button answers first and bulk sends (digests) last,
and can run in several processes: a "sending" row names its sender and a lease, so a live
sender's rows are never taken by another and a dead one's go back to pending. Rows queued
before this migration are interactive (lane 1) and unclaimed.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 08:00:00
"""
import sqlalchemy as sa
import sqlmodel

import models.types
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lane', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=36),
                                      nullable=True))
        batch_op.add_column(sa.Column('claimed_until', models.types.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.create_index('ix_outbox_chat', ['platform', 'chat_id', 'id'], unique=False)
    # Answers to button presses jump the queue from now on, also those already waiting.
    op.execute(sa.text("UPDATE outbox_message SET lane = 0 WHERE kind = 'answer_button'"))


def downgrade() -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_chat')
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('claimed_by')
        batch_op.drop_column('lane')
