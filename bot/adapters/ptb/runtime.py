"""The python-telegram-bot runtime: PTB's Bot, its requests and its Update parsing; the
intake (our polling loop, our webhook endpoint) stores every update before Telegram is
answered. No JobQueue, persistence, rate limiter or Updater: the scheduler, the store and
the sender own those."""

from __future__ import annotations

import asyncio
from functools import partial

import structlog
from telegram import BotCommand, Update
from telegram.ext import Application

from bot.adapters import polling, reaching, startup, webhook
from bot.adapters.commands import command_list
from bot.adapters.ptb.transport import classify
from bot.adapters.telegram_common import ALLOWED_UPDATES
from bot.settings import Settings
from handlers.bus import Deps

log = structlog.get_logger(__name__)


def build_application(settings: Settings) -> Application:
    token = reaching.check_token(settings.require_token())
    proxy = reaching.check_proxy(settings.proxy)
    api = settings.telegram_api_url.rstrip("/")
    builder = Application.builder()
    if proxy:  # both of PTB's HTTPXRequests: the calls and the long poll (httpx[socks])
        builder = builder.proxy(proxy).get_updates_proxy(proxy)
    return (
        builder
        .token(token)
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .job_queue(None)
        .build()
    )


async def set_commands(app: Application, default_locale: str) -> None:
    """The command menu in both languages; clients without a match get the default locale."""
    for language, locale in (("zh", "zh_CN"), ("en", "en")):
        commands = [BotCommand(c, d) for c, d in command_list(locale)]
        await app.bot.set_my_commands(commands, language_code=language)
    await app.bot.set_my_commands([BotCommand(c, d) for c, d in command_list(default_locale)])


async def run(app: Application, bot_id: int, deps: Deps, settings: Settings) -> None:
    """Take updates (webhook when webhook_url is set, else long polling) until cancelled."""
    if settings.webhook_url:
        await _run_webhook(app, bot_id, deps, settings)
        return
    # Polling is refused (409) while a webhook is set, so this one must succeed first.
    await startup.required("deleteWebhook", partial(
        app.bot.delete_webhook, drop_pending_updates=False), classify, settings)

    async def fetch(offset: int | None, long_poll: int) -> tuple[Update, ...]:
        # PTB's get_updates goes through its own long-poll request object (and proxy).
        return await app.bot.get_updates(offset=offset, timeout=long_poll,
                                         allowed_updates=ALLOWED_UPDATES,
                                         read_timeout=long_poll + 10)

    await polling.poll_forever(fetch, bot_id, deps)


async def _run_webhook(app: Application, bot_id: int, deps: Deps, settings: Settings) -> None:
    """Webhook mode (bot/adapters/webhook.py), parsing with PTB's Update.de_json."""
    secret = webhook.require_secret(settings)
    server = webhook.build_app(settings, secret, lambda data: Update.de_json(data, app.bot),
                               bot_id, deps)
    runner = await webhook.listen(server, settings.webhook_host, settings.webhook_port)
    try:
        await startup.required("setWebhook", partial(
            app.bot.set_webhook, settings.webhook_url, secret_token=secret,
            allowed_updates=ALLOWED_UPDATES), classify, settings)
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
