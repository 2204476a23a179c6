"""The card's deadline lines: the traffic light, how long overdue, the tier, and the promise.

Everything here is true at the moment of rendering and stays true until the light or the tier
changes, which is exactly when the sweep re-renders the card (a step falls due at each change):
the overdue line says "as of" when, and the promise is dropped once its moment has passed.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from handlers.context import Ctx
from handlers.deadlines import clock_start, light_of, on_site_promise, rule_of
from handlers.members import area_chain, members_with_role
from handlers.org_cache import AreaInfo
from handlers.org_cache import area as org_area
from handlers.routing import reach_staff, record_undeliverable
from models.org import AreaKind, Role
from models.sla import Light
from models.ticket import Ticket

# A card rendered within this time of the report may say "3 小时内"; later, the moment itself,
# since "within 3 hours" read at a later edit would promise more time than is left.
FRESH = timedelta(minutes=5)
LIGHT_MARK = {Light.GREEN: "🟢", Light.YELLOW: "🟡", Light.RED: "🔴"}


def _local(ctx: Ctx, when) -> str:
    return when.astimezone(ZoneInfo(ctx.config.timezone)).strftime("%m-%d %H:%M")


async def deadline_lines(ctx: Ctx, ticket: Ticket, locale: str) -> list[str]:
    """The light of the running deadline, and the tier when above the grid."""
    lines = []
    colour = await light_of(ctx, ticket) if ticket.paused_at is None else None
    if colour is not None and ticket.milestone:
        milestone = ctx.tr(locale, f"milestone-{ticket.milestone}")
        due = _local(ctx, ticket.due_at)
        if colour == Light.RED:
            minutes = int((ctx.now - ticket.due_at).total_seconds() // 60)
            lines.append(ctx.tr(locale, "card-light-red", mark=LIGHT_MARK[colour],
                                milestone=milestone, due=due, now=_local(ctx, ctx.now),
                                hours=minutes // 60, minutes=minutes % 60))
        else:
            lines.append(ctx.tr(locale, f"card-light-{colour.value}", mark=LIGHT_MARK[colour],
                                milestone=milestone, due=due))
    if ticket.tier != "grid" and ticket.tier_area_id:
        area = await org_area(ctx, ticket.tier_area_id)
        card = _tier_card(ctx, ticket)
        lines.append(ctx.tr(locale, "card-tier", area=area.name,
                            card=ctx.tr(locale, f"supervision-{card}") if card else "none"))
    return lines


def _tier_card(ctx: Ctx, ticket: Ticket) -> str | None:
    """黄牌/红牌 of the policy tier the ticket is at (None for a plain hand-up)."""
    for tier in rule_of(ctx, ticket).escalation.tiers:
        if tier.to == ticket.tier:
            return tier.card
    return None


async def grid_workers(ctx: Ctx, grid_id: int) -> list:
    """The grid's workers, asked once per transaction: a new card needs them twice (the
    no-worker notice, then the promise line in each group's locale)."""
    key = ("workers", grid_id)
    if key not in ctx.memo:
        ctx.memo[key] = await members_with_role(ctx, {Role.WORKER}, grid_id)
    return ctx.memo[key]


async def promise_line(ctx: Ctx, ticket: Ticket, locale: str) -> str | None:
    """"网格员 杨超 将于 3 小时内到场" while that is still ahead; None once it has passed.
    A grid without a worker: the community has been told (publish_card tells it)."""
    workers = await grid_workers(ctx, ticket.grid_id)
    if not workers:
        community = await community_of(ctx, ticket)
        return ctx.tr(locale, "card-no-worker",
                      community=community.name if community else "—")
    deadlines, calendar, _escalation = rule_of(ctx, ticket)
    on_site_due = calendar.add(await clock_start(ctx, ticket), deadlines.on_site)
    if ctx.now >= on_site_due:
        return None
    if ctx.now - ticket.created_at < FRESH:
        within = on_site_promise(ctx, ticket, locale)
    else:
        within = ctx.tr(locale, "promise-by", time=_local(ctx, on_site_due))
    name = "、".join(w.display_name for w in workers[:2])
    return ctx.tr(locale, "card-promise", worker=name, within=within)


async def community_of(ctx: Ctx, ticket: Ticket) -> AreaInfo | None:
    for area_id in await area_chain(ctx, ticket.grid_id):
        area = await org_area(ctx, area_id)
        if area.kind == AreaKind.COMMUNITY:
            return area
    return None


async def tell_community_if_no_worker(ctx: Ctx, ticket: Ticket) -> None:
    """What makes the card's "本网格暂无网格员，已告知 四海社区" true: the community's
    leaders, admins and command centre get the new ticket (staff-only)."""
    if await grid_workers(ctx, ticket.grid_id):
        return
    community = await community_of(ctx, ticket)
    if community is None:
        return
    grid = await org_area(ctx, ticket.grid_id)
    receivers = await members_with_role(ctx, {Role.LEADER, Role.ADMIN, Role.COMMAND},
                                        community.id)
    for member in receivers:
        text = ctx.tr(ctx.locale_of(member), "grid-no-worker-notice", number=ticket.number,
                      grid=grid.name)
        await reach_staff(ctx, member, community.id, text, kind="no_worker",
                          ticket_id=ticket.id)
    if not receivers:
        record_undeliverable(ctx, "no_worker", community.id,
                             ctx.tr(ctx.config.default_locale, "grid-no-worker-notice",
                                    number=ticket.number, grid=grid.name), ticket_id=ticket.id)
