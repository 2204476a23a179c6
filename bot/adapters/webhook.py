"""Webhook intake, for both Telegram runtimes: refuse what is not Telegram's before reading
it, store what is, and only then answer 200.

Telegram treats a 2xx as "delivered" and forgets the update; anything else it redelivers.
So the update is stored before the 200 (a kill -9 right after loses nothing), a database
that cannot store it gets a 503 (Telegram tries again later), and the handling runs in the
background within the bounded handling slots. aiohttp serves both runtimes (aiogram depends
on it); each runtime gives its framework's Update parsing (`parse`).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable

import structlog
from aiohttp import web

from bot.adapters import reaching
from bot.adapters.telegram_translate import update_event
from bot.errors import OperatorError
from bot.settings import Settings
from handlers import bus
from handlers.bus import Deps

log = structlog.get_logger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# An update is a few kB (a 4,096-character text with its entities); 1 MiB is generous and
# keeps a forged 100 MB post from ever being read.
MAX_BODY = 1024 * 1024

Parse = Callable[[dict], object]  # JSON → the framework's Update; raises when invalid


def require_secret(settings: Settings) -> str | None:
    """Webhook mode without a secret would take anyone's forged updates: refuse to start."""
    if not settings.webhook_url:
        return None
    if settings.webhook_secret is None or not settings.webhook_secret.get_secret_value():
        raise OperatorError(
            "webhook mode needs GRIDBOT_WEBHOOK_SECRET (1-256 of A-Z a-z 0-9 _ -), so that "
            "forged updates are refused / Webhook 模式必须设置 GRIDBOT_WEBHOOK_SECRET")
    return settings.webhook_secret.get_secret_value()


def build_app(settings: Settings, secret: str, parse: Parse, bot_id: int,
              deps: Deps) -> web.Application:
    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER)
        if given is None:
            return web.Response(status=401, text="secret token missing")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return web.Response(status=403, text="wrong secret token")
        if (request.content_length or 0) > MAX_BODY:
            return web.Response(status=413, text="too large")
        try:
            data = json.loads(await request.read())
        except web.HTTPRequestEntityTooLarge:  # chunked, without a length: cut off at MAX_BODY
            return web.Response(status=413, text="too large")
        except ValueError:
            return web.Response(status=400, text="not JSON")
        try:
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("not an update object with an integer update_id")
            event = update_event(parse(data), bot_id)
        except Exception as exc:  # noqa: BLE001 - each framework raises its own kind
            log.warning("webhook.invalid_update", error=repr(exc)[:300])
            return web.Response(status=400, text="not a valid update")
        if event is not None and not await _stored(event, deps):
            return web.Response(status=503, text="cannot store the update now")
        return web.Response(status=200)

    app = web.Application(client_max_size=MAX_BODY)
    app.router.add_post(settings.webhook_path, receive)
    return app


async def _stored(event, deps: Deps) -> bool:
    await bus.wait_for_room(deps)  # backpressure: Telegram waits for our answer
    try:
        stored = await bus.store_unbroken([event], deps)
    except Exception as exc:  # noqa: BLE001 - the database is down: Telegram redelivers
        log.warning("webhook.store_failed", error=repr(exc)[:300])
        return False
    bus.start_handling(stored, deps)
    return True


async def listen(app: web.Application, host: str, port: int) -> web.AppRunner:
    """Listen before Telegram is told to call us: a port in use is one sentence first."""
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as exc:
        await runner.cleanup()
        raise reaching.cannot_listen(host, port, exc) from None
    log.info("webhook.serving", on=f"http://{host}:{port}")
    return runner
