"""The org of the multi-worker test: one community of N grids, each with a worker, a leader
and a bound residents' group, in the database and in the Bot API emulator alike.

The groups are bound long ago (`bound_at`), so the start-up catch-up owes yesterday's daily
report, last week's and last month's: the digests fall due while the test runs, with no
clock to move (handlers/reports/plan.py: a period counts once a group was bound before its end).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from handlers.context import Deps
from models.org import Area, ChatGroup, Member, RoleAssignment
from tests.emulator import BotApiEmulator

PLATFORM = "telegram"


@dataclass
class Grid:
    code: str
    group: object  # the emulator's chat
    worker: object  # the emulator's users
    leader: object


async def _person(s, uid: int, name: str, role: str, area_id: int, now: datetime) -> None:
    member = Member(platform=PLATFORM, platform_user_id=str(uid), display_name=name,
                    locale="zh_CN", private_chat_id=str(uid), created_at=now)
    s.add(member)
    await s.flush()
    s.add(RoleAssignment(member_id=member.id, role=role, area_id=area_id))


async def build_community(deps: Deps, bound_at: datetime) -> int:
    """District, street and community, with an admin on the street and one on the community
    (the weekly and monthly reports' readers); returns the community's id."""
    async with deps.session_factory() as s, s.begin():
        district = Area(code="SHUANGTA", name="双塔区", kind="district")
        s.add(district)
        await s.flush()
        street = Area(code="ZHANNAN", name="站南街道", kind="street", parent_id=district.id)
        s.add(street)
        await s.flush()
        community = Area(code="SIHAI", name="四海社区", kind="community", parent_id=street.id)
        s.add(community)
        await s.flush()
        await _person(s, 3001, "街道管理员", "admin", street.id, bound_at)
        await _person(s, 3002, "社区管理员", "admin", community.id, bound_at)
        return community.id


async def add_grid(deps: Deps, emu: BotApiEmulator, n: int, bound_at: datetime) -> Grid:
    """Grid G02nn with its worker (21nn), leader (22nn) and group (-100200nn)."""
    code, chat_id = f"G02{n:02d}", -10020000 - n
    async with deps.session_factory() as s, s.begin():
        community = (await s.exec(select(Area).where(Area.code == "SIHAI"))).one()
        grid = Area(code=code, name=f"四海社区第{n}网格", kind="grid", parent_id=community.id)
        s.add(grid)
        await s.flush()
        await _person(s, 2100 + n, f"网格员{n}", "worker", grid.id, bound_at)
        await _person(s, 2200 + n, f"网格长{n}", "leader", grid.id, bound_at)
        s.add(ChatGroup(platform=PLATFORM, chat_id=str(chat_id), area_id=grid.id,
                        title=f"四海{n}网格群", bound_at=bound_at))
    worker = emu.add_user(f"网格员{n}", language_code="zh-hans", started=True, user_id=2100 + n)
    leader = emu.add_user(f"网格长{n}", language_code="zh-hans", started=True, user_id=2200 + n)
    group = emu.add_group(f"四海{n}网格群", members=[worker, leader], bot_is_admin=True,
                          chat_id=chat_id)
    return Grid(code, group, worker, leader)


def add_admins(emu: BotApiEmulator) -> None:
    for uid, name in ((3001, "街道管理员"), (3002, "社区管理员")):
        emu.add_user(name, language_code="zh-hans", started=True, user_id=uid)
