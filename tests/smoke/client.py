"""The users' side, through telegram-test-api's own client HTTP API (not the Bot API).

The server models no chats: a message is whatever body a client posts, and the bot's messages
are stored under the `chat_id` it sent to. So a private chat is, as in Telegram, the user's id,
and a group is any negative id the test picks.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import ClientSession, ClientTimeout


@dataclass(frozen=True)
class TgUser:
    id: int
    first_name: str
    language_code: str = "zh-hans"

    def as_from(self) -> dict[str, Any]:
        return {"id": self.id, "is_bot": False, "first_name": self.first_name,
                "language_code": self.language_code}

    def private_chat(self) -> dict[str, Any]:
        return {"id": self.id, "type": "private", "first_name": self.first_name}


def group_chat(chat_id: int, title: str) -> dict[str, Any]:
    return {"id": chat_id, "type": "group", "title": title}


class UsersClient:
    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self.token = token
        self._http = ClientSession(timeout=ClientTimeout(total=10))

    async def close(self) -> None:
        await self._http.close()

    async def _post(self, path: str, body: dict[str, Any]) -> Any:
        async with self._http.post(f"{self.base_url}/{path}", json=body) as response:
            response.raise_for_status()
            answer = await response.json()
        assert answer.get("ok"), answer
        return answer.get("result")

    async def send_text(self, user: TgUser, chat: dict[str, Any], text: str) -> None:
        message: dict[str, Any] = {
            "botToken": self.token,
            "date": int(time.time()),
            "from": user.as_from(),
            "chat": chat,
            "text": text,
        }
        if text.startswith("/"):
            command = text.split(" ", 1)[0]
            message["entities"] = [{"offset": 0, "length": len(command), "type": "bot_command"}]
            await self._post("sendCommand", message)
        else:
            await self._post("sendMessage", message)

    async def press(self, user: TgUser, chat: dict[str, Any], record: dict, data: str) -> str:
        """Press a button the bot actually shows on `record` (one of `bot_messages`)."""
        keyboard = (record["message"].get("reply_markup") or {}).get("inline_keyboard", [])
        labels = {b.get("callback_data"): b["text"] for row in keyboard for b in row}
        assert data in labels, f"no button {data!r} on the bot's message: {labels}"
        shown = {
            "message_id": record["messageId"],
            "date": record["time"] // 1000,
            "chat": chat,
            "text": record["message"].get("text", ""),
            "reply_markup": record["message"]["reply_markup"],
        }
        await self._post("sendCallback", {
            "botToken": self.token,
            "date": int(time.time()),
            "from": user.as_from(),
            "message": shown,
            "data": data,
        })
        return labels[data]

    async def bot_messages(self, chat_id: int) -> list[dict]:
        """What the server recorded of the bot's messages to one chat, edits applied."""
        history = await self._post("getUpdatesHistory", {"token": self.token})
        return [
            item for item in history
            if "chat_id" in item.get("message", {})
            and str(item["message"]["chat_id"]) == str(chat_id)
        ]

    async def wait_for_message(self, chat_id: int, *needles: str, within: float = 10) -> dict:
        """The newest bot message in the chat whose text holds every needle."""
        deadline = asyncio.get_running_loop().time() + within
        while True:
            messages = await self.bot_messages(chat_id)
            for record in reversed(messages):
                if all(n in record["message"].get("text", "") for n in needles):
                    return record
            if asyncio.get_running_loop().time() >= deadline:
                texts = [m["message"].get("text", "") for m in messages]
                raise AssertionError(f"no bot message in {chat_id} with {needles}; got {texts}")
            await asyncio.sleep(0.05)
