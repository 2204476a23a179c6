"""/ticket NUMBER (anyone in that grid) and /mytasks (a worker's open tickets with deadlines)."""

from __future__ import annotations

from sqlmodel import select

from handlers.cards import PUBLIC_TEXT_LIMIT, STAFF_TEXT_LIMIT, local_time, render_card
from handlers.context import Ctx
from handlers.deadlines import light_of
from handlers.events import MessageIn
from handlers.members import roles_over
from handlers.tickets import find_by_number
from models.lifecycle import OPEN_STATUSES, DomainError
from models.message_limits import shorten, split_lines
from models.org import Member, Role
from models.privacy import mask_contacts, public_text
from models.sla import Light
from models.ticket import Ticket, TicketEvent

STAFF_VIEWERS = {Role.WORKER, Role.LEADER, Role.ADMIN, Role.COMMAND, Role.LIAISON}
# The traffic light of each ticket's running deadline; paused tickets have none.
LIGHTS = {Light.GREEN: "🟢", Light.YELLOW: "🟡", Light.RED: "🔴"}


async def ticket_command(event: MessageIn, ctx: Ctx, args: str) -> None:
    locale = ctx.locale_of(ctx.member)
    if not args:
        ctx.send(event.chat_id, ctx.tr(locale, "ticket-usage"))
        return
    ticket = await find_by_number(ctx, args.split()[0])
    roles = await roles_over(ctx, ctx.member, ticket.grid_id)
    if not roles:
        raise DomainError("error-not-member-of-grid")
    # The whole report and the reporter's name only to staff, privately; a group (and a
    # resident) gets the card as the group sees it, personal data masked.
    staff = event.is_private and bool(roles & STAFF_VIEWERS)
    card, _buttons = await render_card(ctx, ticket, locale, staff=staff)
    # The card cut the report ("…/ticket NUMBER"): here is all of it, masked unless for staff.
    full = ticket.text if staff else public_text(ticket.text, private_report=ticket.private_report)
    if len(" ".join(full.split())) > (STAFF_TEXT_LIMIT if staff else PUBLIC_TEXT_LIMIT):
        card = "\n".join([card, ctx.tr(locale, "ticket-full-text"), full])
    events = (
        await ctx.session.exec(
            select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)
        )
    ).all()
    lines = [card, ctx.tr(locale, "history-title")]
    for row in events:
        actor = await ctx.session.get(Member, row.actor_id) if row.actor_id else None
        note = row.note if staff or not row.note else mask_contacts(row.note)
        lines.append(
            ctx.tr(
                locale,
                "history-line",
                time=local_time(ctx, row.at),
                actor=_actor(ctx, locale, ticket, row, actor, staff),
                action=ctx.tr(locale, f"action-{row.action}"),
                status=ctx.tr(locale, f"status-{row.to_status}"),
                note=ctx.tr(locale, "history-note", note=_said(ctx, locale, note)) if note else "",
            )
        )
    for chunk in split_lines("\n".join(lines).split("\n")):  # Telegram's 4,096 per message
        ctx.send(event.chat_id, chunk)


def _actor(ctx: Ctx, locale: str, ticket: Ticket, row: TicketEvent, actor: Member | None,
           staff: bool) -> str:
    if actor is None:
        return ctx.tr(locale, "actor-system")
    hidden = (not staff and ticket.private_report and not ticket.reporter_named
              and actor.id == ticket.reporter_id)
    return ctx.tr(locale, "card-reporter-anonymous") if hidden else actor.display_name


# Notes the system writes as a code (the close after a passing rating): shown as words.
CODED_NOTES = {"accepted"}


def _said(ctx: Ctx, locale: str, note: str) -> str:
    return ctx.tr(locale, f"history-note-{note}") if note in CODED_NOTES else note


async def mytasks_command(event: MessageIn, ctx: Ctx, _args: str) -> None:
    locale = ctx.locale_of(ctx.member)
    tickets = (
        await ctx.session.exec(
            select(Ticket)
            .where(Ticket.assignee_id == ctx.member.id,
                   Ticket.status.in_([s.value for s in OPEN_STATUSES]))
            .order_by(Ticket.created_at)
        )
    ).all()
    if not tickets:
        ctx.send(event.chat_id, ctx.tr(locale, "mytasks-empty"))
        return
    lines = [ctx.tr(locale, "mytasks-title", count=len(tickets))]
    for ticket in tickets:
        colour = await light_of(ctx, ticket)
        due = local_time(ctx, ticket.due_at) if ticket.due_at else "—"
        lines.append(
            LIGHTS.get(colour, "⏸")
            + ctx.tr(
                locale,
                "mytasks-line",
                number=ticket.number,
                status=ctx.tr(locale, f"status-{ticket.status}"),
                text=shorten(ticket.text, 40),
                due=due,
                overdue="yes" if colour == Light.RED else "no",
            )
        )
    ctx.send(event.chat_id, "\n".join(lines))
