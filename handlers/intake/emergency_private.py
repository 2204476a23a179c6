"""An emergency written to the bot privately ("电梯困人了！") is filed at once, as in a group:
no description, photo and location steps first. Photos, the location and more words are
offered afterwards and go onto the ticket (step "extras") until [完成], or until the person
has said nothing for WINDOW: then their next message is a message like any other.
"""

from __future__ import annotations

from datetime import timedelta

from handlers import callbacks, conversations
from handlers.cards import refresh_card
from handlers.context import Ctx
from handlers.events import Button, ButtonPress, Location, MessageIn, PhotoRef
from handlers.intake.announce import announce_new_ticket
from handlers.intake.duplicates import find_duplicate
from handlers.tickets import NewReport, attach_photos, create_ticket, load_ticket
from models.lifecycle import DomainError
from models.messaging import Conversation
from models.types import TEXT_LIMIT

KIND = "extras"
WINDOW = timedelta(minutes=30)


async def file_at_once(chat_id: str, ctx: Ctx, grid_id: int, description: str,
                       photos: list[dict], location: Location | None = None) -> None:
    maybe_same = await find_duplicate(ctx, grid_id, description, location)
    report = NewReport(grid_id, ctx.member, description, tuple(PhotoRef(**p) for p in photos),
                       chat_id, None, location)
    ticket = await create_ticket(ctx, report)
    # The card in the group, the responders alerted, and "call 119/120/110" told right here.
    await announce_new_ticket(ctx, ticket, reply_in_chat=None, maybe_same=maybe_same)
    conv = await conversations.begin(ctx, chat_id, KIND, KIND, ticket_id=ticket.id)
    locale = ctx.locale_of(ctx.member)
    await conversations.say(ctx, conv, ctx.tr(locale, "emergency-extras-ask",
                                               number=ticket.number), _done(ctx))


def _done(ctx: Ctx):
    label = ctx.tr(ctx.locale_of(ctx.member), "button-finish")
    return ((Button(label, callbacks.step_button("done")),),)


async def continue_extras(event: MessageIn, ctx: Ctx, conv: Conversation) -> bool:
    """A photo, a location or more words after the emergency was filed join its ticket."""
    if ctx.now - conv.updated_at > WINDOW:
        await conversations.finish(ctx, conv)
        return False  # long after: a new message, handled as any other
    ticket = await load_ticket(ctx, conversations.data_of(conv)["ticket_id"])
    locale = ctx.locale_of(ctx.member)
    if event.photos:
        await attach_photos(ctx, ticket, event.photos, stage="before")
    if event.location and ticket.latitude is None:
        ticket.latitude, ticket.longitude = event.location.lat, event.location.lon
    if event.text.strip():
        ticket.text = f"{ticket.text}\n{event.text.strip()}".strip()[:TEXT_LIMIT]
    ticket.updated_at = ctx.now
    ctx.session.add(ticket)
    await conversations.advance(ctx, conv, KIND)  # the window counts from the latest piece
    if not event.media_group_id or event.text:  # one receipt per album
        await conversations.say(ctx, conv, ctx.tr(locale, "emergency-extras-added",
                                                  number=ticket.number), _done(ctx))
    await refresh_card(ctx, ticket)
    return True


async def on_step_button(event: ButtonPress, ctx: Ctx, conv: Conversation, verb: str) -> None:
    if verb not in ("done", "skip"):
        raise DomainError("error-stale-button")
    ticket = await load_ticket(ctx, conversations.data_of(conv)["ticket_id"])
    ctx.answer(event.callback_id)
    await conversations.finish(ctx, conv)
    ctx.send(conv.chat_id, ctx.tr(ctx.locale_of(ctx.member), "emergency-extras-done",
                                  number=ticket.number))


conversations.register(KIND, continue_extras, on_button=on_step_button)
