"""日排查日报告, 周调度周报告, 月调度月报告: the escalation cadence as scheduled reports.

Who gets what (the periods, figures, texts and delivery live in the digest_* modules beside it):
- daily: each grid's leaders, privately, or by name in the grid's staff group when they have
  not started the bot; a grid without a leader: its staff group(s). Never a residents' group:
  nobody reachable is recorded as undeliverable (handlers.routing). New and closed in the day; open,
  overdue and who holds what as of the run. A quiet grid still gets its one line
  ("今日无新报事"): the leader knows the bot is alive.
- weekly: a community's leaders, admins and command centre, privately, and every staff group
  bound to the community: per grid, after the community's total.
- monthly: the same for a street, per community, after the street total.
Groups are bound as staff groups with `/bind CODE staff`.

Sent once: every message carries the ref `digest:<cadence>:<area code>:<period>` and a chat
whose outbox already holds that ref is skipped, so a second run, a restart's catch-up or a late
run repeats nothing (the chat is part of the key, so the ref needs no member id). The schema has
no unique key on ref, so on PostgreSQL the runs take a transaction-scoped advisory lock; on
SQLite, BEGIN IMMEDIATE already serialises them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.context import Ctx, Deps
from handlers.digest_day_figures import Day, day_figures
from handlers.digest_delivery import deliver
from handlers.digest_figures import Figures, period_figures
from handlers.digest_periods import DAILY_AT, Period, day_period, month_period, week_period
from handlers.digest_text import day_text, period_text
from handlers.digest_text import figure_lines as _figure_lines
from handlers.members import STAFF_GROUP, members_with_role
from handlers.outbox import write_outbox
from models.org import Area, AreaKind, ChatGroup, Role

# Re-exported: the scheduler and the tests import these from here.
__all__ = [
    "DAILY_AT", "Day", "Figures", "Period", "_figure_lines", "daily_digest", "day_figures",
    "day_period", "month_period", "monthly_digest", "period_figures", "week_period",
    "weekly_digest",
]

STAFF_ROLES = {Role.LEADER, Role.ADMIN, Role.COMMAND}
_LOCK_KEY = 0x6772_6964_6467  # "griddg": one advisory lock for every digest run

Build = Callable[[Ctx, datetime, ZoneInfo], Awaitable[None]]


async def _areas(session: AsyncSession, kind: AreaKind, parent_id: int | None = None) -> list[Area]:
    query = select(Area).where(Area.kind == kind.value)
    if parent_id is not None:
        query = query.where(Area.parent_id == parent_id)
    return list((await session.exec(query.order_by(Area.code))).all())


async def _groups_of(session: AsyncSession, area_id: int) -> list[ChatGroup]:
    """The area's staff groups: a digest (who holds what) is never for a residents' group."""
    return list((await session.exec(
        select(ChatGroup).where(ChatGroup.area_id == area_id, ChatGroup.purpose == STAFF_GROUP)
        .order_by(ChatGroup.id))).all())


async def _served_during(session: AsyncSession, area_ids: list[int], period: Period) -> bool:
    """Whether the bot was in any of these areas' groups before the period ended. Without
    this, a new deployment's first start (the catch-up run) would send every group a report
    of last week or last month, a time the bot never saw."""
    row = (await session.exec(select(ChatGroup.id).where(
        ChatGroup.area_id.in_(area_ids), ChatGroup.bound_at < period.end).limit(1))).first()
    return row is not None


async def _daily(ctx: Ctx, now: datetime, tz: ZoneInfo) -> None:
    period = day_period(now, tz)
    for grid in await _areas(ctx.session, AreaKind.GRID):
        if not await _served_during(ctx.session, [grid.id], period):
            continue
        day = await day_figures(ctx.session, grid.id, period, now)
        leaders = await members_with_role(ctx, {Role.LEADER}, grid.id)
        # The grid's staff group, or else its community's: both are staff, never residents.
        groups = await _groups_of(ctx.session, grid.id) or await _groups_of(ctx.session,
                                                                            grid.parent_id)
        await deliver(ctx, period, grid, partial(day_text, ctx, grid=grid, period=period, day=day),
                      leaders, groups, groups_always=False)


async def _report_area(ctx: Ctx, area: Area, period: Period,
                       rows: list[tuple[str, Figures]]) -> None:
    staff = await members_with_role(ctx, STAFF_ROLES, area.id)
    await deliver(ctx, period, area, partial(period_text, ctx, area=area, period=period, rows=rows),
                  staff, await _groups_of(ctx.session, area.id), groups_always=True)


async def _weekly(ctx: Ctx, now: datetime, tz: ZoneInfo) -> None:
    period = week_period(now, tz)
    for community in await _areas(ctx.session, AreaKind.COMMUNITY):
        grids = await _areas(ctx.session, AreaKind.GRID, community.id)
        if not grids or not await _served_during(
                ctx.session, [community.id, *(g.id for g in grids)], period):
            continue
        figures = await period_figures(ctx.session, [g.id for g in grids], period)
        await _report_area(ctx, community, period, [(g.name, figures[g.id]) for g in grids])


async def _monthly(ctx: Ctx, now: datetime, tz: ZoneInfo) -> None:
    period = month_period(now, tz)
    for street in await _areas(ctx.session, AreaKind.STREET):
        communities = [(c, await _areas(ctx.session, AreaKind.GRID, c.id))
                       for c in await _areas(ctx.session, AreaKind.COMMUNITY, street.id)]
        grid_ids = [g.id for _c, grids in communities for g in grids]
        area_ids = [street.id, *(c.id for c, _grids in communities), *grid_ids]
        if not communities or not await _served_during(ctx.session, area_ids, period):
            continue
        figures = await period_figures(ctx.session, grid_ids, period)
        rows = [(community.name, Figures.total(figures[g.id] for g in grids))
                for community, grids in communities]
        await _report_area(ctx, street, period, rows)


async def _run(deps: Deps, now: datetime, build: Build) -> int:
    """One transaction: read, queue, record (the outbox rows are the record); then wake."""
    async with deps.session_factory() as session, session.begin():
        if (await session.connection()).dialect.name == "postgresql":
            await session.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                  {"key": _LOCK_KEY})
        ctx = Ctx(session=session, deps=deps, platform="")
        await build(ctx, now, ZoneInfo(deps.config.timezone))
        written = await write_outbox(session, ctx.actions, now, bulk=True)
    if written:
        deps.notify()
    return written


async def daily_digest(deps: Deps, now: datetime) -> int:
    """日排查日报告 to every grid's leaders; returns how many messages were queued."""
    return await _run(deps, now, _daily)


async def weekly_digest(deps: Deps, now: datetime) -> int:
    """周调度周报告 to every community's staff and community groups, for last week."""
    return await _run(deps, now, _weekly)


async def monthly_digest(deps: Deps, now: datetime) -> int:
    """月调度月报告 to every street's staff and street groups, for last month."""
    return await _run(deps, now, _monthly)
