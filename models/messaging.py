"""Durable messaging: the inbox of updates, the outbox of actions, and conversation state.

Keeping these in the store (never in memory) is what lets a crash or a restart lose nothing
and repeat nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from models.types import TEXT_LIMIT, utc_column


class InboxUpdate(SQLModel, table=True):
    """Every inbound update, stored before it is handled: a replay changes nothing."""

    __tablename__ = "inbox_update"
    __table_args__ = (
        UniqueConstraint("platform", "update_key"),
        Index("ix_inbox_pending", "status", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    update_key: str = Field(max_length=128)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", max_length=12)  # pending | done | failed
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=1000)
    received_at: datetime = Field(sa_column=utc_column(nullable=False))


class OutboxMessage(SQLModel, table=True):
    """An outbound action, written in the same transaction as the change it reports."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_due", "status", "not_before"),
        # The claim asks "is an earlier row of this chat still waiting?" for each candidate.
        Index("ix_outbox_chat", "platform", "chat_id", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    chat_id: str = Field(max_length=64)
    kind: str = Field(max_length=16)
    # Claim order between chats (handlers.outbox.LANES): button answers, then interactive
    # replies, then bulk sends (digests). Within one chat the id order always wins.
    lane: int = Field(default=1)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    # Remembered message key ("card:42") that later edits refer to.
    ref: str | None = Field(default=None, max_length=64, index=True)
    status: str = Field(default="pending", max_length=14)
    attempts: int = 0
    not_before: datetime = Field(sa_column=utc_column(nullable=False))
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    last_error: str | None = Field(default=None, max_length=1000)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    # Which sender process holds a "sending" row, and until when: a row whose lease ran out
    # (its process died) goes back to pending; another live sender never takes it earlier.
    claimed_by: str | None = Field(default=None, max_length=36)
    claimed_until: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class MessageRef(SQLModel, table=True):
    """Which platform message a ref such as "card:42@chat" became once sent."""

    __tablename__ = "message_ref"
    platform: str = Field(primary_key=True, max_length=16)
    chat_id: str = Field(primary_key=True, max_length=64)
    ref: str = Field(primary_key=True, max_length=64)
    message_id: str = Field(max_length=64)


class Draft(SQLModel, table=True):
    """A group message that looks like a report, waiting for its author's [登记]."""

    __table_args__ = (UniqueConstraint("platform", "chat_id", "media_group_id"),)
    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    chat_id: str = Field(max_length=64)
    member_id: int = Field(foreign_key="member.id")
    media_group_id: str | None = Field(default=None, max_length=64)
    text: str = Field(default="", max_length=TEXT_LIMIT)
    photos: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    source_message_id: str | None = Field(default=None, max_length=64)
    # Where the reporter said it is (the webchat's location picker; Telegram sends a location
    # as a message of its own): kept so the ticket made later, after [登记] or [不是], has it.
    latitude: float | None = None
    longitude: float | None = None
    # pending → confirmed | dismissed; or dup_check → followed | confirmed
    # (handlers.intake.duplicates)
    status: str = Field(default="pending", max_length=12)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class Conversation(SQLModel, table=True):
    """A multi-step exchange with one person in one chat (guided report, closing note ...)."""

    __table_args__ = (UniqueConstraint("member_id", "chat_id"),)
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id")
    chat_id: str = Field(max_length=64)
    kind: str = Field(max_length=24)
    step: str = Field(max_length=24)
    data: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(sa_column=utc_column(nullable=False))
