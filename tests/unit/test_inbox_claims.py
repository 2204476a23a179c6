"""Issue 9 ingest: the inbox stores batches durably, handles them boundedly, replays each once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlmodel import select

from handlers import bus, inbox, router
from models.messaging import InboxUpdate
from tests.support.outbox import take_outbox
from tests.support.world import Script, build_world
from tests.unit._helpers import all_tickets

BURST = 1000


async def test_two_replays_and_a_live_handler_handle_one_update_once(deps, monkeypatch):
    """A slow handler (longer than the replay interval) and two replay jobs: one ticket."""
    world = await build_world(deps)
    real_route, runs = router.route, []

    async def slow(event, ctx):
        runs.append(event.update_key)
        await asyncio.sleep(0.5)  # still handling when the replays look at its row
        await real_route(event, ctx)

    monkeypatch.setattr(router, "route", slow)
    event = Script().text(world.resident, world.group_chat, "/report 3号楼声控灯不亮")
    inbox_id = await bus._store(event, deps)
    live = asyncio.create_task(bus.process(inbox_id, event, deps))
    await asyncio.sleep(0.1)
    await asyncio.gather(live, *(bus.replay_pending(deps, older_than=timedelta(0))
                                 for _ in range(2)))
    assert runs == [event.update_key], "handled by exactly one of the three"
    assert [t.number for t in await all_tickets(deps)] == ["G0102-0001"]
    cards = [a for a in await take_outbox(deps) if (getattr(a, "ref", None) or "") == "card:1"]
    assert len(cards) == 1


async def test_a_batch_is_stored_in_one_go_and_a_redelivery_is_not_stored_again(deps):
    world = await build_world(deps)
    script = Script()
    events = [script.text(world.resident, world.group_chat, f"/report {i}号楼灯不亮")
              for i in range(3)]
    stored = await inbox.store_batch(events, deps)
    assert [e for _id, e in stored] == events and len({i for i, _e in stored}) == 3
    again = await inbox.store_batch([events[1], script.text(world.resident, world.group_chat,
                                                           "/report 井盖破损")], deps)
    assert [e.text for _id, e in again] == ["/report 井盖破损"], "the redelivered one is skipped"
    async with deps.session_factory() as s:
        assert len((await s.exec(select(InboxUpdate))).all()) == 4


async def test_handling_never_uses_more_than_its_slots(deps, monkeypatch):
    world = await build_world(deps)
    deps.config.duplicate_window_hours = 0
    real_process, busy, peak = bus._process, [0], [0]

    async def counting(inbox_id, event, deps):
        busy[0] += 1
        peak[0] = max(peak[0], busy[0])
        try:
            await asyncio.sleep(0.01)  # each one holds its slot a while
            await real_process(inbox_id, event, deps)
        finally:
            busy[0] -= 1

    monkeypatch.setattr(bus, "_process", counting)
    deps.handling_slots = asyncio.Semaphore(3)
    script = Script()
    events = [script.text(world.resident, world.group_chat, f"/report {i}号楼灯不亮")
              for i in range(30)]
    await asyncio.gather(*bus.start_handling(await inbox.store_batch(events, deps), deps))
    assert peak[0] == 3
    assert len(await all_tickets(deps)) == 30


async def test_a_burst_at_once_ends_with_every_ticket(deps):
    """1,000 updates at once through the intake path (store the batches, handle in the
    background): on PostgreSQL an unbounded burst used to time out on the pool."""
    world = await build_world(deps)
    deps.config.duplicate_window_hours = 0
    script = Script()
    events = [script.text(world.resident, world.group_chat, f"/report 第{i}号：楼道灯不亮")
              for i in range(BURST)]
    tasks = []
    for start in range(0, BURST, 100):  # getUpdates hands out at most 100 at a time
        await inbox.wait_for_room(deps)
        tasks += bus.start_handling(await inbox.store_batch(events[start:start + 100], deps),
                                      deps)
    await asyncio.gather(*tasks)
    assert len(await all_tickets(deps)) == BURST
    async with deps.session_factory() as s:
        statuses = (await s.exec(select(InboxUpdate.status))).all()
    assert statuses == ["done"] * BURST
