"""People, their roles, and what those roles let them do for a given grid or ticket."""

from __future__ import annotations

from sqlalchemy import bindparam
from sqlmodel import select

import locales
from handlers import org_cache
from handlers.context import Ctx
from handlers.events import User
from models import core_sql
from models.lifecycle import Capacity
from models.org import Area, Member, Role, RoleAssignment
from models.ticket import Ticket, TicketFollower

STAFF_ROLES = {Role.WORKER, Role.LEADER, Role.COMMAND}
SUPERVISOR_ROLES = {Role.LEADER, Role.ADMIN, Role.COMMAND}


# Built once (models/core_sql.py): these run for every update.
_MEMBER_BY_USER = select(Member).where(Member.platform == bindparam("platform"),
                                       Member.platform_user_id == bindparam("user_id"))


async def ensure_member(ctx: Ctx, user: User) -> Member:
    member = (await ctx.session.exec(
        _MEMBER_BY_USER, params={"platform": ctx.platform, "user_id": user.id})).first()
    if member is None:
        member = Member(
            platform=ctx.platform,
            platform_user_id=user.id,
            display_name=user.name[:128],
            locale=locales.normalise(user.language, ctx.config.default_locale),
            created_at=ctx.now,
        )
        await core_sql.insert_loaded(ctx.session, member)
        ctx.fresh_members.add(member.id)
    elif user.name and member.display_name != user.name[:128]:
        member.display_name = user.name[:128]
        ctx.session.add(member)
    return member


async def area_chain(ctx: Ctx, area_id: int) -> list[int]:
    """The area and its ancestors, nearest first: a role on any of them covers the area."""
    chain: list[int] = []
    current: int | None = area_id
    while current is not None and current not in chain:
        chain.append(current)
        current = (await org_cache.area(ctx, current)).parent_id
    return chain


async def roles_over(ctx: Ctx, member: Member, area_id: int) -> set[Role]:
    """Roles on the area or above it, plus roles on its buildings: a 3号楼 resident or
    building head belongs to that building's grid."""
    if member.id in ctx.fresh_members:
        return set()  # created in this transaction: no role can have been given yet
    chain = await area_chain(ctx, area_id)
    rows = await core_sql.run(ctx.session, "members.roles_over", _roles_over,
                              member_id=member.id, chain=chain, area_id=area_id)
    return {Role(role) for (role,) in rows}


def _roles_over(_dialect: str):
    roles, areas = RoleAssignment.__table__.c, Area.__table__.c
    buildings = select(areas.id).where(areas.parent_id == bindparam("area_id"),
                                       areas.kind == "building")
    return select(roles.role).where(
        roles.member_id == bindparam("member_id"),
        roles.area_id.in_(bindparam("chain", expanding=True)) | roles.area_id.in_(buildings))


async def capacities_for(ctx: Ctx, member: Member, ticket: Ticket) -> set[Capacity]:
    roles = await roles_over(ctx, member, ticket.grid_id)
    capacities: set[Capacity] = set()
    if roles & STAFF_ROLES:
        capacities.add(Capacity.STAFF)
    if roles & SUPERVISOR_ROLES:
        capacities.add(Capacity.SUPERVISOR)
    if ticket.assignee_id == member.id:
        capacities.add(Capacity.HOLDER)
    if ticket.reporter_id == member.id or await follows(ctx, ticket.id, member.id):
        capacities.add(Capacity.REPORTER)  # a +1 reported the matter too: they may rate it
    return capacities


async def follows(ctx: Ctx, ticket_id: int, member_id: int) -> bool:
    """Whether the member +1'd the ticket (handlers.intake.duplicates)."""
    rows = await ctx.session.exec(select(TicketFollower.id).where(
        TicketFollower.ticket_id == ticket_id, TicketFollower.member_id == member_id))
    return rows.first() is not None


async def ensure_resident(ctx: Ctx, member: Member, grid_id: int) -> None:
    """Writing in a grid's group makes you one of its residents, unless you already hold a role."""
    if await roles_over(ctx, member, grid_id):
        return
    await core_sql.insert_row(ctx.session, RoleAssignment(member_id=member.id, role=Role.RESIDENT,
                                                          area_id=grid_id))


async def grids_of(ctx: Ctx, member: Member) -> list[Area]:
    """Grids the member belongs to directly (any role scoped to a grid or a building in it)."""
    rows = await ctx.session.exec(
        select(Area).join(RoleAssignment, RoleAssignment.area_id == Area.id).where(
            RoleAssignment.member_id == member.id
        )
    )
    grids: dict[int, Area] = {}
    for area in rows.all():
        grid = area if area.kind == "grid" else await _parent_grid(ctx, area)
        if grid is not None:
            grids[grid.id] = grid
    return sorted(grids.values(), key=lambda a: a.code)


async def _parent_grid(ctx: Ctx, area: Area) -> Area | None:
    if area.kind == "building" and area.parent_id is not None:
        return await ctx.session.get(Area, area.parent_id)
    return None


RESIDENTS, STAFF_GROUP = "residents", "staff"  # ChatGroup.purpose


async def group_for_chat(ctx: Ctx, chat_id: str,
                         purpose: str | None = RESIDENTS) -> org_cache.GroupInfo | None:
    """The residents' group bound to this chat (a staff group is no place for reports), or
    with purpose=None whatever group it is bound as. A frozen copy from the org cache: to
    change the binding, load the row (onboarding.bind)."""
    group = await org_cache.group_of_chat(ctx, chat_id)
    if group is None or (purpose is not None and group.purpose != purpose):
        return None
    return group


async def groups_of_grid(ctx: Ctx, grid_id: int) -> list[org_cache.GroupInfo]:
    """The grid's residents' groups: where public messages (cards, confirmations) go."""
    return [g for g in await org_cache.groups_of_area(ctx, grid_id) if g.purpose == RESIDENTS]


async def members_with_role(ctx: Ctx, roles: set[Role], area_id: int) -> list[Member]:
    wanted = {r.value for r in roles}
    known = ctx.memo.get(("roles", area_id))  # preload_roles: a batch job asked for many areas
    if known is not None and wanted <= known[0]:
        return list({m.id: m for role, m in known[1] if role in wanted}.values())
    rows = await ctx.session.exec(_WITH_ROLE, params={"area_id": area_id,
                                                      "roles": sorted(wanted)})
    return list({m.id: m for m in rows.all()}.values())


_WITH_ROLE = (select(Member).join(RoleAssignment, RoleAssignment.member_id == Member.id)
              .where(RoleAssignment.area_id == bindparam("area_id"),
                     RoleAssignment.role.in_(bindparam("roles", expanding=True)))
              .order_by(Member.id))


async def preload_roles(ctx: Ctx, area_ids: set[int], roles: set[Role]) -> None:
    """For a batch job (the SLA sweep): who holds `roles` on each of many areas, in one query;
    members_with_role answers from it for the rest of the transaction."""
    held = frozenset(r.value for r in roles)
    found: dict[int, list[tuple[str, Member]]] = {area_id: [] for area_id in area_ids}
    rows = await ctx.session.exec(
        select(RoleAssignment.area_id, RoleAssignment.role, Member)
        .join(RoleAssignment, RoleAssignment.member_id == Member.id)
        .where(RoleAssignment.area_id.in_(area_ids), RoleAssignment.role.in_(held))
        .order_by(Member.id)
    )
    for area_id, role, member in rows.all():
        found[area_id].append((role, member))
    for area_id, people in found.items():
        ctx.memo[("roles", area_id)] = (held, people)
