"""The demo clock survives a restart of `gridbot demo`: fast-forward, stop, start the whole
webchat runtime again on the same database, and the clock goes on from where it was."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta

import aiohttp

from bot.bootstrap import run
from bot.settings import Settings
from tests.scenarios.conftest import _free_port


@contextlib.asynccontextmanager
async def _demo(tmp_path):
    """`gridbot demo` in-process on tmp_path's database, until the block ends."""
    port = _free_port()
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path}/demo.db",
                        runtime="webchat", web_port=port, media_dir=tmp_path / "media",
                        demo=True)
    task = asyncio.create_task(run(settings))
    async with aiohttp.ClientSession(f"http://127.0.0.1:{port}") as http:
        try:
            for _ in range(300):
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.get("/api/clock") as response:
                        if response.status == 200:
                            break
                if task.done():
                    task.result()
                await asyncio.sleep(0.05)
            yield http
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def _now(http) -> datetime:
    async with http.get("/api/clock") as response:
        return datetime.fromisoformat((await response.json())["now"])


async def test_the_demo_clock_goes_on_after_a_restart(tmp_path):
    async with _demo(tmp_path) as http:
        real = await _now(http)
        async with http.post("/api/clock/advance", json={"hours": 30}) as response:
            assert response.status == 200
            shown = datetime.fromisoformat((await response.json())["now"])
        assert shown - real >= timedelta(hours=30)
    async with _demo(tmp_path) as http:  # the same database, a new process's state
        after = await _now(http)
        assert after >= shown, "the clock went back after the restart"
        assert after - shown < timedelta(minutes=5)
        async with http.post("/api/clock/advance", json={"hours": 24}) as response:
            assert response.status == 200
    async with _demo(tmp_path) as http:
        assert await _now(http) - real >= timedelta(hours=54)
