"""A resident flooding a group (or the bot's private chat) with reports: at most
`Config.report_cap_per_hour` tickets per person in any sliding hour, answered politely.

Why a cap at all: each report pings the grid's workers and puts a card in the group; fifty
in an hour from one person buries everyone else's. Why these exemptions: staff file reports
for residents who phoned them (capping them caps the whole grid), and an emergency
(燃气、着火、有人受伤) must never wait, however many reports came before it.

The check costs one statement on the common path (a count over the indexed reporter_id);
the staff lookup runs only for someone already at the cap.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import select

from handlers.cards import local_time
from handlers.context import Ctx
from handlers.intake import emergency
from models.lifecycle import DomainError
from models.org import Role, RoleAssignment
from models.ticket import Ticket

WINDOW = timedelta(hours=1)


async def check(ctx: Ctx, text: str) -> None:
    """Refuse (a DomainError: the bus answers it and keeps nothing) when this report would
    be one too many. `text` is the report's words: an emergency always goes through."""
    cap = ctx.config.report_cap_per_hour
    if not cap or ctx.member is None or emergency.is_emergency(text or ""):
        return
    since = ctx.now - WINDOW
    count, oldest = (await ctx.session.exec(
        select(func.count(Ticket.id), func.min(Ticket.created_at))
        .where(Ticket.reporter_id == ctx.member.id, Ticket.created_at >= since)
    )).one()
    if count < cap or await _is_staff(ctx):
        return
    # The window slides: she may report again when her oldest report in it turns an hour old.
    raise DomainError("report-cap-reached", cap=cap, again=local_time(ctx, oldest + WINDOW))


async def _is_staff(ctx: Ctx) -> bool:
    """Any role besides resident, anywhere: staff report on residents' behalf."""
    row = (await ctx.session.exec(
        select(RoleAssignment.id).where(RoleAssignment.member_id == ctx.member.id,
                                        RoleAssignment.role != Role.RESIDENT).limit(1)
    )).first()
    return row is not None
