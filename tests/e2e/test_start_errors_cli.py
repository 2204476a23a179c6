"""`gridbot run` as an operator runs it: each start-up mistake is one sentence on stderr, no
traceback, a non-zero exit status. A real subprocess against the emulator or a closed port."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import sys
from pathlib import Path

import pytest

from tests.e2e.harness import TOKEN

pytestmark = pytest.mark.e2e

GRIDBOT = str(Path(sys.executable).parent / "gridbot")
RUNTIMES = ["aiogram", "ptb"]
LOG_LINE = re.compile(r"\d{4}-\d\d-\d\dT[\d:.]+Z ")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens there once the socket is closed


async def _gridbot_run(tmp_path: Path, **env: str) -> tuple[int, str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GRIDBOT_")}
    clean.update({"GRIDBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/bot.db",
                  "GRIDBOT_MEDIA_DIR": str(tmp_path / "media"), "GRIDBOT_BOT_TOKEN": TOKEN,
                  "GRIDBOT_STARTUP_TIMEOUT": "2"})
    clean.update({f"GRIDBOT_{k.upper()}": v for k, v in env.items()})
    proc = await asyncio.create_subprocess_exec(
        GRIDBOT, "run", cwd=tmp_path, env=clean, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode, out.decode(), err.decode()


def _one_sentence(code: int, out: str, err: str) -> str:
    assert code != 0
    assert "Traceback" not in out + err, out + err
    # stderr carries the structured log (one timestamped line per event, the retries among
    # them) and ends with the sentence, alone on its line.
    *logs, sentence = err.strip().splitlines()
    assert all(LOG_LINE.match(line) for line in logs), err
    assert not LOG_LINE.match(sentence), err
    return sentence


@pytest.mark.parametrize("runtime", RUNTIMES)
async def test_malformed_token(tmp_path, runtime):
    sentence = _one_sentence(*await _gridbot_run(tmp_path, runtime=runtime,
                                                 bot_token="123456 TEST-token"))
    assert "GRIDBOT_BOT_TOKEN is not a bot token" in sentence
    assert "TEST-token" not in sentence, "a token is never echoed"


@pytest.mark.parametrize("runtime", RUNTIMES)
async def test_telegram_unreachable_retries_then_names_url_and_proxy(tmp_path, runtime):
    url = f"http://127.0.0.1:{_closed_port()}"
    code, out, err = await _gridbot_run(tmp_path, runtime=runtime, telegram_api_url=url)
    sentence = _one_sentence(code, out, err)
    assert f"Telegram is unreachable at {url}" in sentence
    assert "GRIDBOT_PROXY" in sentence and "GRIDBOT_TELEGRAM_API_URL" in sentence
    attempts = [line for line in err.splitlines() if "telegram.start_call_failed" in line]
    assert len(attempts) >= 2, err  # retried with backoff, one line per attempt
    assert all("call=getMe" in line for line in attempts)


@pytest.mark.parametrize("runtime", RUNTIMES)
async def test_bad_proxy_url(tmp_path, runtime):
    sentence = _one_sentence(*await _gridbot_run(tmp_path, runtime=runtime,
                                                 proxy="socks5://:pass@"))
    assert sentence.startswith("GRIDBOT_PROXY=") and "socks5://host:port" in sentence


@pytest.mark.parametrize("runtime", RUNTIMES)
async def test_wrong_token_401(emu, tmp_path, runtime):
    sentence = _one_sentence(*await _gridbot_run(
        tmp_path, runtime=runtime, telegram_api_url=emu.base_url, bot_token="123456:WRONG"))
    assert "refused GRIDBOT_BOT_TOKEN (401 Unauthorized)" in sentence


@pytest.mark.parametrize("runtime", RUNTIMES)
async def test_webhook_port_in_use(emu, tmp_path, runtime):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        code, out, err = await _gridbot_run(
            tmp_path, runtime=runtime, telegram_api_url=emu.base_url, webhook_port=str(port),
            webhook_url=f"http://127.0.0.1:{port}/telegram/webhook", webhook_secret="s3cret")
    sentence = _one_sentence(code, out, err)
    assert f"127.0.0.1:{port} is already in use" in sentence
    assert "GRIDBOT_WEBHOOK_PORT" in sentence
    assert "webhook.serving" not in out + err, "serving is said only after the bind succeeded"
    assert emu.calls("setWebhook") == [], "Telegram is not told to call a port we do not hold"


async def test_webhook_without_a_secret_is_refused_in_one_sentence(emu, tmp_path):
    code, out, err = await _gridbot_run(tmp_path, telegram_api_url=emu.base_url,
                                        webhook_url="http://127.0.0.1:1/telegram/webhook")
    sentence = _one_sentence(code, out, err)
    assert "needs GRIDBOT_WEBHOOK_SECRET" in sentence
    assert emu.calls("getMe") == [], "refused before anything starts"
