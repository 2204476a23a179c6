"""What the SLA sweep needs for a whole batch of due tickets, read in a few queries.

The sweep used to ask per ticket (14 statements each): the steps done, the reopening, the
grid's workers and leaders, each tier's staff, the groups, the reporter, the holder, the
followers and departments for the card. Here each is one query for the batch (the area tree
and the groups come from the org cache, filled for all the batch's grids at once), and the
per-ticket code (reminders, escalation, the card) finds the answers in the session's
identity map and in ctx.memo instead of asking again.
"""

from __future__ import annotations

from sqlmodel import select

from handlers import org_cache
from handlers.context import Ctx
from handlers.deadlines import preload_reopenings
from handlers.departments import preload_departments
from handlers.followers import preload_follower_counts
from handlers.members import area_chain, preload_roles
from models.org import Member, Role
from models.ticket import SlaStep, Ticket

# Whom a step can reach: the grid's workers and leader, every tier's leaders, admins and
# command centre (handlers.supervision.escalation.TIER_RECEIVERS, and the community of a grid
# without a worker).
SWEEP_ROLES = {Role.WORKER, Role.LEADER, Role.ADMIN, Role.COMMAND}


class StepsDone:
    """The steps already recorded, per ticket and milestone, and those this batch adds."""

    def __init__(self, rows) -> None:
        self._done: dict[tuple[int, str], set[str]] = {}
        for ticket_id, milestone, step in rows:
            self._done.setdefault((ticket_id, milestone), set()).add(step)

    def of(self, ticket_id: int, milestone: str) -> set[str]:
        return self._done.setdefault((ticket_id, milestone), set())


async def load_batch(ctx: Ctx, tickets: list[Ticket]) -> StepsDone:
    ids = [t.id for t in tickets]
    grid_ids = {t.grid_id for t in tickets}
    await org_cache.preload(ctx, grid_ids)
    for platform in {t.source_platform for t in tickets} - {ctx.platform}:
        other = Ctx(session=ctx.session, deps=ctx.deps, platform=platform,
                    org_version=ctx.org_version, memo=ctx.memo)
        await org_cache.preload(other, grid_ids)
    areas = {a for grid_id in grid_ids for a in await area_chain(ctx, grid_id)}
    await preload_roles(ctx, areas, SWEEP_ROLES)
    people = {t.reporter_id for t in tickets} | {t.assignee_id for t in tickets if t.assignee_id}
    # Into the session's identity map, where the card's session.get finds them; the identity
    # map holds only weak references, so the memo keeps them alive for the transaction.
    ctx.memo["members"] = (await ctx.session.exec(select(Member).where(
        Member.id.in_(people)))).all()
    await preload_follower_counts(ctx, ids)
    await preload_departments(ctx, ids)
    await preload_reopenings(ctx, tickets)
    rows = await ctx.session.exec(select(SlaStep.ticket_id, SlaStep.milestone, SlaStep.step)
                                  .where(SlaStep.ticket_id.in_(ids)))
    return StepsDone(rows.all())
