"""Asking for the rating: each reporter's poll, after the after-photos of the closed work.

Casework's, not the core's: the poll shows what was done (handlers.casework.rating_evidence),
and only the close step (resolve_step) asks.
"""

from __future__ import annotations

from handlers import callbacks
from handlers.casework.rating_evidence import after_photos, what_was_done
from handlers.context import Ctx
from handlers.events import Button
from handlers.followers import reporters_of
from handlers.notify import places_to_reach, reach
from models.message_limits import shorten
from models.privacy import public_text
from models.ticket import Ticket

RATING_LEVELS = (4, 3, 2, 1)  # 优秀 良好 合格 不合格; 1 is the fail that reopens


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
