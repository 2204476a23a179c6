"""Files and media: sendPhoto, sendMediaGroup, sendDocument, getFile,
forwardMessage, copyMessage.

Photos are really decoded and resized with Pillow, like Telegram does, so
the ``photo`` array holds several PhotoSize entries (largest last) whose
bytes can be downloaded again through getFile + ``/file/bot<token>/<path>``.
"""

from __future__ import annotations

import mimetypes
from io import BytesIO

from PIL import Image

from .api import api_method, bad_request
from .compose import post_bot_message, reply_fields, text_fields
from .params import UploadedFile
from .state import World

_THUMB_BOUNDS = (90, 320, 800)  # Telegram's s/m/x sizes
_MAX_SIDE = 1280  # the y size: the largest Telegram keeps for ordinary photos
_WRONG_FILE = "wrong file identifier/HTTP URL specified"
_COPIED_KEYS = (
    "text",
    "entities",
    "caption",
    "caption_entities",
    "photo",
    "document",
    "location",
    "contact",
    "poll",
    "show_caption_above_media",
)


def photo_sizes(world: World, data: bytes) -> list[dict]:
    """Store a photo the Telegram way: a few JPEG renditions, smallest first.

    The largest rendition keeps the uploaded bytes untouched when they are
    already a JPEG that needs no downscaling, so a test can compare a download
    with what it uploaded.
    """
    try:
        img = Image.open(BytesIO(data))
        img.load()
    except Exception:  # noqa: BLE001 - any decoder failure is a bad upload
        raise bad_request("IMAGE_PROCESS_FAILED") from None
    side = max(img.size)
    bounds = [b for b in _THUMB_BOUNDS if b < side] or ([max(1, side // 2)] if side > 1 else [])
    sizes = []
    for bound in [*bounds, min(side, _MAX_SIDE)]:
        if bound == side and img.format == "JPEG":
            blob, (width, height) = data, img.size
        else:
            scaled = img.convert("RGB")
            scaled.thumbnail((bound, bound))
            buf = BytesIO()
            scaled.save(buf, "JPEG", quality=85)
            blob, (width, height) = buf.getvalue(), scaled.size
        rec = world.add_file(blob, "photos", "jpg")
        sizes.append(
            {
                "file_id": rec.file_id,
                "file_unique_id": rec.file_unique_id,
                "file_size": len(blob),
                "width": width,
                "height": height,
            }
        )
    for size in sizes:
        world.photo_sets[size["file_id"]] = sizes
    return sizes


def input_photo(world: World, value) -> list[dict]:
    if isinstance(value, UploadedFile):
        if len(value.data) > 10 * 1024 * 1024:
            raise bad_request("PHOTO_SAVE_FILE_INVALID")
        return photo_sizes(world, value.data)
    if isinstance(value, str) and value:
        # The emulator has no internet: HTTP URLs are refused like a dead link.
        sizes = world.photo_sets.get(value)
        if sizes is None:
            raise bad_request(_WRONG_FILE)
        return sizes
    raise bad_request("there is no photo in the request")


def input_document(world: World, value) -> dict:
    if isinstance(value, UploadedFile):
        name = value.filename or "file"
        ext = name.rsplit(".", 1)[-1] if "." in name else "bin"
        rec = world.add_file(value.data, "documents", ext)
        mime = value.content_type
        if not mime or mime == "application/octet-stream":
            mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        doc = {
            "file_name": name,
            "mime_type": mime,
            "file_id": rec.file_id,
            "file_unique_id": rec.file_unique_id,
            "file_size": len(value.data),
        }
        world.documents[rec.file_id] = doc
        return doc
    if isinstance(value, str) and value in world.documents:
        return world.documents[value]
    if isinstance(value, str) and value:
        raise bad_request(_WRONG_FILE)
    raise bad_request("there is no document in the request")


def _caption(p: dict, item: dict | None = None) -> dict:
    src = item if item is not None else p
    return text_fields(
        src.get("caption"), src.get("parse_mode"), src.get("caption_entities"), caption=True
    )


@api_method("sendPhoto")
def send_photo(world: World, p: dict) -> dict:
    chat = world.chat_for_send(p.get("chat_id"))
    caption = _caption(p)
    reply_fields(world, chat, p)  # validate before storing any file
    content = {"photo": input_photo(world, p.get("photo")), **caption}
    if p.get("has_spoiler"):
        content["has_media_spoiler"] = True
    return world.snapshot(post_bot_message(world, chat, p, content))


@api_method("sendDocument")
def send_document(world: World, p: dict) -> dict:
    chat = world.chat_for_send(p.get("chat_id"))
    caption = _caption(p)
    reply_fields(world, chat, p)
    content = {"document": input_document(world, p.get("document")), **caption}
    return world.snapshot(post_bot_message(world, chat, p, content))


@api_method("sendMediaGroup")
def send_media_group(world: World, p: dict) -> list[dict]:
    chat = world.chat_for_send(p.get("chat_id"))
    media = p.get("media")
    if not isinstance(media, list) or not 2 <= len(media) <= 10:
        raise bad_request("media group must contain 2-10 items")  # wording approximated
    for item in media:
        if not isinstance(item, dict) or item.get("type") != "photo":
            raise bad_request("only photo albums are emulated")  # emulator limitation
    captions = [_caption(p, item) for item in media]
    reply_fields(world, chat, p)
    photos = [input_photo(world, item.get("media")) for item in media]
    group_id = str(13_000_000_000_000_000 + world.seq())
    out = []
    for photo, caption, item in zip(photos, captions, media, strict=True):
        content = {"media_group_id": group_id, "photo": photo, **caption}
        if item.get("has_spoiler"):
            content["has_media_spoiler"] = True
        out.append(
            world.snapshot(post_bot_message(world, chat, {**p, "reply_markup": None}, content))
        )
    return out


@api_method("getFile")
def get_file(world: World, p: dict) -> dict:
    rec = world.files.get(str(p.get("file_id")))
    if rec is None:
        raise bad_request("invalid file_id")
    if len(rec.data) > 20 * 1024 * 1024:
        raise bad_request("file is too big")
    return {
        "file_id": rec.file_id,
        "file_unique_id": rec.file_unique_id,
        "file_size": len(rec.data),
        "file_path": rec.file_path,
    }


def _source(world: World, p: dict, verb: str):
    src_chat = world.resolve_chat(p.get("from_chat_id"))
    stored = world.get_message(src_chat.id, p.get("message_id"))
    if stored is None:
        raise bad_request(f"message to {verb} not found")
    return {k: stored.data[k] for k in _COPIED_KEYS if k in stored.data}, stored


@api_method("forwardMessage")
def forward_message(world: World, p: dict) -> dict:
    chat = world.chat_for_send(p.get("chat_id"))
    content, stored = _source(world, p, "forward")
    # Every emulated sender is a user (or the bot), so the origin is always "user".
    sender = stored.data.get("from") or world.bot_user()
    content["forward_origin"] = {"type": "user", "date": stored.data["date"], "sender_user": sender}
    return world.snapshot(post_bot_message(world, chat, {**p, "reply_markup": None}, content))


@api_method("copyMessage")
def copy_message(world: World, p: dict) -> dict:
    chat = world.chat_for_send(p.get("chat_id"))
    content, _ = _source(world, p, "copy")
    if "caption" in p and "text" not in content:
        content.update(_caption(p))
    stored = post_bot_message(world, chat, p, content)
    return {"message_id": stored.data["message_id"]}
