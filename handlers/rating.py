"""The resident's rating: 优秀/良好/合格 close the ticket; 不合格 reopens it to the same worker.

Everyone who reported the matter (the reporter and each +1) is asked; the first answer
decides, and the others' polls then say how it was rated instead of offering buttons.
"""

from __future__ import annotations

from sqlmodel import col, select

from handlers.cards import refresh_card
from handlers.context import Ctx
from handlers.events import ButtonPress
from handlers.members import capacities_for, members_with_role
from handlers.notify import RATING_LEVELS, rating_ref, rating_refs_of, reach
from handlers.tickets import load_ticket, transition
from models.lifecycle import Action, Capacity, DomainError, Status
from models.messaging import OutboxMessage
from models.org import ChatGroup, Member, Role

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
    ctx.edit(event.chat_id, rating_ref(ticket.id, ctx.member.id),
             ctx.tr(locale, "rate-recorded", number=ticket.number, level=label))
    await _close_other_polls(ctx, ticket, level)
    await refresh_card(ctx, ticket)


async def _close_other_polls(ctx: Ctx, ticket, level: int) -> None:
    """The other reporters' polls lose their buttons: a second answer could change nothing."""
    mine = rating_ref(ticket.id, ctx.member.id)
    polls = await ctx.session.exec(
        select(OutboxMessage.chat_id, OutboxMessage.ref).distinct().where(
            OutboxMessage.ticket_id == ticket.id,
            OutboxMessage.platform == ctx.platform,
            col(OutboxMessage.ref).startswith(rating_refs_of(ticket.id)),
            OutboxMessage.ref != mine,
        )
    )
    for chat_id, ref in polls.all():
        locale = await _locale_of_chat(ctx, chat_id)
        ctx.edit(chat_id, ref, ctx.tr(locale, "rate-recorded-by-other", number=ticket.number,
                                      level=ctx.tr(locale, f"rating-{level}")))


async def _locale_of_chat(ctx: Ctx, chat_id: str) -> str:
    member = (await ctx.session.exec(
        select(Member).where(Member.platform == ctx.platform,
                             Member.private_chat_id == chat_id))).first()
    if member is not None:
        return ctx.locale_of(member)
    group = (await ctx.session.exec(select(ChatGroup).where(
        ChatGroup.platform == ctx.platform, ChatGroup.chat_id == chat_id))).first()
    return (group.locale if group else None) or ctx.config.default_locale


async def _tell_about_rework(ctx: Ctx, ticket) -> None:
    """A fail goes back to the same worker, and the grid leader hears of it."""
    if ticket.assignee_id:
        holder = await ctx.session.get(Member, ticket.assignee_id)
        await reach(ctx, holder, ticket, "rework-holder", number=ticket.number)
    for leader in await members_with_role(ctx, {Role.LEADER}, ticket.grid_id):
        await reach(ctx, leader, ticket, "rework-leader", number=ticket.number)
