"""Inbound events (what people did) and outbound actions (what the bot will do).

Adapters translate platform updates into Inbound events and deliver Outbound actions; both
round-trip through JSON because they are stored (inbox and outbox) before they are acted on.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields


@dataclass(frozen=True)
class User:
    id: str
    name: str
    language: str | None = None


@dataclass(frozen=True)
class PhotoRef:
    file_id: str
    file_unique_id: str
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float


@dataclass(frozen=True)
class MessageIn:
    platform: str
    update_key: str
    chat_id: str
    chat_kind: str  # "private" | "group"
    user: User
    message_id: str
    text: str = ""
    chat_title: str = ""
    photos: tuple[PhotoRef, ...] = ()
    media_group_id: str | None = None
    location: Location | None = None
    reply_to_message_id: str | None = None

    @property
    def is_private(self) -> bool:
        return self.chat_kind == "private"


@dataclass(frozen=True)
class ButtonPress:
    platform: str
    update_key: str
    chat_id: str
    chat_kind: str
    user: User
    callback_id: str
    message_id: str | None
    data: str

    @property
    def is_private(self) -> bool:
        return self.chat_kind == "private"


Inbound = MessageIn | ButtonPress


@dataclass(frozen=True)
class Button:
    text: str
    data: str


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class SendText:
    platform: str
    chat_id: str
    text: str
    buttons: Keyboard = ()
    reply_to: str | None = None
    # A key later edits use to find the message this became ("card:42").
    ref: str | None = None
    # The ticket this message is about: if it cannot be delivered, the ticket notes it.
    ticket_id: int | None = None


@dataclass(frozen=True)
class EditText:
    platform: str
    chat_id: str
    ref: str
    text: str
    buttons: Keyboard = ()


@dataclass(frozen=True)
class AnswerButton:
    platform: str
    callback_id: str
    text: str = ""
    alert: bool = False
    chat_id: str = ""


@dataclass(frozen=True)
class OutPhoto:
    """A photo to show. The platform's own file id is re-sent without an upload, so it is set
    only when the photo arrived on the platform it goes to; otherwise the stored copy (its
    content-addressed path under GRIDBOT_MEDIA_DIR) is uploaded."""

    file_id: str | None = None
    media_path: str | None = None


@dataclass(frozen=True)
class SendPhotos:
    """One photo, or several as one album (Telegram sendMediaGroup: 2 to 10). The caption
    (at most 1,024 characters) goes on the first photo, where Telegram shows an album's."""

    platform: str
    chat_id: str
    media: tuple[OutPhoto, ...]
    caption: str = ""
    reply_to: str | None = None
    ticket_id: int | None = None


Outbound = SendText | EditText | AnswerButton | SendPhotos

_KINDS: dict[str, type] = {
    "message": MessageIn,
    "button": ButtonPress,
    "send_text": SendText,
    "edit_text": EditText,
    "answer_button": AnswerButton,
    "send_photos": SendPhotos,
}
_NAMES = {cls: name for name, cls in _KINDS.items()}


def kind_of(obj: object) -> str:
    return _NAMES[type(obj)]


def to_json(obj: Inbound | Outbound) -> str:
    return json.dumps({"kind": kind_of(obj), **asdict(obj)}, ensure_ascii=False)


def from_json(raw: str) -> Inbound | Outbound:
    data = json.loads(raw)
    return _build(_KINDS[data.pop("kind")], data)


def _build(cls: type, data: dict):
    values = {}
    for f in fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        if f.name == "user":
            value = User(**value)
        elif f.name == "photos":
            value = tuple(PhotoRef(**p) for p in value)
        elif f.name == "location" and value is not None:
            value = Location(**value)
        elif f.name == "media":
            value = tuple(OutPhoto(**p) for p in value)
        elif f.name == "buttons":
            value = tuple(tuple(Button(**b) for b in row) for row in value)
        values[f.name] = value
    return cls(**values)


__all__ = [
    "AnswerButton",
    "Button",
    "ButtonPress",
    "EditText",
    "Inbound",
    "Keyboard",
    "Location",
    "MessageIn",
    "OutPhoto",
    "Outbound",
    "PhotoRef",
    "SendPhotos",
    "SendText",
    "User",
    "field",
    "from_json",
    "kind_of",
    "to_json",
]
