"""A new ticket announced: the group card, the reporter's notice, and an emergency's alerts.

Shared by the three ways a report becomes a ticket (the group prompt and /report in
report.py, the private guided report, the private emergency), so none imports another.
"""

from __future__ import annotations

from handlers.cards import publish_card
from handlers.context import Ctx
from handlers.deadlines import on_site_promise
from handlers.intake import emergency
from models.ticket import Ticket


async def announce_new_ticket(ctx: Ctx, ticket: Ticket, reply_in_chat: str | None,
                              maybe_same: Ticket | None = None) -> None:
    """The group card, plus the reporter's own notice with what happens next (一次性告知).

    An emergency also alerts the responders at once, and tells the reporter what to do
    meanwhile where they reported it; `maybe_same` is an open ticket it may repeat.
    """
    await publish_card(ctx, ticket, reply_in_chat=reply_in_chat)
    if ticket.urgent:
        await emergency.alert(ctx, ticket, maybe_same)
        emergency.tell_reporter(ctx, ticket, ticket.source_chat_id, ticket.source_message_id)
        return
    reporter = ctx.member if ctx.member.id == ticket.reporter_id else None
    if reporter is not None and reporter.private_chat_id:
        ctx.send(
            reporter.private_chat_id,
            ctx.tr(ctx.locale_of(reporter), "ticket-created-private", number=ticket.number,
                   within=on_site_promise(ctx, ticket, ctx.locale_of(reporter))),
            ticket_id=ticket.id,
        )
