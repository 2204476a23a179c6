"""Wire the aiogram runtime to the core and serve until cancelled."""

from __future__ import annotations

from functools import partial

import structlog

from bot.adapters import startup
from bot.adapters.aiogram.runtime import build_bot, run_polling, run_webhook, set_commands
from bot.adapters.aiogram.transport import AiogramTransport, classify
from bot.adapters.telegram_common import PLATFORM
from bot.bootstrap import build_core, start_background, stop
from bot.settings import Settings
from models.clock import Clock

log = structlog.get_logger(__name__)


async def serve(settings: Settings, clock: Clock | None = None) -> None:
    bot = build_bot(settings)  # a malformed token or proxy URL stops here, before anything runs
    core = build_core(settings, clock)
    cosmetic = startup.Cosmetic(classify)
    try:
        me = await startup.required("getMe", bot.get_me, classify, settings)
        core.deps.config.bot_username = me.username
        await start_background(core, {PLATFORM: AiogramTransport(bot, settings.media_dir)})
        # The menu is cosmetic: a Bot API server without setMyCommands must not stop the bot.
        cosmetic.start("setMyCommands", partial(set_commands, bot, settings.default_locale))
        log.info("aiogram.started", bot=me.username, webhook=bool(settings.webhook_url))
        if settings.webhook_url:
            await run_webhook(bot, me.id, core.deps, settings)
        else:
            await run_polling(bot, me.id, core.deps, settings)
    finally:
        await cosmetic.close()
        await stop(core)
        await bot.session.close()
