"""`gridbot run` and `gridbot demo` as real processes: SIGTERM while reports stream in.

A deploy, `docker stop` or systemd sends SIGTERM. The process must stop in order and exit 0;
after a restart every report is a ticket and every message is sent exactly once. The same run
checks the log: the libraries' lines are there, the token, the residents' words and names not.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import subprocess
from pathlib import Path

import aiohttp
import pytest

from tests.e2e.harness import TOKEN, make_stage
from tests.support.process import GRIDBOT, gridbot_env

pytestmark = pytest.mark.e2e
REPORTS = 12  # the group limit is 20 messages a minute: keep the test inside one
WORDS = "3号楼楼道声控灯不亮，电话13812345678"


def _start(cwd: Path, log: Path, *args: str, **env: str) -> subprocess.Popen:
    # stderr to a file: a full pipe would block the bot's logging while the test waits.
    with log.open("a", encoding="utf-8") as sink:
        return subprocess.Popen([GRIDBOT, *args], cwd=cwd, env=gridbot_env(cwd, **env),
                                stdout=subprocess.PIPE, stderr=sink, text=True)


async def _terminate(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGTERM)
    return await asyncio.to_thread(process.wait, 60)


def _count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchone()[0]


async def _until(predicate, what: str, seconds: float = 60) -> None:
    for _ in range(int(seconds / 0.1)):
        if predicate():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.parametrize("runtime", ["aiogram", "ptb"])
async def test_run_stops_on_sigterm_and_a_restart_loses_and_repeats_nothing(
        emu, tmp_path, runtime):
    stage = await make_stage(emu, tmp_path, runtime=runtime)
    db, log = tmp_path / "e2e.db", tmp_path / "gridbot.log"
    env = {"GRIDBOT_DATABASE_URL": stage.settings.database_url, "GRIDBOT_BOT_TOKEN": TOKEN,
           "GRIDBOT_TELEGRAM_API_URL": emu.base_url, "GRIDBOT_RUNTIME": runtime,
           "GRIDBOT_MEDIA_DIR": str(tmp_path / "media"), "GRIDBOT_LOG_FORMAT": "json",
           # Alike reports would be offered as "+1" instead of becoming tickets.
           "GRIDBOT_DUPLICATE_WINDOW_HOURS": "0"}
    residents = [stage.users["resident"], stage.users["neighbour"]]

    process = _start(tmp_path, log, "run", **env)
    await emu.wait_for(lambda: emu.calls("getUpdates") or process.poll() is not None, timeout=60)
    assert process.poll() is None, log.read_text(encoding="utf-8")
    for n in range(REPORTS):
        await emu.send_text(residents[n % 2], stage.group, f"/report {WORDS} 第{n}次")
        if n == REPORTS // 3:
            process.send_signal(signal.SIGTERM)  # while the reports keep coming
        await asyncio.sleep(0.02)
    assert await asyncio.to_thread(process.wait, 60) == 0, log.read_text(encoding="utf-8")

    process = _start(tmp_path, log, "run", **env)
    try:
        await _until(lambda: _count(db, "select count(*) from ticket") == REPORTS
                     and _count(db, "select count(*) from outbox_message where status != 'sent'")
                     == 0, what="every report a ticket, every message sent")
    finally:
        assert await _terminate(process) == 0, log.read_text(encoding="utf-8")

    for n in range(1, REPORTS + 1):
        number = f"G0102-{n:04d}"
        cards = [m for m in emu.bot_messages(stage.group) if number in m.get("text", "")]
        assert len(cards) == 1, f"{number}: {len(cards)} cards"
    sends = [p for m, p in emu.requests if m == "sendMessage"]
    assert len(sends) == _count(db, "select count(*) from outbox_message where kind='send_text'")

    lines = log.read_text(encoding="utf-8").splitlines()
    events = [json.loads(line) for line in lines]  # json: every line is one event
    text = "\n".join(lines)
    assert TOKEN not in text and "TEST-token" not in text
    assert "13812345678" not in text and "声控灯" not in text
    assert all(name not in text for name in ("王阿姨", "李大爷"))
    assert {e["event"] for e in events} >= {"stop.requested", "stop.done"}
    if runtime == "ptb":  # httpx logs every Bot API URL, the token in it, at INFO
        # (aiogram's own lines came from its Dispatcher, which our polling loop replaced)
        assert any(e["logger"].startswith(("telegram", "httpx")) for e in events)
        assert any("/bot<redacted>/getUpdates" in e["event"] for e in events)


async def _demo_url(process: subprocess.Popen) -> str:
    line = await asyncio.to_thread(process.stdout.readline)
    assert "http://" in line, line
    return line.split("http://", 1)[1].strip().rstrip("/")


async def test_demo_stops_on_sigterm_and_a_restart_loses_and_repeats_nothing(tmp_path):
    db, log = tmp_path / "gridbot.db", tmp_path / "gridbot.log"
    process = _start(tmp_path, log, "demo", "--port", "0", GRIDBOT_DUPLICATE_WINDOW_HOURS="0")
    base = "http://" + await _demo_url(process)
    accepted, tried = [], 0
    async with aiohttp.ClientSession(base) as http:
        async with http.get("/api/chats", params={"as": "wang-xiulan"}) as response:
            group = next(c["id"] for c in await response.json() if c["id"].startswith("-"))
        for n in range(REPORTS):
            if n == REPORTS // 3:
                process.send_signal(signal.SIGTERM)
            tried += 1
            try:
                async with http.post(f"/api/chats/{group}/messages", params={"as": "wang-xiulan"},
                                     data={"text": f"/report {WORDS} 第{n}次"}) as response:
                    if response.status == 200:
                        accepted.append(n)
            except aiohttp.ClientError:
                break  # the server has closed: the stop is under way
    assert await asyncio.to_thread(process.wait, 60) == 0, log.read_text(encoding="utf-8")
    assert accepted, "some reports got in before the stop"

    process = _start(tmp_path, log, "demo", "--port", "0", GRIDBOT_DUPLICATE_WINDOW_HOURS="0")
    await _demo_url(process)
    try:
        await _until(lambda: _count(db, "select count(*) from outbox_message "
                                        "where status != 'sent'") == 0, what="the outbox drained")
    finally:
        assert await _terminate(process) == 0, log.read_text(encoding="utf-8")
    with sqlite3.connect(db) as conn:
        texts = [t for (t,) in conn.execute("select text from ticket")]
        cards = conn.execute("select count(*) from webchat_message where sender_id = 'bot' "
                             f"and chat_id = '{group}' and text like '%G0%-%'").fetchone()[0]
    assert {n for n in accepted} <= {int(t.rsplit("第", 1)[1][:-1]) for t in texts}
    assert len(accepted) <= len(texts) <= tried
    assert cards == len(texts), "one card per ticket, none repeated"
