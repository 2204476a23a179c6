"""A report that arrived is a ticket even if the bot crashes right after, or a handler fails."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from handlers import bus, router
from models.messaging import InboxUpdate
from models.ticket import Ticket
from tests.support.outbox import take_outbox
from tests.support.world import Script, build_world


async def _tickets(deps) -> list[Ticket]:
    async with deps.session_factory() as s:
        return list((await s.exec(select(Ticket))).all())


async def test_crash_between_storing_and_handling_is_caught_up_on_start(deps):
    world = await build_world(deps)
    event = Script().text(world.resident, world.group_chat, "/report 3号楼声控灯不亮")
    assert await bus._store(event, deps) is not None  # the process dies right here
    assert await _tickets(deps) == []
    assert await bus.replay_pending(deps, older_than=timedelta(0)) == 1
    [ticket] = await _tickets(deps)
    assert ticket.number == "G0102-0001"
    assert await bus.receive(event, deps) is False, "Telegram redelivering it changes nothing"
    assert len(await _tickets(deps)) == 1


async def test_a_failing_handler_keeps_the_update_and_a_later_run_completes_it(
    deps, monkeypatch
):
    world = await build_world(deps)
    real_route = router.route
    calls = {"n": 0}

    async def flaky(event, ctx):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionResetError("database went away")
        await real_route(event, ctx)

    monkeypatch.setattr(router, "route", flaky)
    event = Script().text(world.resident, world.group_chat, "/report 下水道堵了")
    await bus.receive(event, deps)
    assert await _tickets(deps) == []
    assert await take_outbox(deps) == [], "no stack trace, no half message in the chat"
    async with deps.session_factory() as s:
        row = (await s.exec(select(InboxUpdate))).one()
    assert row.status == "pending" and row.attempts == 1 and "database went away" in row.last_error
    await bus.replay_pending(deps, older_than=timedelta(0))
    assert len(await _tickets(deps)) == 1


async def test_after_repeated_failures_the_person_gets_a_localised_apology(deps, monkeypatch):
    world = await build_world(deps)

    async def broken(event, ctx):
        raise RuntimeError("bug")

    monkeypatch.setattr(router, "route", broken)
    event = Script().text(world.resident, world.group_chat, "/report 路灯不亮")
    await bus.receive(event, deps)
    for _ in range(bus.MAX_ATTEMPTS - 1):
        await bus.replay_pending(deps, older_than=timedelta(0))
    out = await take_outbox(deps)
    assert [a.text for a in out] == ["抱歉，系统出了点问题。您的消息已保存，工作人员会跟进。"]
    async with deps.session_factory() as s:
        row = (await s.exec(select(InboxUpdate))).one()
    assert row.status == "failed" and row.payload  # kept for staff to follow up
