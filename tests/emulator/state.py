"""The emulator's in-memory world: users, chats, messages, files, polls,
the update queue, webhook config, fault rules and the request log.

The record types live in ``records``; this module holds the registries and
small bookkeeping helpers. The Bot API semantics live in the ``methods*``
modules and the human side in ``client*``.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import secrets
from typing import Any

from .api import ApiError, bad_request, fault_error, forbidden, now
from .records import FakeChat, FakeUser, FaultRule, FileRecord, PollRecord, StoredMessage

__all__ = ["FakeChat", "FakeUser", "FileRecord", "PollRecord", "StoredMessage", "World"]

# Updates Telegram withholds unless a bot asks for them in allowed_updates.
OPT_IN_UPDATES = {"chat_member", "message_reaction", "message_reaction_count"}


class World:
    def __init__(
        self, token: str, bot_id: int, bot_username: str, bot_first_name: str, privacy_mode: bool
    ):
        self.token, self.bot_id, self.bot_username = token, bot_id, bot_username
        self.bot_first_name, self.privacy_mode = bot_first_name, privacy_mode
        self.users: dict[int, FakeUser] = {}
        self.chats: dict[int, FakeChat] = {}
        self.msgs: dict[int, dict[int, StoredMessage]] = {}
        self.files: dict[str, FileRecord] = {}
        self.files_by_path: dict[str, FileRecord] = {}
        self.photo_sets: dict[str, list[dict]] = {}  # any size's file_id -> whole PhotoSize array
        self.documents: dict[str, dict] = {}  # file_id -> Document JSON
        self.polls: dict[str, PollRecord] = {}
        self.updates: list[dict] = []
        self.next_update_id = 100_000_001
        self.allowed_updates: list[str] | None = None
        self.webhook: dict | None = None
        self.faults: list[FaultRule] = []
        self.requests: list[tuple[str, dict]] = []
        self.callbacks: dict[
            str, dict
        ] = {}  # query id -> {"answered": bool, "answer": dict | None}
        self.commands: dict[tuple[str, str], list[dict]] = {}
        self.texts: dict[tuple[str, str], str] = {}  # (description kind, language) -> text
        self.internal_errors: list[str] = []
        self.closing = False
        self.poll_generation = 0  # bumps on each getUpdates so older long polls get 409
        self._waiters: set[asyncio.Future] = set()
        self._ids = itertools.count(1)

    # ---- identities -------------------------------------------------------
    def bot_user(self) -> dict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def seq(self) -> int:
        return next(self._ids)

    def random_id(self, prefix: str) -> str:
        # Real file ids are opaque url-safe base64; uniqueness is all that matters.
        return prefix + secrets.token_urlsafe(24)

    # ---- chats --------------------------------------------------------------
    def resolve_chat(self, chat_id: Any) -> FakeChat:
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            for chat in self.chats.values():
                if (
                    chat.type != "private"
                    and chat.username
                    and chat.username.lower() == chat_id[1:].lower()
                ):
                    return chat
            raise bad_request("chat not found")
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def chat_for_send(self, chat_id: Any) -> FakeChat:
        """Resolve a chat the bot wants to post into, with Telegram's 403s."""
        if chat_id is None:
            raise bad_request("chat_id is empty")
        chat = self.resolve_chat(chat_id)
        if chat.type == "private":
            user = chat.user
            if user.is_bot:
                raise forbidden("bot can't send messages to bots")
            if user.blocked:
                raise forbidden("bot was blocked by the user")
            if not user.started:
                raise forbidden("bot can't initiate conversation with a user")
        elif chat.bot_status == "kicked":
            raise forbidden(f"bot was kicked from the {chat.type} chat")
        elif chat.bot_status == "left":
            raise forbidden(f"bot is not a member of the {chat.type} chat")
        return chat

    # ---- messages -----------------------------------------------------------
    def add_message(
        self, chat: FakeChat, sender: dict | None, content: dict, *, from_bot: bool
    ) -> StoredMessage:
        box = self.msgs.setdefault(chat.id, {})
        mid = max(box, default=0) + 1
        data: dict[str, Any] = {"message_id": mid}
        if sender is not None:
            data["from"] = sender
        data.update(chat=chat.to_dict(), date=now())
        data.update(content)
        stored = StoredMessage(data=data, from_bot=from_bot)
        box[mid] = stored
        return stored

    def get_message(self, chat_id: int, message_id: Any) -> StoredMessage | None:
        stored = self.msgs.get(chat_id, {}).get(message_id)
        return None if stored is None or stored.deleted else stored

    def snapshot(self, stored: StoredMessage) -> dict:
        return copy.deepcopy(stored.data)

    # ---- updates ------------------------------------------------------------
    def enqueue(self, kind: str, payload: dict) -> dict | None:
        """Queue ``{"update_id": n, kind: payload}`` unless allowed_updates filters it."""
        # One persisted setting, updated by getUpdates and setWebhook alike.
        allowed = self.allowed_updates
        if allowed:
            if kind not in allowed:
                return None
        elif kind in OPT_IN_UPDATES:
            return None
        update = {"update_id": self.next_update_id, kind: copy.deepcopy(payload)}
        self.next_update_id += 1
        self.updates.append(update)
        self.notify()
        return update

    def enqueue_raw(self, update: dict) -> dict:
        update = copy.deepcopy(update)
        if "update_id" not in update:
            update["update_id"] = self.next_update_id
        self.next_update_id = max(self.next_update_id, update["update_id"] + 1)
        self.updates.append(update)
        self.notify()
        return update

    def notify(self) -> None:
        """Wake every long-poll / webhook waiter (callable from sync code)."""
        for fut in self._waiters:
            if not fut.done():
                fut.set_result(None)
        self._waiters.clear()

    async def wait_change(self, seconds: float | None) -> None:
        fut = asyncio.get_running_loop().create_future()
        self._waiters.add(fut)
        try:
            await asyncio.wait_for(fut, seconds)
        except TimeoutError:
            pass
        finally:
            self._waiters.discard(fut)

    # ---- files --------------------------------------------------------------
    def add_file(self, data: bytes, folder: str, ext: str) -> FileRecord:
        rec = FileRecord(
            file_id=self.random_id("AgACAgQAAxkBAA"),
            file_unique_id=self.random_id("AQAD")[:16],
            data=data,
            file_path=f"{folder}/file_{self.seq()}.{ext}",
        )
        self.files[rec.file_id] = rec
        self.files_by_path[rec.file_path] = rec
        return rec

    # ---- fault injection ----------------------------------------------------
    def add_fault(
        self,
        method: str,
        status: int,
        retry_after: int | None,
        description: str | None,
        times: int,
        chat_id: Any,
    ) -> FaultRule:
        key = None if chat_id is None else str(getattr(chat_id, "id", chat_id))
        rule = FaultRule(method.lower(), fault_error(status, retry_after, description), times, key)
        self.faults.append(rule)
        return rule

    def take_fault(self, method: str, params: dict) -> ApiError | None:
        for rule in self.faults:
            if rule.method != method.lower():
                continue
            if rule.chat_id is not None and str(params.get("chat_id")) != rule.chat_id:
                continue
            rule.times -= 1
            if rule.times <= 0:
                self.faults.remove(rule)
            return rule.error
        return None
