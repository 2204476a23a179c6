"""What a person does in the webchat becomes a stored chat message and one of our events."""

from __future__ import annotations

import io
import secrets

from PIL import Image, UnidentifiedImageError

from handlers.events import Location, MessageIn, PhotoRef, User
from models.lifecycle import DomainError
from models.org import Member
from web.webchat import PLATFORM
from web.webchat.tables import WebchatMessage
from web.webchat.uploads import Uploads
from web.webchat.views import is_private

MAX_PHOTO_BYTES = 15 * 1024 * 1024


def check_image(data: bytes) -> tuple[int, int]:
    """A resident's upload must be a picture we can read, else a plain refusal."""
    if len(data) > MAX_PHOTO_BYTES:
        raise DomainError("webchat-error-too-big")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            return image.size
    except (UnidentifiedImageError, OSError, ValueError):
        raise DomainError("webchat-error-not-image") from None


def compose(
    member: Member,
    chat_id: str,
    text: str,
    photos: list[bytes],
    location: tuple[float, float] | None,
    reply_to: int | None,
    uploads: Uploads,
    now,
) -> list[tuple[WebchatMessage, tuple[int, int] | None]]:
    """One row per photo (an album shares a media group id, caption on the first), or one row."""
    sizes = [check_image(data) for data in photos]
    group_id = f"wcg-{secrets.token_hex(8)}" if len(photos) > 1 else None
    lat, lon = location if location else (None, None)
    base = dict(chat_id=chat_id, sender_id=member.platform_user_id,
                sender_name=member.display_name, reply_to_id=reply_to, created_at=now)
    if not photos:
        return [(WebchatMessage(text=text.strip(), latitude=lat, longitude=lon, **base), None)]
    first = {"text": text.strip(), "latitude": lat, "longitude": lon}  # caption and place
    return [
        (
            WebchatMessage(**(first if index == 0 else {}), file_id=uploads.save(data),
                           media_group_id=group_id, **base),
            size,
        )
        for index, (data, size) in enumerate(zip(photos, sizes, strict=True))
    ]


def to_event(row: WebchatMessage, member: Member, size: tuple[int, int] | None) -> MessageIn:
    photos = ()
    if row.file_id:
        width, height = size or (None, None)
        photos = (PhotoRef(row.file_id, row.file_id, width, height),)
    return MessageIn(
        platform=PLATFORM,
        update_key=f"wc:{row.id}",
        chat_id=row.chat_id,
        chat_kind="private" if is_private(row.chat_id) else "group",
        user=User(member.platform_user_id, member.display_name, member.locale),
        message_id=str(row.id),
        text=row.text,
        photos=photos,
        media_group_id=row.media_group_id,
        location=Location(row.latitude, row.longitude) if row.latitude is not None else None,
        reply_to_message_id=str(row.reply_to_id) if row.reply_to_id else None,
    )
