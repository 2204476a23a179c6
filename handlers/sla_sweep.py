"""The SLA sweep: every minute, the tickets whose next step is due, each step sent once.

Selected by the next_due_at index, so the cost follows what is due, not what is open. Each
step is recorded in sla_step (unique per ticket, milestone and step) in the same transaction
as the messages it queues: a restart, a second process or a late run neither repeats nor
skips a step. On PostgreSQL rows are claimed FOR UPDATE SKIP LOCKED, so two sweepers share
the work; SQLite ignores that clause and serialises writers instead.
"""

from __future__ import annotations

from sqlmodel import select

from handlers.card_deadline import community_of
from handlers.cards import local_time, refresh_card
from handlers.context import Ctx, Deps
from handlers.escalation import TIER_RECEIVERS, escalate
from handlers.members import members_with_role
from handlers.notify import reach
from handlers.outbox import write_outbox
from handlers.routing import record_undeliverable
from handlers.sla import clock_start, rule_of, schedule, steps_done
from models.org import Member, Role
from models.sla import next_step
from models.ticket import SlaStep, Ticket

BATCH = 100


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
        actions = []
        for ticket in tickets:
            ctx = Ctx(session=session, deps=deps, platform=ticket.source_platform)
            sent += await run_due_steps(ctx, ticket)
            actions.extend(ctx.actions)
        await write_outbox(session, actions, now)
    if sent:
        deps.notify()
    return sent, len(tickets)


async def run_due_steps(ctx: Ctx, ticket: Ticket) -> int:
    deadlines, calendar, escalation = rule_of(ctx, ticket)
    start = await clock_start(ctx, ticket)
    due = ticket.due_at or calendar.add(start, deadlines.of(ticket.milestone))
    done = await steps_done(ctx, ticket)
    steps = next_step(start, due, ctx.now, done, escalation, calendar)
    for step in steps:
        ctx.session.add(SlaStep(ticket_id=ticket.id, milestone=ticket.milestone, step=step,
                                at=ctx.now))
        await ctx.session.flush()  # the unique key is the last guard against a double send
        tier = escalation.tier_of(step)
        if tier is not None:
            await escalate(ctx, ticket, tier.to, _missed(ctx, ticket), tier.card)
        else:
            await _remind(ctx, ticket, step)
    await schedule(ctx, ticket)
    if steps:  # each step is a change of light or tier: the only times the card needs an edit
        await refresh_card(ctx, ticket)
    return len(steps)


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
