"""How a webchat message looks to the browser (JSON)."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from web.webchat import BOT_ID
from web.webchat.tables import WebchatMessage


def is_private(chat_id: str) -> bool:
    # Group chats have ids starting with "-", as on Telegram; a private chat's id is the
    # person's own id.
    return not chat_id.startswith("-")


def message_view(row: WebchatMessage, timezone: str, quoted: WebchatMessage | None = None) -> dict:
    local = row.created_at.astimezone(ZoneInfo(timezone))
    return {
        "id": row.id,
        "chat_id": row.chat_id,
        "from": {"id": row.sender_id, "name": row.sender_name, "is_bot": row.sender_id == BOT_ID},
        "text": row.text,
        "photo_url": f"/files/{row.file_id}" if row.file_id else None,
        "media_group_id": row.media_group_id,
        "location": (
            {"lat": row.latitude, "lon": row.longitude} if row.latitude is not None else None
        ),
        "buttons": json.loads(row.buttons),
        "reply_to": (
            {"id": quoted.id, "from_name": quoted.sender_name, "text": quoted.text[:80]}
            if quoted is not None
            else None
        ),
        "edited": row.edited,
        "time": local.strftime("%H:%M"),
        "date": local.strftime("%Y-%m-%d"),
    }
