"""A province-sized org for benchmarks: districts → streets → communities → grids.

    await generate(session_factory, grids=10_000, tickets=0, seed=1)

Ten children per parent (the last of a level may have fewer). Every grid has a worker and a
leader (each with a private chat), and a bound residents' group on Telegram with chat id
`group_chat(n)`; every community an admin. With `tickets`, a year of tickets spread over
random grids, each reported by its grid's resident: those of the last three days are still
open with their real deadlines (so a sweep has work), older ones are closed and rated.

Written with bulk Core inserts (insertmanyvalues), so 10,000 grids take seconds, not minutes.
The database must hold the schema and no org yet.
"""

from __future__ import annotations

import math
import random
from datetime import timedelta

from sqlalchemy import insert, update

from models.categories import OTHER
from models.clock import Clock
from models.lifecycle import Status
from models.org import Area, ChatGroup, Member, RoleAssignment
from models.sla import default_policy, milestone_for, when_next
from models.ticket import Ticket

PLATFORM = "telegram"
FAN_OUT = 10
OPEN_DAYS = 3
CATEGORIES = ("lighting", "sanitation", "drainage", "noise", OTHER)


def group_chat(n: int) -> str:
    """The Telegram chat id of grid number n (0-based)."""
    return str(-1_002_000_000_000 - n)


def grid_code(n: int) -> str:
    return f"G{n:05d}"


async def _areas(session, rows: list[dict]) -> list[int]:
    result = await session.execute(insert(Area).returning(Area.id, sort_by_parameter_order=True),
                                   rows)
    return [r.id for r in result]


async def _people(session, rows: list[tuple[str, str, str, int]], now) -> list[int]:
    """(user id, name, role, area id) → members with one role each; their member ids."""
    members = [dict(platform=PLATFORM, platform_user_id=uid, display_name=name, locale="zh_CN",
                    private_chat_id=uid, created_at=now) for uid, name, _role, _area in rows]
    result = await session.execute(
        insert(Member).returning(Member.id, sort_by_parameter_order=True), members)
    ids = [r.id for r in result]
    await session.execute(insert(RoleAssignment), [
        dict(member_id=mid, role=role, area_id=area, department_id=None)
        for mid, (_uid, _name, role, area) in zip(ids, rows, strict=True)])
    return ids


async def _tree(session, grids: int) -> tuple[list[int], list[int]]:
    """(community ids, grid ids), the grids in order."""
    communities = math.ceil(grids / FAN_OUT)
    streets = math.ceil(communities / FAN_OUT)
    districts = math.ceil(streets / FAN_OUT)
    parents = await _areas(session, [dict(code=f"D{i:03d}", name=f"第{i + 1}区",
                                          kind="district", parent_id=None, ticket_seq=0)
                                     for i in range(districts)])
    for kind, count, prefix, word in (("street", streets, "S", "街道"),
                                      ("community", communities, "C", "社区")):
        parents = await _areas(session, [
            dict(code=f"{prefix}{i:04d}", name=f"第{i + 1}{word}", kind=kind,
                 parent_id=parents[i // FAN_OUT], ticket_seq=0) for i in range(count)])
    grid_ids = await _areas(session, [
        dict(code=grid_code(i), name=f"第{i + 1}网格", kind="grid",
             parent_id=parents[i // FAN_OUT], ticket_seq=0) for i in range(grids)])
    return parents, grid_ids


async def generate(session_factory, grids: int = 10_000, tickets: int = 0, seed: int = 1,
                   clock: Clock | None = None) -> list[int]:
    """Write the province; returns the grid ids in order (grid n has chat group_chat(n))."""
    rng = random.Random(seed)
    now = (clock or Clock()).now()
    async with session_factory() as session, session.begin():
        communities, grid_ids = await _tree(session, grids)
        staff = [(f"9{n:07d}", f"网格员{n}", "worker", gid) for n, gid in enumerate(grid_ids)]
        staff += [(f"8{n:07d}", f"网格长{n}", "leader", gid) for n, gid in enumerate(grid_ids)]
        staff += [(f"7{n:07d}", f"社区管理员{n}", "admin", cid)
                  for n, cid in enumerate(communities)]
        await _people(session, staff, now)
        await session.execute(insert(ChatGroup), [
            dict(platform=PLATFORM, chat_id=group_chat(n), area_id=gid, title=f"第{n + 1}网格群",
                 locale=None, bound_by_member_id=None, bound_at=now, purpose="residents")
            for n, gid in enumerate(grid_ids)])
        if tickets:
            await _tickets(session, rng, grid_ids, tickets, now)
    return grid_ids


async def _tickets(session, rng: random.Random, grid_ids: list[int], count: int, now) -> None:
    residents = await _people(session, [(f"6{n:07d}", f"居民{n}", "resident", gid)
                                        for n, gid in enumerate(grid_ids)], now)
    policy, seq, rows = default_policy(), {}, []
    for age in sorted((rng.uniform(0, 365) for _ in range(count)), reverse=True):
        n = rng.randrange(len(grid_ids))
        seq[n] = seq.get(n, 0) + 1
        created = now - timedelta(days=age)
        category = rng.choice(CATEGORIES)
        row = dict(number=f"{grid_code(n)}-{seq[n]:04d}", grid_id=grid_ids[n],
                   reporter_id=residents[n], text="楼道灯不亮", category=category,
                   source_platform=PLATFORM, source_chat_id=group_chat(n),
                   created_at=created, updated_at=created, status=Status.CLOSED.value,
                   rating=rng.choice((1, 2, 3, 4)), milestone=None, due_at=None,
                   next_due_at=None)
        if age < OPEN_DAYS:
            deadlines, calendar, escalation = policy.rule_for(category)
            milestone = milestone_for(Status.NEW)
            due = calendar.add(created, deadlines.of(milestone))
            row.update(status=Status.NEW.value, rating=None, milestone=milestone.value,
                       due_at=due, next_due_at=when_next(created, due, (), escalation, calendar))
        rows.append(row)
    await session.execute(insert(Ticket), rows)
    for n, last in seq.items():
        await session.execute(update(Area).where(Area.id == grid_ids[n]).values(ticket_seq=last))
