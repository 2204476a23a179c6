"""The webchat's own message log: what Telegram's servers keep for a Telegram bot."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text
from sqlmodel import Column, Field, SQLModel

from models.types import utc_column


class WebchatMessage(SQLModel, table=True):
    __tablename__ = "webchat_message"
    __table_args__ = (Index("ix_webchat_message_chat", "chat_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    chat_id: str = Field(max_length=64)
    sender_id: str = Field(max_length=64)  # a member's platform user id, or "bot"
    sender_name: str = Field(default="", max_length=128)
    text: str = Field(default="", sa_column=Column(Text, nullable=False))
    file_id: str | None = Field(default=None, max_length=128)
    media_group_id: str | None = Field(default=None, max_length=64)
    latitude: float | None = None
    longitude: float | None = None
    buttons: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    reply_to_id: int | None = None
    edited: bool = False
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class DemoClockState(SQLModel, table=True):
    """How far the demo's clock has been fast-forwarded, so a restart of `gridbot demo` goes on
    from there: the chat log would otherwise show 12-01 followed by 11-30. One row, id 1."""

    __tablename__ = "demo_clock"
    id: int | None = Field(default=None, primary_key=True)
    offset_seconds: float = 0.0
