"""Issue 9 ingest, on both runtimes against the emulator: an update is stored before Telegram
is told we have it (the getUpdates offset, the webhook's 200), and a store failure keeps it."""

from __future__ import annotations

import asyncio
import json
import socket

import aiohttp
import pytest
import structlog
from sqlalchemy.exc import OperationalError

from bot.bootstrap import run
from bot.errors import OperatorError
from handlers import inbox
from tests.e2e.harness import make_stage
from tests.unit._helpers import all_tickets

pytestmark = pytest.mark.e2e
SECRET = "s3cret-Token_1"


def _update(update_id: int, chat_id: int, user_id: int, text: str) -> dict:
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 1_790_000_000,
        "chat": {"id": chat_id, "type": "supergroup", "title": "四海二网格群"},
        "from": {"id": user_id, "is_bot": False, "first_name": "王阿姨"}, "text": text,
        "entities": [{"type": "bot_command", "offset": 0, "length": 7}]}}


def _flaky_store(monkeypatch, failures: int) -> list[int]:
    """store_batch fails `failures` times as a database outage would, then works."""
    real, failed = inbox.store_batch, []

    async def flaky(events, deps):
        if len(failed) < failures:
            failed.append(len(events))
            raise OperationalError("INSERT", {}, ConnectionResetError("connection reset"))
        return await real(events, deps)

    monkeypatch.setattr(inbox, "store_batch", flaky)
    return failed


async def test_polling_keeps_the_offset_while_the_store_fails(stage, monkeypatch):
    failed = _flaky_store(monkeypatch, failures=3)
    emu, update_id = stage.emu, 900_001
    emu.inject_raw_update(_update(update_id, stage.group.id, stage.users["resident"].id,
                                  "/report 3号楼楼道灯不亮"))
    await emu.wait_for(lambda: len(failed) >= 3, timeout=30, message="the store was not tried")
    offsets = [c.get("offset") or 0 for c in emu.calls("getUpdates")]
    assert all(o <= update_id for o in offsets), "never confirmed while it was not stored"
    await emu.wait_for(lambda: stage.card("G0102-0001"), timeout=30)
    await emu.wait_for(lambda: any((c.get("offset") or 0) > update_id
                                   for c in emu.calls("getUpdates")), timeout=30)
    assert emu.pending_updates == []
    assert [t.number for t in await all_tickets(stage.deps)] == ["G0102-0001"], "once"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_webhook_mode_refuses_to_start_without_a_secret(emu, tmp_path):
    stage = await make_stage(emu, tmp_path, webhook_url="http://127.0.0.1:1/telegram/webhook")
    try:
        with pytest.raises(OperatorError, match="GRIDBOT_WEBHOOK_SECRET"):
            await run(stage.settings)
        assert emu.calls("getMe") == [] and emu.calls("setWebhook") == []
    finally:
        await stage.deps.session_factory.kw["bind"].dispose()


@pytest.fixture(params=["aiogram", "ptb"])
async def hooked(request, emu, tmp_path):
    """The real runtime in webhook mode, its URL set at the emulator."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    stage = await make_stage(emu, tmp_path, runtime=request.param, webhook_url=url,
                             webhook_secret=SECRET, webhook_port=port)
    stage.task = asyncio.create_task(run(stage.settings, stage.deps.clock))
    await emu.wait_for(lambda: (emu.webhook_info() or {}).get("url") == url or stage.task.done(),
                       timeout=30)
    yield stage, url
    await stage.stop()
    await stage.deps.session_factory.kw["bind"].dispose()


async def _post(url: str, body: bytes, secret: str | None = SECRET) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    async with aiohttp.ClientSession() as http, http.post(url, data=body,
                                                          headers=headers) as response:
        return response.status


async def test_webhook_refuses_forged_malformed_and_invalid_updates(hooked):
    stage, url = hooked
    valid = json.dumps(_update(5, stage.group.id, 1001, "/report 伪造")).encode()
    assert await _post(url, valid, secret=None) == 401
    assert await _post(url, valid, secret="wrong") == 403
    assert await _post(url, b"{not json", secret=SECRET) == 400
    with structlog.testing.capture_logs() as logs:
        assert await _post(url, b'{"update_id": "seven"}') == 400
        assert await _post(url, b'{"update_id": 6, "message": {"chat": "nope"}}') == 400
        assert await _post(url, b"[1, 2]") == 400
    assert [e["event"] for e in logs].count("webhook.invalid_update") == 3
    await asyncio.sleep(0.3)
    assert await all_tickets(stage.deps) == [], "nothing refused was stored or handled"


async def test_webhook_refuses_an_oversized_body_before_reading_it(hooked):
    _stage, url = hooked
    port = int(url.split(":")[2].split("/")[0])
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    # Claims 95 MB and sends only a few bytes: an answer now means it was not read first.
    writer.write(("POST /telegram/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  f"X-Telegram-Bot-Api-Secret-Token: {SECRET}\r\n"
                  "Content-Length: 95000000\r\n\r\n{").encode())
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), 10)
    writer.close()
    assert status_line.split()[1] == b"413"


async def test_webhook_answers_503_while_the_store_fails_and_telegram_redelivers(
        hooked, monkeypatch):
    stage, url = hooked
    _flaky_store(monkeypatch, failures=1)
    body = json.dumps(_update(7, stage.group.id, 1001, "/report 路灯不亮")).encode()
    assert await _post(url, body) == 503, "Telegram keeps it and redelivers"
    assert await _post(url, body) == 200
    await stage.emu.wait_for(lambda: stage.card("G0102-0001"), timeout=30)
    assert await _post(url, body) == 200, "a redelivery after the 200 is harmless"
    await asyncio.sleep(0.3)
    assert len(await all_tickets(stage.deps)) == 1
