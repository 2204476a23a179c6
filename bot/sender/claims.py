"""The sender's statements on the outbox: claim a batch, complete a batch, leases.

Statement count is the point (issue 9): one UPDATE … RETURNING claims up to a batch of rows,
one UPDATE (and one upsert of message refs) completes every row sent since the last flush.

Order per chat across processes: a row is claimable only while no earlier row of its chat is
still pending (a 429 or a back-off holds the chat) or being sent by another sender. On
PostgreSQL the claims of all processes are serialised by a transaction advisory lock, so the
second claim sees the first one's rows as "sending" (READ COMMITTED takes a new snapshot per
statement); SKIP LOCKED keeps a claim from waiting on rows a handler's transaction is
rewriting (an edit folded into a waiting card). SQLite serialises writers by itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, func, or_, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from models.messaging import MessageRef, OutboxMessage

OUTBOX = OutboxMessage.__table__
_CLAIM_LOCK = 0x67726964  # "grid": any constant all senders agree on


@dataclass(frozen=True)
class Sent:
    row_id: int
    platform: str
    chat_id: str
    ref: str | None
    message_id: str | None


async def claim(session, me: str, platforms: list[str], now: datetime, lease_until: datetime,
                limit: int, busy_chats: list[tuple[str, str]]) -> list:
    """Due rows, answers first, then by lane and id; `busy_chats` already hold enough in
    this process and are left for the next claim."""
    if (await session.connection()).dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CLAIM_LOCK})
    # Aliases, so that the candidate query is not correlated with the UPDATE's own table.
    o, earlier = OUTBOX.alias("candidate"), OUTBOX.alias("earlier")
    held_back = exists().where(
        earlier.c.platform == o.c.platform,
        earlier.c.chat_id == o.c.chat_id,
        earlier.c.id < o.c.id,
        # An earlier pending row that is due and in a lane not after ours sorts before us:
        # it is claimed in this same statement. Any other earlier pending row holds us back.
        or_(and_(earlier.c.status == "pending",
                 or_(earlier.c.not_before > now, earlier.c.lane > o.c.lane)),
            and_(earlier.c.status == "sending",
                 or_(earlier.c.claimed_by.is_(None), earlier.c.claimed_by != me))),
    )
    due = (
        select(o.c.id)
        .where(o.c.status == "pending", o.c.not_before <= now, o.c.platform.in_(platforms),
               or_(o.c.chat_id == "", ~held_back))  # answers ("" chat) have no order
        .order_by(o.c.lane, o.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if busy_chats:
        due = due.where(tuple_(o.c.platform, o.c.chat_id).not_in(busy_chats))
    t = OUTBOX
    claimed = await session.execute(
        update(t)
        .where(t.c.id.in_(due.scalar_subquery()))
        .values(status="sending", attempts=t.c.attempts + 1, claimed_by=me,
                claimed_until=lease_until)
        .returning(t.c.id, t.c.platform, t.c.chat_id, t.c.kind, t.c.payload, t.c.ref,
                   t.c.attempts, t.c.lane)
    )
    return sorted(claimed.all(), key=lambda row: (row.lane, row.id))


async def known_refs(session, wanted: set[tuple[str, str, str]]) -> dict:
    """The platform message ids behind the refs that claimed edits point at, in one query."""
    if not wanted:
        return {}
    r = MessageRef.__table__
    rows = await session.execute(
        select(r.c.platform, r.c.chat_id, r.c.ref, r.c.message_id)
        .where(tuple_(r.c.platform, r.c.chat_id, r.c.ref).in_(list(wanted)))
    )
    return {(p, c, ref): message_id for p, c, ref, message_id in rows.all()}


async def complete_sent(session, sent: list[Sent], now: datetime) -> None:
    await session.execute(
        update(OUTBOX).where(OUTBOX.c.id.in_([s.row_id for s in sent]))
        .values(status="sent", sent_at=now, claimed_by=None, claimed_until=None)
    )
    refs = {(s.platform, s.chat_id, s.ref): s.message_id for s in sent if s.ref and s.message_id}
    if not refs:
        return
    dialect = (await session.connection()).dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(MessageRef.__table__).values(
        [{"platform": p, "chat_id": c, "ref": ref, "message_id": m}
         for (p, c, ref), m in refs.items()])
    await session.execute(statement.on_conflict_do_update(
        index_elements=["platform", "chat_id", "ref"],
        set_={"message_id": statement.excluded.message_id}))


async def finish(session, row_id: int, status: str, now: datetime, error: str = "") -> None:
    values = {"status": status, "sent_at": now, "claimed_by": None, "claimed_until": None}
    if error:
        values["last_error"] = error[:1000]
    await session.execute(update(OUTBOX).where(OUTBOX.c.id == row_id).values(values))


async def requeue(session, row_id: int, not_before: datetime, count_attempt: bool,
                  error: str = "") -> None:
    values = {"status": "pending", "not_before": not_before, "claimed_by": None,
              "claimed_until": None}
    if not count_attempt:
        values["attempts"] = OUTBOX.c.attempts - 1
    if error:
        values["last_error"] = error[:1000]
    await session.execute(update(OUTBOX).where(OUTBOX.c.id == row_id).values(values))


async def release(session, row_ids: list[int]) -> None:
    """Claimed rows not attempted (their chat is held back, or the sender stops)."""
    if row_ids:
        await session.execute(
            update(OUTBOX).where(OUTBOX.c.id.in_(row_ids), OUTBOX.c.status == "sending")
            .values(status="pending", attempts=OUTBOX.c.attempts - 1, claimed_by=None,
                    claimed_until=None))


async def renew_and_recover(session, me: str, now: datetime, lease_until: datetime,
                            everyone: bool = False) -> int:
    """Extend our leases; put back rows whose sender's lease ran out (it died). `everyone`:
    a single-process deployment at start, where every "sending" row is a crash's leftover."""
    o = OUTBOX
    await session.execute(update(o).where(o.c.status == "sending", o.c.claimed_by == me)
                          .values(claimed_until=lease_until))
    orphaned = or_(o.c.claimed_by.is_(None), o.c.claimed_by != me)
    if not everyone:
        orphaned = and_(orphaned, func.coalesce(o.c.claimed_until, now) <= now)
    result = await session.execute(
        update(o).where(o.c.status == "sending", orphaned)
        .values(status="pending", claimed_by=None, claimed_until=None))
    return result.rowcount or 0
