"""aiogram objects → our inbound events: the shared Telegram translation (aiogram's routers
already split messages from button presses)."""

from bot.adapters.telegram_translate import button_event, message_event

__all__ = ["button_event", "message_event"]
