"""The bus: store each inbound event, then route it to its handler in its own transaction.

Two transactions on purpose. The first makes the update durable (and deduplicated by its
platform key) before anything can fail, and before the platform is told we have it; the
second does the work and writes the outbox. If the second fails or the process dies in
between, the inbox row stays pending and `replay_pending` runs it again: a report that
arrived becomes a ticket. Long polling stores a whole batch in the first (handlers/inbox.py)
and hands it to `start_handling`, so a report costs one handling transaction plus a
hundredth of a store.

At most deps.handling_slots updates are handled at once (backpressure, not pool timeouts),
and the handling transaction claims its inbox row (FOR UPDATE SKIP LOCKED on PostgreSQL,
BEGIN IMMEDIATE on SQLite): a replay and a live handler never both handle one update.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta

import structlog
from sqlalchemy import bindparam, update
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from sqlmodel import select

from handlers import router
from handlers.context import Ctx, Deps
from handlers.events import ButtonPress, Inbound, MessageIn, from_json

# What the adapters need besides receive/start_handling, published here so that they
# import the bus and the events only (an import-linter contract in pyproject.toml).
from handlers.inbox import MAX_WAITING, store_batch, store_unbroken, wait_for_room
from handlers.members import ensure_member
from handlers.outbox import write_outbox
from models import core_sql
from models.lifecycle import DomainError
from models.messaging import InboxUpdate

__all__ = ["MAX_WAITING", "Deps", "receive", "replay_pending", "start_handling",
           "store_batch", "store_unbroken", "wait_for_room"]

log = structlog.get_logger(__name__)

MAX_ATTEMPTS = 5
# Retried at once: a lost race on a unique key (two album photos) or a serialisation failure.
_RACE_RETRIES = 4


async def receive(event: Inbound, deps: Deps) -> bool:
    """Handle one inbound event. Returns False when it was a replay of one already stored."""
    task = asyncio.current_task()
    deps.in_flight.add(task)
    try:
        inbox_id = await _store(event, deps)
        if inbox_id is None:
            return False
        await process(inbox_id, event, deps)
        return True
    finally:
        deps.in_flight.discard(task)


def start_handling(stored: Sequence[tuple[int, Inbound]], deps: Deps) -> list[asyncio.Task]:
    """Handle stored updates in the background; each waits for one of deps.handling_slots.

    The tasks are in deps.in_flight, so stopping the bot lets them finish; one cut off
    stays pending in the inbox and is replayed.
    """
    tasks = []
    for inbox_id, event in stored:
        task = asyncio.create_task(process(inbox_id, event, deps),
                                   name=f"update-{inbox_id}")
        deps.in_flight.add(task)
        task.add_done_callback(deps.in_flight.discard)
        tasks.append(task)
    return tasks


async def _store(event: Inbound, deps: Deps) -> int | None:
    """Store one event; None when it was stored before. A database error propagates."""
    async with deps.handling_slots:
        stored = await store_batch([event], deps)
    if not stored:
        log.info("inbox.duplicate", platform=event.platform, key=event.update_key)
        return None
    return stored[0][0]


async def process(inbox_id: int, event: Inbound, deps: Deps) -> None:
    """Handle a stored update, waiting for a free slot first."""
    async with deps.handling_slots:
        await _process(inbox_id, event, deps)


async def _process(inbox_id: int, event: Inbound, deps: Deps) -> None:
    for attempt in range(_RACE_RETRIES):
        try:
            await _handle_once(inbox_id, event, deps)
            deps.notify()
            return
        except DomainError as refusal:
            await _refuse(inbox_id, event, deps, refusal)
            deps.notify()
            return
        except (IntegrityError, DBAPIError) as exc:
            if attempt + 1 < _RACE_RETRIES and _is_race(exc):
                log.info("inbox.race_retry", inbox_id=inbox_id, attempt=attempt)
                continue
            await _record_failure(inbox_id, event, deps, exc)
            return
        except Exception as exc:  # noqa: BLE001 - any bug must leave the update retryable
            await _record_failure(inbox_id, event, deps, exc)
            return


async def _handle_once(inbox_id: int, event: Inbound, deps: Deps) -> None:
    async with deps.session_factory() as session, session.begin():
        if not await _claim(session, inbox_id):
            return  # done already, or being handled right now by another task or process
        ctx = Ctx(session=session, deps=deps, platform=event.platform)
        ctx.member = await ensure_member(ctx, event.user)
        await router.route(event, ctx)
        await write_outbox(session, ctx.actions, deps.clock.now())


async def _refuse(inbox_id: int, event: Inbound, deps: Deps, refusal: DomainError) -> None:
    async with deps.session_factory() as session, session.begin():
        ctx = Ctx(session=session, deps=deps, platform=event.platform)
        ctx.member = await ensure_member(ctx, event.user)
        text = ctx.tr(ctx.locale_of(ctx.member), refusal.key, **refusal.args_)
        reply(ctx, event, text, alert=True)
        await write_outbox(session, ctx.actions, deps.clock.now())
        row = await session.get(InboxUpdate, inbox_id)
        row.status = "done"
        row.last_error = f"refused: {refusal.key}"
        session.add(row)


async def _claim(session, inbox_id: int) -> bool:
    """Mark the row done, if it is pending and no other transaction holds it; whether it was.

    One statement instead of a locking read plus an UPDATE at the end: the mark is part of
    the handling transaction, so a failure or a refusal rolls it back to pending. On
    PostgreSQL the row is locked with SKIP LOCKED first (a replay never waits for, nor
    repeats, a live handler); SQLite's BEGIN IMMEDIATE already made this transaction the
    only writer.
    """
    return bool(await core_sql.run(session, "bus.claim", _claim_statement, inbox_id=inbox_id))


def _claim_statement(dialect: str):
    table = InboxUpdate.__table__
    pending = (table.c.id == bindparam("inbox_id")) & (table.c.status == "pending")
    if dialect == "postgresql":
        pending = table.c.id == (select(table.c.id).where(pending)
                                 .with_for_update(skip_locked=True).scalar_subquery())
    return update(table).where(pending).values(status="done").returning(table.c.id)


def reply(ctx: Ctx, event: Inbound, text: str, alert: bool = False) -> None:
    """Answer the person who acted: an alert on their button, or a reply to their message."""
    if isinstance(event, ButtonPress):
        ctx.answer(event.callback_id, text, alert=alert)
    elif isinstance(event, MessageIn):
        ctx.send(event.chat_id, text, reply_to=None if event.is_private else event.message_id)


async def _record_failure(inbox_id: int, event: Inbound, deps: Deps, exc: Exception) -> None:
    log.exception("inbox.failed", inbox_id=inbox_id, error=repr(exc))
    try:
        await _count_failure(inbox_id, event, deps, exc)
    except SQLAlchemyError as again:  # the database is down: the row stays pending as it is
        log.warning("inbox.failure_not_recorded", inbox_id=inbox_id, error=repr(again))


async def _count_failure(inbox_id: int, event: Inbound, deps: Deps, exc: Exception) -> None:
    async with deps.session_factory() as session, session.begin():
        row = await session.get(InboxUpdate, inbox_id)
        row.attempts += 1
        row.last_error = repr(exc)[:1000]
        if row.attempts >= MAX_ATTEMPTS:
            row.status = "failed"
            ctx = Ctx(session=session, deps=deps, platform=event.platform)
            ctx.member = await ensure_member(ctx, event.user)
            reply(ctx, event, ctx.tr(ctx.locale_of(ctx.member), "error-internal"), alert=True)
            await write_outbox(session, ctx.actions, deps.clock.now())
        session.add(row)


def _is_race(exc: Exception) -> bool:
    text = str(exc).lower()
    return isinstance(exc, IntegrityError) or any(
        marker in text for marker in ("could not serialize", "deadlock", "database is locked")
    )


REPLAY_PAGE = 500


async def replay_pending(deps: Deps, older_than: timedelta = timedelta(seconds=30)) -> int:
    """Run inbox rows left pending by a crash or a failure, all of them, each once per call
    (keyset pages), as many at once as there are handling slots. Called at start and on a
    schedule; a row a live handler holds is skipped by the claim."""
    cutoff = deps.clock.now() - older_than
    after, total = 0, 0
    while True:
        async with deps.session_factory() as session:
            rows = (await session.exec(
                select(InboxUpdate.id, InboxUpdate.payload)
                .where(InboxUpdate.status == "pending", InboxUpdate.received_at <= cutoff,
                       InboxUpdate.id > after)
                .order_by(InboxUpdate.id)
                .limit(REPLAY_PAGE)
            )).all()
        await asyncio.gather(*(process(i, from_json(payload), deps) for i, payload in rows))
        total += len(rows)
        if len(rows) < REPLAY_PAGE:
            return total
        after = rows[-1][0]
