"""The webchat runtime: the FastAPI page and API, the core, and uvicorn on 127.0.0.1."""

from __future__ import annotations

import asyncio
from pathlib import Path

import structlog
import uvicorn
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

import locales
from bot.bootstrap import build_core, run_jobs_now, start_background, stop
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


async def serve(settings: Settings, clock: Clock | None = None) -> None:
    clock = clock or (DemoClock() if settings.demo else Clock())
    core = build_core(settings, clock)
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
        await run_jobs_now(core)

    state.on_clock_advance = after_fast_forward
    config = uvicorn.Config(build_app(state), host=settings.web_host, port=settings.web_port,
                            log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    print(f"网格通 Gridbot webchat: http://{settings.web_host}:{settings.web_port}/", flush=True)
    serving = asyncio.create_task(server.serve())
    try:
        await asyncio.shield(serving)
    except asyncio.CancelledError:
        server.should_exit = True  # let uvicorn close its sockets before we go
        await serving
        raise
    finally:
        await stop(core)
