"""Telegram's size limits, and fitting our texts into them.

A message holds 4,096 characters and a photo's caption 1,024 (Bot API sendMessage and
sendPhoto). A report may be 4,096 characters on its own, so every message that repeats a
report's words must be cut or split here rather than refused by Telegram with a 400.
"""

from __future__ import annotations

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
ALBUM_LIMIT = 10  # photos in one sendMediaGroup
ELLIPSIS = "…"


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, ending in … when cut."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + ELLIPSIS


def split_lines(lines: list[str], limit: int = TEXT_LIMIT) -> list[str]:
    """Join lines into as few messages as fit; a single line too long is cut with …"""
    chunks: list[str] = []
    current = ""
    for line in (shorten(x, limit) for x in lines):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
            continue
        chunks.append(current)
        current = line
    if current or not chunks:
        chunks.append(current)
    return chunks
