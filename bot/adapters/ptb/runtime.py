"""The python-telegram-bot runtime: an Application whose only handler turns updates into
our events. No JobQueue, persistence or rate limiter: the scheduler and the sender own those."""

from __future__ import annotations

import asyncio
import socket
from functools import partial

import structlog
from telegram import BotCommand, Update
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.adapters import reaching, startup
from bot.adapters.commands import command_list
from bot.adapters.ptb.translate import translate
from bot.adapters.ptb.transport import classify
from bot.adapters.telegram_common import ALLOWED_UPDATES
from bot.settings import Settings
from handlers import bus
from handlers.context import Deps

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
    listening: socket.socket | None = None
    try:
        if settings.webhook_url:
            listening = _listen(settings.webhook_host, settings.webhook_port)
            await _start_webhook(app, settings, listening)
        else:
            # PTB's own bootstrap calls deleteWebhook; our retry replaces its retry loop.
            await startup.required("deleteWebhook", partial(
                app.updater.start_polling, allowed_updates=ALLOWED_UPDATES, bootstrap_retries=0),
                classify, settings)
        await asyncio.Event().wait()
    finally:
        if app.updater.running:
            await app.updater.stop()
        await app.stop()  # waits for the updates already queued and the handlers running
        if listening is not None:
            listening.close()  # after tornado let go of it (it closes it too: harmless)


def _listen(host: str, port: int) -> socket.socket:
    """Bind before PTB sets the webhook (it would bind only after): a port in use is one
    sentence before Telegram is told to call us. Connections wait in the backlog meanwhile."""
    try:
        sock = socket.create_server((host, port))
    except OSError as exc:
        raise reaching.cannot_listen(host, port, exc) from None
    sock.setblocking(False)
    log.info("webhook.serving", on=f"http://{host}:{port}")
    return sock


async def _start_webhook(app: Application, settings: Settings, sock: socket.socket) -> None:
    """Telegram must present our secret_token header, or PTB answers 403. PTB's `unix`
    parameter takes any bound socket, ours included."""
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    await startup.required("setWebhook", partial(
        app.updater.start_webhook,
        unix=sock,
        url_path=settings.webhook_path.lstrip("/"),
        webhook_url=settings.webhook_url,
        secret_token=secret,
        allowed_updates=ALLOWED_UPDATES,
        bootstrap_retries=0,
    ), classify, settings)
