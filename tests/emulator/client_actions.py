"""User interactions beyond posting: editing, tapping inline buttons,
voting in polls, blocking the bot, joining groups.

Things a real user could not do (tapping a button that isn't on the
message, voting in a closed poll) raise AssertionError with a hint.
"""

from __future__ import annotations

import asyncio
import hashlib

from .api import now
from .client import ChatRef, UserActions
from .methods_chat import member_json
from .methods_poll import record_vote
from .state import FakeChat, FakeUser


class UserInteractions(UserActions):
    async def edit_text(self, user: FakeUser, message: dict, new_text: str) -> dict:
        """The user edits their own text message -> ``edited_message`` update."""
        chat = self._chat(message["chat"]["id"])
        stored = self.world.get_message(chat.id, message["message_id"])
        if (
            stored is None
            or stored.data.get("from", {}).get("id") != user.id
            or "text" not in stored.data
        ):
            raise AssertionError("users can only edit their own, existing text messages")
        stored.history.append(self.world.snapshot(stored))
        stored.data = {k: v for k, v in stored.data.items() if k != "entities"}
        stored.data.update(self._text("text", new_text), edit_date=now())
        msg = self.world.snapshot(stored)
        if self._delivered(chat, msg):
            self.world.enqueue("edited_message", msg)
        await asyncio.sleep(0)
        return msg

    async def press_button(
        self, user: FakeUser, message: dict | int, callback_data: str, chat: ChatRef | None = None
    ) -> str:
        """Tap an inline button; returns the callback query id."""
        world = self.world
        if isinstance(message, dict):
            chat_id, mid = message["chat"]["id"], message["message_id"]
        elif chat is not None:
            chat_id, mid = self._chat(chat).id, int(message)
        else:
            found = [
                cid for cid, box in world.msgs.items() if message in box and box[message].from_bot
            ]
            if len(found) != 1:
                raise AssertionError(f"message id {message} is ambiguous or unknown; pass chat=")
            chat_id, mid = found[0], int(message)
        target = self._chat(chat_id)
        self._check_presence(user, target)
        stored = world.get_message(chat_id, mid)
        if stored is None:
            raise AssertionError(f"message {mid} in chat {chat_id} does not exist (deleted?)")
        buttons = [
            b for row in stored.data.get("reply_markup", {}).get("inline_keyboard", []) for b in row
        ]
        if not any(b.get("callback_data") == callback_data for b in buttons):
            shown = [(b.get("text"), b.get("callback_data")) for b in buttons]
            raise AssertionError(
                f"no button with callback_data={callback_data!r} on message {mid}; buttons: {shown}"
            )
        query_id = str(4_300_000_000_000_000_000 + world.seq())
        world.callbacks[query_id] = {"answered": False, "answer": None, "user_id": user.id}
        digest = int(hashlib.sha256(str(chat_id).encode()).hexdigest()[:15], 16)
        world.enqueue(
            "callback_query",
            {
                "id": query_id,
                "from": user.to_dict(),
                "message": world.snapshot(stored),
                "chat_instance": str(-digest),
                "data": callback_data,
            },
        )
        await asyncio.sleep(0)
        return query_id

    async def answer_poll(self, user: FakeUser, poll_id: str, option_ids: list[int]) -> None:
        """Vote (empty list retracts). Non-anonymous polls also yield ``poll_answer``."""
        rec = self.world.polls.get(str(poll_id))
        if rec is None:
            raise AssertionError(f"unknown poll {poll_id!r}")
        self._check_presence(user, self._chat(rec.chat_id))
        record_vote(self.world, rec, user.id, list(option_ids))
        ids = rec.votes.get(user.id, [])  # normalised: sorted, no duplicates; [] = retracted
        if not rec.poll["is_anonymous"]:
            self.world.enqueue(
                "poll_answer",
                {
                    "poll_id": rec.poll["id"],
                    "user": user.to_dict(),
                    "option_ids": ids,
                    "option_persistent_ids": [rec.poll["options"][i]["persistent_id"] for i in ids],
                },
            )
        self.world.enqueue("poll", rec.poll)
        await asyncio.sleep(0)

    async def block_bot(self, user: FakeUser) -> None:
        """The user blocks the bot: later sends get 403, the bot gets my_chat_member."""
        user.blocked = True
        self._enqueue_my_chat_member(user, "member", "kicked")
        await asyncio.sleep(0)

    async def join(self, user: FakeUser, chat: FakeChat) -> dict:
        """The user joins a group: ``new_chat_members`` message (+ chat_member if allowed)."""
        old = chat.members.get(user.id, "left")
        chat.members[user.id] = "member"
        self.world.enqueue(
            "chat_member",
            {
                "chat": chat.to_dict(),
                "from": user.to_dict(),
                "date": now(),
                "old_chat_member": member_json(user.to_dict(), old),
                "new_chat_member": member_json(user.to_dict(), "member"),
            },
        )
        return await self._post(user, chat, {"new_chat_members": [user.to_dict()]})
