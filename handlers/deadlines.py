"""Deadlines on the ticket: which milestone runs, when it falls due, when to look again.

Recomputed on every transition (and after each sweep step) from the policy in
models/sla/sla_policy.yaml, so the stored next_due_at is all the sweep needs to find work.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import select

from handlers.context import Ctx
from models.lifecycle import Status
from models.sla import (
    Light,
    Rule,
    SlaPolicy,
    default_policy,
    light,
    load_policy,
    milestone_for,
    when_next,
)
from models.sla.work_calendar import ContinuousCalendar
from models.ticket import SlaStep, Ticket, TicketEvent


@cache
def policy_at(path: str | None) -> SlaPolicy:
    """The deployment's policy file (GRIDBOT_SLA_POLICY), or the one shipped with the code."""
    return load_policy(Path(path)) if path else default_policy()


def rule_of(ctx: Ctx, ticket: Ticket) -> Rule:
    return policy_at(ctx.config.sla_policy).rule_for(ticket.category, ticket.urgent)


async def clock_start(ctx: Ctx, ticket: Ticket) -> datetime:
    """The report time, moved on by the time spent waiting for the resident; for a reopened
    ticket the reopening (its rework gets a fresh resolve deadline, not an instant breach)."""
    start = ticket.created_at
    if Status(ticket.status) == Status.REOPENED and ("reopened", ticket.id) in ctx.memo:
        start = ctx.memo[("reopened", ticket.id)] or start  # preload_reopenings
    elif Status(ticket.status) == Status.REOPENED:
        reopened = (
            await ctx.session.exec(
                select(TicketEvent.at)
                .where(TicketEvent.ticket_id == ticket.id, TicketEvent.to_status == "reopened")
                .order_by(TicketEvent.id.desc())
            )
        ).first()
        start = reopened or start
    return rule_of(ctx, ticket).calendar.add(start, timedelta(seconds=ticket.paused_seconds))


async def preload_reopenings(ctx: Ctx, tickets: list[Ticket]) -> None:
    """clock_start for many tickets: the reopened ones' last reopening, in one query."""
    reopened = [t.id for t in tickets if Status(t.status) == Status.REOPENED]
    if not reopened:
        return
    found = dict.fromkeys(reopened)
    rows = await ctx.session.exec(
        select(TicketEvent.ticket_id, TicketEvent.at)
        .where(TicketEvent.ticket_id.in_(reopened), TicketEvent.to_status == "reopened")
        .order_by(TicketEvent.id))
    found.update(dict(rows.all()))  # ordered by id: the last reopening wins
    for ticket_id, at in found.items():
        ctx.memo[("reopened", ticket_id)] = at


async def steps_done(ctx: Ctx, ticket: Ticket) -> set[str]:
    rows = await ctx.session.exec(
        select(SlaStep.step).where(
            SlaStep.ticket_id == ticket.id, SlaStep.milestone == (ticket.milestone or "")
        )
    )
    return set(rows.all())


async def schedule(ctx: Ctx, ticket: Ticket) -> None:
    """Set milestone, due_at and next_due_at for the ticket's current state."""
    milestone = milestone_for(ticket.status, feedback_given=True)
    if milestone is None:
        ticket.milestone = ticket.due_at = ticket.next_due_at = None
    else:
        start = await clock_start(ctx, ticket)
        ticket.milestone = milestone.value  # steps_done reads the steps of this milestone
        done = await steps_done(ctx, ticket)
        _set_deadlines(ctx, ticket, milestone, start, done)
    ctx.session.add(ticket)


def schedule_known(ctx: Ctx, ticket: Ticket, start: datetime,
                   done_of: Callable[[str], set[str]]) -> None:
    """`schedule` for a caller that already holds the clock's start and the steps done per
    milestone (the sweep loads them for its whole batch): no query."""
    milestone = milestone_for(ticket.status, feedback_given=True)
    if milestone is None:
        ticket.milestone = ticket.due_at = ticket.next_due_at = None
    else:
        _set_deadlines(ctx, ticket, milestone, start, done_of(milestone.value))


def schedule_new(ctx: Ctx, ticket: Ticket) -> None:
    """`schedule` for a ticket not yet written: its clock starts at the report and no step is
    done, so nothing needs reading, and the ticket is inserted once, deadlines and all."""
    start = rule_of(ctx, ticket).calendar.add(ticket.created_at,
                                              timedelta(seconds=ticket.paused_seconds))
    _set_deadlines(ctx, ticket, milestone_for(ticket.status, feedback_given=True), start, set())


def _set_deadlines(ctx: Ctx, ticket: Ticket, milestone, start: datetime, done: set[str]) -> None:
    deadlines, calendar, escalation = rule_of(ctx, ticket)
    ticket.milestone = milestone.value
    ticket.due_at = calendar.add(start, deadlines.of(milestone))
    ticket.next_due_at = when_next(start, ticket.due_at, done, escalation, calendar)


async def light_of(ctx: Ctx, ticket: Ticket) -> Light | None:
    if ticket.due_at is None:
        return None
    _deadlines, calendar, escalation = rule_of(ctx, ticket)
    start = await clock_start(ctx, ticket)
    return light(start, ticket.due_at, ctx.now, calendar, escalation.yellow_at)


def on_site_promise(ctx: Ctx, ticket: Ticket, locale: str) -> str:
    """"3 小时内" / "30 分钟内" on the round-the-clock calendar; on office hours the moment
    itself ("11-24 10:30 前"), since "7.5 hours" of office time means nothing to a resident.
    From the policy file, so what the card promises is what the sweep enforces."""
    deadlines, calendar, _escalation = rule_of(ctx, ticket)
    if isinstance(calendar, ContinuousCalendar):
        minutes = int(deadlines.on_site.total_seconds() // 60)
        if minutes % 60 == 0:
            return ctx.tr(locale, "promise-within-hours", hours=minutes // 60)
        return ctx.tr(locale, "promise-within-minutes", minutes=minutes)
    due = calendar.add(ticket.created_at, deadlines.on_site)
    local = due.astimezone(ZoneInfo(ctx.config.timezone)).strftime("%m-%d %H:%M")
    return ctx.tr(locale, "promise-by", time=local)
