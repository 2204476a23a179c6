"""One way to act as people in a chat, whatever the messenger underneath.

The journeys in this folder are written once against `Driver`; each adapter gets a driver,
so a feature cannot quietly exist on one messenger only.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

import aiohttp

from tests.e2e.harness import Stage


@dataclass
class Msg:
    id: int
    text: str  # a photo's caption
    buttons: list[str]
    photo: bool = False


class EmulatorDriver:
    """Telegram runtimes (aiogram, python-telegram-bot) over the Bot API emulator."""

    def __init__(self, stage: Stage) -> None:
        self.stage, self.emu, self.deps = stage, stage.emu, stage.deps
        self.group = stage.group.id

    def private(self, who: str):
        return self.stage.users[who].id

    def bot_messages(self, chat) -> list[Msg]:
        return [
            Msg(m["message_id"], m.get("text", m.get("caption", "")),
                [b["callback_data"] for row in m.get("reply_markup", {}).get(
                    "inline_keyboard", []) for b in row if "callback_data" in b],
                photo="photo" in m)
            for m in self.emu.bot_messages(chat)
        ]

    async def say(self, who: str, chat, text: str) -> None:
        await self.emu.send_text(self.stage.users[who], chat, text)

    async def photo(self, who: str, chat, data: bytes, caption: str = "") -> None:
        await self.emu.send_photo(self.stage.users[who], chat, data, caption=caption or None)

    async def album(self, who: str, chat, photos: list[bytes], caption: str) -> None:
        await self.emu.send_album(self.stage.users[who], chat, photos, caption=caption)

    async def press(self, who: str, chat, message: Msg, data: str, answer: bool = True) -> str:
        cq = await self.emu.press_button(self.stage.users[who], message.id, data, chat=chat)
        if not answer:
            return ""
        reply = await self.emu.wait_for(lambda: self.emu.callback_answer(cq), timeout=10)
        return reply.get("text") or ""


class WebchatDriver:
    """The embedded webchat, through the same HTTP and WebSocket API its page uses."""

    def __init__(self, base_url: str, deps, users: dict[str, str], group: str) -> None:
        self.base, self.deps, self.users, self.group = base_url, deps, users, group
        self._http = aiohttp.ClientSession(base_url)
        self._toasts: dict[str, list[str]] = {}
        self._listeners: list[asyncio.Task] = []
        self._cache: dict[str, list[Msg]] = {}

    async def close(self) -> None:
        for task in self._listeners:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self._http.close()

    def private(self, who: str):
        return self.users[who]

    async def refresh(self, chat) -> None:
        viewer = chat if not str(chat).startswith("-") else self.users["resident"]
        async with self._http.get(f"/api/chats/{chat}/messages",
                                  params={"as": viewer}) as response:
            rows = await response.json()
        self._cache[str(chat)] = [
            Msg(r["id"], r["text"], [b["data"] for line in r["buttons"] for b in line],
                photo=r["photo_url"] is not None)
            for r in rows if r["from"]["is_bot"]
        ]

    def bot_messages(self, chat) -> list[Msg]:
        return self._cache.get(str(chat), [])

    async def _post(self, who: str, chat, form: aiohttp.FormData) -> None:
        async with self._http.post(f"/api/chats/{chat}/messages", params={"as": self.users[who]},
                                   data=form) as response:
            assert response.status == 200, await response.text()

    async def say(self, who: str, chat, text: str) -> None:
        form = aiohttp.FormData()
        form.add_field("text", text)
        await self._post(who, chat, form)

    async def photo(self, who: str, chat, data: bytes, caption: str = "") -> None:
        await self.album(who, chat, [data], caption)

    async def album(self, who: str, chat, photos: list[bytes], caption: str) -> None:
        form = aiohttp.FormData()
        form.add_field("text", caption)
        for i, data in enumerate(photos):
            form.add_field("photos", data, filename=f"p{i}.jpg", content_type="image/jpeg")
        await self._post(who, chat, form)

    async def _listen(self, who: str) -> None:
        identity = self.users[who]
        ready = asyncio.Event()

        async def run():
            async with self._http.ws_connect("/ws", params={"as": identity}) as socket:
                ready.set()
                async for message in socket:
                    event = message.json()
                    if event.get("type") == "toast":
                        self._toasts.setdefault(who, []).append(event["text"])

        self._listeners.append(asyncio.create_task(run()))
        await asyncio.wait_for(ready.wait(), 5)

    async def press(self, who: str, chat, message: Msg, data: str, answer: bool = True) -> str:
        if who not in self._toasts:
            self._toasts[who] = []
            await self._listen(who)
        seen = len(self._toasts[who])
        async with self._http.post(f"/api/chats/{chat}/press", params={"as": self.users[who]},
                                   json={"message_id": message.id, "data": data}) as response:
            assert response.status == 200, await response.text()
        if not answer:
            return ""
        for _ in range(1000):
            if len(self._toasts[who]) > seen:
                return self._toasts[who][seen]
            await asyncio.sleep(0.01)
        return ""
