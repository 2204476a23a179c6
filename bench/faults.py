"""Fault figures: kill -9 loops, and a burst beside a raw aiogram echo bot, in one run.

    .venv/bin/python -m bench.faults [--kills 100] [--per-round 5] [--burst 5000]
                                     [--db sqlite,postgres] [--runtime aiogram]

1. kill -9: `gridbot run` (a subprocess, long polling against the project's emulator) is
   killed with SIGKILL at a random moment of each life, --kills times, while --per-round (1) new
   `/report`s are queued before each life; a last life finishes the work. Printed per
   database: reports, tickets, lost reports, duplicate tickets, missing messages (a card
   and the reporter's notice per ticket), duplicate messages and how many of them lie in
   the documented window (their outbox row was claimed twice: sent, killed before "sent"
   was committed). tests/faults/test_kill_loop.py runs the same loop with 4 kills.
2. burst: --burst `/report`s from as many residents in as many grids queued at once; the
   time until every one is a ticket (the real runtime in this process, as bench/ingest),
   beside the raw aiogram echo bot answering as many messages, in the same run.

PostgreSQL: scratch databases on GRIDBOT_BENCH_PG_URL (default postgres@127.0.0.1:5432).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import tempfile
import time
from pathlib import Path

from sqlalchemy import func
from sqlmodel import select

import bot.bootstrap
from bench.ingest import TOKEN, _database, _echo, _updates
from bot.settings import Settings
from models.db import make_engine, make_session_factory
from models.ticket import Ticket
from tests.e2e.harness import make_stage
from tests.emulator import BotApiEmulator
from tests.faults.common import bot_env, scratch_pg
from tests.faults.kill_loop import kill_loop


async def kill_figures(kind: str, kills: int, per_round: int, runtime: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        emu = BotApiEmulator(token="123456:TEST-token", bot_username="gridbot_test_bot")
        await emu.start()
        try:
            async with contextlib.AsyncExitStack() as stack:
                url = None
                if kind == "postgres":
                    url, _name = await stack.enter_async_context(scratch_pg())
                extra = {"database_url": url} if url else {}
                stage = await make_stage(emu, Path(tmp), runtime=runtime, **extra)
                env = bot_env(stage, runtime, stage.settings.database_url, Path(tmp))
                try:
                    tally = await kill_loop(stage, env, Path(tmp), kills, per_round)
                finally:
                    await stage.deps.session_factory.kw["bind"].dispose()
        finally:
            await emu.stop()
    print(f"{kind} ({runtime}): {tally.kills} kill -9s, {tally.reports} reports, "
          f"{tally.seconds:.0f} s")
    print(f"  tickets {tally.tickets}  lost reports {tally.lost_reports}  duplicate tickets "
          f"{tally.duplicate_tickets}  missing messages {tally.missing_messages}")
    print(f"  duplicate messages {tally.duplicate_messages} (in the documented window: "
          f"{tally.duplicates_in_window}; outside it: {tally.unexplained or 'none'})")
    print(f"  verdict: {'OK' if tally.ok else 'FAULT'}", flush=True)


async def _burst_gridbot(url: str, n: int, tmp: Path) -> float:
    emu = BotApiEmulator(token=TOKEN, bot_username="gridbot_bench_bot")
    await emu.start()
    settings = Settings(_env_file=None, database_url=url, bot_token=TOKEN,
                        telegram_api_url=emu.base_url, runtime="aiogram",
                        media_dir=tmp / "media", log_level="WARNING",
                        report_cap_per_hour=0)
    watch = make_engine(url)
    task = asyncio.create_task(bot.bootstrap.run(settings))
    try:
        await emu.wait_for(lambda: emu.calls("getUpdates") or task.done(), timeout=60)
        updates = _updates(emu, n, n, 0)
        started = time.perf_counter()
        for update in updates:
            emu.inject_raw_update(update)
        sessions = make_session_factory(watch)
        while True:
            async with sessions() as s:
                made = (await s.exec(select(func.count()).select_from(Ticket))).one()
            if made >= n:
                return time.perf_counter() - started
            await asyncio.sleep(0.2)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await watch.dispose()
        await emu.stop()


async def burst_figures(kind: str, n: int) -> None:
    echo = await _echo(n, n, 0)
    with tempfile.TemporaryDirectory() as tmp:
        async with _database(kind, Path(tmp), n) as url:
            seconds = await _burst_gridbot(url, n, Path(tmp))
    print(f"{kind}: {n:,} reports queued at once → {n:,} tickets in {seconds:.1f} s "
          f"({n / seconds:.0f}/s); raw aiogram echo bot, same run: {echo.seconds:.1f} s "
          f"({n / echo.seconds:.0f}/s); ratio {echo.seconds / seconds:.2f}", flush=True)


async def main(args) -> None:
    kinds = args.db.split(",")
    for kind in kinds if args.kills else ():
        await kill_figures(kind, args.kills, args.per_round, args.runtime)
    if args.burst:
        for kind in kinds:
            await burst_figures(kind, args.burst)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=100, help="0 to skip")
    # All reports go to one group, whose cards Telegram lets out at 20 a minute: more per
    # round makes the last life a wait for the rate limit, not a test of the kills.
    parser.add_argument("--per-round", type=int, default=1)
    parser.add_argument("--burst", type=int, default=5000, help="0 to skip")
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--runtime", default="aiogram", choices=["aiogram", "ptb"])
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(parser.parse_args()))
