"""An untouched ticket climbs grid → community → street on schedule, on each Telegram runtime."""

from __future__ import annotations

import pytest
from sqlmodel import select

from handlers.supervision.sweep import sweep
from models.org import Area, Member, RoleAssignment
from models.ticket import Ticket

pytestmark = pytest.mark.e2e


async def _tier(stage) -> str:
    async with stage.deps.session_factory() as s:
        return (await s.exec(select(Ticket))).one().tier


async def test_untouched_ticket_escalates_on_schedule(stage):
    emu, u, clock = stage.emu, stage.users, stage.deps.clock
    async with stage.deps.session_factory() as s, s.begin():
        street = (await s.exec(select(Area).where(Area.code == "ZHANNAN"))).one()
        boss = Member(platform="telegram", platform_user_id="9001", display_name="街道指挥中心",
                      locale="zh_CN", private_chat_id="9001", created_at=clock.now())
        s.add(boss)
        await s.flush()
        s.add(RoleAssignment(member_id=boss.id, role="command", area_id=street.id))
    street_user = emu.add_user("街道指挥中心", started=True, user_id=9001)

    await emu.send_text(u["resident"], stage.group, "/report 路灯不亮")
    await emu.wait_for(lambda: stage.card("G0102-0001"))
    worker_chat, leader_chat = emu.private_chat(u["worker"]), emu.private_chat(u["leader"])

    clock.advance(minutes=50)  # 80 % of the hour to take it
    await sweep(stage.deps)  # what the per-minute job does
    await emu.wait_for(lambda: stage.last_bot_message(worker_chat, "时限快到了"), timeout=10)
    clock.advance(minutes=15)
    await sweep(stage.deps)
    await emu.wait_for(lambda: stage.last_bot_message(leader_chat, "已超过接单时限"), timeout=10)
    clock.advance(hours=2)
    await sweep(stage.deps)
    await emu.wait_for(lambda: stage.last_bot_message(emu.private_chat(u["admin"]), "四海社区"),
                       timeout=10)
    assert await _tier(stage) == "community"
    clock.advance(hours=2)
    await sweep(stage.deps)
    message = await emu.wait_for(
        lambda: stage.last_bot_message(emu.private_chat(street_user), "黄牌督办"), timeout=10)
    assert "站南街道" in message["text"] and await _tier(stage) == "street"
    assert await sweep(stage.deps) == 0, "nothing is sent twice"
