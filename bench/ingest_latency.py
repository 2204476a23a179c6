"""bench/ingest.py's latency part: reports arriving at a steady rate, each timed from the
moment its update is queued in the emulator until the bot's confirmation (the ticket card,
a reply in the report's group) reaches the emulator.

Each report comes from its own group, so only the overall limit applies: the sender's 30
messages a second (Telegram's). At a rate below it the figure is the bot's own delay; above
it confirmations queue behind the limit and the delay grows with the length of the burst,
whatever the bot's speed.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from bench.ingest import _updates, running_gridbot


@dataclass
class Latency:
    rate: float
    reports: int
    p50: float
    p99: float
    worst: float

    def line(self) -> str:
        return (f"  paced {self.rate:g} reports/s, {self.reports} reports: update to "
                f"confirmation sent p50 {self.p50:.2f} s, p99 {self.p99:.2f} s, "
                f"max {self.worst:.2f} s")


async def _first_send_per_chat(emu, chats: set[str], sent_at: dict[str, float]) -> None:
    """Note when the first sendMessage to each chat arrives (scanning only new requests)."""
    seen = len(emu.requests)
    while len(sent_at) < len(chats):
        requests = emu.requests
        now = time.perf_counter()
        for name, params in requests[seen:]:
            chat = str(params.get("chat_id"))
            if name.lower() == "sendmessage" and chat in chats:
                sent_at.setdefault(chat, now)
        seen = len(requests)
        await asyncio.sleep(0.005)


async def paced(url: str, tmp: Path, grids: int, rate: float, seconds: float,
                round_no: int) -> Latency:
    async with running_gridbot(url, tmp) as bot_:
        updates = _updates(bot_.emu, int(rate * seconds), grids, round_no)
        chats = [str(u["message"]["chat"]["id"]) for u in updates]
        sent_at: dict[str, float] = {}
        watcher = asyncio.create_task(_first_send_per_chat(bot_.emu, set(chats), sent_at))
        queued, start = [], time.perf_counter()
        for i, update in enumerate(updates):
            if (delay := start + i / rate - time.perf_counter()) > 0:
                await asyncio.sleep(delay)
            queued.append(time.perf_counter())
            bot_.emu.inject_raw_update(update)
        await asyncio.wait_for(watcher, timeout=seconds * 10 + 120)
        delays = sorted(sent_at[c] - t for c, t in zip(chats, queued, strict=True))
        return Latency(rate, len(delays), statistics.median(delays),
                       statistics.quantiles(delays, n=100, method="inclusive")[98], delays[-1])
