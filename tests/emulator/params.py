"""Request-body parsing and parameter typing, the way the Bot API does it.

Both real clients post *form* bodies (aiogram: multipart/form-data always;
python-telegram-bot: x-www-form-urlencoded, or multipart when uploading), so
every value arrives as a string: ints as "123", bools as "true", objects and
arrays JSON-encoded. Telegram types each parameter by name; so do we. A text
of "123" must stay a string, hence the explicit tables instead of guessing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from aiohttp import MultipartReader, web

from .api import bad_request

JSON_FIELDS = set(
    "reply_markup reply_parameters link_preview_options entities caption_entities media "
    "options commands scope allowed_updates question_entities explanation_entities "
    "description_entities correct_option_ids message_ids country_codes results "
    "permissions rights text_entities".split()
)
CHAT_ID_FIELDS = {"chat_id", "from_chat_id"}
INT_FIELDS = set(
    "message_id offset limit timeout user_id reply_to_message_id message_thread_id "
    "max_connections correct_option_id open_period close_date cache_time live_period "
    "heading proximity_alert_radius until_date width height duration "
    "direct_messages_topic_id".split()
)
BOOL_FIELDS = set(
    "disable_notification protect_content show_alert is_anonymous allows_multiple_answers "
    "allows_revoting is_closed drop_pending_updates allow_sending_without_reply "
    "disable_web_page_preview has_spoiler show_caption_above_media only_if_banned "
    "revoke_messages disable_content_type_detection allow_paid_broadcast shuffle_options "
    "hide_results_until_closes members_only allow_adding_options for_channels".split()
)
FLOAT_FIELDS = {"latitude", "longitude", "horizontal_accuracy"}
_INT_RE = re.compile(r"^-?\d+$")


@dataclass
class UploadedFile:
    """A file part of a multipart request (direct field or ``attach://`` target)."""

    filename: str | None
    content_type: str | None
    data: bytes

    def __repr__(self) -> str:  # keeps emu.requests readable
        return f"<UploadedFile {self.filename!r} {len(self.data)} bytes>"


def coerce(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if key in JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError:
            what = "reply keyboard markup" if key == "reply_markup" else key
            raise bad_request(f"can't parse {what} JSON object") from None
    if key in CHAT_ID_FIELDS:
        return int(value) if _INT_RE.match(value) else value
    if key in INT_FIELDS:
        if not _INT_RE.match(value.strip()):
            raise bad_request(f"invalid {key} specified")
        return int(value)
    if key in BOOL_FIELDS:
        return value.strip().lower() in ("true", "1")
    if key in FLOAT_FIELDS:
        try:
            return float(value)
        except ValueError:
            raise bad_request(f"invalid {key} specified") from None
    return value


async def read_multipart(reader: MultipartReader) -> dict[str, Any]:
    """Fields as text, file parts as UploadedFile. Shared with webhook replies."""
    out: dict[str, Any] = {}
    while (part := await reader.next()) is not None:
        if isinstance(part, MultipartReader):  # nested multipart: not used by the Bot API
            continue
        raw = await part.read(decode=True)
        if part.filename is not None:
            out[part.name] = UploadedFile(
                part.filename, part.headers.get("Content-Type"), bytes(raw)
            )
        else:
            out[part.name] = bytes(raw).decode("utf-8")
    return out


async def read_request(request: web.Request) -> dict[str, Any]:
    """Merge query string and body (any of the three encodings), then type."""
    raw: dict[str, Any] = dict(request.query)
    if request.method == "POST" and request.body_exists:
        ctype = request.content_type
        if ctype == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON object") from None
            if not isinstance(body, dict):
                raise bad_request("can't parse JSON object")
            raw.update(body)
        elif ctype.startswith("multipart/"):
            raw.update(await read_multipart(await request.multipart()))
        else:
            raw.update({k: v for k, v in (await request.post()).items()})
    return finalize(raw)


def finalize(raw: dict[str, Any]) -> dict[str, Any]:
    """Type every field and replace ``attach://name`` with the uploaded part."""
    uploads = {k: v for k, v in raw.items() if isinstance(v, UploadedFile)}
    used: set[str] = set()

    def resolve(value: Any) -> Any:
        if isinstance(value, str) and value.startswith("attach://"):
            name = value[len("attach://") :]
            if name not in uploads:
                raise bad_request(f'file with name "{name}" isn\'t attached')
            used.add(name)
            return uploads[name]
        if isinstance(value, list):
            return [resolve(v) for v in value]
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        return value

    params = {k: resolve(coerce(k, v)) for k, v in raw.items() if not isinstance(v, UploadedFile)}
    for name, upload in uploads.items():  # direct uploads (python-telegram-bot's sendPhoto)
        if name not in used:
            params[name] = upload
    return params
