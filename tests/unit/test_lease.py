"""Several processes on one PostgreSQL database: each digest goes out once, from the process
holding the lease, and another process takes over when the holder's session dies."""

from __future__ import annotations

import asyncio
import random

import pytest
from sqlalchemy import text

from handlers.context import Config, Deps
from models.db import make_engine, make_session_factory
from scheduler.digests import keep_lease
from scheduler.lease import Lease
from scheduler.setup import build_scheduler
from tests.support.db import PG_URL
from tests.support.outbox import take_outbox, texts_to
from tests.support.statements import watch
from tests.support.world import build_world


async def _run_jobs(scheduler) -> None:
    """What the scheduler fires at start: every job's function, concurrently."""
    await asyncio.gather(*(job.func(*job.args, **job.kwargs) for job in scheduler.get_jobs()
                           if job.id.startswith("digest")))


async def _holder_pid(engine, key: int) -> int | None:
    async with engine.connect() as conn:
        return (await conn.execute(text(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = :key "
            "AND classid = 0 AND granted"), {"key": key})).scalar()


@pytest.mark.postgres
async def test_two_schedulers_send_each_digest_once_and_fail_over(any_db, deps, clock):
    kind, url, engine = any_db
    if kind != "postgres":
        pytest.skip("the lease is for PostgreSQL; SQLite assumes one process")
    schema = url.partition("#schema=")[2]
    other_engine = make_engine(PG_URL, connect_args={"server_settings": {"search_path": schema}})
    other = Deps(make_session_factory(other_engine), clock, Config())
    key = random.randrange(1, 2**31)  # the test database is shared: a lock of our own
    first, second = Lease(engine, key), Lease(other_engine, key)
    try:
        world = await build_world(deps)
        clock.advance(hours=9)  # Monday 18:00: both processes' daily job fires
        schedulers = [build_scheduler(deps, lease=first), build_scheduler(other, lease=second)]
        assert {j.id for j in schedulers[0].get_jobs()} >= {"digest-daily", "digest-lease"}
        await asyncio.gather(*(_run_jobs(s) for s in schedulers))
        assert len(texts_to(await take_outbox(deps), world.leader.private_chat)) == 1
        assert [first.holding, second.holding].count(True) == 1
        holder, standby = (first, second) if first.holding else (second, first)
        holder_engine = engine if holder is first else other_engine

        # The holder's session dies (a crash, a cut network) before Tuesday's report.
        pid = await _holder_pid(holder_engine, key)
        async with engine.connect() as conn:
            await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            await conn.commit()
        clock.advance(days=1)
        standby_deps = other if standby is second else deps
        assert await keep_lease(standby, standby_deps) == 1, "took over and caught up"
        assert standby.holding
        old = schedulers[0] if holder is first else schedulers[1]
        with watch(holder_engine) as seen:
            await _run_jobs(old)
        assert seen.touching("outbox_message") == [], "the old holder leaves the digests alone"
        assert not holder.holding
        await asyncio.gather(*(_run_jobs(s) for s in schedulers))
        reports = texts_to(await take_outbox(deps), world.leader.private_chat)
        assert len(reports) == 1 and "11-03" in reports[0]
    finally:
        await first.release()
        await second.release()
        await other_engine.dispose()


async def test_on_sqlite_the_one_process_always_holds_the_lease(sqlite_db):
    _kind, _url, engine = sqlite_db
    lease = Lease(engine)
    assert await lease.held() and lease.holding and not lease.shared
