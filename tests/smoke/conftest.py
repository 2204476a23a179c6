"""The smoke stage: the npm telegram-test-api in a Node subprocess, our compatibility proxy in
front of it, and the real runtime (`serve`, aiogram and ptb) polling through the proxy."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.bootstrap import RUNTIMES, prepare_database
from bot.settings import Settings
from handlers.context import Config, Deps
from models.clock import Clock
from models.db import make_engine, make_session_factory
from tests.smoke.client import UsersClient
from tests.smoke.compat import CompatProxy
from tests.support.world import World, build_world

SMOKE_DIR = Path(__file__).parent
# The server accepts any token; this one has the shape aiogram validates (digits:secret).
TOKEN = "123456:SMOKE-token"
START_TIMEOUT = 15


def _missing_tools() -> str | None:
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            return f"`{tool}` is not on PATH"
    if not (SMOKE_DIR / "node_modules" / "telegram-test-api" / "package.json").is_file():
        return ("tests/smoke/node_modules has no telegram-test-api "
                "(run `make test`, or `npm ci` in tests/smoke)")
    return None


def _require_tools() -> None:
    reason = _missing_tools()
    if reason is None:
        return
    if os.environ.get("GRIDBOT_REQUIRE_SMOKE") == "1":
        pytest.fail(f"GRIDBOT_REQUIRE_SMOKE=1 but the smoke test cannot run: {reason}")
    pytest.skip(f"smoke test needs Node and the npm telegram-test-api: {reason}")


@pytest.fixture
async def telegram_test_api(tmp_path):
    """Start tests/smoke/server.js; yields the server's base URL. Stops it by closing stdin."""
    _require_tools()
    log_path = tmp_path / "telegram-test-api.log"
    with log_path.open("wb") as log:
        proc = await asyncio.create_subprocess_exec(
            "node", str(SMOKE_DIR / "server.js"), cwd=SMOKE_DIR,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=log,
        )
        try:
            try:
                line = await asyncio.wait_for(proc.stdout.readline(), START_TIMEOUT)
            except TimeoutError:
                line = b""
            if not line.startswith(b"READY "):
                pytest.fail(f"telegram-test-api did not start: {line!r} "
                            f"{log_path.read_text(errors='replace')[-2000:]}")
            yield f"http://127.0.0.1:{int(line.split()[1])}"
        finally:
            proc.stdin.close()
            try:
                await asyncio.wait_for(proc.wait(), 5)
            except TimeoutError:
                proc.kill()  # only the process this fixture started, by its handle
                await proc.wait()


@dataclass
class Smoke:
    users: UsersClient
    proxy: CompatProxy
    world: World
    deps: Deps  # a second connection to the bot's database, for assertions
    settings: Settings


@pytest.fixture(params=["aiogram", "ptb"])
async def smoke(request, telegram_test_api, tmp_path, monkeypatch):
    """The same flow on both Telegram runtimes."""
    url = f"sqlite+aiosqlite:///{tmp_path}/smoke.db"
    await prepare_database(url)  # `serve` migrates nothing itself
    engine = make_engine(url)
    deps = Deps(make_session_factory(engine), Clock(), Config())
    # Chat -100102 is bound to grid G0102; 王阿姨 (1001) is a resident there, 杨超 (2001) its
    # worker, and both have started the bot: private chat id = user id, as in Telegram.
    world = await build_world(deps, started=True)

    proxy = CompatProxy(upstream=telegram_test_api)
    await proxy.start()
    for name, value in {
        "GRIDBOT_TELEGRAM_API_URL": proxy.base_url,
        "GRIDBOT_BOT_TOKEN": TOKEN,
        "GRIDBOT_DATABASE_URL": url,
        "GRIDBOT_MEDIA_DIR": str(tmp_path / "media"),
        "GRIDBOT_RUNTIME": request.param,
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("GRIDBOT_WEBHOOK_URL", "GRIDBOT_BOT_USERNAME", "GRIDBOT_DEFAULT_LOCALE"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)
    users = UsersClient(telegram_test_api, TOKEN)

    serve = importlib.import_module(RUNTIMES[request.param]).serve
    before = asyncio.all_tasks()
    task = asyncio.create_task(serve(settings), name="gridbot-smoke")
    try:
        async with asyncio.timeout(START_TIMEOUT):
            while True:  # up when it polls, or down with a start-up error
                if proxy.params_of("getUpdates") or task.done():
                    break
                await asyncio.sleep(0.05)
        if task.done():
            task.result()  # surface the start-up error
        yield Smoke(users, proxy, world, deps, settings)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)
        await _cancel_leftovers(before)
        await users.close()
        await proxy.stop()
        await engine.dispose()


async def _cancel_leftovers(before: set[asyncio.Task]) -> None:
    """Cancelling `serve` must stop everything it started (aiogram's polling loop included,
    see run_polling). Anything left is cancelled here and fails the test; the proxy's own
    per-connection server tasks are not the bot's."""
    left = [t for t in asyncio.all_tasks() - before
            if not t.done() and t is not asyncio.current_task()]
    for leftover in left:
        leftover.cancel()
    if left:
        await asyncio.wait(left, timeout=5)
    bots = sorted(t.get_coro().__qualname__ for t in left
                  if not t.get_coro().__qualname__.startswith("RequestHandler."))
    assert not bots, f"serve() left tasks running after it was cancelled: {bots}"
