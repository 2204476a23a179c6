"""The SLA sweep: every minute, the tickets whose next step is due, each step sent once.

Selected by the next_due_at index, so the cost follows what is due, not what is open. Each
step is recorded in sla_step (unique per ticket, milestone and step) in the same transaction
as the messages it queues: a restart, a second process or a late run neither repeats nor
skips a step. On PostgreSQL rows are claimed FOR UPDATE SKIP LOCKED, so two sweepers share
the work; SQLite ignores that clause and serialises writers instead.

A batch of up to BATCH tickets is one transaction of a fixed number of statements, not a
number per ticket: what the steps need is read for the whole batch (handlers/supervision/batch.py),
and the steps, the messages and the deadlines are written in bulk at the end. That keeps
SQLite's write lock short and a due ticket near a millisecond on PostgreSQL.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import insert
from sqlmodel import select

from handlers.card_deadline import community_of
from handlers.cards import local_time, refresh_card
from handlers.context import Ctx, Deps
from handlers.deadlines import clock_start, rule_of, schedule_known
from handlers.members import members_with_role
from handlers.notify import reach
from handlers.outbox_bulk import write_outbox_bulk
from handlers.routing import record_undeliverable
from handlers.run_ctx import RunCtx
from handlers.supervision.batch import StepsDone, load_batch
from handlers.supervision.escalation import TIER_RECEIVERS, escalate
from models.org import Member, Role
from models.sla import next_step
from models.ticket import SlaStep, Ticket, TicketEvent, UndeliverableNotice

BATCH = 100


class Step(NamedTuple):
    milestone: str
    name: str


async def sweep(deps: Deps) -> int:
    """Run every due step; returns how many steps were sent."""
    total = 0
    while True:
        sent, claimed = await _sweep_batch(deps)
        total += sent
        if claimed < BATCH:
            return total


async def _sweep_batch(deps: Deps) -> tuple[int, int]:
    now = deps.clock.now()
    sent = 0
    async with deps.session_factory() as session, session.begin():
        tickets = (
            await session.exec(
                select(Ticket)
                .where(Ticket.next_due_at <= now)
                .order_by(Ticket.next_due_at)
                .limit(BATCH)
                .with_for_update(skip_locked=True)
            )
        ).all()
        if not tickets:
            return 0, 0
        batch = RunCtx(session=session, deps=deps, platform=tickets[0].source_platform)
        done = await load_batch(batch, tickets)
        steps: list[dict] = []
        actions = []
        with session.no_autoflush:  # everything is loaded: nothing to flush before reading
            for ticket in tickets:
                ctx = RunCtx(session=session, deps=deps, platform=ticket.source_platform,
                             org_version=batch.org_version, memo=batch.memo)
                for step in await run_due_steps(ctx, ticket, done):
                    steps.append(dict(ticket_id=ticket.id, milestone=step.milestone,
                                      step=step.name, at=now))
                actions.extend(ctx.actions)
            await _insert_added(session, (TicketEvent, UndeliverableNotice))
            if steps:  # the unique key is the last guard against a double send
                await session.execute(insert(SlaStep.__table__), steps)
        await write_outbox_bulk(session, actions, now)
        sent = len(steps)
    if sent:
        deps.notify()
    return sent, len(tickets)


async def _insert_added(session, models) -> None:
    """The history events and undeliverable notices the steps added, one INSERT per table:
    the ORM would insert them one at a time on SQLite, to read back each new id. In the
    order they were added (the session keeps it), so a ticket's history reads in order."""
    for model in models:
        added = [row for row in session.new if isinstance(row, model)]
        if not added:
            continue
        columns = [c.name for c in model.__table__.columns if c.name != "id"]
        values = [{c: getattr(row, c) for c in columns} for row in added]
        for row in added:
            session.expunge(row)
        await session.execute(insert(model.__table__), values)


async def run_due_steps(ctx: Ctx, ticket: Ticket, done: StepsDone) -> list[Step]:
    """Send the ticket's due steps and move its deadlines on; the steps, to be recorded."""
    deadlines, calendar, escalation = rule_of(ctx, ticket)
    start = await clock_start(ctx, ticket)
    due = ticket.due_at or calendar.add(start, deadlines.of(ticket.milestone))
    milestone = ticket.milestone or ""
    steps = next_step(start, due, ctx.now, done.of(ticket.id, milestone), escalation, calendar)
    for step in steps:
        tier = escalation.tier_of(step)
        if tier is not None:
            await escalate(ctx, ticket, tier.to, _missed(ctx, ticket), tier.card)
        else:
            await _remind(ctx, ticket, step)
    done.of(ticket.id, milestone).update(steps)
    schedule_known(ctx, ticket, start, lambda m: done.of(ticket.id, m))
    if steps:  # each step is a change of light or tier: the only times the card needs an edit
        await refresh_card(ctx, ticket)
    return [Step(milestone, step) for step in steps]


def _missed(ctx: Ctx, ticket: Ticket) -> str:
    """The deadline actually missed (接单 / 到场 / 办结 / 反馈 / 验收), not always 办结."""
    locale = ctx.config.default_locale
    return ctx.tr(locale, "sla-missed-milestone",
                  milestone=ctx.tr(locale, f"milestone-{ticket.milestone}"),
                  due=local_time(ctx, ticket.due_at))


async def _remind(ctx: Ctx, ticket: Ticket, step: str) -> None:
    """yellow: the holder (or the grid's workers) is reminded; red: the grid leader too. A
    grid without workers: its community's staff, as the card says. Staff-only, always."""
    if ticket.assignee_id:
        people = [await ctx.session.get(Member, ticket.assignee_id)]
    else:
        people = await members_with_role(ctx, {Role.WORKER}, ticket.grid_id)
    if not people and (community := await community_of(ctx, ticket)) is not None:
        people = await members_with_role(ctx, TIER_RECEIVERS, community.id)
    if step == "red":
        people += await members_with_role(ctx, {Role.LEADER}, ticket.grid_id)
    if not people:
        record_undeliverable(ctx, "reminder" if step == "yellow" else "breach", ticket.grid_id,
                             ctx.tr(ctx.config.default_locale, f"sla-{step}",
                                    number=ticket.number, due=local_time(ctx, ticket.due_at),
                                    milestone=ctx.tr(ctx.config.default_locale,
                                                     f"milestone-{ticket.milestone}")),
                             ticket_id=ticket.id)
    seen: set[int] = set()
    for person in people:
        if person.id in seen:
            continue
        seen.add(person.id)
        locale = ctx.locale_of(person)
        await reach(ctx, person, ticket, f"sla-{step}", number=ticket.number,
                    milestone=ctx.tr(locale, f"milestone-{ticket.milestone}"),
                    due=local_time(ctx, ticket.due_at),
                    staff="reminder" if step == "yellow" else "breach")
