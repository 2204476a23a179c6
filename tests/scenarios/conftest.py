"""A `driver` per adapter: the same journeys run on aiogram, python-telegram-bot and webchat."""

from __future__ import annotations

import asyncio
import contextlib
import socket

import aiohttp
import pytest

from bot.bootstrap import prepare_database, run
from bot.settings import Settings
from handlers.context import Config, Deps
from models.clock import Clock
from models.db import make_engine, make_session_factory
from tests.e2e.harness import TOKEN, make_stage, start_bot
from tests.emulator import BotApiEmulator
from tests.scenarios.drivers import EmulatorDriver, WebchatDriver
from tests.support.world import build_world

NAMES = ("resident", "neighbour", "worker", "leader", "other_worker", "admin", "liaison")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(params=["aiogram", "ptb", "webchat"])
async def driver(request, tmp_path):
    if request.param == "webchat":
        async with _webchat(tmp_path) as d:
            yield d
        return
    emu = BotApiEmulator(token=TOKEN, bot_username="gridbot_test_bot")
    await emu.start()
    stage = await make_stage(emu, tmp_path, runtime=request.param)
    try:
        await start_bot(stage)
        yield EmulatorDriver(stage)
    finally:
        await stage.stop()
        await stage.deps.session_factory.kw["bind"].dispose()
        await emu.stop()


@contextlib.asynccontextmanager
async def _webchat(tmp_path, demo: bool = False, world: bool = True):
    """`world=False` leaves the database empty, so that `demo` seeds the demo org itself."""
    url = f"sqlite+aiosqlite:///{tmp_path}/webchat.db"
    port = _free_port()
    settings = Settings(_env_file=None, database_url=url, runtime="webchat", web_port=port,
                        media_dir=tmp_path / "media", demo=demo)
    await prepare_database(url)
    engine = make_engine(url)
    deps = Deps(make_session_factory(engine), Clock(), Config())
    people = await build_world(deps, platform="webchat") if world else None
    users = {name: getattr(people, name).user.id for name in NAMES} if people else {}
    task = asyncio.create_task(run(settings))
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as http:
        for _ in range(300):
            with contextlib.suppress(aiohttp.ClientError):
                async with http.get(f"{base}/api/clock") as response:
                    if response.status == 200:
                        break
            if task.done():
                task.result()
            await asyncio.sleep(0.05)
    driver = WebchatDriver(base, deps, users, people.group_chat if people else "")
    try:
        yield driver
    finally:
        await driver.close()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await engine.dispose()
