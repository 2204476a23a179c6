"""Telegram Message / CallbackQuery → our inbound events, for both Telegram adapters.

aiogram and python-telegram-bot both mirror the Bot API's field names (from_user, photo,
media_group_id, reply_to_message ...), so one duck-typed translation serves both and a fix
here reaches both runtimes. Nothing else: no rules, no SQL.
"""

from __future__ import annotations

from bot.adapters.telegram_common import PLATFORM, chat_kind, update_key
from handlers.events import ButtonPress, Location, MessageIn, PhotoRef, User


def _user(tg_user) -> User:
    return User(str(tg_user.id), tg_user.full_name, tg_user.language_code)


def _photos(message) -> tuple[PhotoRef, ...]:
    if message.photo:
        largest = max(message.photo, key=lambda p: (p.width * p.height, p.file_size or 0))
        return (PhotoRef(largest.file_id, largest.file_unique_id, largest.width, largest.height),)
    document = message.document
    if document and (document.mime_type or "").startswith("image/"):
        # An image sent "as a file" keeps its EXIF (and GPS), so take it as a photo too.
        return (PhotoRef(document.file_id, document.file_unique_id),)
    return ()


def message_event(message, bot_id: int, update_id: int) -> MessageIn | None:
    if message.from_user is None or message.from_user.is_bot:
        return None
    location = message.location
    return MessageIn(
        platform=PLATFORM,
        update_key=update_key(bot_id, update_id),
        chat_id=str(message.chat.id),
        chat_kind=chat_kind(message.chat.type),
        chat_title=message.chat.title or "",
        user=_user(message.from_user),
        message_id=str(message.message_id),
        text=message.text or message.caption or "",
        photos=_photos(message),
        media_group_id=message.media_group_id,
        location=Location(location.latitude, location.longitude) if location else None,
        reply_to_message_id=(
            str(message.reply_to_message.message_id) if message.reply_to_message else None
        ),
    )


def button_event(query, bot_id: int, update_id: int) -> ButtonPress:
    message = query.message  # may be an InaccessibleMessage: it still has chat and id
    chat = message.chat if message else None
    return ButtonPress(
        platform=PLATFORM,
        update_key=update_key(bot_id, update_id),
        chat_id=str(chat.id) if chat else str(query.from_user.id),
        chat_kind=chat_kind(chat.type) if chat else "private",
        user=_user(query.from_user),
        callback_id=query.id,
        message_id=str(message.message_id) if message else None,
        data=query.data or "",
    )


def update_event(update, bot_id: int):
    """Only new messages and button presses: edits, channel posts and the rest are ignored.
    Works on aiogram's and PTB's Update alike (same field names)."""
    if update.message is not None:
        return message_event(update.message, bot_id, update.update_id)
    if update.callback_query is not None:
        return button_event(update.callback_query, bot_id, update.update_id)
    return None
