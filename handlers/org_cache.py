"""The organisation in memory: the area tree and the bound groups, read once per process.

A report used to look up its group and every area above its grid (nine queries); these
change when someone binds a group or imports an org, which is rare. Each transaction that
asks the cache first reads `org_version` (one primary-key read, models/org/version.py); when
the number moved, by this process or another one, the cache is emptied before it is used.
So it is never wrong across processes, unlike a TTL, and costs one statement per update.

What a transaction loads is kept under the version it read, and only if that is still the
cache's version: a task that read an older number cannot put old rows into a newer cache.
The values are frozen copies, never ORM objects: nothing can change them through a session.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import select

from models import core_sql
from models.org import Area, ChatGroup
from models.org.version import OrgVersion


@dataclass(frozen=True)
class AreaInfo:
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None


@dataclass(frozen=True)
class GroupInfo:
    id: int
    platform: str
    chat_id: str
    area_id: int
    title: str
    locale: str | None
    purpose: str


_MISSING = object()


@dataclass
class OrgCache:
    version: object = _MISSING
    areas: dict[int, AreaInfo | None] = field(default_factory=dict)
    group_by_chat: dict[tuple[str, str], GroupInfo | None] = field(default_factory=dict)
    groups_by_area: dict[tuple[str, int], list[GroupInfo]] = field(default_factory=dict)

    def clear(self, version: object) -> None:
        self.version = version
        self.areas.clear()
        self.group_by_chat.clear()
        self.groups_by_area.clear()


async def _checked(ctx) -> OrgCache | None:
    """The cache, if this transaction may use it (its version read and current)."""
    cache: OrgCache = ctx.deps.org_cache
    if ctx.org_version is None:
        rows = await core_sql.run(ctx.session, "org_cache.version", _version_statement)
        ctx.org_version = rows[0][0] if rows else None
        if ctx.org_version is None:  # no row (a database made without it): never cache
            ctx.org_version = _MISSING
        elif ctx.org_version != cache.version:
            cache.clear(ctx.org_version)
    if ctx.org_version is _MISSING or ctx.org_version != cache.version:
        return None
    return cache


def _version_statement(_dialect: str):
    table = OrgVersion.__table__
    return select(table.c.version).where(table.c.id == 1)


def _info(group: ChatGroup) -> GroupInfo:
    return GroupInfo(group.id, group.platform, group.chat_id, group.area_id, group.title,
                     group.locale, group.purpose)


async def area(ctx, area_id: int) -> AreaInfo | None:
    cache = await _checked(ctx)
    if cache is not None and area_id in cache.areas:
        return cache.areas[area_id]
    row = await ctx.session.get(Area, area_id)
    info = None if row is None else AreaInfo(row.id, row.code, row.name, row.kind, row.parent_id)
    if cache is not None:
        cache.areas[area_id] = info
    return info


async def group_of_chat(ctx, chat_id: str) -> GroupInfo | None:
    """The group bound to this chat, whatever its purpose."""
    cache, key = await _checked(ctx), (ctx.platform, chat_id)
    if cache is not None and key in cache.group_by_chat:
        return cache.group_by_chat[key]
    row = (await ctx.session.exec(select(ChatGroup).where(
        ChatGroup.platform == ctx.platform, ChatGroup.chat_id == chat_id))).first()
    info = None if row is None else _info(row)
    if cache is not None:
        cache.group_by_chat[key] = info
    return info


async def groups_of_area(ctx, area_id: int) -> list[GroupInfo]:
    """Every group bound to the area (residents' and staff), oldest first."""
    cache, key = await _checked(ctx), (ctx.platform, area_id)
    if cache is not None and key in cache.groups_by_area:
        return cache.groups_by_area[key]
    rows = await ctx.session.exec(select(ChatGroup).where(
        ChatGroup.platform == ctx.platform, ChatGroup.area_id == area_id).order_by(ChatGroup.id))
    infos = [_info(row) for row in rows.all()]
    if cache is not None:
        cache.groups_by_area[key] = infos
    return infos


async def preload(ctx, area_ids: set[int]) -> None:
    """The areas, every area above them and the groups bound to all of these, in a query per
    level and one for the groups, where `area`/`groups_of_area` would ask once per area: for
    a batch job (the SLA sweep) over tickets of many grids on a cold cache."""
    cache = await _checked(ctx)
    if cache is None:
        return
    chain: set[int] = set()
    wanted = set(area_ids)
    while wanted:  # one level of the tree per round
        if missing := {a for a in wanted if a not in cache.areas}:
            rows = await ctx.session.exec(select(Area.id, Area.code, Area.name, Area.kind,
                                                 Area.parent_id).where(Area.id.in_(missing)))
            if ctx.org_version != cache.version:
                return  # the org moved while we read: keep nothing read under the old number
            for row in rows.all():
                cache.areas[row[0]] = AreaInfo(*row)
            for area_id in missing - cache.areas.keys():
                cache.areas[area_id] = None
        chain |= wanted
        wanted = {info.parent_id for a in wanted
                  if (info := cache.areas[a]) is not None and info.parent_id is not None} - chain
    if missing := {a for a in chain if (ctx.platform, a) not in cache.groups_by_area}:
        found: dict[int, list[GroupInfo]] = {a: [] for a in missing}
        rows = await ctx.session.exec(select(ChatGroup).where(
            ChatGroup.platform == ctx.platform, ChatGroup.area_id.in_(missing))
            .order_by(ChatGroup.id))
        if ctx.org_version != cache.version:
            return
        for row in rows.all():
            found[row.area_id].append(_info(row))
        for area_id, infos in found.items():
            cache.groups_by_area[(ctx.platform, area_id)] = infos


def forget_version(ctx) -> None:
    """After this transaction changed the org itself: read the (bumped) number again."""
    ctx.org_version = None
