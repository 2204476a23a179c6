"""Deadlines on tickets, the sweep's ladder (reminder → breach → community → street → district),
each step once, pausing, and the staff commands around them."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlmodel import select

from handlers import bus
from handlers.supervision.sweep import sweep
from models.messaging import OutboxMessage
from models.org import Area, Member, RoleAssignment
from models.sla import DEFAULT_POLICY_PATH, default_policy
from models.ticket import SlaStep, Ticket, TicketEvent
from tests.support.outbox import take_outbox, texts_to
from tests.support.world import Script, build_world


async def _ticket(deps) -> Ticket:
    async with deps.session_factory() as s:
        return (await s.exec(select(Ticket).order_by(Ticket.id))).first()


async def _steps(deps) -> list[tuple[str, str]]:
    async with deps.session_factory() as s:
        rows = (await s.exec(select(SlaStep).order_by(SlaStep.id))).all()
        return [(r.milestone, r.step) for r in rows]


async def _add_street_command(deps) -> None:
    async with deps.session_factory() as s, s.begin():
        street = (await s.exec(select(Area).where(Area.code == "ZHANNAN"))).one()
        member = Member(platform="telegram", platform_user_id="9001", display_name="街道指挥中心",
                        locale="zh_CN", private_chat_id="9001", created_at=deps.clock.now())
        s.add(member)
        await s.flush()
        s.add(RoleAssignment(member_id=member.id, role="command", area_id=street.id))


def test_default_policy_is_the_one_these_tests_assume():
    deadlines, _calendar, escalation = default_policy().rule_for("lighting")
    assert deadlines.take == timedelta(hours=1) and deadlines.on_site == timedelta(hours=3)
    assert [t.after for t in escalation.tiers] == [timedelta(hours=2)] * 3
    assert [t.to for t in escalation.tiers] == ["community", "street", "district"]


async def test_an_untouched_ticket_climbs_the_ladder_one_step_at_a_time(deps, clock):
    world = await build_world(deps)
    await _add_street_command(deps)
    await bus.receive(Script().text(world.resident, world.group_chat, "/report 路灯不亮"), deps)
    ticket = await _ticket(deps)
    assert ticket.milestone == "take" and ticket.due_at == ticket.created_at + timedelta(hours=1)
    assert ticket.next_due_at == ticket.created_at + timedelta(minutes=48)  # 80 %
    await take_outbox(deps)

    clock.advance(minutes=47)
    assert await sweep(deps) == 0
    clock.advance(minutes=1)
    assert await sweep(deps) == 1 and await sweep(deps) == 0, "each step once"
    out = await take_outbox(deps)
    assert any("时限快到了" in t for t in texts_to(out, world.worker.private_chat))

    clock.advance(minutes=12)
    await sweep(deps)
    out = await take_outbox(deps)
    assert any("已超过接单时限" in t for t in texts_to(out, world.leader.private_chat))

    clock.advance(hours=2)
    await sweep(deps)
    out = await take_outbox(deps)
    assert any("已上报至 四海社区" in t for t in texts_to(out, world.admin.private_chat))
    assert (await _ticket(deps)).tier == "community"

    clock.advance(hours=2)
    await sweep(deps)
    out = await take_outbox(deps)
    assert any("站南街道" in t and "黄牌督办" in t for t in texts_to(out, "9001"))
    assert (await _ticket(deps)).tier == "street"
    assert await _steps(deps) == [("take", "yellow"), ("take", "red"), ("take", "escalate_1"),
                                  ("take", "escalate_2")]


async def test_a_late_sweep_catches_up_every_missed_step_in_order(deps, clock):
    world = await build_world(deps)
    await bus.receive(Script().text(world.resident, world.group_chat, "/report 路灯不亮"), deps)
    clock.advance(hours=10)  # the bot was down all morning
    assert await sweep(deps) == 5
    assert [s for _m, s in await _steps(deps)] == ["yellow", "red", "escalate_1", "escalate_2",
                                                   "escalate_3"]
    ticket = await _ticket(deps)
    assert ticket.tier == "district" and ticket.next_due_at is None
    assert await sweep(deps) == 0


async def test_taking_the_ticket_starts_the_on_site_ladder(deps, clock):
    world = await build_world(deps)
    script = Script()
    await bus.receive(script.text(world.resident, world.group_chat, "/report 路灯不亮"), deps)
    clock.advance(minutes=50)
    await sweep(deps)
    await bus.receive(script.press(world.worker, world.group_chat, "tk:take:1"), deps)
    ticket = await _ticket(deps)
    assert ticket.milestone == "on_site"
    assert ticket.due_at == ticket.created_at + timedelta(hours=3)
    assert ticket.next_due_at == ticket.created_at + timedelta(minutes=144)


async def test_pause_stops_the_clock_and_resume_moves_the_deadline(deps, clock):
    world = await build_world(deps)
    script = Script()
    await bus.receive(script.text(world.resident, world.group_chat, "/report 路灯不亮"), deps)
    await bus.receive(script.press(world.worker, world.group_chat, "tk:take:1"), deps)
    chat = world.worker.private_chat
    await bus.receive(script.text(world.worker, chat, "/pause G0102-0001 居民不在家"), deps)
    paused = await _ticket(deps)
    assert paused.status == "waiting" and paused.next_due_at is None
    clock.advance(hours=5)
    assert await sweep(deps) == 0, "no reminders while waiting for the resident"
    await bus.receive(script.text(world.worker, chat, "/resume G0102-0001"), deps)
    resumed = await _ticket(deps)
    # Resuming means the worker is back on site: the resolve deadline runs, 5 h later.
    assert resumed.status == "on_site"
    assert resumed.due_at == resumed.created_at + timedelta(hours=24 + 5)
    async with deps.session_factory() as s:
        trail = [e.action for e in (await s.exec(select(TicketEvent))).all()]
    assert trail[-2:] == ["pause", "resume"]


async def test_pause_and_escalate_are_refused_to_residents(deps):
    world = await build_world(deps)
    script = Script()
    await bus.receive(script.text(world.resident, world.group_chat, "/report 路灯不亮"), deps)
    await take_outbox(deps)
    for text in ("/pause G0102-0001 我不在家", "/escalate G0102-0001 太慢了"):
        await bus.receive(script.text(world.resident, world.group_chat, text), deps)
        [reply] = await take_outbox(deps)
        assert reply.text == "只有本网格的网格员、网格长或指挥中心可以处理 G0102-0001。"
    assert (await _ticket(deps)).tier == "grid"


async def test_manual_escalation_and_overdue_listing(deps, clock):
    world = await build_world(deps)
    script = Script()
    await bus.receive(script.text(world.resident, world.group_chat, "/report 路灯不亮"), deps)
    await take_outbox(deps)
    chat = world.leader.private_chat
    await bus.receive(script.text(world.leader, chat, "/overdue"), deps)
    assert texts_to(await take_outbox(deps), chat) == ["您负责的区域没有超时工单。"]
    clock.advance(hours=2)
    await bus.receive(script.text(world.leader, chat, "/overdue"), deps)
    [listing] = texts_to(await take_outbox(deps), chat)
    assert "G0102-0001" in listing and "无人接单" in listing
    await bus.receive(script.text(world.other_worker, world.other_worker.private_chat,
                                  "/overdue"), deps)
    assert texts_to(await take_outbox(deps), world.other_worker.private_chat) == [
        "您负责的区域没有超时工单。"], "another grid's worker sees only their own areas"
    await bus.receive(script.text(world.leader, chat, "/escalate G0102-0001 需要社区协调"), deps)
    out = await take_outbox(deps)
    assert "G0102-0001 已上报至 四海社区。" in texts_to(out, chat)
    assert any("需要社区协调" in t for t in texts_to(out, world.admin.private_chat))
    for _ in range(2):
        await bus.receive(script.text(world.leader, chat, "/escalate G0102-0001 再上报"), deps)
    await take_outbox(deps)
    await bus.receive(script.text(world.leader, chat, "/escalate G0102-0001 还要上报"), deps)
    assert texts_to(await take_outbox(deps), chat) == ["G0102-0001 已在最高一级，不能再上报。"]


async def test_two_sweepers_at_once_send_each_step_exactly_once(deps, clock):
    world = await build_world(deps)
    script = Script()
    for i in range(6):
        await bus.receive(script.text(world.resident, world.group_chat, f"/report 路灯{i}不亮"),
                          deps)
    await take_outbox(deps)
    clock.advance(hours=4)  # yellow, red and the community escalation for each
    sent = await asyncio.gather(sweep(deps), sweep(deps), sweep(deps))
    assert sum(sent) == 6 * 3
    assert len(await _steps(deps)) == 6 * 3
    async with deps.session_factory() as s:
        escalations = (await s.exec(select(OutboxMessage).where(
            OutboxMessage.chat_id == world.admin.private_chat))).all()
    assert len(escalations) == 6, "one community escalation per ticket, not one per sweeper"


async def test_a_deployment_can_ship_its_own_policy_file(sqlite_db, clock, tmp_path):
    import pytest

    from bot.bootstrap import build_core
    from bot.errors import OperatorError
    from bot.settings import Settings
    from handlers.context import Config, Deps
    from models.db import make_session_factory

    shipped = DEFAULT_POLICY_PATH.read_text(encoding="utf-8")
    mine = tmp_path / "policy.yaml"
    mine.write_text(shipped.replace("  take: 1h ", "  take: 30m "), encoding="utf-8")
    _kind, _url, engine = sqlite_db
    deps = Deps(make_session_factory(engine), clock, Config(sla_policy=str(mine)))
    world = await build_world(deps)
    await bus.receive(Script().text(world.resident, world.group_chat, "/report 路灯不亮"), deps)
    ticket = await _ticket(deps)
    assert ticket.due_at == ticket.created_at + timedelta(minutes=30)

    bad = tmp_path / "bad.yaml"
    bad.write_text(shipped.replace("  take: 1h ", "  take: soon "), encoding="utf-8")
    # An OperatorError: the CLI says it in one sentence, the key named, with no traceback.
    with pytest.raises(OperatorError, match="take: 'soon' is not a duration"):
        build_core(Settings(_env_file=None, database_url="sqlite+aiosqlite:///x.db",
                            sla_policy=bad))

