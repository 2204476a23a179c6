"""The resident's rating: 优秀/良好/合格 close the ticket; 不合格 reopens it to the same worker.

Everyone who reported the matter (the reporter and each +1) is asked; the first answer
decides, and the others' polls then say how it was rated instead of offering buttons.
"""

from __future__ import annotations

from handlers.cards import refresh_card
from handlers.casework.rating_evidence import rework_told
from handlers.casework.rating_request import RATING_LEVELS, rating_ref
from handlers.context import Ctx
from handlers.events import ButtonPress
from handlers.followers import reporters_of
from handlers.members import capacities_for, members_with_role
from handlers.notify import places_to_reach, reach
from handlers.tickets import load_ticket, transition
from models.lifecycle import Action, Capacity, DomainError, Status
from models.org import Member, Role

FAIL = 1


async def on_rating(event: ButtonPress, ctx: Ctx, payload) -> None:
    ticket = await load_ticket(ctx, payload.int_at(0))
    level = payload.int_at(1)
    if level not in RATING_LEVELS:
        raise DomainError("error-stale-button")
    if Capacity.REPORTER not in await capacities_for(ctx, ctx.member, ticket):
        raise DomainError("error-not-reporter", number=ticket.number)
    if Status(ticket.status) != Status.RESOLVED:
        raise DomainError("error-already-rated", number=ticket.number)
    locale = ctx.locale_of(ctx.member)
    label = ctx.tr(locale, f"rating-{level}")
    if level == FAIL:
        ticket = await transition(ctx, ticket.id, Action.RATE_FAIL, ctx.member, note=label,
                                  rating=level)
        await _tell_about_rework(ctx, ticket)
    else:
        ticket = await transition(ctx, ticket.id, Action.RATE_PASS, ctx.member, note=label,
                                  rating=level)
        ticket = await transition(ctx, ticket.id, Action.CLOSE, None, note="accepted")
    ctx.answer(event.callback_id, ctx.tr(locale, "rate-thanks", level=label))
    if level == FAIL:
        recorded = await rework_told(ctx, ticket, locale, label)
    else:
        recorded = ctx.tr(locale, "rate-recorded", number=ticket.number, level=label)
    ctx.edit(event.chat_id, rating_ref(ticket.id, ctx.member.id), recorded)
    await _close_other_polls(ctx, ticket, level)
    await refresh_card(ctx, ticket)


async def _close_other_polls(ctx: Ctx, ticket, level: int) -> None:
    """The other reporters' polls lose their buttons: a second answer could change nothing."""
    for member in await reporters_of(ctx, ticket):
        if member.id == ctx.member.id:
            continue
        for place in await places_to_reach(ctx, member, ticket):
            ctx.edit(place.chat_id, rating_ref(ticket.id, member.id),
                     ctx.tr(place.locale, "rate-recorded-by-other", number=ticket.number,
                            level=ctx.tr(place.locale, f"rating-{level}")))


async def _tell_about_rework(ctx: Ctx, ticket) -> None:
    """A fail goes back to the same worker, and the grid leader hears of it."""
    if ticket.assignee_id:
        holder = await ctx.session.get(Member, ticket.assignee_id)
        await reach(ctx, holder, ticket, "rework-holder", number=ticket.number, staff="rework")
    for leader in await members_with_role(ctx, {Role.LEADER}, ticket.grid_id):
        await reach(ctx, leader, ticket, "rework-leader", number=ticket.number, staff="rework")
