"""The aiogram runtime: a Dispatcher whose only router turns updates into our events."""

from __future__ import annotations

import asyncio
import contextlib
from functools import partial

import structlog
from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import BotCommand, CallbackQuery, Message, Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.adapters import reaching, startup
from bot.adapters.aiogram.translate import button_event, message_event
from bot.adapters.aiogram.transport import classify
from bot.adapters.commands import command_list
from bot.adapters.telegram_common import ALLOWED_UPDATES
from bot.settings import Settings
from handlers import bus
from handlers.context import Deps

log = structlog.get_logger(__name__)


def build_bot(settings: Settings) -> Bot:
    """A Bot on the configured API server, through GRIDBOT_PROXY when set (aiohttp-socks)."""
    token = reaching.check_token(settings.require_token())
    proxy = reaching.check_proxy(settings.proxy)
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url),
                             proxy=proxy)
    return Bot(token, session=session)


def build_dispatcher(deps: Deps, bot_id: int) -> Dispatcher:
    router = Router(name="gridbot")

    @router.message()
    async def on_message(message: Message, event_update: Update) -> None:
        event = message_event(message, bot_id, event_update.update_id)
        if event is not None:
            await bus.receive(event, deps)

    @router.callback_query()
    async def on_button(query: CallbackQuery, event_update: Update) -> None:
        await bus.receive(button_event(query, bot_id, event_update.update_id), deps)

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    return dispatcher


async def set_commands(bot: Bot, default_locale: str) -> None:
    """The command menu in both languages; clients without a match get the default locale."""
    for language, locale in (("zh", "zh_CN"), ("en", "en")):
        commands = [BotCommand(command=c, description=d) for c, d in command_list(locale)]
        await bot.set_my_commands(commands, language_code=language)
    default = [BotCommand(command=c, description=d) for c, d in command_list(default_locale)]
    await bot.set_my_commands(default)


async def run_polling(bot: Bot, dispatcher: Dispatcher, settings: Settings) -> None:
    """Poll until cancelled, then stop aiogram's polling properly.

    Cancelling start_polling's task does not stop the polling loop aiogram runs inside it:
    it would go on fetching (and handling) updates after our database is closed. So we
    shield it and ask the dispatcher to stop.
    """
    # Polling is refused (409) while a webhook is set, so this one must succeed first.
    await startup.required("deleteWebhook", partial(bot.delete_webhook, drop_pending_updates=False),
                           classify, settings)
    polling = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, allowed_updates=ALLOWED_UPDATES)
    )
    try:
        await asyncio.shield(polling)
    finally:
        if not polling.done():
            try:
                await asyncio.wait_for(dispatcher.stop_polling(), 5)
            except (RuntimeError, TimeoutError):  # RuntimeError: polling never started
                polling.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await polling


async def run_webhook(bot: Bot, dispatcher: Dispatcher, settings: Settings) -> None:
    """Webhook mode: Telegram must present our secret_token header, or the update is refused."""
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    app = web.Application()
    SimpleRequestHandler(dispatcher, bot, secret_token=secret).register(
        app, path=settings.webhook_path
    )
    setup_application(app, dispatcher, bot=bot)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        # Listen first: a port in use is one sentence before Telegram is told to call us.
        await _listen(runner, settings.webhook_host, settings.webhook_port)
        await startup.required("setWebhook", partial(
            bot.set_webhook, settings.webhook_url, secret_token=secret,
            allowed_updates=ALLOWED_UPDATES), classify, settings)
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


async def _listen(runner: web.AppRunner, host: str, port: int) -> None:
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as exc:
        raise reaching.cannot_listen(host, port, exc) from None
    log.info("webhook.serving", on=f"http://{host}:{port}")
