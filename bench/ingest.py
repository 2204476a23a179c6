"""Ingest at the framework's speed: Gridbot beside a raw aiogram echo bot, in one run.

    .venv/bin/python -m bench.ingest [N] [--rounds 3] [--grids 10000] [--db sqlite,postgres]
        [--latency 25,100] [--latency-seconds 10] [--profile PATH]

Both poll the project's Bot API emulator (tests/emulator) on 127.0.0.1. Each round queues N
updates at once and times how long until every one is handled: for the echo bot (an aiogram
Dispatcher whose handler does `await message.answer(message.text)`) until its N answers
arrived; for Gridbot (the real `gridbot run`, aiogram, long polling) until its N inbox rows
are done, i.e. each `/report` is a ticket with its card in the outbox. Rounds interleave the
two bots; the figures are medians. Gridbot's database holds a province from bench/province.py
(`--grids` bound grids with workers and leaders); each report comes from a new resident in a
different grid, as 300 people in 300 groups would.

Then, unless `--latency ''`, paced rounds (bench/ingest_latency.py): reports at a steady
rate (25 and 100 a second by default, for --latency-seconds), each timed from its update
to its confirmation sent, p50/p99.

Also printed, for Gridbot: SQL statements and transactions per report, counted with an engine
event listener from the first update until every card was sent (so the sender is included),
and the process CPU time per report (the emulator runs in this process too, for both bots).
PostgreSQL: a scratch database on GRIDBOT_BENCH_PG_URL (default postgres@127.0.0.1:5432),
created and dropped here.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message
from sqlalchemy import func, text
from sqlmodel import select

import bot.bootstrap
from bench.province import generate, group_chat
from bot.settings import Settings
from models.db import make_engine, make_session_factory
from models.messaging import InboxUpdate, OutboxMessage
from tests.emulator import BotApiEmulator
from tests.support.statements import count_statements

TOKEN = "123456:BENCH-token"
PG_SERVER = os.environ.get("GRIDBOT_BENCH_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432")


@dataclass
class Figures:
    seconds: float
    cpu: float
    statements: float = 0.0
    transactions: float = 0.0


def _updates(emu: BotApiEmulator, n: int, grids: int, round_no: int) -> list[dict]:
    rng = random.Random(round_no)
    updates = []
    for i, g in enumerate(rng.sample(range(grids), n)):
        uid = 5_000_000_000 + round_no * 100_000 + i
        user = emu.add_user(f"居民{i}", language_code="zh-hans", user_id=uid)
        chat = emu.add_group(f"第{g + 1}网格群", members=[user], bot_is_admin=True,
                             chat_id=int(group_chat(g)))
        words = f"/report 第{i}号：{('楼道声控灯不亮', '3号楼门口垃圾堆满了', '下水道堵了')[i % 3]}"
        updates.append({
            "update_id": 700_000 + round_no * 10_000 + i,
            "message": {"message_id": 10_000 + i, "date": 1_790_000_000,
                        "chat": {"id": chat.id, "type": "supergroup", "title": chat.title},
                        "from": {"id": uid, "is_bot": False, "first_name": f"居民{i}"},
                        "text": words,
                        "entities": [{"type": "bot_command", "offset": 0, "length": 7}]},
        })
    return updates


async def _echo(n: int, grids: int, round_no: int) -> Figures:
    emu = BotApiEmulator(token=TOKEN, bot_username="echo_bench_bot")
    await emu.start()
    bot_ = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(emu.base_url)))
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text)

    task = asyncio.create_task(dispatcher.start_polling(bot_, handle_signals=False))
    try:
        await emu.wait_for(lambda: emu.calls("getUpdates"), timeout=30)
        updates = _updates(emu, n, grids, round_no)
        cpu, started = time.process_time(), time.perf_counter()
        for update in updates:
            emu.inject_raw_update(update)
        await emu.wait_for(lambda: len(emu.calls("sendMessage")) >= n, timeout=600)
        return Figures(time.perf_counter() - started, time.process_time() - cpu)
    finally:
        await dispatcher.stop_polling()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await bot_.session.close()
        await emu.stop()


async def _count(session_factory, model, status: str) -> int:
    async with session_factory() as s:
        return (await s.exec(select(func.count()).select_from(model).where(
            model.status == status))).one()


@dataclass
class Running:
    """A real `gridbot run` (aiogram, long polling) against its own emulator."""

    emu: BotApiEmulator
    counter: object  # tests.support.statements.StatementCounter on the bot's engine
    watch: object  # a session factory of a separate engine, for the bench's own queries


@contextlib.asynccontextmanager
async def running_gridbot(url: str, tmp: Path):
    emu = BotApiEmulator(token=TOKEN, bot_username="gridbot_bench_bot")
    await emu.start()
    counters = []
    real_make_engine = bot.bootstrap.make_engine

    def counted_engine(*args, **kwargs):  # the bot's own engine, with a statement counter
        engine = real_make_engine(*args, **kwargs)
        counters.append(count_statements(engine))
        return engine

    bot.bootstrap.make_engine = counted_engine
    settings = Settings(_env_file=None, database_url=url, bot_token=TOKEN,
                        telegram_api_url=emu.base_url, runtime="aiogram",
                        media_dir=tmp / "media", log_level="WARNING")
    watcher = make_engine(url)
    task = asyncio.create_task(bot.bootstrap.run(settings))
    try:
        await emu.wait_for(lambda: emu.calls("getUpdates") or task.done(), timeout=60)
        if task.done():
            task.result()
        await asyncio.sleep(0.5)  # start-up traffic (the commands menu) settles
        yield Running(emu, counters[0], make_session_factory(watcher))
    finally:
        bot.bootstrap.make_engine = real_make_engine
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await watcher.dispose()
        await emu.stop()


async def until_sent(watch) -> None:
    while await _count(watch, OutboxMessage, "pending"):  # noqa: ASYNC110 - the sender
        await asyncio.sleep(0.1)


async def _gridbot(url: str, n: int, grids: int, round_no: int, tmp: Path,
                   profile: Path | None = None) -> Figures:
    async with running_gridbot(url, tmp) as bot_:
        done_before = await _count(bot_.watch, InboxUpdate, "done")
        updates = _updates(bot_.emu, n, grids, round_no)
        bot_.counter.reset()
        profiler = _start_profiler() if profile else None
        cpu, started = time.process_time(), time.perf_counter()
        for update in updates:
            bot_.emu.inject_raw_update(update)
        while await _count(bot_.watch, InboxUpdate, "done") - done_before < n:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        figures = Figures(time.perf_counter() - started, time.process_time() - cpu)
        await until_sent(bot_.watch)
        if profiler:
            _save_profile(profiler, profile)
        figures.statements = bot_.counter.statements / n
        figures.transactions = bot_.counter.transactions / n
        return figures


def _start_profiler():
    """A sampling profile of this thread (bot, sender and emulator all run in it), from the
    first update until the last card was sent: where each report's CPU goes."""
    from pyinstrument import Profiler  # the `bench` extra

    profiler = Profiler(interval=0.0005, async_mode="disabled")
    profiler.start()
    return profiler


def _save_profile(profiler, path: Path) -> None:
    profiler.stop()
    path.write_text(profiler.output_text(unicode=True, show_all=False, short_mode=False))
    path.with_suffix(".html").write_text(profiler.output_html())
    profiler.last_session.save(str(path.with_suffix(".pyisession")))
    by_package = _self_time_by_package(profiler.last_session.root_frame())
    busy = sum(t for p, t in by_package.items() if p != "(idle)")
    print(f"  profile: {path} (and .html); busy samples by package (main thread):")
    for package, seconds in sorted(by_package.items(), key=lambda kv: -kv[1])[:12]:
        if package != "(idle)":
            print(f"    {package:<22} {seconds / busy:6.1%}")


def _package_of(file_path: str | None, parent: str) -> str:
    """The top-level package a frame's code lives in; C built-ins count for their caller."""
    if not file_path or file_path.startswith("<"):
        return parent if file_path != "<built-in>" or parent != "selectors" else "(idle)"
    for marker in ("site-packages/", "dist-packages/"):
        if marker in file_path:
            return file_path.split(marker, 1)[1].split("/", 1)[0].removesuffix(".py")
    here = str(Path(__file__).resolve().parent.parent) + "/"
    if file_path.startswith(here):
        return "/".join(file_path[len(here):].split("/")[:2 if file_path.count("tests/") else 1])
    return Path(file_path).parent.name if "python3" not in Path(file_path).parent.name \
        else Path(file_path).stem


def _self_time_by_package(root) -> dict[str, float]:
    totals: dict[str, float] = {}
    stack = [(root, "(root)")]
    while stack:
        frame, parent = stack.pop()
        package = _package_of(frame.file_path, parent)
        if frame.total_self_time:
            totals[package] = totals.get(package, 0.0) + frame.total_self_time
        stack.extend((child, package) for child in frame.children)
    return totals


@contextlib.asynccontextmanager
async def _database(kind: str, tmp: Path, grids: int):
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        drop = None
    else:
        name = f"gridbot_bench_{uuid.uuid4().hex[:8]}"
        admin = make_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        url, drop = f"{PG_SERVER}/{name}", name
    await bot.bootstrap.prepare_database(url)
    engine = make_engine(url)
    started = time.perf_counter()
    await generate(make_session_factory(engine), grids=grids)
    await engine.dispose()
    print(f"{kind}: {grids:,} bound grids generated in {time.perf_counter() - started:.1f}s",
          flush=True)
    try:
        yield url
    finally:
        if drop:
            async with admin.connect() as conn:
                await conn.execute(text(f'DROP DATABASE "{drop}" WITH (FORCE)'))
            await admin.dispose()


async def main(n: int, rounds: int, grids: int, kinds: list[str],
               profile: Path | None = None, latency_rates: tuple[float, ...] = (),
               latency_seconds: float = 10) -> None:
    from bench import ingest_latency  # it imports this module
    for kind in kinds:
        with tempfile.TemporaryDirectory() as tmp:
            async with _database(kind, Path(tmp), grids) as url:
                echo, grid = [], []
                for round_no in range(rounds):  # interleaved: a noisy moment hits both
                    echo.append(await _echo(n, grids, round_no))
                    last = round_no == rounds - 1  # profiled: the last round, warm
                    grid.append(await _gridbot(url, n, grids, round_no, Path(tmp),
                                               _profile_path(profile, kind) if last else None))
                    print(f"  round {round_no + 1}: echo {echo[-1].seconds:.2f}s, "
                          f"gridbot {grid[-1].seconds:.2f}s", flush=True)
                _report(kind, n, echo, grid)
                for i, rate in enumerate(latency_rates):
                    paced = await ingest_latency.paced(url, Path(tmp), grids, rate,
                                                       latency_seconds, 20 + i)
                    print(paced.line(), flush=True)


def _profile_path(profile: Path | None, kind: str) -> Path | None:
    return profile and profile.with_name(f"{profile.stem}-{kind}.txt")


def _median(figures: list[Figures], attr: str) -> float:
    return statistics.median(getattr(f, attr) for f in figures)


def _report(kind: str, n: int, echo: list[Figures], grid: list[Figures]) -> None:
    e, g = _median(echo, "seconds"), _median(grid, "seconds")
    print(f"{kind}: {n} updates queued at once, median of {len(grid)} rounds")
    cpu_echo, cpu_grid = (_median(f, "cpu") / n * 1000 for f in (echo, grid))
    print(f"  echo bot  {n / e:6.0f} updates/s   CPU {cpu_echo:.1f} ms/update")
    print(f"  gridbot   {n / g:6.0f} updates/s   CPU {cpu_grid:.1f} ms/report")
    print(f"  ratio gridbot/echo: {e / g:.2f}")
    print(f"  per report, update to card sent: {_median(grid, 'statements'):.1f} SQL "
          f"statements, {_median(grid, 'transactions'):.1f} transactions", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--grids", type=int, default=10_000)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--profile", type=Path, metavar="PATH",
                        help="pyinstrument profile of the last Gridbot round: PATH-<db>.txt/.html")
    parser.add_argument("--latency", default="25,100", metavar="RATES",
                        help="reports/s of the paced rounds (update to confirmation), '' for none")
    parser.add_argument("--latency-seconds", type=float, default=10)
    args = parser.parse_args()
    rates = tuple(float(r) for r in args.latency.split(",") if r)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(args.n, args.rounds, args.grids, args.db.split(","), args.profile,
                         rates, args.latency_seconds))
