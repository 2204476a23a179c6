"""日排查日报告, 周调度周报告, 月调度月报告: the escalation cadence as scheduled reports.

Who gets what (the periods, figures, texts, plans and delivery live in the digest_* modules):
- daily: each grid's leaders, privately, or by name in the grid's staff group when they have
  not started the bot; a grid without a leader: its staff group(s), else its community's.
  Never a residents' group: nobody reachable is recorded as undeliverable (handlers.routing).
  New and closed in the day; open, overdue and who holds what as of the run. A quiet grid
  still gets its one line ("今日无新报事"): the leader knows the bot is alive.
- weekly: a community's leaders, admins and command centre, privately, and every staff group
  bound to the community: per grid, after the community's total.
- monthly: the same for a street, per community, after the street total.

Sent once: every message carries the ref `digest:<cadence>:<area code>:<period>` and a chat
whose outbox already holds that ref is skipped, checked BEFORE any figure is computed, so a
second run or the start-up catch-up costs a few queries per batch.

In batches: BATCH reports per transaction (a few GROUP BY queries for the whole batch), each
committed on its own, so SQLite's single write lock is never held for more than a fraction of
a second and reports arriving at 18:00 wait milliseconds, not minutes. On PostgreSQL each batch
takes a transaction-scoped advisory lock before it checks what was sent (the schema has no
unique key on ref); on SQLite BEGIN IMMEDIATE already serialises them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.context import Ctx, Deps
from handlers.outbox_bulk import write_outbox_bulk
from handlers.reports.day_figures import Day, day_figures, days_of
from handlers.reports.delivery import (
    deliver,
    digest_ref,
    left_to_do,
    recorded_for,
    route,
    sent_refs,
)
from handlers.reports.figures import Figures, period_figures
from handlers.reports.periods import DAILY_AT, Period, day_period, month_period, week_period
from handlers.reports.plan import (
    Report,
    Tree,
    daily_reports,
    load_tree,
    monthly_reports,
    people_on,
    served_areas,
    staff_groups_on,
    weekly_reports,
)
from handlers.reports.text import day_text, period_text
from handlers.reports.text import figure_lines as _figure_lines
from handlers.run_ctx import RunCtx
from models.org import Role

# Re-exported: the scheduler and the tests import these from here.
__all__ = [
    "BATCH", "DAILY_AT", "Day", "Figures", "Period", "_figure_lines", "daily_digest",
    "day_figures", "day_period", "month_period", "monthly_digest", "period_figures",
    "week_period", "weekly_digest",
]

STAFF_ROLES = {Role.LEADER, Role.ADMIN, Role.COMMAND}
_LOCK_KEY = 0x6772_6964_6467  # "griddg": one advisory lock for every digest batch
BATCH = 100  # reports per transaction: SQLite's write lock is held for one batch only


async def _days(session: AsyncSession, reports: list[Report], period: Period,
                now: datetime) -> dict[int, Day]:
    return await days_of(session, [r.area.id for r in reports], period, now)


async def _rows(session: AsyncSession, reports: list[Report], period: Period,
                _now: datetime) -> dict[int, list[tuple[str, Figures]]]:
    """Per report, its rows' figures: one set of queries for every grid of the batch."""
    figures = await period_figures(session, [g for r in reports for g in r.grid_ids], period)
    return {r.area.id: [(area.name, Figures.total(figures[g] for g in grids))
                        for area, grids in r.rows] for r in reports}


@dataclass(frozen=True)
class Cadence:
    period: Callable[[datetime, ZoneInfo], Period]
    reports: Callable[[Tree, set[int]], list[Report]]
    roles: set[Role]
    groups_always: bool  # weekly/monthly: the staff groups always; daily: only as a fallback
    figures: Callable[..., Awaitable[dict]]
    text: Callable[..., str]


def _day_text(ctx: Ctx, locale: str, area, period: Period, fig: Day) -> str:
    return day_text(ctx, locale, area, period, fig)


def _period_text(ctx: Ctx, locale: str, area, period: Period, fig) -> str:
    return period_text(ctx, locale, area, period, fig)


DAILY = Cadence(day_period, daily_reports, {Role.LEADER}, False, _days, _day_text)
WEEKLY = Cadence(week_period, weekly_reports, STAFF_ROLES, True, _rows, _period_text)
MONTHLY = Cadence(month_period, monthly_reports, STAFF_ROLES, True, _rows, _period_text)


async def _run(deps: Deps, now: datetime, cadence: Cadence) -> int:
    period = cadence.period(now, ZoneInfo(deps.config.timezone))
    async with deps.session_factory() as session:  # one short read: the tree, who was served
        tree = await load_tree(session)
        reports = cadence.reports(tree, await served_areas(session, period))
    written = 0
    for start in range(0, len(reports), BATCH):
        written += await _run_batch(deps, now, cadence, period, reports[start:start + BATCH])
    return written


async def _run_batch(deps: Deps, now: datetime, cadence: Cadence, period: Period,
                     batch: list[Report]) -> int:
    """One transaction: what is left to send, the figures for that only, queue, commit."""
    async with deps.session_factory() as session, session.begin():
        if (await session.connection()).dialect.name == "postgresql":
            await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        ctx = RunCtx(session=session, deps=deps, platform="")
        todo = await _left_to_do(ctx, cadence, period, batch)
        figures = await cadence.figures(session, [r for r, _plan in todo], period, now)
        for report, plan in todo:
            render = partial(cadence.text, ctx, area=report.area, period=period,
                             fig=figures[report.area.id])
            deliver(ctx, report.area, digest_ref(period, report.area), render, plan)
        written = await write_outbox_bulk(session, ctx.actions, now, bulk=True)
    if written:
        deps.notify()
    return written


async def _left_to_do(ctx: Ctx, cadence: Cadence, period: Period, batch: list[Report]):
    """Each report's route less what was already sent or recorded, before any figure."""
    area_ids = [r.area.id for r in batch]
    fallback = [r.area.parent_id for r in batch if not cadence.groups_always and r.area.parent_id]
    people = await people_on(ctx.session, area_ids, cadence.roles)
    groups = await staff_groups_on(ctx.session, [*area_ids, *fallback])
    refs = {r.area.id: digest_ref(period, r.area) for r in batch}
    sent = await sent_refs(ctx.session, list(refs.values()))
    recorded = await recorded_for(ctx.session, area_ids, period)
    todo = []
    for report in batch:
        area = report.area
        # The grid's staff group, or else its community's: both are staff, never residents.
        chats = groups.get(area.id) or ([] if cadence.groups_always
                                        else groups.get(area.parent_id, []))
        plan = left_to_do(route(ctx, people.get(area.id, []), chats,
                                groups_always=cadence.groups_always),
                          refs[area.id], area.id, sent, recorded)
        if plan:
            todo.append((report, plan))
    return todo


async def daily_digest(deps: Deps, now: datetime) -> int:
    """日排查日报告 to every grid's leaders; returns how many messages were queued."""
    return await _run(deps, now, DAILY)


async def weekly_digest(deps: Deps, now: datetime) -> int:
    """周调度周报告 to every community's staff and community groups, for last week."""
    return await _run(deps, now, WEEKLY)


async def monthly_digest(deps: Deps, now: datetime) -> int:
    """月调度月报告 to every street's staff and street groups, for last month."""
    return await _run(deps, now, MONTHLY)
