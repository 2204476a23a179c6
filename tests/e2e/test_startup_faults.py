"""Start-up on both runtimes while the Bot API misbehaves: optional calls never stop the bot,
getMe's transient failures are retried, a 401 is one sentence."""

from __future__ import annotations

import asyncio
import socket

import pytest

from bot.adapters.reaching import BadToken
from bot.bootstrap import run
from tests.e2e.harness import make_stage, start_bot

pytestmark = pytest.mark.e2e

RUNTIMES = ["aiogram", "ptb"]


async def _report_becomes_ticket(stage) -> None:
    await stage.emu.send_text(stage.users["resident"], stage.group, "/report 路灯不亮")
    await stage.emu.wait_for(lambda: stage.card("G0102-0001"), timeout=10)


@pytest.mark.parametrize("runtime", RUNTIMES)
@pytest.mark.parametrize(("status", "description"), [
    (400, "Bad Request: method not supported"),  # a Bot API server that lacks it
    (429, None),  # after a restart loop
    (500, None),
])
async def test_set_my_commands_failing_never_stops_the_bot(emu, tmp_path, runtime, status,
                                                            description):
    permanent = status == 400
    emu.fail_next("setMyCommands", status, description=description, retry_after=1,
                  times=1_000 if permanent else 2)
    stage = await make_stage(emu, tmp_path, runtime=runtime)
    try:
        await start_bot(stage)
        await _report_becomes_ticket(stage)
        if permanent:
            assert emu.commands() == [], "a 400 is not retried: the answer would be the same"
        else:  # retried in the background until Telegram took it
            await emu.wait_for(lambda: emu.commands(), timeout=15)  # the last of the three
            assert emu.commands(language_code="zh") and emu.commands(language_code="en")
            assert len(emu.calls("setMyCommands")) >= 3 + 2
    finally:
        await stage.stop()
        await stage.deps.session_factory.kw["bind"].dispose()


@pytest.mark.parametrize("runtime", RUNTIMES)
async def test_get_me_5xx_is_retried_then_serves(emu, tmp_path, runtime):
    emu.fail_next("getMe", 502, times=2)
    stage = await make_stage(emu, tmp_path, runtime=runtime, startup_timeout=20)
    try:
        await start_bot(stage)
        assert len(emu.calls("getMe")) >= 3
        await _report_becomes_ticket(stage)
    finally:
        await stage.stop()
        await stage.deps.session_factory.kw["bind"].dispose()


@pytest.mark.parametrize("runtime", RUNTIMES)
async def test_delete_webhook_5xx_is_retried_before_polling(emu, tmp_path, runtime):
    emu.fail_next("deleteWebhook", 500, times=2)
    stage = await make_stage(emu, tmp_path, runtime=runtime, startup_timeout=20)
    try:
        await start_bot(stage)
        await _report_becomes_ticket(stage)
    finally:
        await stage.stop()
        await stage.deps.session_factory.kw["bind"].dispose()


@pytest.mark.parametrize("runtime", RUNTIMES)
async def test_wrong_token_is_one_sentence_at_once(emu, tmp_path, runtime):
    stage = await make_stage(emu, tmp_path, runtime=runtime, bot_token="123456:WRONG-token",
                             startup_timeout=30)
    try:
        with pytest.raises(BadToken, match="401") as raised:
            await start_bot(stage)
        assert "GRIDBOT_BOT_TOKEN" in str(raised.value)
        assert len(emu.calls("getMe")) == 1, "a 401 is not retried"
    finally:
        await stage.stop()
        await stage.deps.session_factory.kw["bind"].dispose()


@pytest.mark.parametrize("runtime", RUNTIMES)
async def test_set_webhook_5xx_is_retried_then_serves(emu, tmp_path, runtime):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    emu.fail_next("setWebhook", 500, times=2)
    stage = await make_stage(emu, tmp_path, runtime=runtime, webhook_url=url, webhook_port=port,
                             webhook_secret="s3cret", startup_timeout=20)
    stage.task = asyncio.create_task(run(stage.settings))
    try:
        await emu.wait_for(lambda: (emu.webhook_info() or {}).get("url") == url, timeout=15)
        assert len(emu.calls("setWebhook")) == 3
        await _report_becomes_ticket(stage)
    finally:
        await stage.stop()
        await stage.deps.session_factory.kw["bind"].dispose()
