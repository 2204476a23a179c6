"""The human side: tests act as Telegram users through these methods.

Each action stores the message in the chat history exactly as Telegram
would and queues the Update the bot will receive (getUpdates or webhook).
Misuse that a real user could not do (pressing a button that isn't there,
posting in a group one isn't in) raises AssertionError with a hint.
"""

from __future__ import annotations

import asyncio
from typing import Any

from .api import now
from .formatting import auto_entities
from .methods_chat import member_json
from .methods_media import photo_sizes
from .state import FakeChat, FakeUser, World

ChatRef = FakeChat | FakeUser | int


class UserActions:
    world: World

    # ---- helpers ---------------------------------------------------------------
    def _chat(self, ref: ChatRef) -> FakeChat:
        cid = ref.id if isinstance(ref, (FakeChat, FakeUser)) else ref
        if cid not in self.world.chats:
            raise AssertionError(f"unknown chat {cid!r}")
        return self.world.chats[cid]

    def _check_presence(self, user: FakeUser, chat: FakeChat) -> None:
        if chat.type == "private":
            if chat.user is not user:
                raise AssertionError(
                    f"{user.first_name} can't act in the private chat of {chat.user.first_name}"
                )
        elif chat.members.get(user.id) not in ("creator", "administrator", "member"):
            raise AssertionError(
                f"{user.first_name} is not a member of {chat.title!r}; "
                "list them in add_group(members=...) or call emu.add_member / emu.join"
            )

    def _delivered(self, chat: FakeChat, msg: dict) -> bool:
        """Privacy mode: in groups a non-admin bot only sees commands, replies and mentions."""
        if chat.type == "private":
            return True
        if chat.bot_status in ("left", "kicked"):
            return False
        if not self.world.privacy_mode or chat.bot_is_admin:
            return True
        text = msg.get("text") or msg.get("caption") or ""
        me = self.world.bot_username.lower()
        if text.startswith("/"):
            first = text.split()[0].lower()
            return "@" not in first or first.endswith("@" + me)
        replied = msg.get("reply_to_message", {}).get("from", {})
        service = "new_chat_members" in msg or "left_chat_member" in msg
        return service or replied.get("id") == self.world.bot_id or f"@{me}" in text.lower()

    def _reply_to(self, chat: FakeChat, reply_to: Any) -> dict:
        if reply_to is None:
            return {}
        mid = reply_to["message_id"] if isinstance(reply_to, dict) else int(reply_to)
        stored = self.world.get_message(chat.id, mid)
        if stored is None:
            raise AssertionError(f"can't reply: message {mid} not found in chat {chat.id}")
        replied = self.world.snapshot(stored)
        replied.pop("reply_to_message", None)
        return {"reply_to_message": replied}

    async def _post(
        self, user: FakeUser, chat_ref: ChatRef, content: dict, reply_to: Any = None
    ) -> dict:
        chat = self._chat(chat_ref)
        self._check_presence(user, chat)
        reply = self._reply_to(chat, reply_to)  # validate before changing anything
        if chat.type == "private":
            if user.blocked:  # writing again means restarting the bot
                user.blocked = False
                self._enqueue_my_chat_member(user, "kicked", "member")
            user.started = True
        stored = self.world.add_message(chat, user.to_dict(), {**reply, **content}, from_bot=False)
        msg = self.world.snapshot(stored)
        if self._delivered(chat, msg):
            self.world.enqueue("message", msg)
        await asyncio.sleep(0)  # let server tasks (long polls, webhook) run
        return msg

    def _enqueue_my_chat_member(self, user: FakeUser, old: str, new: str) -> None:
        bot = self.world.bot_user()
        self.world.enqueue(
            "my_chat_member",
            {
                "chat": self.world.chats[user.id].to_dict(),
                "from": user.to_dict(),
                "date": now(),
                "old_chat_member": member_json(bot, old),
                "new_chat_member": member_json(bot, new),
            },
        )

    @staticmethod
    def _text(key: str, text: str | None, entities: list | None = None) -> dict:
        if not text:
            return {}
        ents = list(entities or []) + auto_entities(text, list(entities or []))
        out = {key: text}
        if ents:
            out["entities" if key == "text" else "caption_entities"] = sorted(
                ents, key=lambda e: e["offset"]
            )
        return out

    def _new_media_group_id(self) -> str:
        return str(13_000_000_000_000_000 + self.world.seq())

    # ---- user actions (async) ----------------------------------------------------
    async def send_text(
        self,
        user: FakeUser,
        chat: ChatRef,
        text: str,
        reply_to: Any = None,
        *,
        entities: list[dict] | None = None,
    ) -> dict:
        if not text or not text.strip():
            raise AssertionError("Telegram clients can't send an empty text message")
        return await self._post(user, chat, self._text("text", text, entities), reply_to)

    async def send_photo(
        self,
        user: FakeUser,
        chat: ChatRef,
        photo: bytes,
        caption: str | None = None,
        media_group_id: str | None = None,
        *,
        reply_to: Any = None,
    ) -> dict:
        content: dict[str, Any] = {
            "photo": photo_sizes(self.world, photo),
            **self._text("caption", caption),
        }
        if media_group_id:
            content = {"media_group_id": media_group_id, **content}
        return await self._post(user, chat, content, reply_to)

    async def send_album(
        self, user: FakeUser, chat: ChatRef, photos: list[bytes], caption: str | None = None
    ) -> list[dict]:
        group_id = self._new_media_group_id()
        return [
            await self.send_photo(user, chat, data, caption if i == 0 else None, group_id)
            for i, data in enumerate(photos)
        ]

    async def send_location(
        self,
        user: FakeUser,
        chat: ChatRef,
        lat: float,
        lon: float,
        *,
        live_period: int | None = None,
    ) -> dict:
        location: dict[str, Any] = {"latitude": lat, "longitude": lon}
        if live_period:
            location["live_period"] = live_period
        return await self._post(user, chat, {"location": location})

    async def send_contact(
        self, user: FakeUser, chat: ChatRef, phone_number: str, *, first_name: str | None = None
    ) -> dict:
        """Share a contact; without first_name it is the user's own (request_contact button)."""
        contact = {"phone_number": phone_number, "first_name": first_name or user.first_name}
        if first_name is None:
            contact["user_id"] = user.id
        return await self._post(user, chat, {"contact": contact})

    async def send_document(
        self,
        user: FakeUser,
        chat: ChatRef,
        data: bytes,
        file_name: str,
        caption: str | None = None,
        *,
        mime_type: str = "application/octet-stream",
    ) -> dict:
        rec = self.world.add_file(
            data, "documents", file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
        )
        doc = {
            "file_name": file_name,
            "mime_type": mime_type,
            "file_id": rec.file_id,
            "file_unique_id": rec.file_unique_id,
            "file_size": len(data),
        }
        self.world.documents[rec.file_id] = doc
        return await self._post(user, chat, {"document": doc, **self._text("caption", caption)})
