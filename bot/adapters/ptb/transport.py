"""Our outbound actions → Bot API calls through python-telegram-bot, errors mapped to ours."""

from __future__ import annotations

import datetime as dt
import warnings
from contextlib import asynccontextmanager
from pathlib import Path

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    ReplyParameters,
)
from telegram import error as tg
from telegram.warnings import PTBDeprecationWarning

from bot.adapters.base import RetryAfter, TransientError, Undeliverable
from bot.adapters.startup import Failure
from bot.adapters.stored_photos import photo_source
from bot.adapters.telegram_common import PLATFORM, bad_request_error
from handlers.events import AnswerButton, EditText, Keyboard, SendPhotos, SendText


def _markup(buttons: Keyboard) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.text, callback_data=b.data) for b in row] for row in buttons]
    )


def retry_seconds(exc: tg.RetryAfter) -> float:
    # PTB 22 gives an int and a deprecation warning, or a timedelta with PTB_TIMEDELTA=1.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def _reply(message_id: str | None) -> ReplyParameters | None:
    if not message_id:
        return None
    return ReplyParameters(int(message_id), allow_sending_without_reply=True)


@asynccontextmanager
async def _mapped_errors():
    # Order matters: in PTB, BadRequest and TimedOut are subclasses of NetworkError.
    try:
        yield
    except tg.RetryAfter as exc:
        raise RetryAfter(retry_seconds(exc)) from exc
    except tg.Forbidden as exc:
        raise Undeliverable(exc.message) from exc
    except tg.BadRequest as exc:
        mapped = bad_request_error(exc.message)
        if mapped is not None:
            raise mapped from exc
    except tg.NetworkError as exc:  # TimedOut, 5xx, connection errors
        raise TransientError(exc.message) from exc


def classify(exc: BaseException) -> Failure | None:
    """PTB's exceptions read for the start-up retries (bot/adapters/startup.py).

    Order matters as above; PTB also raises InvalidToken for a 404 (a wrong base URL)."""
    if isinstance(exc, tg.RetryAfter):
        return Failure("transient", exc.message, retry_seconds(exc))
    if isinstance(exc, tg.InvalidToken):
        return Failure("unauthorized", exc.message)
    if isinstance(exc, (tg.BadRequest, tg.Forbidden, tg.Conflict, tg.ChatMigrated)):
        return Failure("refused", exc.message)
    if isinstance(exc, tg.NetworkError):  # TimedOut, 5xx, connection refused, proxy errors
        return Failure("transient", exc.message)
    if isinstance(exc, tg.TelegramError):
        return Failure("refused", exc.message)
    return None


class PtbTransport:
    platform = PLATFORM

    def __init__(self, bot: Bot, media_dir: Path = Path("./media")) -> None:
        self.bot = bot
        self.media_dir = media_dir

    async def send_text(self, action: SendText, reply_to_message_id: str | None) -> str:
        reply = _reply(reply_to_message_id)
        async with _mapped_errors():
            message = await self.bot.send_message(
                chat_id=int(action.chat_id),
                text=action.text,
                reply_markup=_markup(action.buttons),
                reply_parameters=reply,
            )
            return str(message.message_id)
        return ""  # not reached: errors are raised above

    async def send_photos(self, action: SendPhotos, reply_to_message_id: str | None) -> str:
        # PTB uploads bytes itself (multipart, attach:// for an album's items).
        media = [photo_source(p, self.media_dir) for p in action.media]
        caption, reply = action.caption or None, _reply(reply_to_message_id)
        async with _mapped_errors():
            if len(media) == 1:
                message = await self.bot.send_photo(chat_id=int(action.chat_id), photo=media[0],
                                                    caption=caption, reply_parameters=reply)
                return str(message.message_id)
            album = [InputMediaPhoto(m, caption=caption if i == 0 else None)
                     for i, m in enumerate(media)]
            messages = await self.bot.send_media_group(chat_id=int(action.chat_id), media=album,
                                                       reply_parameters=reply)
            return str(messages[0].message_id)
        return ""  # not reached: errors are raised above

    async def edit_text(self, action: EditText, message_id: str) -> None:
        async with _mapped_errors():
            await self.bot.edit_message_text(
                chat_id=int(action.chat_id),
                message_id=int(message_id),
                text=action.text,
                reply_markup=_markup(action.buttons),
            )

    async def answer_button(self, action: AnswerButton) -> None:
        async with _mapped_errors():
            await self.bot.answer_callback_query(
                callback_query_id=action.callback_id,
                text=action.text[:200] or None,
                show_alert=action.alert,
            )

    async def download_file(self, file_id: str) -> bytes:
        async with _mapped_errors():
            file = await self.bot.get_file(file_id)
            return bytes(await file.download_as_bytearray())
        return b""
