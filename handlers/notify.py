"""Reaching one person about a ticket: privately when they have started the bot, otherwise in
their grid's group, by name and as a reply to their own report."""

from __future__ import annotations

from typing import NamedTuple

from handlers.cards import render_card
from handlers.context import Ctx
from handlers.events import Keyboard
from handlers.followers import reporters_of
from handlers.members import groups_of_grid
from handlers.routing import reach_staff
from models.message_limits import TEXT_LIMIT, shorten
from models.org import Member
from models.ticket import Ticket


class Place(NamedTuple):
    chat_id: str
    locale: str
    reply_to: str | None
    by_name: bool  # in a group: the text starts with "@name"


async def places_to_reach(ctx: Ctx, member: Member, ticket: Ticket) -> list[Place]:
    """Their private chat when they have started the bot; otherwise each group of the
    ticket's grid, by name, as a reply to their own report where it is."""
    if member.private_chat_id:
        return [Place(member.private_chat_id, ctx.locale_of(member), None, False)]
    return [
        Place(
            group.chat_id,
            group.locale or ctx.config.default_locale,
            ticket.source_message_id
            if member.id == ticket.reporter_id and group.chat_id == ticket.source_chat_id
            else None,
            True,
        )
        for group in await groups_of_grid(ctx, ticket.grid_id)
    ]


async def reach(
    ctx: Ctx,
    member: Member,
    ticket: Ticket,
    key: str | None,
    raw: str | None = None,
    buttons: Keyboard = (),
    ref: str | None = None,
    staff: str | None = None,
    **args: object,
) -> None:
    """`staff`: the kind of a staff-only message (reminder, breach, handover …), which never
    goes to a residents' group (handlers.routing); None for what a resident may see."""
    if staff is not None:
        text = raw if raw is not None else ctx.tr(ctx.locale_of(member), key, **args)
        await reach_staff(ctx, member, ticket.grid_id, text, kind=staff, buttons=buttons,
                          ticket_id=ticket.id, ref=ref)
        return
    for place in await places_to_reach(ctx, member, ticket):
        text = raw if raw is not None else ctx.tr(place.locale, key, **args)
        if place.by_name:
            text = ctx.tr(place.locale, "mention-prefix", name=member.display_name) + text
        ctx.send(place.chat_id, shorten(text, TEXT_LIMIT), buttons, reply_to=place.reply_to,
                 ref=ref, ticket_id=ticket.id)


async def reach_with_card(ctx: Ctx, member: Member, ticket: Ticket, intro: str,
                          buttons: Keyboard | None = None) -> None:
    """A ticket handed to someone (staff only): a headline, then the staff card (with its
    buttons unless given)."""
    text, card_buttons = await render_card(ctx, ticket, ctx.locale_of(member), staff=True)
    await reach(ctx, member, ticket, None, raw=f"{intro}\n{text}",
                buttons=card_buttons if buttons is None else buttons, staff="handover")


async def tell_reporters(ctx: Ctx, ticket: Ticket, key: str, **args: object) -> None:
    """News the reporter gets goes to the +1s as well ("办理进展会同时通知您")."""
    for member in await reporters_of(ctx, ticket):
        await reach(ctx, member, ticket, key, **args)
