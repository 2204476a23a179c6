"""Wire the python-telegram-bot runtime to the core and serve until cancelled."""

from __future__ import annotations

from functools import partial

import structlog

from bot.adapters import startup
from bot.adapters.ptb.runtime import build_application, run, set_commands
from bot.adapters.ptb.transport import PtbTransport, classify
from bot.adapters.telegram_common import PLATFORM
from bot.bootstrap import build_core, start_background, stop
from bot.settings import Settings
from models.clock import Clock

log = structlog.get_logger(__name__)


async def serve(settings: Settings, clock: Clock | None = None) -> None:
    app = build_application(settings)  # a malformed token or proxy URL stops here
    core = build_core(settings, clock)
    cosmetic = startup.Cosmetic(classify)
    try:
        # initialize() calls getMe (app.bot.bot is its answer); a failed one can be repeated.
        await startup.required("getMe", app.initialize, classify, settings)
        me = app.bot.bot
        core.deps.config.bot_username = me.username
        await start_background(core, {PLATFORM: PtbTransport(app.bot, settings.media_dir)})
        # The menu is cosmetic: a Bot API server without setMyCommands must not stop the bot.
        cosmetic.start("setMyCommands", partial(set_commands, app, settings.default_locale))
        log.info("ptb.started", bot=me.username, webhook=bool(settings.webhook_url))
        await run(app, me.id, core.deps, settings)
    finally:
        await cosmetic.close()
        # The core first: the sender may be mid-call on app.bot, whose HTTP pools
        # app.shutdown() closes.
        await stop(core)
        await app.shutdown()
