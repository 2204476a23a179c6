"""The location picker's presets for one person: the places of her own community.

The presets are data (demo_places.yaml, keyed by community code), so a second community
needs no JavaScript. A role at or below a community (a grid, a building) gives that
community; a role above one (a street's liaison, a district's command centre) gives every
community beneath it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from sqlmodel import select

from models.org import Area, Member, RoleAssignment

PRESETS = Path(__file__).with_name("demo_places.yaml")


@cache
def presets(path: Path = PRESETS) -> dict[str, list[dict]]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


async def places_for(session, member: Member, path: Path = PRESETS) -> list[dict]:
    areas = {a.id: a for a in (await session.exec(select(Area))).all()}
    scopes = (await session.exec(
        select(RoleAssignment.area_id).where(RoleAssignment.member_id == member.id)
        .order_by(RoleAssignment.id))).all()
    codes: list[str] = []
    for scope in scopes:
        for code in _communities(areas, scope):
            if code not in codes:
                codes.append(code)
    table = presets(path)
    return [dict(place) for code in codes for place in table.get(code, [])]


def _communities(areas: dict[int, Area], scope: int) -> list[str]:
    current = areas.get(scope)
    while current is not None:  # up: the community this grid or building belongs to
        if current.kind == "community":
            return [current.code]
        current = areas.get(current.parent_id)
    return [a.code for a in areas.values()  # down: every community under a street/district
            if a.kind == "community" and _under(areas, a, scope)]


def _under(areas: dict[int, Area], area: Area, ancestor: int) -> bool:
    current = area
    while current is not None:
        if current.id == ancestor:
            return True
        current = areas.get(current.parent_id)
    return False
