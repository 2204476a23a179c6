"""Webhook mode: the emulator delivers updates with the secret header; a wrong secret is refused."""

from __future__ import annotations

import asyncio
import socket

import aiohttp
import pytest

from bot.bootstrap import run
from tests.e2e.harness import make_stage

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("runtime", ["aiogram", "ptb"])
async def test_webhook_with_secret_token(emu, tmp_path, runtime):
    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    stage = await make_stage(emu, tmp_path, runtime=runtime, webhook_url=url,
                             webhook_secret="s3cret-Token_1", webhook_port=port)
    stage.task = asyncio.create_task(run(stage.settings))
    try:
        await emu.wait_for(lambda: emu.webhook_info() and emu.webhook_info().get("url") == url,
                           timeout=30)
        assert emu.calls("setWebhook")[-1]["secret_token"] == "s3cret-Token_1"
        await emu.send_text(stage.users["resident"], stage.group, "/report 路灯不亮")
        await emu.wait_for(lambda: stage.card("G0102-0001"), timeout=30)

        forged = {"update_id": 777, "message": {
            "message_id": 1, "date": 1_790_000_000,
            "chat": {"id": stage.group.id, "type": "supergroup"},
            "from": {"id": 1, "is_bot": False, "first_name": "x"}, "text": "/report 伪造"}}
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                async with http.post(url, json=forged, headers=headers) as response:
                    assert response.status in (401, 403)
        await asyncio.sleep(0.3)
        assert stage.card("G0102-0002") is None, "a forged webhook call created nothing"
    finally:
        await stage.stop()
        await stage.deps.session_factory.kw["bind"].dispose()
