"""Making updates durable: the inbox write that must succeed before the platform is told
we have an update (the next getUpdates offset, a webhook's 200).

A batch goes in one transaction (one commit for up to 100 long-polling updates), skipping
the ones already stored: Telegram redelivers what it was not told we have, and a redelivery
must not be handled twice. Any database error propagates, so the caller keeps the offset
(or answers 503) and Telegram keeps the updates for later.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from sqlalchemy.dialects import postgresql, sqlite

from handlers.context import Deps
from handlers.events import Inbound, to_json
from models.messaging import InboxUpdate

# Handling tasks waiting for a slot, at most: beyond it the intake stops fetching and
# Telegram holds the rest (backpressure instead of an ever longer queue in memory).
MAX_WAITING = 200


async def store_batch(events: Sequence[Inbound], deps: Deps) -> list[tuple[int, Inbound]]:
    """Store events in one transaction; return (inbox id, event) for the ones that are new."""
    if not events:
        return []
    now = deps.clock.now()
    rows = [{"platform": e.platform, "update_key": e.update_key, "payload": to_json(e),
             "status": "pending", "attempts": 0, "received_at": now} for e in events]
    async with deps.session_factory() as session, session.begin():
        dialect = session.bind.dialect.name
        insert = (postgresql if dialect == "postgresql" else sqlite).insert
        statement = (insert(InboxUpdate).values(rows).on_conflict_do_nothing()
                     .returning(InboxUpdate.id, InboxUpdate.update_key))
        new = {key: inbox_id for inbox_id, key in (await session.execute(statement)).all()}
    return [(new[e.update_key], e) for e in events if e.update_key in new]


async def store_unbroken(events: Sequence[Inbound], deps: Deps) -> list[tuple[int, Inbound]]:
    """store_batch, not cut off in the middle by a stop (a half-done database call can leave
    the connection hanging): it runs as its own task in deps.in_flight, which stop waits for."""
    store = asyncio.ensure_future(store_batch(events, deps))
    deps.in_flight.add(store)
    store.add_done_callback(deps.in_flight.discard)
    return await asyncio.shield(store)


async def wait_for_room(deps: Deps, limit: int = MAX_WAITING) -> None:
    """Wait until fewer than `limit` updates are being handled or waiting to be."""
    while len(deps.in_flight) >= limit:
        await asyncio.wait(set(deps.in_flight), return_when=asyncio.FIRST_COMPLETED)
