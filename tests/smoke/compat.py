"""A small reverse proxy between the bot and telegram-test-api 4.2.1 that absorbs its defects.

It fixes what the server gets wrong about the Bot API and nothing else: every request the bot
makes is forwarded unchanged, and only the server's answers to methods it implements are
patched, each patch saying which defect it absorbs. A method the server lacks fails here as it
fails there: the bot must cope, as with any Bot API server. Every call is kept in `calls`, so a
test can also see what the bot asked for (e.g. its answerCallbackQuery texts), and each method
the server lacks lands in `unsupported`, for the test to check.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web

# Defect: several methods answer `result: null` where the Bot API returns True. (aiogram
# happens to accept null, as its Response.result is Optional; a stricter client would not.)
# editMessageText returns the edited Message for a chat message; True is its other documented
# answer, and all our transport reads.
_NULL_MEANS_TRUE = {
    "answerCallbackQuery", "editMessageText", "editMessageReplyMarkup", "deleteMessage",
    "setWebhook", "deleteWebhook",
}
# getUpdates long-polls at most this long here, so a cancelled bot is never held up for long.
_MAX_POLL_SECONDS = 2.0
_UPSTREAM_POLL_INTERVAL = 0.05


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class CompatProxy:
    upstream: str  # http://127.0.0.1:<telegram-test-api port>
    calls: list[Call] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    _pending: list[dict] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    _http: ClientSession | None = None
    base_url: str = ""

    async def start(self) -> str:
        self._http = ClientSession(timeout=ClientTimeout(total=10))
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._http is not None:
            await self._http.close()

    def params_of(self, method: str) -> list[dict[str, Any]]:
        return [c.params for c in self.calls if c.method == method]

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        parts = request.path.strip("/").split("/")
        if len(parts) != 2 or not parts[0].startswith("bot"):
            return web.json_response({"ok": False, "error_code": 404,
                                      "description": "Not Found"}, status=404)
        method = parts[1]
        body = await request.read()
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/x-www-form-urlencoded":
            params.update(await request.post())
        elif request.content_type == "application/json" and body:
            params.update(json.loads(body))
        self.calls.append(Call(method, {k: _decoded(v) for k, v in params.items()}))
        if method == "getUpdates":
            return web.json_response({"ok": True,
                                      "result": await self._get_updates(parts[0], params)})
        headers = {"Content-Type": request.headers.get("Content-Type", "application/json")}
        async with self._http.post(f"{self.upstream}/{parts[0]}/{method}", data=body,
                                   headers=headers) as response:
            status, text = response.status, await response.text()
        try:
            answer = json.loads(text)
        except ValueError:
            answer = None
        if not isinstance(answer, dict) or "ok" not in answer:
            # The server's "API method '...' is not supported" (HTTP 500, no `ok`). Not patched:
            # the bot must cope with a Bot API server that lacks a method, as it would have to
            # with a real one. Noted, so the test can check which methods those were.
            self.unsupported.append(method)
            return web.Response(status=status, text=text,
                                content_type=response.content_type or "text/plain")
        return web.json_response(_patched(method, answer), status=status)

    async def _get_updates(self, bot_path: str, params: dict[str, Any]) -> list[dict]:
        """Defect: the server ignores offset and timeout and marks updates read as soon as it
        returns them, so a bot busy-loops, and an update its client fails to parse is lost.
        Here updates are kept until a later offset confirms them (as Telegram does), and an
        empty poll waits up to `timeout` seconds for something to arrive."""
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), _MAX_POLL_SECONDS)
        limit = int(params.get("limit") or 100)
        if offset:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            async with self._http.post(f"{self.upstream}/{bot_path}/getUpdates") as response:
                fresh = (await response.json())["result"]
            self._pending.extend(_patched_update(u) for u in fresh)
            if self._pending or asyncio.get_running_loop().time() >= deadline:
                return self._pending[:limit]
            await asyncio.sleep(_UPSTREAM_POLL_INTERVAL)


def _decoded(value: Any) -> Any:
    """Form fields that carry JSON (reply_markup, ...) read back as objects, for assertions."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _patched(method: str, answer: dict) -> dict:
    result = answer.get("result")
    if answer.get("ok") and result is None and method in _NULL_MEANS_TRUE:
        answer["result"] = True
    elif method == "getMe" and isinstance(result, dict):
        # Defect: the bot's User lacks the required `is_bot`.
        result.setdefault("is_bot", True)
    elif method == "sendMessage" and isinstance(result, dict):
        _seconds(result)
    return answer


def _seconds(message: dict) -> None:
    # Defect: sent messages carry `date` in milliseconds; the Bot API uses Unix seconds.
    # (pydantic would read a number this large as milliseconds anyway; other clients would not.)
    if isinstance(message.get("date"), int) and message["date"] > 10**11:
        message["date"] //= 1000


def _patched_update(update: dict) -> dict:
    query = update.get("callback_query")
    if query is not None:
        # Defect: callback queries lack the required `chat_instance`. Telegram's value is an
        # opaque id unique per chat; the chat id of the button's message serves.
        chat = (query.get("message") or {}).get("chat") or {}
        query.setdefault("chat_instance", str(chat.get("id", query["from"]["id"])))
    return update
