"""Which areas get a report this period, and who reads each: loaded for all areas at once.

The org tree (without buildings) is read once per run; the readers and the staff groups once
per batch of reports. A run never asks the store about one area at a time. Rows are read as
plain tuples, not ORM objects: building 30,000 ORM instances was a third of a 10,000-grid
run, and a digest changes none of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.members import STAFF_GROUP
from handlers.org_cache import AreaInfo, GroupInfo
from handlers.reports.periods import Period
from models.org import Area, AreaKind, ChatGroup, Member, Role, RoleAssignment


class Reader(NamedTuple):
    """What a digest needs of a person (handlers.reports.delivery.route)."""

    id: int
    platform: str
    private_chat_id: str | None
    locale: str | None
    display_name: str


@dataclass
class Tree:
    children: dict[int | None, list[AreaInfo]] = field(default_factory=dict)  # by code
    by_kind: dict[str, list[AreaInfo]] = field(default_factory=dict)  # by code

    def under(self, area: AreaInfo, kind: AreaKind) -> list[AreaInfo]:
        return [child for child in self.children.get(area.id, []) if child.kind == kind]


@dataclass(frozen=True)
class Report:
    """One report: its area, and the rows it shows (a grid, or a community with its grids)."""

    area: AreaInfo
    rows: tuple[tuple[AreaInfo, tuple[int, ...]], ...] = ()

    @property
    def grid_ids(self) -> list[int]:
        return [grid_id for _area, grids in self.rows for grid_id in grids]


async def load_tree(session: AsyncSession) -> Tree:
    tree = Tree()
    rows = await session.exec(select(Area.id, Area.code, Area.name, Area.kind, Area.parent_id)
                              .where(Area.kind != AreaKind.BUILDING.value).order_by(Area.code))
    for area in (AreaInfo(*row) for row in rows.all()):
        tree.children.setdefault(area.parent_id, []).append(area)
        tree.by_kind.setdefault(area.kind, []).append(area)
    return tree


async def served_areas(session: AsyncSession, period: Period) -> set[int]:
    """Areas with a group the bot was in before the period ended. Without this, a new
    deployment's first start (the catch-up run) would send every group a report of last week
    or last month, a time the bot never saw."""
    rows = await session.exec(select(ChatGroup.area_id).where(ChatGroup.bound_at < period.end)
                              .distinct())
    return set(rows.all())


def daily_reports(tree: Tree, served: set[int]) -> list[Report]:
    return [Report(grid) for grid in tree.by_kind.get(AreaKind.GRID, []) if grid.id in served]


def weekly_reports(tree: Tree, served: set[int]) -> list[Report]:
    reports = []
    for community in tree.by_kind.get(AreaKind.COMMUNITY, []):
        grids = tree.under(community, AreaKind.GRID)
        if grids and served & {community.id, *(g.id for g in grids)}:
            reports.append(Report(community, tuple((g, (g.id,)) for g in grids)))
    return reports


def monthly_reports(tree: Tree, served: set[int]) -> list[Report]:
    reports = []
    for street in tree.by_kind.get(AreaKind.STREET, []):
        rows = tuple((c, tuple(g.id for g in tree.under(c, AreaKind.GRID)))
                     for c in tree.under(street, AreaKind.COMMUNITY))
        area_ids = {street.id, *(c.id for c, _grids in rows), *(g for _c, gs in rows for g in gs)}
        if rows and served & area_ids:
            reports.append(Report(street, rows))
    return reports


async def people_on(session: AsyncSession, area_ids: list[int],
                    roles: set[Role]) -> dict[int, list[Reader]]:
    """Each area's members with one of the roles (on that area itself), by member id."""
    found: dict[int, dict[int, Reader]] = {}
    rows = await session.exec(
        select(RoleAssignment.area_id, Member.id, Member.platform, Member.private_chat_id,
               Member.locale, Member.display_name)
        .join(RoleAssignment, RoleAssignment.member_id == Member.id)
        .where(RoleAssignment.area_id.in_(area_ids),
               RoleAssignment.role.in_([r.value for r in roles]))
        .order_by(Member.id))
    for area_id, *person in rows.all():
        member = Reader(*person)
        found.setdefault(area_id, {})[member.id] = member
    return {area_id: list(members.values()) for area_id, members in found.items()}


async def staff_groups_on(session: AsyncSession,
                          area_ids: list[int]) -> dict[int, list[GroupInfo]]:
    """The areas' staff groups: a digest (who holds what) is never for a residents' group."""
    groups: dict[int, list[GroupInfo]] = {}
    rows = await session.exec(select(ChatGroup.id, ChatGroup.platform, ChatGroup.chat_id,
                                     ChatGroup.area_id, ChatGroup.title, ChatGroup.locale,
                                     ChatGroup.purpose)
                              .where(ChatGroup.area_id.in_(area_ids),
                                     ChatGroup.purpose == STAFF_GROUP)
                              .order_by(ChatGroup.id))
    for group in (GroupInfo(*row) for row in rows.all()):
        groups.setdefault(group.area_id, []).append(group)
    return groups
