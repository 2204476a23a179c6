"""`gridbot check`: settings, database, migrations, SLA policy and the Telegram token."""

from __future__ import annotations

import asyncio

from bot.check.findings import Checkup, Finding, fail, ok, warn
from bot.errors import OperatorError

TELEGRAM_RUNTIMES = {"aiogram", "ptb"}


async def check_settings(checkup: Checkup) -> list[Finding]:
    from pydantic import ValidationError

    from bot.cli.errors import settings_error
    from bot.settings import load_settings

    try:
        checkup.settings = load_settings(**checkup.overrides)
    except ValidationError as exc:
        return [Finding("fail", line) for line in str(settings_error(exc)).splitlines()]
    return ok(f"settings / 配置: runtime {checkup.settings.runtime}")


async def check_database(checkup: Checkup) -> list[Finding]:
    """The URL's form, then a real connection; the later database checks need both."""
    from sqlalchemy import text

    from bot.database_url import check_database_url, connect_errors, shown, unreachable
    from models.db import make_engine, make_session_factory

    if checkup.settings is None:
        return []
    url = checkup.settings.database_url
    try:
        check_database_url(url)
        engine = make_engine(url)
        async with asyncio.timeout(15):
            async with engine.connect() as conn:
                await conn.execute(text("select 1"))
    except OperatorError as exc:
        return fail(str(exc))
    except connect_errors() as exc:
        await engine.dispose()
        return fail(str(unreachable(url, exc)))
    checkup.engine, checkup.sessions = engine, make_session_factory(engine)
    return ok(f"database / 数据库: {shown(url)}")


async def check_migrations(checkup: Checkup) -> list[Finding]:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from models.migrate import alembic_config

    if checkup.engine is None:
        return []
    heads = set(ScriptDirectory.from_config(alembic_config("")).get_heads())
    async with checkup.engine.connect() as conn:
        current = set(await conn.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_heads()))
    if current != heads:
        return fail("database schema is not up to date: run `gridbot db upgrade` "
                    "/ 数据库需要升级")
    checkup.notes["schema"] = True
    return ok(f"database schema / 数据库结构: {', '.join(sorted(heads))}")


async def check_sla_policy(checkup: Checkup) -> list[Finding]:
    from bot.bootstrap import check_policy

    if checkup.settings is None:
        return []
    path = str(checkup.settings.sla_policy) if checkup.settings.sla_policy else None
    check_policy(path)  # an OperatorError is listed as a ✗ with the key named
    return ok(f"SLA policy / 时限规则: {path or 'models/sla/sla_policy.yaml'}")


async def check_token(checkup: Checkup) -> list[Finding]:
    settings = checkup.settings
    if settings is None or settings.runtime not in TELEGRAM_RUNTIMES:
        return []
    if settings.bot_token is None or not settings.bot_token.get_secret_value().strip():
        return fail("GRIDBOT_BOT_TOKEN is not set: `gridbot run` cannot start on Telegram "
                    "/ 未设置机器人令牌")
    from aiogram import Bot
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.exceptions import TelegramAPIError, TelegramUnauthorizedError
    from aiogram.utils.token import TokenValidationError

    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    try:
        me = await Bot(settings.bot_token.get_secret_value().strip(), session=session).get_me()
    except TokenValidationError:
        return fail("GRIDBOT_BOT_TOKEN is not a bot token (it looks like 123456:ABC…) "
                    "/ 机器人令牌格式不对")
    except TelegramUnauthorizedError:
        return fail("Telegram refused GRIDBOT_BOT_TOKEN (401): copy it again from @BotFather "
                    "/ 令牌无效")
    except (TelegramAPIError, OSError, TimeoutError) as exc:
        return fail(f"cannot ask Telegram at {settings.telegram_api_url}: {type(exc).__name__} "
                    "/ 无法连接 Telegram")
    finally:
        await session.close()
    found = ok(f"Telegram bot / 机器人: @{me.username}")
    if settings.bot_username and settings.bot_username.lstrip("@") != me.username:
        found += warn(f"GRIDBOT_BOT_USERNAME is @{settings.bot_username.lstrip('@')} but the "
                      f"token belongs to @{me.username} / 机器人用户名不一致")
    return found


async def check_holiday_data(checkup: Checkup) -> list[Finding]:
    """Office-hours deadlines need this year's public holidays (and, from December, next
    year's): without them 春节 would count as working days."""
    from bot.check.holidays import holiday_data_problem
    from models.sla.parse import PolicyError

    if checkup.settings is None:
        return []
    try:
        problem = holiday_data_problem(checkup.settings)
    except PolicyError:
        return []  # the policy check above already lists it
    if problem:
        return warn(problem)
    return ok("public holidays / 法定节假日: known for the years the deadlines need")


SETUP_CHECKS = [check_settings, check_database, check_migrations, check_sla_policy,
                check_holiday_data, check_token]
