"""What both Telegram adapters share: the platform name, update keys and error wording."""

from __future__ import annotations

from bot.adapters.base import MessageGone, PermanentError

PLATFORM = "telegram"
# poll and my_chat_member are asked for now so that switching them on later needs no
# setWebhook/getUpdates change; the adapters ignore what they do not translate.
ALLOWED_UPDATES = ["message", "callback_query", "poll", "poll_answer", "my_chat_member"]


def update_key(bot_id: int, update_id: int) -> str:
    # update_id is only unique per bot; a deployment that swaps tokens must not see
    # a new bot's update 1 as a replay of the old one's.
    return f"{bot_id}:{update_id}"


def chat_kind(chat_type: str) -> str:
    return "private" if chat_type == "private" else "group"


def bad_request_error(description: str) -> PermanentError | None:
    """Classify a Bot API 400 by its description; None means "nothing to do".

    Matched case-insensitively: aiogram passes Telegram's text through, while
    python-telegram-bot strips "Bad Request: " and capitalises the rest.
    """
    text = description.lower()
    if "message is not modified" in text:
        return None  # the card already shows this
    if "message to edit not found" in text or "message can't be edited" in text:
        return MessageGone(description)
    return PermanentError(description)
