"""/ticket NUMBER (anyone in that grid) and /mytasks (a worker's open tickets with deadlines)."""

from __future__ import annotations

from sqlmodel import select

from handlers.cards import local_time, render_card
from handlers.context import Ctx
from handlers.events import MessageIn
from handlers.members import roles_over
from handlers.sla import light_of
from handlers.tickets import find_by_number
from models.lifecycle import OPEN_STATUSES, DomainError
from models.org import Member
from models.sla import Light
from models.ticket import Ticket, TicketEvent

# The traffic light of each ticket's running deadline; paused tickets have none.
LIGHTS = {Light.GREEN: "🟢", Light.YELLOW: "🟡", Light.RED: "🔴"}


async def ticket_command(event: MessageIn, ctx: Ctx, args: str) -> None:
    locale = ctx.locale_of(ctx.member)
    if not args:
        ctx.send(event.chat_id, ctx.tr(locale, "ticket-usage"))
        return
    ticket = await find_by_number(ctx, args.split()[0])
    if not await roles_over(ctx, ctx.member, ticket.grid_id):
        raise DomainError("error-not-member-of-grid")
    card, _buttons = await render_card(ctx, ticket, locale)
    events = (
        await ctx.session.exec(
            select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)
        )
    ).all()
    lines = [card, ctx.tr(locale, "history-title")]
    for row in events:
        actor = await ctx.session.get(Member, row.actor_id) if row.actor_id else None
        lines.append(
            ctx.tr(
                locale,
                "history-line",
                time=local_time(ctx, row.at),
                actor=actor.display_name if actor else ctx.tr(locale, "actor-system"),
                action=ctx.tr(locale, f"action-{row.action}"),
                status=ctx.tr(locale, f"status-{row.to_status}"),
                note=ctx.tr(locale, "history-note", note=_said(ctx, locale, row.note))
                if row.note else "",
            )
        )
    ctx.send(event.chat_id, "\n".join(lines))


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
                text=ticket.text[:40],
                due=due,
                overdue="yes" if colour == Light.RED else "no",
            )
        )
    ctx.send(event.chat_id, "\n".join(lines))
