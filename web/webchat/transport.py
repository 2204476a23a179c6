"""Delivering our outbound actions into the webchat: store the message, push it live."""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict

from sqlmodel import select

from bot.adapters.base import MessageGone
from bot.adapters.stored_photos import read_stored
from handlers.events import AnswerButton, EditText, OutPhoto, SendPhotos, SendText
from models.clock import Clock
from web.webchat import BOT_ID, PLATFORM
from web.webchat.directory import audience
from web.webchat.hub import Hub
from web.webchat.tables import WebchatMessage
from web.webchat.uploads import Uploads
from web.webchat.views import message_view


class WebchatTransport:
    platform = PLATFORM

    def __init__(self, session_factory, hub: Hub, uploads: Uploads, clock: Clock,
                 timezone: str, bot_name: str) -> None:
        self._sessions = session_factory
        self._hub = hub
        self._uploads = uploads
        self._clock = clock
        self._timezone = timezone
        self._bot_name = bot_name
        # callback id → who pressed: an answer is a toast for that person only.
        self.pressed_by: dict[str, str] = {}

    async def send_text(self, action: SendText, reply_to_message_id: str | None) -> str:
        async with self._sessions() as s, s.begin():
            quoted = await _existing(s, reply_to_message_id, action.chat_id)
            row = WebchatMessage(
                chat_id=action.chat_id,
                sender_id=BOT_ID,
                sender_name=self._bot_name,
                text=action.text,
                buttons=_buttons_json(action.buttons),
                reply_to_id=quoted.id if quoted else None,
                created_at=self._clock.now(),
            )
            s.add(row)
            await s.flush()
            view = message_view(row, self._timezone, quoted)
            who = await audience(s, action.chat_id)
        await self._hub.publish({"type": "message", "message": view}, who)
        return str(view["id"])

    async def send_photos(self, action: SendPhotos, reply_to_message_id: str | None) -> str:
        """Shown like a resident's album: one row per photo sharing a media group id, the
        caption on the first."""
        file_ids = [self._file_id(photo) for photo in action.media]
        group_id = f"wcg-{secrets.token_hex(8)}" if len(file_ids) > 1 else None
        async with self._sessions() as s, s.begin():
            quoted = await _existing(s, reply_to_message_id, action.chat_id)
            rows = [
                WebchatMessage(chat_id=action.chat_id, sender_id=BOT_ID,
                               sender_name=self._bot_name,
                               text=action.caption if index == 0 else "", file_id=file_id,
                               media_group_id=group_id,
                               reply_to_id=quoted.id if quoted and index == 0 else None,
                               created_at=self._clock.now())
                for index, file_id in enumerate(file_ids)
            ]
            s.add_all(rows)
            await s.flush()
            views = [message_view(row, self._timezone, quoted if i == 0 else None)
                     for i, row in enumerate(rows)]
            who = await audience(s, action.chat_id)
        for view in views:
            await self._hub.publish({"type": "message", "message": view}, who)
        return str(views[0]["id"])

    def _file_id(self, photo: OutPhoto) -> str:
        """Our own upload is shown again as it is; a stored copy becomes an upload."""
        if photo.file_id and self._uploads.path(photo.file_id) is not None:
            return photo.file_id
        if photo.media_path:
            return self._uploads.save(read_stored(self._uploads.media_dir, photo.media_path))
        raise MessageGone(f"no file {photo.file_id}")

    async def edit_text(self, action: EditText, message_id: str) -> None:
        async with self._sessions() as s, s.begin():
            row = await _existing(s, message_id, action.chat_id)
            if row is None:
                raise MessageGone(f"no message {message_id} in {action.chat_id}")
            row.text, row.buttons, row.edited = action.text, _buttons_json(action.buttons), True
            s.add(row)
            quoted = await _existing(s, str(row.reply_to_id or ""), row.chat_id)
            view = message_view(row, self._timezone, quoted)
            who = await audience(s, action.chat_id)
        await self._hub.publish({"type": "edit", "message": view}, who)

    async def answer_button(self, action: AnswerButton) -> None:
        presser = self.pressed_by.pop(action.callback_id, None)
        if presser is not None and action.text:
            event = {"type": "toast", "text": action.text, "alert": action.alert}
            await self._hub.publish(event, {presser})

    async def download_file(self, file_id: str) -> bytes:
        try:
            return self._uploads.read(file_id)
        except FileNotFoundError as exc:
            raise MessageGone(f"no file {file_id}") from exc


async def _existing(session, message_id: str | None, chat_id: str) -> WebchatMessage | None:
    if not message_id or not message_id.isdigit():
        return None
    return (
        await session.exec(
            select(WebchatMessage).where(
                WebchatMessage.id == int(message_id), WebchatMessage.chat_id == chat_id
            )
        )
    ).first()


def _buttons_json(buttons) -> str:
    return json.dumps([[asdict(b) for b in row] for row in buttons], ensure_ascii=False)
