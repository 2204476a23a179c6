"""Our long-polling loop, for both Telegram runtimes: nothing is confirmed before it is stored.

getUpdates' `offset` tells Telegram to forget every update below it. aiogram's and PTB's own
loops move it while the previous batch is still being handled (or not yet stored), so a
crash, a kill -9 or a database outage in between loses updates Telegram no longer has. Here
a batch is stored in one transaction first; only then does the next getUpdates carry the
new offset. When the store fails the offset stays, and the same batch comes back after a
backoff: the bot keeps running and recovers by itself.

Each runtime gives its own framework's call (`fetch`): its Bot, its request objects and its
Update parsing; the translation to our events is shared.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

import structlog

from bot.adapters.telegram_translate import update_event
from handlers import bus
from handlers.bus import Deps

log = structlog.get_logger(__name__)

# (offset, long-poll seconds) → the framework's Update objects
Fetch = Callable[[int | None, int], Awaitable[Sequence]]

LONG_POLL_SECONDS = 25
BACKOFF_FIRST, BACKOFF_MAX = 0.5, 5.0  # short: Telegram keeps updates for 24 h, a reader waits


class Backoff:
    def __init__(self) -> None:
        self.delay = 0.0

    async def wait(self) -> None:
        self.delay = min(max(self.delay * 2, BACKOFF_FIRST), BACKOFF_MAX)
        await asyncio.sleep(self.delay)

    def reset(self) -> None:
        self.delay = 0.0


async def poll_forever(fetch: Fetch, bot_id: int, deps: Deps,
                       long_poll: int = LONG_POLL_SECONDS) -> None:
    """Fetch, store, confirm with the next fetch, hand to the bounded handlers; until
    cancelled (cancelling is safe: at worst a stored batch is replayed at the next start)."""
    offset: int | None = None
    backoff = Backoff()
    while True:
        await bus.wait_for_room(deps)  # backpressure: handlers behind → Telegram holds them
        try:
            updates = await fetch(offset, long_poll)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - network, 5xx, 409: log and poll again
            log.warning("polling.fetch_failed", error=repr(exc)[:300], retry_in=backoff.delay)
            await backoff.wait()
            continue
        if not updates:
            backoff.reset()
            continue
        events = [e for e in (update_event(u, bot_id) for u in updates) if e is not None]
        try:
            stored = await bus.store_unbroken(events, deps)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the database is down: keep the offset
            log.warning("polling.store_failed", count=len(events), error=repr(exc)[:300],
                        offset=offset)
            await backoff.wait()
            continue
        backoff.reset()
        offset = updates[-1].update_id + 1  # confirmed by the next getUpdates
        bus.start_handling(stored, deps)

