"""Where an outbound photo comes from: the platform's file id, or the stored copy's bytes.

Re-sending by file id costs Telegram no upload and works before our own download is done;
the stored copy (bot/media.py: EXIF-free, named by its SHA-256) is the fallback for a photo
that arrived on another platform.
"""

from __future__ import annotations

from pathlib import Path

from bot.adapters.base import PermanentError
from handlers.events import OutPhoto


def photo_source(photo: OutPhoto, media_dir: Path) -> str | bytes:
    if photo.file_id:
        return photo.file_id
    if not photo.media_path:
        raise PermanentError("a photo with neither a file id nor a stored copy")
    return read_stored(media_dir, photo.media_path)


def read_stored(media_dir: Path, relative: str) -> bytes:
    """The stored file's bytes; never a file outside the media directory."""
    root = Path(media_dir).resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise PermanentError(f"no stored photo {relative!r}")
    return path.read_bytes()
