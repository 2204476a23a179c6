"""Who follows a ticket: the people who +1'd it, counted for the card and told of its progress.

A query below both the card (its "+N 人反映") and the journeys that reach the reporters, so
the card does not depend on the duplicates journey that creates the followers.
"""

from __future__ import annotations

from sqlmodel import func, select

from handlers.context import Ctx
from models.org import Member
from models.ticket import Ticket, TicketFollower


async def follower_count(ctx: Ctx, ticket_id: int) -> int:
    """People who reported the ticket besides its reporter: the card's "+N 人反映"."""
    if (known := ctx.memo.get(("followers", ticket_id))) is not None:  # preload_follower_counts
        return known
    rows = await ctx.session.exec(
        select(func.count()).select_from(TicketFollower).where(
            TicketFollower.ticket_id == ticket_id)
    )
    return int(rows.one())


async def preload_follower_counts(ctx: Ctx, ticket_ids: list[int]) -> None:
    """follower_count for many tickets in one GROUP BY (a batch job re-rendering cards)."""
    counts = dict.fromkeys(ticket_ids, 0)
    rows = await ctx.session.exec(
        select(TicketFollower.ticket_id, func.count()).where(
            TicketFollower.ticket_id.in_(ticket_ids)).group_by(TicketFollower.ticket_id))
    counts.update(dict(rows.all()))
    for ticket_id, count in counts.items():
        ctx.memo[("followers", ticket_id)] = count


async def followers(ctx: Ctx, ticket_id: int) -> list[Member]:
    rows = await ctx.session.exec(
        select(Member)
        .join(TicketFollower, TicketFollower.member_id == Member.id)
        .where(TicketFollower.ticket_id == ticket_id)
        .order_by(TicketFollower.id)
    )
    return list(rows.all())


async def reporters_of(ctx: Ctx, ticket: Ticket) -> list[Member]:
    """Everyone who reported the matter, the reporter first: who hears of its progress."""
    reporter = await ctx.session.get(Member, ticket.reporter_id)
    return [reporter, *(m for m in await followers(ctx, ticket.id) if m.id != reporter.id)]
