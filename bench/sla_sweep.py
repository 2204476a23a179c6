"""The SLA sweep's cost follows the tickets that are due, not the tickets that are open.

    .venv/bin/python -m bench.sla_sweep [ROUNDS] [--open N] [--due N]

Two parts. First, the province (PostgreSQL only, bench/sweep_province.py): 10,000 grids from
bench/province.py and N open tickets (default 1,000,000, written with INSERT … SELECT
generate_series), of which DUE (default 50) are due; ROUNDS timed sweeps over the same
database, the due tickets put back between rounds; printed: ms and SQL statements per due
ticket, the steps sent checked against the policy. Then the shapes below.

For each database (SQLite, and PostgreSQL at GRIDBOT_TEST_PG_URL when it answers), in a fresh
database with the test org: OPEN tickets that are not due for another 48 minutes, plus DUE
tickets 50 minutes old, whose take deadline (1 h) has reached yellow (80 %). One timed call of
the real `sweep()` must send exactly DUE reminders (checked, so a broken sweep cannot give a
nice figure). Three shapes, interleaved over ROUNDS rounds (median):

- open 1,000 / due 50 and open 20,000 / due 50: the ratio should stay near 1 (the index);
- open 1,000 / due 500: the cost should grow with what is due.

It also prints the plan of the selection exactly as `sweep()` sends it (the statement and its
parameters are caught on the connection during an untimed sweep over 20,000 open tickets,
then EXPLAINed: EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL), to show that the
`next_due_at` index is what finds the work. Each round's figures are printed, then a summary
line per database. Machines here are noisy: read the ratios within one run, not the absolute
numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event, insert, text

from bench import sweep_province
from handlers.context import Config, Deps
from handlers.supervision.sweep import sweep
from models.clock import FakeClock
from models.db import make_session_factory
from models.ticket import Ticket
from tests.support.db import fresh_database
from tests.support.statements import count_statements, stop_counting
from tests.support.world import PLATFORM, build_world

SHAPES = ((1_000, 50), (20_000, 50), (1_000, 500))
TAKE = timedelta(hours=1)
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


async def _seeded(kind: str, folder: Path, open_count: int, due_count: int):
    """(engine, cleanup, deps) for a fresh database with the test org and that many tickets."""
    _url, engine, cleanup = await fresh_database(kind, folder)
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
    return engine, cleanup, deps


async def _one(kind: str, folder: Path, open_count: int,
               due_count: int) -> tuple[float, int, int]:
    """(seconds, steps sent, statements) for one sweep over a fresh database of that shape."""
    engine, cleanup, deps = await _seeded(kind, folder, open_count, due_count)
    try:
        seconds, sent, statements = await _timed_sweep(engine, deps)
        assert sent == due_count, f"the sweep sent {sent} steps, expected {due_count}"
        return seconds, sent, statements
    finally:
        await engine.dispose()
        if cleanup:
            await cleanup()


async def _timed_sweep(engine, deps) -> tuple[float, int, int]:
    counter = count_statements(engine)
    try:
        started = time.perf_counter()
        sent = await sweep(deps)
        seconds = time.perf_counter() - started
    finally:
        stop_counting(engine, counter)
    return seconds, sent, counter.statements


async def _province(folder: Path, rounds: int, open_count: int, due: int) -> None:
    """The PostgreSQL province: ms and statements per due ticket over `open_count` open."""
    _url, engine, cleanup = await fresh_database("postgres", folder)
    try:
        clock = FakeClock()
        seeding = Deps(make_session_factory(engine), clock, Config(bot_username="bench_bot"))
        started = time.perf_counter()
        await sweep_province.seed(seeding, engine, open_count, due)
        total = await sweep_province.open_tickets(engine)
        print(f"postgres province: {sweep_province.GRIDS:,} grids, {total:,} open tickets "
              f"({due} due) written in {time.perf_counter() - started:.0f} s", flush=True)
        expected = sweep_province.expected_steps(due)
        times, statements = [], []
        for r in range(rounds):
            if r:
                await sweep_province.reset(engine)
            # a new process each round: its org cache cold, as after a restart
            deps = Deps(make_session_factory(engine), clock, Config(bot_username="bench_bot"))
            seconds, sent, count = await _timed_sweep(engine, deps)
            assert sent == expected, f"the sweep sent {sent} steps, expected {expected}"
            times.append(seconds)
            statements.append(count)
            print(f"postgres province: round {r + 1}: {seconds * 1000:.0f} ms, {count} "
                  f"statements, {sent} steps", flush=True)
        ms = statistics.median(times) * 1000
        per = statistics.median(statements) / due
        print(f"postgres PROVINCE SUMMARY: open {total:,}, due {due} ({expected} steps): "
              f"{ms:.0f} ms median of {rounds}, {ms / due:.2f} ms per due ticket, "
              f"{per:.1f} statements per due ticket")
    finally:
        await engine.dispose()
        if cleanup:
            await cleanup()


def _is_selection(statement: str) -> bool:
    flat = " ".join(statement.split())
    return flat.startswith("SELECT ticket.id") and "WHERE ticket.next_due_at <=" in flat


async def _plan(kind: str, folder: Path) -> tuple[str, list[str]]:
    """(statement, plan) of the selection `sweep()` sends, over 20,000 open and 50 due tickets.

    The statement and its bound parameters are caught on the connection during a real sweep,
    so what is EXPLAINed is what handlers/supervision/sweep.py sends, not a hand-written copy.
    """
    engine, cleanup, deps = await _seeded(kind, folder, 20_000, 50)
    caught: list[tuple[str, object]] = []

    def catch(_conn, _cursor, statement, parameters, _context, _many):
        if _is_selection(statement):
            caught.append((statement, parameters))

    try:
        event.listen(engine.sync_engine, "before_cursor_execute", catch)
        try:
            sent = await sweep(deps)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", catch)
        assert sent == 50, f"the sweep sent {sent} steps, expected 50"
        assert caught, "the sweep's selection was not seen on the connection"
        statement, parameters = caught[0]
        prefix = "EXPLAIN" if kind == "postgres" else "EXPLAIN QUERY PLAN"
        async with engine.connect() as conn:
            result = await conn.exec_driver_sql(f"{prefix} {statement}", parameters)
            plan = [" ".join(str(c) for c in row) for row in result.all()]
        columns, _, rest = " ".join(statement.split()).partition(" FROM ")
        shown = f"SELECT <{columns.count(',') + 1} columns of ticket> FROM {rest}"
        return f"{shown}    -- parameters {parameters!r}", plan
    finally:
        await engine.dispose()
        if cleanup:
            await cleanup()


async def _postgres_problem() -> str | None:
    from tests.support.db import _pg_reachable

    return await _pg_reachable()


async def main(rounds: int, open_count: int, due: int) -> None:
    kinds = ["sqlite"]
    problem = await _postgres_problem()
    if problem:
        print(f"postgres: skipped: {problem}")
    else:
        kinds.append("postgres")
    with tempfile.TemporaryDirectory() as tmp:
        if not problem:
            await _province(Path(tmp), rounds, open_count, due)
        for kind in kinds:
            (Path(tmp) / f"{kind}-plan").mkdir()
            statement, plan = await _plan(kind, Path(tmp) / f"{kind}-plan")
            print(f"{kind}: the sweep's selection, as sent: {statement}")
            print(f"{kind}: its plan (20,000 open, 50 due):")
            for line in plan:
                print(f"    {line}")
            times: dict[tuple[int, int], list[float]] = {shape: [] for shape in SHAPES}
            sent: dict[tuple[int, int], set[int]] = {shape: set() for shape in SHAPES}
            counts: dict[tuple[int, int], list[int]] = {shape: [] for shape in SHAPES}
            for r in range(rounds):
                for shape in SHAPES:  # interleaved, so a noisy moment hits every shape
                    folder = Path(tmp) / f"{kind}-{r}-{shape[0]}-{shape[1]}"
                    folder.mkdir()
                    seconds, steps, statements = await _one(kind, folder, *shape)
                    times[shape].append(seconds)
                    counts[shape].append(statements)
                    sent[shape].add(steps)
                print(f"{kind}: round {r + 1}: " + ", ".join(
                    f"open {o:,}/due {d} {times[(o, d)][-1] * 1000:.0f} ms" for o, d in SHAPES),
                    flush=True)
            median = {shape: statistics.median(t) * 1000 for shape, t in times.items()}
            for (open_count, due_count), ms in median.items():
                print(f"{kind}: open {open_count:>6,} due {due_count:>3}: {ms:8.1f} ms median "
                      f"of {rounds} ({ms / due_count:.2f} ms per due ticket), "
                      f"{statistics.median(counts[(open_count, due_count)]) / due_count:.1f} "
                      f"statements per due ticket, steps sent "
                      f"{sorted(sent[(open_count, due_count)])} (asserted = {due_count})")
            small, large, busy = (median[s] for s in SHAPES)
            steps = "/".join(str(max(sent[s])) for s in SHAPES)
            print(f"{kind} SUMMARY: due 50: open 1,000 {small:.1f} ms, open 20,000 {large:.1f} ms; "
                  f"due 500 (open 1,000) {busy:.1f} ms; steps sent {steps}; "
                  f"ratio open 20,000/1,000 = {large / small:.2f}, "
                  f"ratio due 500/50 = {busy / small:.2f}")


def _arguments(argv: list[str]) -> tuple[int, int, int]:
    parser = argparse.ArgumentParser(prog="bench.sla_sweep")
    parser.add_argument("rounds", nargs="?", type=int, default=3)
    parser.add_argument("--open", type=int, default=1_000_000, dest="open_count")
    parser.add_argument("--due", type=int, default=50)
    args = parser.parse_args(argv)
    return args.rounds, args.open_count, args.due


if __name__ == "__main__":
    asyncio.run(main(*_arguments(sys.argv[1:])))
