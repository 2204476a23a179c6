"""``BotApiEmulator``: lifecycle, world setup and inspection for tests.

One object is both the fake api.telegram.org (an aiohttp server on a random
127.0.0.1 port, used by the real aiogram / python-telegram-bot clients) and
the fake human users (``client.UserActions``).
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import socket
from collections.abc import Callable, Iterable
from typing import Any

from aiohttp import web

from .client import ChatRef
from .client_actions import UserInteractions
from .methods_chat import commands_key
from .server import build_app
from .state import FakeChat, FakeUser, World
from .webhook import WebhookDeliverer


class BotApiEmulator(UserInteractions):
    def __init__(
        self,
        token: str = "123456:TEST-token",
        bot_username: str = "gridbot_test_bot",
        bot_id: int | None = None,
        *,
        bot_first_name: str = "Gridbot",
        privacy_mode: bool = False,
    ):
        self.token = token
        self.world = World(
            token, bot_id or int(token.split(":", 1)[0]), bot_username, bot_first_name, privacy_mode
        )
        self.base_url: str = ""
        self._runner: web.AppRunner | None = None
        self._deliverer_task: asyncio.Task | None = None

    # ---- lifecycle -------------------------------------------------------------------
    async def start(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))  # the OS picks a free port; no race with other tests
        self._runner = web.AppRunner(build_app(self.world), access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()
        self.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self.world.closing = False
        self._deliverer_task = asyncio.create_task(
            WebhookDeliverer(self.world).run(), name="emulator-webhook"
        )

    async def stop(self) -> None:
        self.world.closing = True
        self.world.notify()  # long polls return [] at once, the deliverer exits
        if self._deliverer_task is not None:
            self._deliverer_task.cancel()
            await asyncio.gather(self._deliverer_task, return_exceptions=True)
            self._deliverer_task = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()

    @property
    def bot_user(self) -> dict:
        return self.world.bot_user()

    @property
    def privacy_mode(self) -> bool:
        """Group privacy mode (BotFather /setprivacy); also reflected by getMe."""
        return self.world.privacy_mode

    @privacy_mode.setter
    def privacy_mode(self, enabled: bool) -> None:
        self.world.privacy_mode = enabled

    # ---- fault injection ------------------------------------------------------------
    def fail_next(
        self,
        method: str,
        status: int,
        *,
        retry_after: int | None = None,
        description: str | None = None,
        times: int = 1,
        chat_id: ChatRef | None = None,
    ) -> None:
        """The next ``times`` calls of ``method`` (optionally for one chat) fail without running."""
        self.world.add_fault(method, status, retry_after, description, times, chat_id)

    def clear_faults(self) -> None:
        self.world.faults.clear()

    # ---- setup (sync) --------------------------------------------------------
    def add_user(
        self,
        first_name: str,
        username: str | None = None,
        language_code: str | None = None,
        started: bool = False,
        *,
        last_name: str | None = None,
        blocked: bool = False,
        user_id: int | None = None,
        is_bot: bool = False,
    ) -> FakeUser:
        # Ids above 2**31 on purpose: real Telegram ids need 64-bit storage.
        uid = user_id or 7_100_000_001 + len(self.world.users)
        user = FakeUser(
            uid, first_name, last_name, username, language_code, started, blocked, is_bot
        )
        self.world.users[uid] = user
        self.world.chats[uid] = FakeChat(id=uid, type="private", user=user)
        return user

    def add_group(
        self,
        title: str,
        members: Iterable[FakeUser] = (),
        admins: Iterable[FakeUser] = (),
        *,
        creator: FakeUser | None = None,
        bot_is_admin: bool = False,
        supergroup: bool = True,
        username: str | None = None,
        chat_id: int | None = None,
    ) -> FakeChat:
        n = sum(1 for c in self.world.chats.values() if c.type != "private") + 1
        cid = chat_id or (-1_001_000_000_000 - n if supergroup else -4_100_000_000 - n)
        chat = FakeChat(
            id=cid,
            type="supergroup" if supergroup else "group",
            title=title,
            username=username,
            bot_is_admin=bot_is_admin,
        )
        for user in members:
            chat.members[user.id] = "member"
        for user in admins:
            chat.members[user.id] = "administrator"
        if creator is not None:
            chat.members[creator.id] = "creator"
        self.world.chats[cid] = chat
        return chat

    def add_member(self, chat: FakeChat, user: FakeUser, status: str = "member") -> None:
        """Set a user's status silently (no update); see ``join`` for the visible way."""
        chat.members[user.id] = status

    def private_chat(self, user: FakeUser) -> FakeChat:
        return self.world.chats[user.id]

    # ---- inspection (sync) ----------------------------------------------------------
    def messages(self, chat: ChatRef, *, include_deleted: bool = False) -> list[dict]:
        """Every message of the chat in order, current state, plus a non-API ``edits`` count."""
        box = self.world.msgs.get(self._chat(chat).id, {})
        return [
            {**copy.deepcopy(m.data), "edits": len(m.history)}
            for m in box.values()
            if include_deleted or not m.deleted
        ]

    def bot_messages(self, chat: ChatRef) -> list[dict]:
        return [m for m in self.messages(chat) if m.get("from", {}).get("id") == self.world.bot_id]

    def message_history(self, chat: ChatRef, message_id: int) -> list[dict]:
        """Earlier versions of a message, oldest first (one per edit)."""
        stored = self.world.msgs.get(self._chat(chat).id, {}).get(message_id)
        return copy.deepcopy(stored.history) if stored else []

    def reply_keyboard(self, chat: ChatRef) -> dict | None:
        """The last non-inline reply_markup (keyboard / remove / force_reply) the bot sent here."""
        for stored in reversed(list(self.world.msgs.get(self._chat(chat).id, {}).values())):
            if stored.reply_keyboard is not None:
                return copy.deepcopy(stored.reply_keyboard)
        return None

    def callback_answer(self, callback_query_id: str) -> dict | None:
        query = self.world.callbacks.get(callback_query_id)
        return copy.deepcopy(query["answer"]) if query and query["answered"] else None

    @property
    def requests(self) -> list[tuple[str, dict]]:
        return self.world.requests

    def calls(self, method: str) -> list[dict]:
        """Params of every received call of ``method`` (case-insensitive), in order."""
        return [params for name, params in self.world.requests if name.lower() == method.lower()]

    @property
    def pending_updates(self) -> list[dict]:
        return copy.deepcopy(self.world.updates)

    @property
    def internal_errors(self) -> list[str]:
        return self.world.internal_errors

    def file_bytes(self, file_id: str) -> bytes:
        return self.world.files[file_id].data

    def commands(self, scope: dict | None = None, language_code: str = "") -> list[dict]:
        return list(
            self.world.commands.get(
                commands_key(self.world, {"scope": scope, "language_code": language_code}), []
            )
        )

    def webhook_info(self) -> dict | None:
        return copy.deepcopy(self.world.webhook)

    def inject_raw_update(self, update: dict) -> dict:
        """Queue an exact update (e.g. replay a duplicate update_id)."""
        return self.world.enqueue_raw(update)

    async def wait_for(
        self,
        predicate: Callable[[], Any],
        timeout: float = 5.0,  # noqa: ASYNC109 - the documented test-facing signature
        message: str | None = None,
    ) -> Any:
        """Poll ``predicate`` (sync or async) until truthy; returns its value."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            if inspect.isawaitable(value):
                value = await value
            if value:
                return value
            if loop.time() >= deadline:
                raise AssertionError(self._timeout_report(predicate, timeout, message))
            await asyncio.sleep(0.01)

    def _timeout_report(self, predicate: Callable, timeout: float, message: str | None) -> str:
        try:
            what = inspect.getsource(predicate).strip()
        except (OSError, TypeError):
            what = repr(predicate)
        recent = [f"{name}({_short(params)})" for name, params in self.world.requests[-8:]]
        lines = [
            f"wait_for timed out after {timeout}s: {message or what}",
            f"  pending updates: {len(self.world.updates)}; webhook: {bool(self.world.webhook)}",
            "  last Bot API calls: " + ("; ".join(recent) or "none"),
        ]
        if self.world.internal_errors:
            lines.append("  emulator internal errors:\n" + self.world.internal_errors[-1])
        return "\n".join(lines)


def _short(params: dict) -> str:
    text = ", ".join(f"{k}={v!r}" for k, v in params.items())
    return text if len(text) < 160 else text[:157] + "..."
