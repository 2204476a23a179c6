"""Stopping the bot: work in hand is finished, never cut off in the middle of a database call.

Cancelling a task inside an aiosqlite call can leave the connection's close waiting forever
(the process then never exits); on any database it loses that call's work. So stop() pauses
the scheduler, lets the sender, the media fetcher and running jobs finish what they hold, and
cancels only what overstays its grace.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlmodel import select

from bot.bootstrap import build_core, prepare_database, start_background, stop
from bot.sender import Sender
from bot.settings import Settings
from handlers import bus
from handlers.events import SendText
from models.messaging import OutboxMessage
from models.ticket import Ticket
from tests.support.world import Script, build_world
from tests.unit.test_sender import FAST, FakeTransport, _queue, _statuses


class GatedTransport(FakeTransport):
    """Holds the first send until the test lets it go: a message in flight at stop time."""

    def __init__(self) -> None:
        super().__init__()
        self.in_flight = asyncio.Event()
        self.release = asyncio.Event()

    async def send_text(self, action: SendText, reply_to):
        if not self.calls:
            self.in_flight.set()
            await self.release.wait()
        return await super().send_text(action, reply_to)


async def test_the_sender_finishes_the_message_in_hand_and_leaves_the_rest_pending(deps, clock):
    transport = GatedTransport()
    sender = Sender(deps.session_factory, {"telegram": transport}, clock, FAST)
    await _queue(deps, *(SendText("telegram", "-1", f"第{n}条") for n in (1, 2, 3)))
    running = asyncio.create_task(sender.run_forever(idle_seconds=0.05))
    await asyncio.wait_for(transport.in_flight.wait(), 5)

    sender.request_stop()
    transport.release.set()
    await asyncio.wait_for(running, 5)

    assert not running.cancelled()
    assert transport.calls == [("send", "-1", "第1条")]
    assert await _statuses(deps) == ["sent", "pending", "pending"], "sent after the restart"


async def _running_core(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path}/stop.db"
    await prepare_database(url)
    settings = Settings(_env_file=None, database_url=url, runtime="webchat",
                        media_dir=tmp_path / "media")
    core = build_core(settings)
    await start_background(core, {"telegram": FakeTransport()})
    return core


async def test_stop_lets_a_running_job_commit_before_closing(tmp_path):
    core = await _running_core(tmp_path)
    started, release = asyncio.Event(), asyncio.Event()

    async def slow_job() -> None:
        started.set()
        await release.wait()
        async with core.deps.session_factory() as s, s.begin():
            s.add(OutboxMessage(platform="telegram", chat_id="-9", kind="send", payload="{}",
                                not_before=datetime.now(UTC), created_at=datetime.now(UTC),
                                status="failed"))

    core.scheduler.add_job(core.job_runs.track(slow_job), next_run_time=datetime.now(UTC))
    await asyncio.wait_for(started.wait(), 5)
    stopping = asyncio.create_task(stop(core, grace_seconds=10))
    await asyncio.sleep(0.5)  # without the wait, stop() is done well within this
    assert not stopping.done(), "stop waits for the job in hand"
    release.set()
    await asyncio.wait_for(stopping, 5)

    assert not core.scheduler.running
    core2 = await _running_core(tmp_path)  # the same file, opened again
    async with core2.deps.session_factory() as s:
        rows = (await s.exec(select(OutboxMessage).where(OutboxMessage.chat_id == "-9"))).all()
    await stop(core2)
    assert len(rows) == 1, "the job's write was committed, not cut off"


async def test_a_job_that_overstays_the_grace_is_cancelled(tmp_path):
    core = await _running_core(tmp_path)
    started, cancelled = asyncio.Event(), asyncio.Event()

    async def stuck_job() -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    core.scheduler.add_job(core.job_runs.track(stuck_job), next_run_time=datetime.now(UTC))
    await asyncio.wait_for(started.wait(), 5)
    await asyncio.wait_for(stop(core, grace_seconds=0.2), 5)
    assert cancelled.is_set()
    assert core.job_runs.running() == set()


async def test_every_scheduled_job_is_tracked(tmp_path):
    core = await _running_core(tmp_path)
    try:
        jobs = core.scheduler.get_jobs()
        assert {j.id for j in jobs} >= {"replay-inbox", "sla-sweep", "digest-daily"}
        assert all(hasattr(j.func, "__wrapped__") for j in jobs), "stop() could not wait for it"
    finally:
        await stop(core)


async def test_stop_lets_an_update_in_hand_become_its_ticket(tmp_path, monkeypatch):
    """aiogram's polling stops without waiting for the handlers it started: stop() waits."""
    core = await _running_core(tmp_path)
    world = await build_world(core.deps)
    started, release = asyncio.Event(), asyncio.Event()
    handle = bus.process

    async def slow_process(inbox_id, event, deps) -> None:
        started.set()
        await release.wait()
        await handle(inbox_id, event, deps)

    monkeypatch.setattr(bus, "process", slow_process)
    report = Script().text(world.resident, world.group_chat, "/report 路灯不亮")
    handling = asyncio.create_task(bus.receive(report, core.deps))
    await asyncio.wait_for(started.wait(), 5)
    assert handling in core.deps.in_flight
    stopping = asyncio.create_task(stop(core, grace_seconds=10))
    await asyncio.sleep(0.5)  # without the wait, stop() is done well within this
    assert not stopping.done(), "stop waits for the update in hand"
    release.set()
    await asyncio.wait_for(stopping, 5)
    assert handling.result() is True and core.deps.in_flight == set()

    core2 = await _running_core(tmp_path)
    async with core2.deps.session_factory() as s:
        numbers = (await s.exec(select(Ticket.number))).all()
    await stop(core2)
    assert numbers == ["G0102-0001"]
