"""Core Bot API methods: identity, text messages, edits, deletes, callbacks,
chat actions and locations.

Every implementation validates fully *before* touching the world (see
``compose``), so a rejected call never leaves half a message behind.
"""

from __future__ import annotations

from typing import Any

from .api import ApiError, api_method, bad_request
from .compose import apply_edit, editable, post_bot_message, text_fields
from .state import World

_CHAT_ACTIONS = set(
    "typing upload_photo record_video upload_video record_voice upload_voice upload_document "
    "choose_sticker find_location record_video_note upload_video_note".split()
)


# ---- methods ----------------------------------------------------------------
@api_method("getMe")
def get_me(world: World, p: dict) -> dict:
    return {
        **world.bot_user(),
        "can_join_groups": True,
        "can_read_all_group_messages": not world.privacy_mode,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@api_method("sendMessage")
def send_message(world: World, p: dict) -> dict:
    chat = world.chat_for_send(p.get("chat_id"))
    content = text_fields(p.get("text"), p.get("parse_mode"), p.get("entities"))
    return world.snapshot(post_bot_message(world, chat, p, content))


@api_method("editMessageText")
def edit_message_text(world: World, p: dict) -> dict:
    stored = editable(world, p)
    if "text" not in stored.data:
        raise bad_request("there is no text in the message to edit")
    changes = text_fields(p.get("text"), p.get("parse_mode"), p.get("entities"))
    return apply_edit(world, stored, changes, p)


@api_method("editMessageCaption")
def edit_message_caption(world: World, p: dict) -> dict:
    stored = editable(world, p)
    if "text" in stored.data or "poll" in stored.data or "location" in stored.data:
        raise bad_request("there is no caption in the message to edit")
    changes = text_fields(
        p.get("caption"), p.get("parse_mode"), p.get("caption_entities"), caption=True
    )
    return apply_edit(world, stored, changes, p)


@api_method("editMessageReplyMarkup")
def edit_message_reply_markup(world: World, p: dict) -> dict:
    return apply_edit(world, editable(world, p), {}, p)


def _delete_one(world: World, chat, message_id: Any) -> None:
    stored = world.get_message(chat.id, message_id)
    if stored is None:
        raise bad_request("message to delete not found")
    if not stored.from_bot and chat.type != "private" and not chat.bot_is_admin:
        raise bad_request("message can't be deleted")
    stored.deleted = True


@api_method("deleteMessage")
def delete_message(world: World, p: dict) -> bool:
    _delete_one(world, world.resolve_chat(p.get("chat_id")), p.get("message_id"))
    return True


@api_method("deleteMessages")
def delete_messages(world: World, p: dict) -> bool:
    chat = world.resolve_chat(p.get("chat_id"))
    for mid in p.get("message_ids") or []:
        try:  # documented: messages that can't be found are skipped
            _delete_one(world, chat, mid)
        except ApiError:
            pass
    return True


@api_method("answerCallbackQuery")
def answer_callback_query(world: World, p: dict) -> bool:
    query = world.callbacks.get(str(p.get("callback_query_id")))
    if query is None or query["answered"]:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    answer = {
        k: p.get(k) for k in ("text", "show_alert", "url", "cache_time") if p.get(k) is not None
    }
    answer.setdefault("show_alert", False)
    query.update(answered=True, answer=answer)
    return True


@api_method("sendChatAction")
def send_chat_action(world: World, p: dict) -> bool:
    world.chat_for_send(p.get("chat_id"))
    if p.get("action") not in _CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


@api_method("sendLocation")
def send_location(world: World, p: dict) -> dict:
    chat = world.chat_for_send(p.get("chat_id"))
    lat, lon = p.get("latitude"), p.get("longitude")
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise bad_request("wrong latitude or longitude specified")
    location = {"latitude": lat, "longitude": lon}
    if p.get("live_period"):
        location["live_period"] = p["live_period"]
    return world.snapshot(post_bot_message(world, chat, p, {"location": location}))
