"""python-telegram-bot objects → our inbound events. Nothing else: no rules, no SQL."""

from __future__ import annotations

from telegram import Update

from bot.adapters.telegram_translate import button_event, message_event
from handlers.events import Inbound

__all__ = ["button_event", "message_event", "translate"]


def translate(update: Update, bot_id: int) -> Inbound | None:
    """Only new messages and button presses: edits, channel posts and the rest are ignored,
    as the aiogram runtime's routers ignore them (PTB hands every update to one handler)."""
    if update.message is not None:
        return message_event(update.message, bot_id, update.update_id)
    if update.callback_query is not None:
        return button_event(update.callback_query, bot_id, update.update_id)
    return None
