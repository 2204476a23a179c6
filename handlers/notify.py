"""Reaching one person about a ticket: privately when they have started the bot, otherwise in
their grid's group, by name and as a reply to their own report."""

from __future__ import annotations

from typing import NamedTuple

from handlers import callbacks
from handlers.cards import render_card
from handlers.context import Ctx
from handlers.duplicates import reporters_of
from handlers.events import Button, Keyboard
from handlers.members import groups_of_grid
from handlers.rating_evidence import after_photos, what_was_done
from handlers.routing import reach_staff
from models.message_limits import TEXT_LIMIT, shorten
from models.org import Member
from models.privacy import public_text
from models.ticket import Ticket

RATING_LEVELS = (4, 3, 2, 1)  # 优秀 良好 合格 不合格; 1 is the fail that reopens


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


def rating_ref(ticket_id: int, member_id: int) -> str:
    """Each reporter's poll is its own message, so answering one can update the others."""
    return f"rate:{ticket_id}:{member_id}"


async def ask_for_rating(ctx: Ctx, ticket: Ticket) -> None:
    """The poll goes to everyone who reported the matter: the reporter and each +1, each
    poll just after the after-photos (the sender keeps a chat's order)."""
    photos = await after_photos(ctx, ticket)
    shown_in: set[str] = set()  # two reporters reached in one group: the photos once
    for member in await reporters_of(ctx, ticket):
        for place in await places_to_reach(ctx, member, ticket) if photos else ():
            if place.chat_id not in shown_in:
                shown_in.add(place.chat_id)
                ctx.send_photos(place.chat_id, photos, reply_to=place.reply_to,
                                ticket_id=ticket.id,
                                caption=ctx.tr(place.locale, "rate-evidence-caption",
                                               number=ticket.number))
        locale = ctx.locale_of(member) if member.private_chat_id else ctx.config.default_locale
        buttons = (
            tuple(
                Button(ctx.tr(locale, f"rating-{level}"), callbacks.rating(ticket.id, level))
                for level in RATING_LEVELS
            ),
        )
        asked = ctx.tr(locale, "rate-ask", number=ticket.number, text=_quote(ticket))
        shown = await what_was_done(ctx, ticket, locale)  # rate the work, not the promise
        await reach(ctx, member, ticket, None, raw="\n".join([asked, *shown]),
                    buttons=buttons, ref=rating_ref(ticket.id, member.id))


def _quote(ticket: Ticket) -> str:
    """The report's opening words, masked: the request may end up in the group by name (she
    never started the bot, or blocked it later and the sender falls back to the group)."""
    return shorten(public_text(ticket.text, private_report=ticket.private_report), 60)


async def tell_reporters(ctx: Ctx, ticket: Ticket, key: str, **args: object) -> None:
    """News the reporter gets goes to the +1s as well ("办理进展会同时通知您")."""
    for member in await reporters_of(ctx, ticket):
        await reach(ctx, member, ticket, key, **args)
