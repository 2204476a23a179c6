"""staff groups, named reporters, undeliverable staff notices

A residents' group received the staff's daily report when its grid had no leader: a group now
has a purpose (residents / staff), and staff-only messages go only to staff chats. A staff
message nobody could be reached for is kept in undeliverable_notice for `gridbot check`.
A privately reported ticket is shown without the reporter's name unless she chose to be named.

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-30 08:00:00
"""
import sqlalchemy as sa
import sqlmodel

import models.types
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('chat_group', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=12),
                                      nullable=False, server_default='residents'))
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reporter_named', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('private_report', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    # Tickets reported before: private when their source chat is not a bound group.
    op.execute(sa.text("UPDATE ticket SET private_report = :yes WHERE source_chat_id NOT IN "
                       "(SELECT chat_id FROM chat_group)").bindparams(yes=True))
    op.create_table(
        'undeliverable_notice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column('area_id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=True),
        sa.Column('member_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('at', models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['area_id'], ['area.id']),
        sa.ForeignKeyConstraint(['member_id'], ['member.id']),
        sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('undeliverable_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_undeliverable_notice_area_id'), ['area_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('undeliverable_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_undeliverable_notice_area_id'))
    op.drop_table('undeliverable_notice')
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_column('private_report')
        batch_op.drop_column('reporter_named')
    with op.batch_alter_table('chat_group', schema=None) as batch_op:
        batch_op.drop_column('purpose')
