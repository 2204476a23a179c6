"""The sender's throughput against Telegram's 30/s cap, statements per message, and how long a
slow group holds up another chat: the sender before issue 9 and now, in one run.

    .venv/bin/python -m bench.sender [N]

Each case: a fresh database (SQLite, and PostgreSQL when reachable at GRIDBOT_TEST_PG_URL),
the project's Bot API emulator on 127.0.0.1, the real aiogram transport, and the sender with
Telegram's limits (30/s overall, 1/s per chat, 20/min per group).
- throughput: N messages to N/2 private chats (two each), queued at once; messages/s until
  the emulator has them all, and SQL statements (BEGINs included) the sender spent on each.
- slow group: 60 cards queued for one group (20 a minute: its last card is 2 minutes away),
  then, once the group has had its first cards, one card for another chat: how long until it
  arrives (the run gives up at 15 s).
"before" is bot/sender.py as of commit c17c0df, read with `git show` (skipped without git).
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import event

from bot.adapters.aiogram.transport import AiogramTransport
from bot.sender import Sender as SenderNow
from handlers.events import SendText
from handlers.outbox import write_outbox
from models.clock import Clock
from models.db import make_session_factory
from tests.e2e.harness import TOKEN
from tests.emulator import BotApiEmulator
from tests.support import db as test_db

BEFORE = "c17c0df"


def sender_before():
    try:
        source = subprocess.run(["git", "show", f"{BEFORE}:bot/sender.py"], check=True,
                                capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    module = types.ModuleType("sender_before")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, "sender_before.py", "exec"), module.__dict__)
    return module.Sender


async def _case(kind: str, sender_class, tmp: Path, queue) -> tuple:
    emu = BotApiEmulator(token=TOKEN, bot_username="gridbot_test_bot")
    await emu.start()
    _url, engine, cleanup = await test_db.fresh_database(kind, tmp)
    sessions = make_session_factory(engine)
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(emu.base_url)))
    statements = []
    event.listen(engine.sync_engine, "before_cursor_execute",
                 lambda *args: statements.append(args[2]))
    # The old sender takes its own Limits class: the same defaults (Telegram's limits).
    sender = sender_class(sessions, {"telegram": AiogramTransport(bot, tmp)}, Clock())
    running = asyncio.create_task(sender.run_forever())  # the bot's own idle poll
    try:
        return await queue(emu, sessions, sender, statements)
    finally:
        sender.request_stop()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(running, 10)
        running.cancel()
        await bot.session.close()
        await engine.dispose()
        if cleanup:
            await cleanup()
        await emu.stop()


async def _write(sessions, actions) -> None:
    async with sessions() as s, s.begin():
        await write_outbox(s, actions, Clock().now())


def throughput(n: int):
    async def queue(emu, sessions, sender, statements):
        users = [emu.add_user(f"居民{i}", started=True) for i in range(n // 2)]
        await _write(sessions, [SendText("telegram", str(u.id), f"通知{k}")
                                for k in range(2) for u in users])
        before = len(statements)
        started = time.perf_counter()
        sender.wake()
        await emu.wait_for(lambda: len(emu.calls("sendMessage")) >= n, timeout=120)
        seconds = time.perf_counter() - started
        await asyncio.sleep(0.3)  # the last completion
        return n / seconds, (len(statements) - before) / n
    return queue


async def slow_group(emu, sessions, sender, statements):
    group = emu.add_group("慢群", members=[emu.add_user("王阿姨", started=True)])
    other = emu.add_user("杨超", started=True)
    await _write(sessions, [SendText("telegram", str(group.id), f"卡片{i}") for i in range(60)])
    sender.wake()
    await emu.wait_for(lambda: len(emu.bot_messages(group)) >= 20, timeout=30)
    await _write(sessions, [SendText("telegram", str(other.id), "另一个人的新卡片")])
    started = time.perf_counter()
    sender.wake()
    with contextlib.suppress(AssertionError, TimeoutError):
        await emu.wait_for(lambda: emu.bot_messages(other.id), timeout=15)
        return time.perf_counter() - started
    return None


async def main(n: int) -> None:
    kinds = ["sqlite"]
    if await test_db._pg_reachable() is None:
        kinds.append("postgres")
    versions = {"now": SenderNow}
    if (old := sender_before()) is not None:
        versions = {"before": old, **versions}
    for kind in kinds:
        for name, sender_class in versions.items():
            with tempfile.TemporaryDirectory() as tmp:
                rate, per_message = await _case(kind, sender_class, Path(tmp), throughput(n))
            with tempfile.TemporaryDirectory() as tmp:
                waited = await _case(kind, sender_class, Path(tmp), slow_group)
            late = f"{waited:.2f} s" if waited is not None else "> 15 s (gave up)"
            print(f"{kind:8s} {name:6s}: {rate:5.1f} messages/s of the 30/s cap, "
                  f"{per_message:.2f} statements per message; another chat's card behind a "
                  f"slow group: {late}", flush=True)


if __name__ == "__main__":
    count = int(next((a for a in sys.argv[1:] if a.isdigit()), "300"))
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(count))
