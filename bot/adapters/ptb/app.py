"""Wire the python-telegram-bot runtime to the core and serve until cancelled."""

from __future__ import annotations

import structlog

from bot.adapters.ptb.runtime import build_application, run, set_commands, update_handler
from bot.adapters.ptb.transport import PtbTransport
from bot.adapters.telegram_common import PLATFORM
from bot.bootstrap import build_core, start_background, stop
from bot.settings import Settings
from models.clock import Clock

log = structlog.get_logger(__name__)


async def serve(settings: Settings, clock: Clock | None = None) -> None:
    core = build_core(settings, clock)
    app = build_application(settings)
    try:
        await app.initialize()  # calls getMe; app.bot.bot is its answer
        me = app.bot.bot
        core.deps.config.bot_username = me.username
        await start_background(core, {PLATFORM: PtbTransport(app.bot)})
        await set_commands(app, settings.default_locale)
        app.add_handler(update_handler(core.deps, me.id))
        log.info("ptb.started", bot=me.username, webhook=bool(settings.webhook_url))
        await run(app, settings)
    finally:
        # The core first: the sender may be mid-call on app.bot, whose HTTP pools
        # app.shutdown() closes.
        await stop(core)
        await app.shutdown()
