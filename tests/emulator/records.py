"""Plain records the world is made of: users, chats, stored messages,
files, polls and fault rules. ``to_dict`` gives the Bot API JSON shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .api import ApiError


@dataclass(eq=False)  # identity semantics: usable as dict keys / in sets
class FakeUser:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    started: bool = False  # has pressed Start in the private chat with the bot
    blocked: bool = False  # has blocked the bot
    is_bot: bool = False

    def to_dict(self) -> dict:
        d: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key) is not None:
                d[key] = getattr(self, key)
        return d


@dataclass(eq=False)
class FakeChat:
    id: int
    type: str  # "private" | "group" | "supergroup"
    title: str | None = None
    username: str | None = None
    user: FakeUser | None = None  # the human side of a private chat
    members: dict[int, str] = field(default_factory=dict)  # user id -> member/administrator/creator
    bot_is_admin: bool = False
    bot_status: str = "member"  # presence only: "member" | "left" | "kicked" (rights: bot_is_admin)
    pinned: list[int] = field(default_factory=list)  # pinned message ids, most recent last

    def to_dict(self) -> dict:
        if self.type == "private":
            assert self.user is not None
            d = {"id": self.id, "type": "private", "first_name": self.user.first_name}
            for key in ("last_name", "username"):
                if getattr(self.user, key) is not None:
                    d[key] = getattr(self.user, key)
            return d
        d = {"id": self.id, "type": self.type, "title": self.title}
        if self.username:
            d["username"] = self.username
        return d


@dataclass
class StoredMessage:
    data: dict  # current Message JSON, exactly as the API returns it
    from_bot: bool
    history: list[dict] = field(default_factory=list)  # previous versions, oldest first
    deleted: bool = False
    reply_keyboard: dict | None = None  # non-inline markup (never part of the Message JSON)


@dataclass
class FileRecord:
    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str


@dataclass
class PollRecord:
    poll: dict
    chat_id: int
    message_id: int
    votes: dict[int, list[int]] = field(default_factory=dict)  # user id -> option ids


@dataclass
class FaultRule:
    method: str  # lower-case method name
    error: ApiError
    times: int
    chat_id: str | None
