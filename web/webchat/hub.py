"""Live updates: every open browser window gets the events meant for the person it shows."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict

from fastapi import WebSocket


class Hub:
    def __init__(self) -> None:
        self._sockets: dict[str, set[WebSocket]] = defaultdict(set)
        self._lock = asyncio.Lock()

    async def join(self, identity: str, socket: WebSocket) -> None:
        async with self._lock:
            self._sockets[identity].add(socket)

    async def leave(self, identity: str, socket: WebSocket) -> None:
        async with self._lock:
            self._sockets[identity].discard(socket)

    async def publish(self, event: dict, audience: set[str] | None = None) -> None:
        """To everyone (None) or to these identities; a dead socket is dropped, not fatal."""
        async with self._lock:
            targets = [
                (identity, socket)
                for identity, sockets in self._sockets.items()
                if audience is None or identity in audience
                for socket in sockets
            ]
        for identity, socket in targets:
            try:
                await socket.send_json(event)
            except Exception:  # noqa: BLE001 - a closed tab must not stop the others
                with contextlib.suppress(Exception):
                    await self.leave(identity, socket)
