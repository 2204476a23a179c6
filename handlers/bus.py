"""The bus: store each inbound event, then route it to its handler in its own transaction.

Two transactions on purpose. The first makes the update durable (and deduplicated by its
platform key) before anything can fail; the second does the work and writes the outbox. If
the second fails or the process dies in between, the inbox row stays pending and
`replay_pending` runs it again: a report that arrived becomes a ticket.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import structlog
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import select

from handlers import router
from handlers.context import Ctx, Deps
from handlers.events import ButtonPress, Inbound, MessageIn, from_json, to_json
from handlers.members import ensure_member
from handlers.outbox import write_outbox
from models.lifecycle import DomainError
from models.messaging import InboxUpdate

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


async def _store(event: Inbound, deps: Deps) -> int | None:
    try:
        async with deps.session_factory() as session, session.begin():
            row = InboxUpdate(
                platform=event.platform,
                update_key=event.update_key,
                payload=to_json(event),
                received_at=deps.clock.now(),
            )
            session.add(row)
            await session.flush()
            return row.id
    except IntegrityError:
        log.info("inbox.duplicate", platform=event.platform, key=event.update_key)
        return None


async def process(inbox_id: int, event: Inbound, deps: Deps) -> None:
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
        row = await session.get(InboxUpdate, inbox_id)
        if row is None or row.status != "pending":
            return
        ctx = Ctx(session=session, deps=deps, platform=event.platform)
        ctx.member = await ensure_member(ctx, event.user)
        await router.route(event, ctx)
        await write_outbox(session, ctx.actions, deps.clock.now())
        row.status = "done"
        session.add(row)


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


def reply(ctx: Ctx, event: Inbound, text: str, alert: bool = False) -> None:
    """Answer the person who acted: an alert on their button, or a reply to their message."""
    if isinstance(event, ButtonPress):
        ctx.answer(event.callback_id, text, alert=alert)
    elif isinstance(event, MessageIn):
        ctx.send(event.chat_id, text, reply_to=None if event.is_private else event.message_id)


async def _record_failure(inbox_id: int, event: Inbound, deps: Deps, exc: Exception) -> None:
    log.exception("inbox.failed", inbox_id=inbox_id, error=repr(exc))
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


async def replay_pending(deps: Deps, older_than: timedelta = timedelta(seconds=30)) -> int:
    """Run inbox rows left pending by a crash or a failure. Called at start and on a schedule."""
    cutoff = deps.clock.now() - older_than
    async with deps.session_factory() as session:
        rows = (
            await session.exec(
                select(InboxUpdate)
                .where(InboxUpdate.status == "pending", InboxUpdate.received_at <= cutoff)
                .order_by(InboxUpdate.id)
                .limit(500)
            )
        ).all()
    for row in rows:
        await process(row.id, from_json(row.payload), deps)
    return len(rows)
