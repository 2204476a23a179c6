"""Chat information, membership, pins and the bot's own profile/commands.

Member objects carry every field the current Bot API marks as required
(aiogram validates them strictly), with the rights a typical group admin has.
"""

from __future__ import annotations

import json
import re

from .api import api_method, bad_request
from .state import FakeChat, World

_ADMIN_RIGHTS = {
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": True,
    "can_edit_stories": True,
    "can_delete_stories": True,
    "can_send_welcome_messages": True,
    "can_pin_messages": True,
}
_SCOPES = {
    "default",
    "all_private_chats",
    "all_group_chats",
    "all_chat_administrators",
    "chat",
    "chat_administrators",
    "chat_member",
}
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")


def member_json(user: dict, status: str) -> dict:
    if status == "creator":
        return {"status": "creator", "user": user, "is_anonymous": False}
    if status == "administrator":
        return {
            "status": "administrator",
            "user": user,
            "can_be_edited": False,
            "is_anonymous": False,
            **_ADMIN_RIGHTS,
        }
    if status == "kicked":
        return {"status": "kicked", "user": user, "until_date": 0}
    return {"status": status, "user": user}  # "member" | "left"


def _bot_status(chat: FakeChat) -> str:
    if chat.type == "private":
        return "member"
    if chat.bot_status in ("left", "kicked"):
        return chat.bot_status
    return "administrator" if chat.bot_is_admin else "member"


@api_method("getChat")
def get_chat(world: World, p: dict) -> dict:
    chat = world.resolve_chat(p.get("chat_id"))
    info = {
        **chat.to_dict(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }
    if chat.pinned and (stored := world.get_message(chat.id, chat.pinned[-1])):
        info["pinned_message"] = world.snapshot(stored)
    return info


@api_method("getChatMember")
def get_chat_member(world: World, p: dict) -> dict:
    chat = world.resolve_chat(p.get("chat_id"))
    uid = p.get("user_id")
    if uid == world.bot_id:
        return member_json(world.bot_user(), _bot_status(chat))
    user = world.users.get(uid)
    if user is None:
        raise bad_request("user not found")
    if chat.type == "private":
        if uid != chat.id:
            raise bad_request("user not found")
        return member_json(user.to_dict(), "member")
    return member_json(user.to_dict(), chat.members.get(uid, "left"))


@api_method("getChatAdministrators")
def get_chat_administrators(world: World, p: dict) -> list[dict]:
    chat = world.resolve_chat(p.get("chat_id"))
    if chat.type == "private":
        raise bad_request("there are no administrators in the private chat")
    out = [
        member_json(world.users[uid].to_dict(), status)
        for status in ("creator", "administrator")
        for uid, s in chat.members.items()
        if s == status
    ]
    if _bot_status(chat) == "administrator":  # other bots are omitted, the bot itself is not
        out.append(member_json(world.bot_user(), "administrator"))
    return out


@api_method("getChatMemberCount")
def get_chat_member_count(world: World, p: dict) -> int:
    chat = world.resolve_chat(p.get("chat_id"))
    if chat.type == "private":
        return 2
    present = sum(1 for s in chat.members.values() if s in ("creator", "administrator", "member"))
    return present + (1 if _bot_status(chat) in ("member", "administrator") else 0)


@api_method("pinChatMessage")
def pin_chat_message(world: World, p: dict) -> bool:
    chat = world.chat_for_send(p.get("chat_id"))
    if chat.type != "private" and not chat.bot_is_admin:
        raise bad_request("not enough rights to manage pinned messages in the chat")
    stored = world.get_message(chat.id, p.get("message_id"))
    if stored is None:
        raise bad_request("message to pin not found")
    chat.pinned = [m for m in chat.pinned if m != stored.data["message_id"]] + [
        stored.data["message_id"]
    ]
    # Telegram posts a service message announcing the pin.
    world.add_message(
        chat, world.bot_user(), {"pinned_message": world.snapshot(stored)}, from_bot=True
    )
    return True


@api_method("unpinChatMessage")
def unpin_chat_message(world: World, p: dict) -> bool:
    chat = world.resolve_chat(p.get("chat_id"))
    if chat.type != "private" and not chat.bot_is_admin:
        raise bad_request("not enough rights to manage pinned messages in the chat")
    target = p.get("message_id") or (chat.pinned[-1] if chat.pinned else None)
    chat.pinned = [m for m in chat.pinned if m != target]
    return True


# ---- the bot's commands, description, name ------------------------------------
def commands_key(world: World, p: dict) -> tuple[str, str]:
    """Commands are stored per (scope, language_code), with no fallback on read."""
    scope = p.get("scope") or {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
        raise bad_request("can't parse BotCommandScope: unsupported scope type")
    scope = dict(scope)
    if "chat_id" in scope:
        chat = world.resolve_chat(scope["chat_id"])
        scope["chat_id"] = chat.id
    return json.dumps(scope, sort_keys=True), p.get("language_code") or ""


@api_method("setMyCommands")
def set_my_commands(world: World, p: dict) -> bool:
    commands = p.get("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    clean = []
    for cmd in commands:
        if not isinstance(cmd, dict) or not _COMMAND_RE.match(str(cmd.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(cmd.get("description", ""))) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        clean.append({"command": cmd["command"], "description": cmd["description"]})
    world.commands[commands_key(world, p)] = clean
    return True


@api_method("getMyCommands")
def get_my_commands(world: World, p: dict) -> list[dict]:
    return list(world.commands.get(commands_key(world, p), []))


@api_method("deleteMyCommands")
def delete_my_commands(world: World, p: dict) -> bool:
    world.commands.pop(commands_key(world, p), None)
    return True


def _profile_text(kind: str, field: str, limit: int):
    def setter(world: World, p: dict) -> bool:
        value = p.get(field) or ""
        if len(value) > limit:
            raise bad_request(f"{field} is too long")
        world.texts[(kind, p.get("language_code") or "")] = value
        return True

    def getter(world: World, p: dict) -> dict:
        default = world.bot_first_name if kind == "Name" else ""
        return {field: world.texts.get((kind, p.get("language_code") or ""), default)}

    return setter, getter


for _kind, _field, _limit in (
    ("Description", "description", 512),
    ("ShortDescription", "short_description", 120),
    ("Name", "name", 64),
):
    _set, _get = _profile_text(_kind, _field, _limit)
    api_method(f"setMy{_kind}")(_set)
    api_method(f"getMy{_kind}")(_get)
