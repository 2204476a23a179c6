"""python-telegram-bot objects → our inbound events. Nothing else: no rules, no SQL."""

from __future__ import annotations

from bot.adapters.telegram_translate import button_event, message_event, update_event

__all__ = ["button_event", "message_event", "translate"]

# PTB hands every update kind to one place; the shared translation keeps only messages and
# button presses, as aiogram's routers did.
translate = update_event
