"""The python-telegram-bot runtime: an Application whose only handler turns updates into
our events. No JobQueue, persistence or rate limiter: the scheduler and the sender own those."""

from __future__ import annotations

import asyncio

import structlog
from telegram import BotCommand, Update
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.adapters.commands import command_list
from bot.adapters.ptb.translate import translate
from bot.adapters.telegram_common import ALLOWED_UPDATES
from bot.settings import Settings
from handlers import bus
from handlers.context import Deps

log = structlog.get_logger(__name__)


def build_application(settings: Settings) -> Application:
    api = settings.telegram_api_url.rstrip("/")
    return (
        Application.builder()
        .token(settings.require_token())
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .job_queue(None)
        .concurrent_updates(True)  # like aiogram's polling, which handles updates as tasks
        .build()
    )


def update_handler(deps: Deps, bot_id: int) -> TypeHandler:
    async def on_update(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        event = translate(update, bot_id)
        if event is not None:
            await bus.receive(event, deps)

    return TypeHandler(Update, on_update)


async def set_commands(app: Application, default_locale: str) -> None:
    """The command menu in both languages; clients without a match get the default locale."""
    for language, locale in (("zh", "zh_CN"), ("en", "en")):
        commands = [BotCommand(c, d) for c, d in command_list(locale)]
        await app.bot.set_my_commands(commands, language_code=language)
    await app.bot.set_my_commands([BotCommand(c, d) for c, d in command_list(default_locale)])


async def run(app: Application, settings: Settings) -> None:
    """Fetch updates (webhook when webhook_url is set, else long polling) until cancelled."""
    await app.start()
    try:
        if settings.webhook_url:
            await _start_webhook(app, settings)
        else:
            await app.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
        await asyncio.Event().wait()
    finally:
        if app.updater.running:
            await app.updater.stop()
        await app.stop()  # waits for the updates already queued and the handlers running


async def _start_webhook(app: Application, settings: Settings) -> None:
    """Telegram must present our secret_token header, or PTB answers 403."""
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    await app.updater.start_webhook(
        listen=settings.webhook_host,
        port=settings.webhook_port,
        url_path=settings.webhook_path.lstrip("/"),
        webhook_url=settings.webhook_url,
        secret_token=secret,
        allowed_updates=ALLOWED_UPDATES,
    )
    log.info("webhook.listening", host=settings.webhook_host, port=settings.webhook_port)
