"""New messages into the outbox in one INSERT: for the scheduled jobs that queue thousands.

handlers.outbox.write_outbox adds one ORM object per message, which SQLite inserts one
statement at a time (the ORM wants each new id back); a digest or sweep batch needs no ids, so
its SendTexts go in as one executemany. Edits (which fold into pending sends) still take the
ORM path there; the caller passes those on to write_outbox.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.events import Outbound, SendText, kind_of, to_json
from handlers.outbox import LANE_BULK, LANE_INTERACTIVE, write_outbox
from models.messaging import OutboxMessage


async def write_outbox_bulk(session: AsyncSession, actions: list[Outbound], now: datetime,
                            *, bulk: bool = True) -> int:
    """Like write_outbox, in the caller's transaction; new sends in one statement. `bulk`: a
    scheduled mass send (a digest), claimed after what people are waiting for."""
    sends = [a for a in actions if isinstance(a, SendText)]
    lane = LANE_BULK if bulk else LANE_INTERACTIVE
    rows = [{"platform": a.platform, "chat_id": a.chat_id, "kind": kind_of(a),
             "payload": to_json(a), "ref": a.ref, "lane": lane, "status": "pending",
             "attempts": 0, "not_before": now, "created_at": now, "ticket_id": a.ticket_id}
            for a in sends]
    if rows:
        await session.execute(insert(OutboxMessage), rows)
    others = [a for a in actions if not isinstance(a, SendText)]
    return len(rows) + (await write_outbox(session, others, now, bulk=bulk) if others else 0)
