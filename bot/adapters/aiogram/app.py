"""Wire the aiogram runtime to the core and serve until cancelled."""

from __future__ import annotations

import structlog

from bot.adapters.aiogram.runtime import (
    build_bot,
    build_dispatcher,
    run_polling,
    run_webhook,
    set_commands,
)
from bot.adapters.aiogram.transport import AiogramTransport
from bot.adapters.telegram_common import PLATFORM
from bot.bootstrap import build_core, start_background, stop
from bot.settings import Settings
from models.clock import Clock

log = structlog.get_logger(__name__)


async def serve(settings: Settings, clock: Clock | None = None) -> None:
    core = build_core(settings, clock)
    bot = build_bot(settings)
    try:
        me = await bot.get_me()
        core.deps.config.bot_username = me.username
        await start_background(core, {PLATFORM: AiogramTransport(bot)})
        await set_commands(bot, settings.default_locale)
        dispatcher = build_dispatcher(core.deps, me.id)
        log.info("aiogram.started", bot=me.username, webhook=bool(settings.webhook_url))
        if settings.webhook_url:
            await run_webhook(bot, dispatcher, settings)
        else:
            await run_polling(bot, dispatcher)
    finally:
        await stop(core)
        await bot.session.close()
