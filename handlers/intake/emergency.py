"""Emergencies (燃气泄漏, 着火, 有人受伤 …) skip triage: the ticket exists at once, and the
grid's workers and every command centre over the grid are alerted at once (指挥中心第一时间
调度网格员), each privately or, if they never started the bot, by name in the grid's group.
"""

from __future__ import annotations

from handlers.cards import render_card
from handlers.context import Ctx
from handlers.members import area_chain, members_with_role
from handlers.notify import reach
from models.categories import guess_category
from models.org import Member, Role
from models.ticket import Ticket


def is_emergency(text: str) -> bool:
    """Words of an urgent category (categories.yaml: emergency, gas) in the report."""
    guessed = guess_category(text)
    return bool(guessed and guessed.urgent)


async def responders(ctx: Ctx, grid_id: int) -> list[Member]:
    """The grid's workers, then the command-centre members on the grid and each area above."""
    people = await members_with_role(ctx, {Role.WORKER}, grid_id)
    for area_id in await area_chain(ctx, grid_id):
        people += await members_with_role(ctx, {Role.COMMAND}, area_id)
    return list({m.id: m for m in people}.values())


async def alert(ctx: Ctx, ticket: Ticket, maybe_same: Ticket | None = None) -> None:
    """The card with its buttons to every responder, headed by a 🚨 line."""
    for member in await responders(ctx, ticket.grid_id):
        locale = ctx.locale_of(member)
        card, buttons = await render_card(ctx, ticket, locale, staff=True)
        lines = [ctx.tr(locale, "emergency-alert", number=ticket.number)]
        if maybe_same is not None and maybe_same.id != ticket.id:
            lines.append(ctx.tr(locale, "emergency-maybe-same", number=ticket.number,
                                other=maybe_same.number))
        await reach(ctx, member, ticket, None, raw="\n".join([*lines, card]), buttons=buttons,
                    staff="emergency")


def tell_reporter(ctx: Ctx, ticket: Ticket, chat_id: str, reply_to: str | None) -> None:
    """What to do while help comes (call 119/120/110), where the report was made."""
    locale = ctx.locale_of(ctx.member)
    ctx.send(chat_id, ctx.tr(locale, "emergency-received", number=ticket.number),
             reply_to=reply_to, ticket_id=ticket.id)
