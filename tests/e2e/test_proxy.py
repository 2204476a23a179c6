"""GRIDBOT_PROXY on both runtimes: the bot reaches the Bot API only through the proxy."""

from __future__ import annotations

import socket

import pytest

from tests.e2e.forward_proxy import ForwardProxy
from tests.e2e.harness import make_stage, start_bot

pytestmark = pytest.mark.e2e

# .invalid never resolves (RFC 6761): only the proxy knows where this name points.
HIDDEN = "api.telegram.invalid"


@pytest.fixture
async def proxy():
    forward = ForwardProxy(hosts={HIDDEN: "127.0.0.1"})
    forward.urls = await forward.start()
    yield forward
    await forward.stop()


@pytest.mark.parametrize("runtime", ["aiogram", "ptb"])
@pytest.mark.parametrize("scheme", ["http", "socks5"])
async def test_bot_reaches_telegram_only_through_the_proxy(emu, tmp_path, proxy, runtime, scheme):
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo(HIDDEN, 80)  # so no direct connection can reach it
    port = int(emu.base_url.rsplit(":", 1)[1])
    proxy_url = proxy.urls[0] if scheme == "http" else proxy.urls[1]
    stage = await make_stage(emu, tmp_path, runtime=runtime, proxy=proxy_url,
                             telegram_api_url=f"http://{HIDDEN}:{port}", startup_timeout=10)
    try:
        await start_bot(stage)
        await emu.send_text(stage.users["resident"], stage.group, "/report 路灯不亮")
        await emu.wait_for(lambda: stage.card("G0102-0001"), timeout=10)
    finally:
        await stage.stop()
        await stage.deps.session_factory.kw["bind"].dispose()
    passed = proxy.tunnels + [r.split(" ")[1] for r in proxy.requests]
    assert passed and all(HIDDEN in target for target in passed), passed
    if runtime == "ptb" and scheme == "http":
        # httpx sends plain-HTTP requests to the proxy in absolute form, one line each
        assert any("/getMe" in r for r in proxy.requests)
        assert any("/sendMessage" in r for r in proxy.requests)
    else:  # aiohttp-socks tunnels (CONNECT or SOCKS5)
        assert f"{HIDDEN}:{port}" in proxy.tunnels
