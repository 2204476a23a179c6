"""Building and editing bot messages: the rules every send/edit method shares.

reply_markup validation (only inline keyboards are echoed in the Message),
replies, text/caption formatting and limits, and Telegram's edit semantics
("message is not modified", omitted reply_markup removes the keyboard).
Everything validates before the world is touched.
"""

from __future__ import annotations

from typing import Any

from .api import bad_request, now, utf16_len
from .formatting import format_text
from .state import StoredMessage, World

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
_BUTTON_ACTIONS = tuple(
    "url callback_data web_app login_url switch_inline_query switch_inline_query_current_chat "
    "switch_inline_query_chosen_chat copy_text callback_game pay".split()
)
_COMPARED = ("text", "entities", "caption", "caption_entities", "reply_markup")


def markup(rm: Any) -> tuple[dict | None, dict | None]:
    """Split reply_markup into (inline keyboard kept on the Message, reply keyboard).

    Telegram only echoes *inline* keyboards in Message.reply_markup; an empty
    inline keyboard means "no keyboard".
    """
    if rm is None:
        return None, None
    if not isinstance(rm, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in rm:
        if any(k in rm for k in ("keyboard", "remove_keyboard", "force_reply")):
            return None, rm
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = rm["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad_request(
            "can't parse inline keyboard markup: "
            'field "inline_keyboard" must be an Array of Arrays'
        )
    clean = []
    for row in rows:
        out_row = []
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                raise bad_request("can't parse inline keyboard button: Text must be non-empty")
            button = {k: v for k, v in button.items() if v is not None}
            if not any(k in button for k in _BUTTON_ACTIONS):
                raise bad_request(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
            if (
                "callback_data" in button
                and not 1 <= len(str(button["callback_data"]).encode()) <= 64
            ):
                raise bad_request("BUTTON_DATA_INVALID")
            url = button.get("url")
            if url is not None and not str(url).startswith(("http://", "https://", "tg://")):
                raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
            out_row.append(button)
        if out_row:
            clean.append(out_row)
    return ({"inline_keyboard": clean} if clean else None), None


def reply_fields(world: World, chat, p: dict) -> dict:
    """``reply_to_message`` from reply_parameters or the legacy reply_to_message_id."""
    rp = p.get("reply_parameters")
    if not rp and p.get("reply_to_message_id"):
        rp = {
            "message_id": p["reply_to_message_id"],
            "allow_sending_without_reply": p.get("allow_sending_without_reply"),
        }
    if not rp:
        return {}
    same_chat = rp.get("chat_id") in (None, chat.id) or (
        isinstance(rp.get("chat_id"), str) and world.resolve_chat(rp["chat_id"]) is chat
    )
    stored = world.get_message(chat.id, rp.get("message_id")) if same_chat else None
    if stored is None:
        if rp.get("allow_sending_without_reply"):
            return {}
        raise bad_request("message to be replied not found")
    replied = world.snapshot(stored)
    replied.pop("reply_to_message", None)  # documented: no nested replies
    return {"reply_to_message": replied}


def text_fields(
    raw: Any, parse_mode: str | None, entities: list | None, *, caption: bool = False
) -> dict:
    text, ents = format_text(str(raw or ""), parse_mode, entities)
    if utf16_len(text) > (1024 if caption else 4096):
        raise bad_request("message caption is too long" if caption else "message is too long")
    if not caption and not text:
        raise bad_request("message text is empty")
    key, ekey = ("caption", "caption_entities") if caption else ("text", "entities")
    return {key: text or None, ekey: ents or None}


def post_bot_message(world: World, chat, p: dict, content: dict) -> StoredMessage:
    """Validate markup/reply, then store a message sent by the bot."""
    inline, keyboard = markup(p.get("reply_markup"))
    data = {**reply_fields(world, chat, p), **{k: v for k, v in content.items() if v is not None}}
    if p.get("show_caption_above_media"):
        data["show_caption_above_media"] = True
    if p.get("protect_content"):
        data["has_protected_content"] = True
    if inline:
        data["reply_markup"] = inline
    stored = world.add_message(chat, world.bot_user(), data, from_bot=True)
    stored.reply_keyboard = keyboard
    return stored


def editable(world: World, p: dict) -> StoredMessage:
    if p.get("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")  # inline mode is not emulated
    chat = world.resolve_chat(p.get("chat_id"))
    stored = world.get_message(chat.id, p.get("message_id"))
    if stored is None:
        raise bad_request("message to edit not found")
    if not stored.from_bot:
        raise bad_request("message can't be edited")
    return stored


def apply_edit(world: World, stored: StoredMessage, changes: dict, p: dict) -> dict:
    """Edit semantics: omitting reply_markup removes the inline keyboard."""
    inline, _ = markup(p.get("reply_markup"))
    new = {k: v for k, v in stored.data.items() if k != "reply_markup"}
    for key, value in changes.items():
        if value is None:
            new.pop(key, None)
        else:
            new[key] = value
    if inline:
        new["reply_markup"] = inline
    if all(stored.data.get(k) == new.get(k) for k in _COMPARED):
        raise bad_request(NOT_MODIFIED)
    stored.history.append(world.snapshot(stored))
    new["edit_date"] = now()
    stored.data = new
    return world.snapshot(stored)
