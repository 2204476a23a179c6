"""Staff commands for deadlines: /overdue, /escalate, /pause and /resume (督办)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from handlers.cards import local_time, refresh_card
from handlers.context import Ctx
from handlers.deadlines import rule_of
from handlers.events import MessageIn
from handlers.members import capacities_for
from handlers.supervision.escalation import escalate, next_tier
from handlers.tickets import find_by_number, transition
from models.lifecycle import OPEN_STATUSES, Action, Capacity, DomainError
from models.org import Member
from models.ticket import Ticket

STAFFISH = {Capacity.STAFF, Capacity.SUPERVISOR}


async def _staff_ticket(ctx: Ctx, number: str) -> Ticket:
    ticket = await find_by_number(ctx, number)
    capacities = await capacities_for(ctx, ctx.member, ticket)
    if not capacities & (STAFFISH | {Capacity.HOLDER}):
        raise DomainError("error-not-staff", number=ticket.number)
    return ticket


async def overdue_command(event: MessageIn, ctx: Ctx, _args: str) -> None:
    locale = ctx.locale_of(ctx.member)
    candidates = (
        await ctx.session.exec(
            select(Ticket)
            .where(Ticket.due_at < ctx.now, Ticket.status.in_([s.value for s in OPEN_STATUSES]))
            .order_by(Ticket.due_at)
        )
    ).all()
    lines = []
    for ticket in candidates:
        if not await capacities_for(ctx, ctx.member, ticket) & STAFFISH:
            continue  # only tickets in my areas
        holder = await ctx.session.get(Member, ticket.assignee_id) if ticket.assignee_id else None
        lines.append(ctx.tr(locale, "overdue-line", number=ticket.number,
                            milestone=ctx.tr(locale, f"milestone-{ticket.milestone}"),
                            due=local_time(ctx, ticket.due_at),
                            holder=holder.display_name if holder else ctx.tr(locale, "nobody"),
                            tier=ctx.tr(locale, f"tier-{ticket.tier}")))
    if not lines:
        ctx.send(event.chat_id, ctx.tr(locale, "overdue-empty"))
        return
    ctx.send(event.chat_id, "\n".join([ctx.tr(locale, "overdue-title", count=len(lines)), *lines]))


async def escalate_command(event: MessageIn, ctx: Ctx, args: str) -> None:
    locale = ctx.locale_of(ctx.member)
    number, _, reason = args.partition(" ")
    if not number or not reason.strip():
        ctx.send(event.chat_id, ctx.tr(locale, "escalate-usage"))
        return
    ticket = await _staff_ticket(ctx, number)
    if ticket.status not in {s.value for s in OPEN_STATUSES}:
        raise DomainError("error-ticket-closed", number=ticket.number)
    to = next_tier(ticket.tier)
    if to is None:
        raise DomainError("error-top-tier", number=ticket.number)
    area = await escalate(ctx, ticket, to, reason.strip(), None)
    ctx.send(event.chat_id, ctx.tr(locale, "escalate-done", number=ticket.number, area=area.name))
    await refresh_card(ctx, ticket)


async def pause_command(event: MessageIn, ctx: Ctx, args: str) -> None:
    """Waiting for the resident (no access to the flat): the clock stops, with a reason."""
    locale = ctx.locale_of(ctx.member)
    number, _, reason = args.partition(" ")
    if not number or not reason.strip():
        ctx.send(event.chat_id, ctx.tr(locale, "pause-usage"))
        return
    ticket = await _staff_ticket(ctx, number)
    ticket = await transition(ctx, ticket.id, Action.PAUSE, ctx.member, note=reason.strip(),
                              paused_at=ctx.now)
    ctx.send(event.chat_id, ctx.tr(locale, "pause-done", number=ticket.number))
    await refresh_card(ctx, ticket)


async def resume_command(event: MessageIn, ctx: Ctx, args: str) -> None:
    locale = ctx.locale_of(ctx.member)
    if not args.strip():
        ctx.send(event.chat_id, ctx.tr(locale, "resume-usage"))
        return
    ticket = await _staff_ticket(ctx, args.split()[0])
    if ticket.paused_at is None:
        raise DomainError("error-not-paused", number=ticket.number)
    # Counted on the rule's own clock: a weekend's wait adds no office time.
    waited = rule_of(ctx, ticket).calendar.elapsed(ticket.paused_at, ctx.now)
    seconds = ticket.paused_seconds + int(waited / timedelta(seconds=1))
    ticket = await transition(ctx, ticket.id, Action.RESUME, ctx.member, paused_at=None,
                              paused_seconds=seconds)
    ctx.send(event.chat_id, ctx.tr(locale, "resume-done", number=ticket.number,
                                   due=local_time(ctx, ticket.due_at)))
    await refresh_card(ctx, ticket)
