"""The port every adapter implements for the sender and the media fetcher.

Adapters translate their framework's errors into these classes, so the sender's retry rules
are written once: 429 waits retry_after, 5xx and network faults back off, 403 is final.
"""

from __future__ import annotations

from typing import Protocol

from handlers.events import AnswerButton, EditText, SendPhotos, SendText


class DeliveryError(Exception):
    pass


class RetryAfter(DeliveryError):
    """The platform asked us to wait (Telegram 429)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds}s")
        self.seconds = seconds


class TransientError(DeliveryError):
    """Worth retrying with backoff: 5xx, timeouts, connection resets."""


class Undeliverable(DeliveryError):
    """Final for this recipient: the user blocked the bot or never started it (403)."""


class PermanentError(DeliveryError):
    """A request the platform will never accept as written (400)."""


class MessageGone(PermanentError):
    """The message to edit no longer exists."""


class Transport(Protocol):
    platform: str

    async def send_text(self, action: SendText, reply_to_message_id: str | None) -> str:
        """Send; return the platform's message id."""

    async def edit_text(self, action: EditText, message_id: str) -> None:
        """Edit in place. Raising nothing when the content is unchanged."""

    async def answer_button(self, action: AnswerButton) -> None: ...

    async def send_photos(self, action: SendPhotos, reply_to_message_id: str | None) -> str:
        """One photo, or an album; return the (first) message id. A photo with a file_id is
        re-sent by it; one with only a media_path is uploaded (bot.adapters.stored_photos)."""

    async def download_file(self, file_id: str) -> bytes:
        """The bytes behind a platform file id (Telegram: getFile, then the file URL)."""
