"""The webchat runtime: the FastAPI page and API, the core, and uvicorn on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from pathlib import Path

import structlog
import uvicorn
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

import locales
from bot.bootstrap import build_core, run_jobs_now, start_background, stop
from bot.errors import OperatorError
from bot.sender import Limits
from bot.settings import Settings
from models.clock import Clock
from web.webchat import PLATFORM
from web.webchat.api import Refusal, WebchatState, refusal_response, router
from web.webchat.demo import DemoClock, seed_if_empty
from web.webchat.hub import Hub
from web.webchat.transport import WebchatTransport
from web.webchat.uploads import Uploads

log = structlog.get_logger(__name__)
HERE = Path(__file__).parent
# No platform flood limits to honour on our own page; a generous cap still keeps a runaway
# loop from flooding the browser.
WEBCHAT_LIMITS = Limits(global_per_second=200, per_chat_per_second=50, per_group_per_minute=3000)


def build_app(state: WebchatState) -> FastAPI:
    app = FastAPI(title="Gridbot webchat", docs_url=None, redoc_url=None)
    app.state.webchat = state
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=HERE / "templates")

    @app.exception_handler(RequestValidationError)
    async def _malformed(request: Request, _exc: RequestValidationError):
        locale = request.query_params.get("locale") or state.deps.config.default_locale
        return refusal_response(locale, Refusal(400, "webchat-error-bad-request"))

    @app.exception_handler(Refusal)
    async def _refused(request: Request, exc: Refusal):
        return refusal_response(request.query_params.get("locale") or
                                state.deps.config.default_locale, exc)

    @app.get("/", include_in_schema=False)
    async def index(request: Request):
        locale = request.query_params.get("locale") or state.deps.config.default_locale
        locale = locale if locale in locales.SUPPORTED else locales.DEFAULT
        return templates.TemplateResponse(
            request, "index.html",
            {"locale": locale, "title": locales.t(locale, "webchat-title"),
             "demo": state.demo_clock is not None},
        )

    return app


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: bot.service owns SIGTERM/SIGINT, and uvicorn
    would re-raise a caught signal after it stopped, killing the ordered stop half-way."""

    def capture_signals(self):
        return contextlib.nullcontext()


def bind(host: str, port: int) -> socket.socket:
    """Take the port before anything starts, so a busy port is one sentence, not a traceback."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart right after a stop
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OperatorError(
            f"cannot serve the webchat on {host}:{port}: {exc.strerror}; stop the other program "
            f"or choose another port with --port or GRIDBOT_WEB_PORT / 端口 {port} 无法使用", 1
        ) from exc
    # Listening from here on: a client that reads the "serving" line and connects at once
    # waits in the backlog until uvicorn accepts, instead of being refused.
    sock.listen(2048)
    sock.setblocking(False)
    return sock


async def serve(settings: Settings, clock: Clock | None = None) -> None:
    sock = bind(settings.web_host, settings.web_port)
    clock = clock or (DemoClock() if settings.demo else Clock())
    core = build_core(settings, clock)
    if isinstance(clock, DemoClock):
        await clock.restore(core.deps.session_factory)  # go on from the last run's time
    if settings.demo and await seed_if_empty(core.deps.session_factory, clock,
                                             core.deps.config.default_locale):
        log.info("demo.seeded")
    hub = Hub()
    uploads = Uploads(settings.media_dir)
    transport = WebchatTransport(
        core.deps.session_factory, hub, uploads, clock, settings.timezone,
        bot_name=locales.t(settings.default_locale, "webchat-bot-name"),
    )
    await start_background(core, {PLATFORM: transport}, WEBCHAT_LIMITS)
    state = WebchatState(core.deps, hub, uploads, transport,
                         demo_clock=clock if settings.demo else None)

    async def after_fast_forward() -> None:
        if isinstance(clock, DemoClock):
            await clock.save(core.deps.session_factory)  # before the jobs: they may fail
        await run_jobs_now(core)

    state.on_clock_advance = after_fast_forward
    config = uvicorn.Config(build_app(state), log_level="warning", lifespan="off")
    server = _Server(config)
    host, port = sock.getsockname()[:2]  # the real port when GRIDBOT_WEB_PORT is 0
    print(f"网格通 Gridbot webchat: http://{f'[{host}]' if ':' in host else host}:{port}/",
          flush=True)
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        await asyncio.shield(serving)
    except asyncio.CancelledError:
        server.should_exit = True  # let uvicorn close its sockets before we go
        await serving
        raise
    finally:
        sock.close()
        await stop(core)
