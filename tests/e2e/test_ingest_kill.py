"""kill -9 right after Telegram was told we have the updates (the confirming getUpdates, the
webhook's 200s) loses nothing: the restarted bot makes every one a ticket, once."""

from __future__ import annotations

import asyncio
import signal
import socket
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.e2e.harness import TOKEN, make_stage
from tests.support.process import GRIDBOT, gridbot_env

pytestmark = pytest.mark.e2e
QUEUED = 100
FIRST_ID = 700_001


def _update(n: int, chat_id: int, user_id: int) -> dict:
    return {"update_id": FIRST_ID + n, "message": {
        "message_id": 20_000 + n, "date": 1_790_000_000,
        "chat": {"id": chat_id, "type": "supergroup", "title": "四海二网格群"},
        "from": {"id": user_id, "is_bot": False, "first_name": "王阿姨"},
        "text": f"/report 第{n}号：楼道声控灯不亮",
        "entities": [{"type": "bot_command", "offset": 0, "length": 7}]}}


def _start(cwd: Path, env: dict) -> subprocess.Popen:
    with (cwd / "gridbot.log").open("a", encoding="utf-8") as sink:
        return subprocess.Popen([GRIDBOT, "run"], cwd=cwd, env=gridbot_env(cwd, **env),
                                stdout=subprocess.DEVNULL, stderr=sink)


def _tickets(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("select count(*) from ticket").fetchone()[0]


async def _kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    await asyncio.to_thread(process.wait, 30)


async def _until(predicate, what: str, seconds: float = 120) -> None:
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def _stage_env(emu, tmp_path, runtime: str, **extra: str):
    stage = await make_stage(emu, tmp_path, runtime=runtime)
    await stage.deps.session_factory.kw["bind"].dispose()
    env = {"GRIDBOT_DATABASE_URL": stage.settings.database_url, "GRIDBOT_BOT_TOKEN": TOKEN,
           "GRIDBOT_TELEGRAM_API_URL": emu.base_url, "GRIDBOT_RUNTIME": runtime,
           "GRIDBOT_MEDIA_DIR": str(tmp_path / "media"), "GRIDBOT_DUPLICATE_WINDOW_HOURS": "0",
           **extra}
    return stage, env


@pytest.mark.parametrize("runtime", ["aiogram", "ptb"])
async def test_kill_right_after_the_confirming_get_updates_loses_nothing(emu, tmp_path, runtime):
    stage, env = await _stage_env(emu, tmp_path, runtime)
    for n in range(QUEUED):  # queued while the bot is down
        emu.inject_raw_update(_update(n, stage.group.id, stage.users["resident"].id))
    process = _start(tmp_path, env)
    last = FIRST_ID + QUEUED - 1
    try:
        await _until(lambda: any((c.get("offset") or 0) > last for c in emu.calls("getUpdates"))
                     or process.poll() is not None, "the confirming getUpdates")
    finally:
        await _kill(process)  # at once: the handling has barely started
    assert emu.pending_updates == [], "Telegram has forgotten them: only our inbox has them"
    process = _start(tmp_path, env)
    try:
        await _until(lambda: _tickets(tmp_path / "e2e.db") >= QUEUED, f"{QUEUED} tickets")
        await asyncio.sleep(0.5)
        assert _tickets(tmp_path / "e2e.db") == QUEUED
    finally:
        await _kill(process)


@pytest.mark.parametrize("runtime", ["aiogram", "ptb"])
async def test_webhook_kill_after_the_200s_loses_nothing(emu, tmp_path, runtime):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    stage, env = await _stage_env(
        emu, tmp_path, runtime, GRIDBOT_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram/webhook",
        GRIDBOT_WEBHOOK_PORT=str(port), GRIDBOT_WEBHOOK_SECRET="s3cret")
    process = _start(tmp_path, env)
    count = 30
    try:
        await _until(lambda: emu.webhook_info() or process.poll() is not None, "setWebhook")
        for n in range(count):
            emu.inject_raw_update(_update(n, stage.group.id, stage.users["resident"].id))
        await _until(lambda: not emu.pending_updates, "30 answered 200")
    finally:
        await _kill(process)
    process = _start(tmp_path, env)
    try:
        await _until(lambda: _tickets(tmp_path / "e2e.db") >= count, f"{count} tickets")
        await asyncio.sleep(0.5)
        assert _tickets(tmp_path / "e2e.db") == count
    finally:
        await _kill(process)
