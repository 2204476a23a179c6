"""The SLA sweep's cost follows the tickets that are due, not the tickets that are open.

    .venv/bin/python -m bench.sla_sweep [ROUNDS]

For each database (SQLite, and PostgreSQL at GRIDBOT_TEST_PG_URL when it answers), in a fresh
database with the test org: OPEN tickets that are not due for another 48 minutes, plus DUE
tickets 50 minutes old, whose take deadline (1 h) has reached yellow (80 %). One timed call of
the real `sweep()` must send exactly DUE reminders (checked, so a broken sweep cannot give a
nice figure). Three shapes, interleaved over ROUNDS rounds (median):

- open 1,000 / due 50 and open 20,000 / due 50: the ratio should stay near 1 (the index);
- open 1,000 / due 500: the cost should grow with what is due.

It also prints the sweep's query plan, to show the `next_due_at` index is what finds the
work. Machines here are noisy: read the ratios within one run, not the absolute numbers.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, text

from handlers.context import Config, Deps
from handlers.sla_sweep import sweep
from models.clock import FakeClock
from models.db import make_session_factory
from models.ticket import Ticket
from tests.support.db import fresh_database
from tests.support.world import PLATFORM, build_world

SHAPES = ((1_000, 50), (20_000, 50), (1_000, 500))
TAKE = timedelta(hours=1)
# handlers/sla_sweep.py's selection (without FOR UPDATE SKIP LOCKED, which EXPLAIN refuses
# on SQLite and which does not change how PostgreSQL finds the rows).
SWEEP_SELECTION = ("SELECT * FROM ticket WHERE next_due_at <= :now "
                   "ORDER BY next_due_at LIMIT 100")
YELLOW = timedelta(minutes=48)  # 80 % of the take deadline


def _rows(world, now, count: int, age: timedelta, start: int) -> list[dict]:
    created = now - age
    return [
        {
            "number": f"B{start + n:07d}", "grid_id": world.grid_id,
            "reporter_id": world.resident.member_id, "text": "楼道灯不亮", "category": "lighting",
            "urgent": False, "status": "new", "source_platform": PLATFORM,
            "source_chat_id": world.group_chat, "created_at": created, "updated_at": created,
            "version": 0, "tier": "grid", "milestone": "take", "due_at": created + TAKE,
            "next_due_at": created + YELLOW, "paused_seconds": 0, "on_the_spot": False,
        }
        for n in range(count)
    ]


async def _one(kind: str, folder: Path, open_count: int, due_count: int) -> float:
    """Seconds for one sweep over a fresh database of that shape."""
    _url, engine, cleanup = await fresh_database(kind, folder)
    try:
        clock = FakeClock()
        deps = Deps(make_session_factory(engine), clock, Config(bot_username="bench_bot"))
        world = await build_world(deps)
        now = clock.now()
        batch = _rows(world, now, open_count, timedelta(0), 0)
        batch += _rows(world, now, due_count, timedelta(minutes=50), open_count)
        async with engine.begin() as conn:
            for i in range(0, len(batch), 5_000):
                await conn.execute(insert(Ticket), batch[i:i + 5_000])
        if kind == "postgres":
            async with engine.begin() as conn:
                await conn.execute(text("ANALYZE ticket"))
        started = time.perf_counter()
        sent = await sweep(deps)
        seconds = time.perf_counter() - started
        assert sent == due_count, f"the sweep sent {sent} steps, expected {due_count}"
        return seconds
    finally:
        await engine.dispose()
        if cleanup:
            await cleanup()


async def _plan(kind: str, folder: Path) -> list[str]:
    """The database's plan for the sweep's selection, over a table of 20,000 open tickets."""
    _url, engine, cleanup = await fresh_database(kind, folder)
    try:
        clock = FakeClock()
        deps = Deps(make_session_factory(engine), clock, Config(bot_username="bench_bot"))
        world = await build_world(deps)
        async with engine.begin() as conn:
            await conn.execute(insert(Ticket), _rows(world, clock.now(), 20_000, timedelta(0), 0))
        async with engine.begin() as conn:
            if kind == "postgres":
                await conn.execute(text("ANALYZE ticket"))
            prefix = "EXPLAIN" if kind == "postgres" else "EXPLAIN QUERY PLAN"
            result = await conn.execute(text(f"{prefix} {SWEEP_SELECTION}"), {"now": clock.now()})
            return [" ".join(str(c) for c in row) for row in result.all()]
    finally:
        await engine.dispose()
        if cleanup:
            await cleanup()


async def _postgres_problem() -> str | None:
    from tests.support.db import _pg_reachable

    return await _pg_reachable()


async def main(rounds: int) -> None:
    kinds = ["sqlite"]
    problem = await _postgres_problem()
    if problem:
        print(f"postgres: skipped: {problem}")
    else:
        kinds.append("postgres")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            (Path(tmp) / f"{kind}-plan").mkdir()
            plan = await _plan(kind, Path(tmp) / f"{kind}-plan")
            print(f"{kind}: plan of the sweep's selection (20,000 open):")
            for line in plan:
                print(f"    {line}")
            times: dict[tuple[int, int], list[float]] = {shape: [] for shape in SHAPES}
            for r in range(rounds):
                for shape in SHAPES:
                    folder = Path(tmp) / f"{kind}-{r}-{shape[0]}-{shape[1]}"
                    folder.mkdir()
                    times[shape].append(await _one(kind, folder, *shape))
            median = {shape: statistics.median(t) * 1000 for shape, t in times.items()}
            for (open_count, due_count), ms in median.items():
                print(f"{kind}: open {open_count:>6,} due {due_count:>3}: {ms:8.1f} ms "
                      f"({due_count} reminders sent, checked; median of {rounds})")
            small, large, busy = (median[s] for s in SHAPES)
            print(f"{kind}: ratio open 20,000 / open 1,000 (due 50 each): {large / small:.2f}; "
                  f"ratio due 500 / due 50 (open 1,000 each): {busy / small:.2f}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3))
