"""The aiogram runtime: aiogram's Bot, its requests and its Update parsing; the intake
(our polling loop, our webhook endpoint) stores every update before Telegram is answered."""

from __future__ import annotations

import asyncio
from functools import partial

import structlog
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import BotCommand, Update

from bot.adapters import polling, reaching, startup, webhook
from bot.adapters.aiogram.transport import classify
from bot.adapters.commands import command_list
from bot.adapters.telegram_common import ALLOWED_UPDATES
from bot.settings import Settings
from handlers.bus import Deps

log = structlog.get_logger(__name__)


def build_bot(settings: Settings) -> Bot:
    """A Bot on the configured API server, through GRIDBOT_PROXY when set (aiohttp-socks)."""
    token = reaching.check_token(settings.require_token())
    proxy = reaching.check_proxy(settings.proxy)
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url),
                             proxy=proxy)
    return Bot(token, session=session)


async def set_commands(bot: Bot, default_locale: str) -> None:
    """The command menu in both languages; clients without a match get the default locale."""
    for language, locale in (("zh", "zh_CN"), ("en", "en")):
        commands = [BotCommand(command=c, description=d) for c, d in command_list(locale)]
        await bot.set_my_commands(commands, language_code=language)
    default = [BotCommand(command=c, description=d) for c, d in command_list(default_locale)]
    await bot.set_my_commands(default)


async def run_polling(bot: Bot, bot_id: int, deps: Deps, settings: Settings) -> None:
    """Our loop (bot/adapters/polling.py) on aiogram's getUpdates, until cancelled."""
    # Polling is refused (409) while a webhook is set, so this one must succeed first.
    await startup.required("deleteWebhook", partial(bot.delete_webhook, drop_pending_updates=False),
                           classify, settings)

    async def fetch(offset: int | None, long_poll: int) -> list[Update]:
        return await bot.get_updates(offset=offset, timeout=long_poll,
                                     allowed_updates=ALLOWED_UPDATES,
                                     request_timeout=long_poll + 10)

    await polling.poll_forever(fetch, bot_id, deps)


async def run_webhook(bot: Bot, bot_id: int, deps: Deps, settings: Settings) -> None:
    """Webhook mode (bot/adapters/webhook.py), parsing with aiogram's Update model."""
    secret = webhook.require_secret(settings)
    app = webhook.build_app(
        settings, secret, lambda data: Update.model_validate(data, context={"bot": bot}),
        bot_id, deps)
    runner = await webhook.listen(app, settings.webhook_host, settings.webhook_port)
    try:
        await startup.required("setWebhook", partial(
            bot.set_webhook, settings.webhook_url, secret_token=secret,
            allowed_updates=ALLOWED_UPDATES), classify, settings)
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
