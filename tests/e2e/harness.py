"""Run the real bot runtime against the project's Bot API emulator on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from bot.bootstrap import prepare_database
from bot.settings import Settings
from handlers.context import Config, Deps
from models.db import make_engine, make_session_factory
from tests.emulator import BotApiEmulator
from tests.support.world import World, build_world
from web.webchat.demo import DemoClock

TOKEN = "123456:TEST-token"


def jpeg(color=(200, 180, 40), size=(640, 480)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="JPEG")
    return buffer.getvalue()


@dataclass
class Stage:
    emu: BotApiEmulator
    world: World
    deps: Deps  # a second connection to the bot's database, for assertions
    users: dict
    group: object
    settings: Settings
    task: asyncio.Task | None = None

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None

    def card(self, number: str) -> dict | None:
        for message in reversed(self.emu.bot_messages(self.group)):
            if number in message.get("text", ""):
                return message
        return None

    def last_bot_message(self, chat, contains: str = "") -> dict | None:
        for message in reversed(self.emu.bot_messages(chat)):
            if contains in message.get("text", ""):
                return message
        return None


async def make_stage(emu: BotApiEmulator, tmp_path: Path, runtime: str = "aiogram",
                     **overrides) -> Stage:
    # A test may bring its own database (a PostgreSQL one); SQLite in tmp_path otherwise.
    url = overrides.pop("database_url", f"sqlite+aiosqlite:///{tmp_path}/e2e.db")
    overrides.setdefault("report_cap_per_hour", 0)  # as tests/support/process.gridbot_env
    settings = Settings(_env_file=None, **{
        "database_url": url, "bot_token": TOKEN, "telegram_api_url": emu.base_url,
        "runtime": runtime, "media_dir": tmp_path / "media", **overrides,
    })
    await prepare_database(url)  # the real migrations, as `gridbot run` does
    # One clock for the bot and the test: tests move it forward (the demo's offset clock).
    deps = Deps(make_session_factory(make_engine(url)), DemoClock(), Config())
    world = await build_world(deps)
    people = {
        name: getattr(world, name)
        for name in ("resident", "neighbour", "worker", "leader", "other_worker", "admin",
                     "liaison")
    }
    users = {
        name: emu.add_user(p.user.name, language_code="zh-hans", started=True,
                           user_id=int(p.user.id))
        for name, p in people.items()
    }
    group = emu.add_group("四海二网格群", members=list(users.values()), bot_is_admin=True,
                          chat_id=int(world.group_chat))
    return Stage(emu, world, deps, users, group, settings)


async def start_bot(stage: Stage) -> None:
    from bot.bootstrap import run

    stage.task = asyncio.create_task(run(stage.settings, stage.deps.clock))
    await stage.emu.wait_for(lambda: stage.emu.calls("getUpdates") or stage.task.done(),
                             timeout=30, message="the bot never polled")
    if stage.task.done():
        task, stage.task = stage.task, None  # stop() has nothing left to cancel
        task.result()  # surface the start-up error
