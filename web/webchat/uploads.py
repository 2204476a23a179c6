"""Files people upload in the webchat: kept as-is, addressed by a file id like Telegram's."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

_FILE_ID = re.compile(r"^wc-[A-Za-z0-9_-]{16,64}$")


class Uploads:
    def __init__(self, root: Path) -> None:
        self.media_dir = root  # GRIDBOT_MEDIA_DIR: the media fetcher's stored copies
        self.root = root / "webchat-uploads"

    def save(self, data: bytes) -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        file_id = f"wc-{secrets.token_urlsafe(18)}"
        (self.root / file_id).write_bytes(data)
        return file_id

    def path(self, file_id: str) -> Path | None:
        """None for anything that is not one of our ids: no path tricks from a URL."""
        if not _FILE_ID.match(file_id):
            return None
        path = self.root / file_id
        return path if path.is_file() else None

    def read(self, file_id: str) -> bytes:
        path = self.path(file_id)
        if path is None:
            raise FileNotFoundError(file_id)
        return path.read_bytes()
