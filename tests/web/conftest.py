"""Browser tests of the webchat: the real demo (`gridbot demo`) in-process on a free loopback
port, and Debian's Chromium driven by Playwright. No browser is ever downloaded."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import re
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from bot import bootstrap
from bot.settings import Settings

CHROMIUM = Path(os.environ.get("GRIDBOT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "web"
START_TIMEOUT = 30
# A phone: the page is built for this width; 2x so the README screenshot is crisp.
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2}


def _browser_missing() -> str | None:
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed"
    if not CHROMIUM.is_file():
        return f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)"
    return None


@pytest.fixture
def _require_browser() -> None:
    reason = _browser_missing()
    if reason is None:
        return
    if os.environ.get("GRIDBOT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"GRIDBOT_REQUIRE_BROWSER=1 but the browser tests cannot run: {reason}")
    pytest.skip(f"browser tests need Chromium and Playwright: {reason}")


def _require_websocket_server() -> None:
    """uvicorn serves /ws only with a WebSocket library; without one every page stays offline.
    That is the product's missing dependency, not a machine's: fail and say so."""
    if not any(importlib.util.find_spec(name) for name in ("websockets", "wsproto")):
        pytest.fail("uvicorn has no WebSocket library (websockets or wsproto), so the webchat's "
                    "/ws cannot work: the project must depend on uvicorn[standard] or websockets")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def demo_server(_require_browser, tmp_path) -> AsyncIterator[str]:
    """`gridbot demo` in this event loop: seeds the demo org, serves the page; yields its URL."""
    _require_websocket_server()
    port = _free_port()
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{tmp_path}/demo.db",
        media_dir=tmp_path / "media",
        runtime="webchat",
        demo=True,
        web_port=port,
        web_host="127.0.0.1",
        default_locale="zh_CN",
        timezone="Asia/Shanghai",
    )
    base = f"http://127.0.0.1:{port}"
    task = asyncio.create_task(bootstrap.run(settings), name="gridbot-webchat-demo")
    try:
        async with httpx.AsyncClient(base_url=base, timeout=2) as client:
            async with asyncio.timeout(START_TIMEOUT):
                while not task.done():
                    with contextlib.suppress(httpx.TransportError):
                        if (await client.get("/api/identities")).status_code == 200:
                            break
                    await asyncio.sleep(0.1)
        if task.done():
            task.result()  # surface the start-up error
        yield base
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 15)


@pytest.fixture
async def browser(demo_server):
    """One Chromium per test; closed (with every window) before the server stops."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


@dataclass
class Phones:
    """Opens browser windows (contexts: separate storage, like two phones) as demo people."""

    base: str
    browser: object
    errors: list[str] = field(default_factory=list)
    contexts: list = field(default_factory=list)

    def _console(self, identity: str, msg) -> None:
        # A refusal (4xx with {"error": ...}) is part of the story; anything else is a bug.
        if msg.type == "error" and "status of 4" not in msg.text:
            self.errors.append(f"{identity}: console: {msg.text}")

    async def _new_page(self, name: str):
        context = await self.browser.new_context(**PHONE, locale="zh-CN")
        self.contexts.append(context)
        page = await context.new_page()
        page.on("pageerror", lambda exc: self.errors.append(f"{name}: {exc}"))
        page.on("console", lambda msg: self._console(name, msg))
        return page

    async def open(self, identity: str, *, locale: str | None = None, path: str = "",
                   ws_handler=None):
        """A window that is `identity` (?as=), connected live. A ws_handler sits between the
        page and /ws (Playwright's route_web_socket), to cut the line in a test."""
        from playwright.async_api import expect

        page = await self._new_page(identity)
        if ws_handler is not None:
            await page.route_web_socket(re.compile(r"/ws\?"), ws_handler)
        query = f"?as={identity}" + (f"&locale={locale}" if locale else "")
        await page.goto(f"{self.base}/{query}{path}")
        await expect(page.locator("body")).to_have_attribute("data-ready", "true")
        await expect(page.locator("body")).to_have_attribute("data-live", "true")
        return page

    async def open_unpicked(self):
        """A fresh window that has not chosen anyone yet: it opens on the identity picker."""
        from playwright.async_api import expect

        page = await self._new_page("(new window)")
        await page.goto(f"{self.base}/")
        await expect(page.locator("body")).to_have_attribute("data-ready", "true")
        await expect(page.get_by_test_id("identity-screen")).to_be_visible()
        return page


@pytest.fixture
async def phones(demo_server, browser) -> AsyncIterator[Phones]:
    from playwright.async_api import expect

    expect.set_options(timeout=10_000)
    opened = Phones(demo_server, browser)
    yield opened
    for context in opened.contexts:
        await context.close()
    assert not opened.errors, opened.errors


@pytest.fixture
def shot() -> Callable[[object, str], Awaitable[Path]]:
    """Screenshot a window into tests/artifacts/web/ (gitignored), one file per step."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    async def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        await page.screenshot(path=str(path))
        return path

    return take
