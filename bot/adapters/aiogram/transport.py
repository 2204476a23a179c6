"""Our outbound actions → Bot API calls through aiogram, with its errors mapped to ours."""

from __future__ import annotations

import io
from contextlib import asynccontextmanager
from pathlib import Path

from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    ReplyParameters,
)
from python_socks import ProxyError

from bot.adapters.base import RetryAfter, TransientError, Undeliverable
from bot.adapters.startup import Failure
from bot.adapters.stored_photos import photo_source
from bot.adapters.telegram_common import PLATFORM, bad_request_error
from handlers.events import AnswerButton, EditText, Keyboard, SendPhotos, SendText


def _markup(buttons: Keyboard) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=b.text, callback_data=b.data) for b in row]
            for row in buttons
        ]
    )


@asynccontextmanager
async def _mapped_errors():
    try:
        yield
    except TelegramRetryAfter as exc:
        raise RetryAfter(exc.retry_after) from exc
    except TelegramForbiddenError as exc:
        raise Undeliverable(exc.message) from exc
    except TelegramBadRequest as exc:
        error = bad_request_error(exc.message)
        if error is not None:
            raise error from exc
    except (TelegramServerError, TelegramNetworkError) as exc:
        raise TransientError(str(exc)) from exc


def _reply(message_id: str | None) -> ReplyParameters | None:
    if not message_id:
        return None
    return ReplyParameters(message_id=int(message_id), allow_sending_without_reply=True)


def classify(exc: BaseException) -> Failure | None:
    """aiogram's exceptions read for the start-up retries (bot/adapters/startup.py)."""
    if isinstance(exc, TelegramRetryAfter):
        return Failure("transient", exc.message, float(exc.retry_after))
    if isinstance(exc, TelegramUnauthorizedError):
        return Failure("unauthorized", exc.message)
    if isinstance(exc, (TelegramServerError, TelegramNetworkError)):
        return Failure("transient", exc.message)  # 5xx, timeouts, connection refused
    if isinstance(exc, ClientDecodeError):  # not the Bot API's JSON: a 5xx page of a proxy
        return Failure("transient", exc.message)
    if isinstance(exc, TelegramAPIError):
        return Failure("refused", exc.message)  # 400 "method not supported" and the like
    if isinstance(exc, (OSError, ProxyError)):  # aiohttp-socks lets the proxy's own errors out
        return Failure("transient", f"{type(exc).__name__}: {exc}")
    return None


class AiogramTransport:
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
        media = [self._photo(p) for p in action.media]
        caption, reply = action.caption or None, _reply(reply_to_message_id)
        async with _mapped_errors():
            if len(media) == 1:
                message = await self.bot.send_photo(chat_id=int(action.chat_id), photo=media[0],
                                                    caption=caption, reply_parameters=reply)
                return str(message.message_id)
            album = [InputMediaPhoto(media=m, caption=caption if i == 0 else None)
                     for i, m in enumerate(media)]
            messages = await self.bot.send_media_group(chat_id=int(action.chat_id), media=album,
                                                       reply_parameters=reply)
            return str(messages[0].message_id)
        return ""  # not reached: errors are raised above

    def _photo(self, photo) -> str | BufferedInputFile:
        source = photo_source(photo, self.media_dir)
        return source if isinstance(source, str) else BufferedInputFile(source, "photo.jpg")

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
            buffer = io.BytesIO()
            await self.bot.download_file(file.file_path, destination=buffer)
            return buffer.getvalue()
        return b""
