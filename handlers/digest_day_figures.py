"""The daily digest's figures for one grid: the flow in the day (new, resolved) and the open
work as of the run, with who holds what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import distinct, func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.digest_figures import created_in
from handlers.digest_periods import Period
from models.lifecycle import OPEN_STATUSES, Action
from models.org import Member
from models.ticket import Ticket, TicketEvent


@dataclass
class Day:
    new: int
    closed: int
    open: list[Ticket]
    overdue: set[int]  # ticket ids
    holders: dict[int | None, str]  # assignee id → name (None: not taken yet)


async def day_figures(session: AsyncSession, grid_id: int, period: Period, now: datetime) -> Day:
    new = (await session.exec(select(func.count(Ticket.id)).where(
        Ticket.grid_id == grid_id, *created_in(period)))).one()
    closed = (await session.exec(
        select(func.count(distinct(TicketEvent.ticket_id)))
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(Ticket.grid_id == grid_id, TicketEvent.action == Action.RESOLVE,
               TicketEvent.at >= period.start, TicketEvent.at < period.end)
    )).one()
    open_tickets = list((await session.exec(
        select(Ticket).where(Ticket.grid_id == grid_id,
                             Ticket.status.in_([s.value for s in OPEN_STATUSES]))
        .order_by(Ticket.id)
    )).all())
    overdue = {t.id for t in open_tickets if t.due_at is not None and t.due_at < now}
    holders: dict[int | None, str] = {}
    for ticket in open_tickets:
        if ticket.assignee_id not in holders:
            member = await session.get(Member, ticket.assignee_id) if ticket.assignee_id else None
            holders[ticket.assignee_id] = member.display_name if member else ""
    return Day(new, closed, open_tickets, overdue, holders)
