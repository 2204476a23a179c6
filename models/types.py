"""Column types shared by the tables."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

# What one Telegram message may hold: a text 4,096 characters, a photo's caption 1,024. Every
# column that keeps what a person wrote (a report, a note, a reason) holds a whole message.
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024


class UTCDateTime(TypeDecorator):
    """Every stored timestamp is timezone-aware UTC.

    SQLite has no time zones and hands back naive values; PostgreSQL keeps them. Normalising
    here means rules comparing deadlines never mix naive and aware datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use the clock")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_column(**kwargs):
    from sqlalchemy import Column

    return Column(UTCDateTime(), **kwargs)
