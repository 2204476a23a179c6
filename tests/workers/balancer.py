"""One public webhook address in front of several workers, as nginx's upstream does in deploy/.

Telegram posts each update to the one URL; this spreads them round-robin over the workers and
passes a refused connection on to the next one (nginx's `proxy_next_upstream error`), so a
dead worker costs nothing but its share. Every `redeliver_every`-th update is also posted to a
DIFFERENT worker, the way Telegram redelivers an update whose 200 came too late: half of them
at the same moment as the first post (a race on the inbox), half right after its 200.
"""

from __future__ import annotations

import asyncio
import itertools

import aiohttp
from aiohttp import web

from bot.adapters.webhook import SECRET_HEADER


class Balancer:
    def __init__(self, worker_urls: list[str], redeliver_every: int = 5) -> None:
        self.worker_urls = worker_urls
        self.redeliver_every = redeliver_every
        self.posts: list[tuple[int, int, int]] = []  # (update_id, worker, status)
        self._turn = itertools.count()
        self._seen = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self.url = ""

    async def start(self) -> str:
        self._client = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        app = web.Application()
        app.router.add_post("/telegram/webhook", self._receive)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)  # an ephemeral port
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/telegram/webhook"
        return self.url

    async def stop(self) -> None:
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def redeliveries(self) -> set[int]:
        """Update ids that more than one worker answered 200."""
        answered: dict[int, set[int]] = {}
        for update_id, worker, status in self.posts:
            if status == 200:
                answered.setdefault(update_id, set()).add(worker)
        return {u for u, workers in answered.items() if len(workers) > 1}

    async def _receive(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {SECRET_HEADER: request.headers.get(SECRET_HEADER, ""),
                   "Content-Type": "application/json"}
        update_id = int((await request.json())["update_id"])
        first = next(self._turn) % len(self.worker_urls)
        n = next(self._seen)
        if n % self.redeliver_every:
            status, _ = await self._forward(update_id, body, headers, first)
            return web.Response(status=status)
        if n % (2 * self.redeliver_every):  # at the same moment, to two workers
            (status, used), _ = await asyncio.gather(
                self._forward(update_id, body, headers, first),
                self._forward(update_id, body, headers, first + 1))
        else:  # after the first 200, to the next worker
            status, used = await self._forward(update_id, body, headers, first)
            await self._forward(update_id, body, headers, used + 1)
        return web.Response(status=status)

    async def _forward(self, update_id: int, body: bytes, headers: dict,
                       start: int) -> tuple[int, int]:
        """Post to the first live worker from `start` on; (status, which worker answered)."""
        count = len(self.worker_urls)
        for step in range(count):
            worker = (start + step) % count
            try:
                async with self._client.post(self.worker_urls[worker], data=body,
                                             headers=headers) as response:
                    self.posts.append((update_id, worker, response.status))
                    return response.status, worker
            except (aiohttp.ClientError, OSError):
                continue  # dead or dying: the next one
        return 502, start
