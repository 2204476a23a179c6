"""The `gridbot` command line: run the bot, migrate the database, import the org, invite people.

Settings come from GRIDBOT_* variables and .env (bot/settings.py); `--database-url` overrides
the database for one command. Expected failures print one line to stderr and exit non-zero
without a traceback: the people running this are street-office admins, not Python developers.
"""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import select

from bot.errors import OperatorError
from bot.settings import MissingToken, Settings, load_settings
from models.clock import Clock
from models.db import make_engine, make_session_factory
from models.org import Area, Department, InviteCode, Role
from models.org_import import OrgFileError, import_org

# Locals in a traceback would print the settings, token included.
app = typer.Typer(name="gridbot", help="网格通 Gridbot: community grid governance bot.",
                  no_args_is_help=True, add_completion=False,
                  pretty_exceptions_show_locals=False)
db_app = typer.Typer(help="The database / 数据库.", no_args_is_help=True)
org_app = typer.Typer(help="The organisation: areas, departments, staff / 组织架构.",
                      no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(org_app, name="org")


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


@app.callback()
def main(
    ctx: typer.Context,
    database_url: Annotated[str | None, typer.Option(
        "--database-url", help="Overrides GRIDBOT_DATABASE_URL for this command.")] = None,
) -> None:
    ctx.obj = {"database_url": database_url}


def _settings(ctx: typer.Context) -> Settings:
    overrides = {k: v for k, v in (ctx.obj or {}).items() if v is not None}
    try:
        return load_settings(**overrides)
    except ValidationError as exc:
        raise _fail(f"bad settings / 配置错误:\n{exc}", 2) from None


@app.command()
def run(ctx: typer.Context) -> None:
    """Run the bot with the configured runtime (GRIDBOT_RUNTIME) / 启动机器人."""
    settings = _settings(ctx)
    # Imported here: the runtime pulls in aiogram and the scheduler, which the database and
    # org commands do not need.
    from bot.bootstrap import run as run_bot

    try:
        asyncio.run(run_bot(settings))
    except MissingToken as exc:
        raise _fail(str(exc), 2) from None
    except OperatorError as exc:
        raise _fail(str(exc), exc.exit_code) from None
    except KeyboardInterrupt:
        typer.echo("stopped / 已停止", err=True)


@app.command()
def demo(
    ctx: typer.Context,
    port: int = typer.Option(None, help="Port for the page (default GRIDBOT_WEB_PORT, 8080)."),
) -> None:
    """The local web group chat with the demo org: no token, no network / 本地演示."""
    settings = _settings(ctx).model_copy(update={"runtime": "webchat", "demo": True})
    if port is not None:
        settings = settings.model_copy(update={"web_port": port})
    from bot.bootstrap import run as run_bot

    try:
        asyncio.run(run_bot(settings))
    except KeyboardInterrupt:
        typer.echo("stopped / 已停止", err=True)


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser()


def _upgrade(url: str) -> None:
    # SQLite creates the file but not its folder; a fresh deployment has neither.
    if path := _sqlite_file(url):
        path.parent.mkdir(parents=True, exist_ok=True)
    from models.migrate import upgrade

    try:
        upgrade(url)
    except (SQLAlchemyError, OSError) as exc:
        raise _fail(f"database error / 数据库错误: {exc}") from None


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Create or migrate the database schema to the latest version / 升级数据库."""
    settings = _settings(ctx)
    _upgrade(settings.database_url)
    shown = make_url(settings.database_url).render_as_string(hide_password=True)
    typer.echo(f"database is up to date / 数据库已是最新: {shown}")


async def _import(url: str, path: Path):
    engine = make_engine(url)
    try:
        return await import_org(make_session_factory(engine), path)
    finally:
        await engine.dispose()


@org_app.command("import")
def org_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                         help="An org .yaml/.yml or .csv file.")],
) -> None:
    """Import areas, departments and staff from a file (safe to repeat) / 导入组织架构."""
    settings = _settings(ctx)
    _upgrade(settings.database_url)  # so this works on a brand-new database
    try:
        summary = asyncio.run(_import(settings.database_url, file))
    except OrgFileError as exc:
        raise _fail(f"{file}:{exc.line}: {exc.message}" if exc.line
                    else f"{file}: {exc.message}") from None
    typer.echo(f"imported / 已导入 {file}")
    for line in summary.lines():
        typer.echo(f"  {line}")
    for warning in summary.warnings:
        typer.echo(f"warning / 注意: {warning}", err=True)


# ---- invites ------------------------------------------------------------------------------


class InviteError(Exception):
    pass


def new_invite_code() -> str:
    # 9 random bytes are 12 URL-safe characters (A-Z a-z 0-9 _ -): what Telegram allows in a
    # /start parameter (at most 64), and too many to guess.
    return secrets.token_urlsafe(9)


async def create_invite(session_factory, area_code: str, role: str, department: str | None,
                        clock: Clock) -> tuple[InviteCode, Area]:
    """A single-use invite that grants `role` over the area when its link is opened."""
    if role.lower() not in set(Role):
        raise InviteError(f"unknown role '{role}' (expected {'|'.join(Role)}) / 未知角色")
    role = Role(role.lower())
    if role == Role.LIAISON and not department:
        raise InviteError("a liaison invite needs --department / 联络员邀请必须指定部门")
    if department and role != Role.LIAISON:
        raise InviteError("only a liaison has a department / 只有联络员有部门")
    async with session_factory() as session, session.begin():
        code = area_code.strip().upper()
        area = (await session.exec(select(Area).where(Area.code == code))).first()
        if area is None:
            raise InviteError(f"unknown area {code}; import the org first (gridbot org import) "
                              "/ 区域不存在")
        department_id = None
        if department:
            found = (await session.exec(
                select(Department).where(Department.code == department.strip().lower()))).first()
            if found is None:
                raise InviteError(f"unknown department {department} / 部门不存在")
            department_id = found.id
        invite = InviteCode(code=new_invite_code(), role=role.value, area_id=area.id,
                            department_id=department_id, created_at=clock.now())
        session.add(invite)
    return invite, area


async def bot_username(settings: Settings) -> str | None:
    """GRIDBOT_BOT_USERNAME, else ask Telegram's getMe when a token is set, else None."""
    if settings.bot_username:
        return settings.bot_username.strip().lstrip("@")
    if settings.bot_token is None or not settings.bot_token.get_secret_value().strip():
        return None
    from aiogram import Bot
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer

    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    try:
        bot = Bot(settings.require_token(), session=session)
        return (await bot.get_me()).username
    finally:
        await session.close()


async def _invite(settings: Settings, area: str, role: str, department: str | None):
    engine = make_engine(settings.database_url)
    try:
        invite, area_row = await create_invite(make_session_factory(engine), area, role,
                                               department, Clock())
    finally:
        await engine.dispose()
    try:
        username = await bot_username(settings)
    except Exception as exc:  # noqa: BLE001 - the invite exists; a network hiccup must not hide it
        username, problem = None, f"could not ask Telegram for the bot's username ({exc})"
    else:
        problem = None
    return invite, area_row, username, problem


@app.command()
def invite(
    ctx: typer.Context,
    grid: Annotated[str, typer.Option(
        "--grid", "--area", help="Area code: a grid, or a community/street for admins.")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(Role)}.")],
    department: Annotated[str | None, typer.Option(
        help="Department code; required for a liaison.")] = None,
) -> None:
    """Create a single-use invite link that grants a role / 生成邀请链接."""
    settings = _settings(ctx)
    hint = "run `gridbot db upgrade` and `gridbot org import FILE` first / 请先导入组织架构"
    path = _sqlite_file(settings.database_url)
    if path and not path.exists():  # SQLite would create an empty file and then fail
        raise _fail(f"no database at {path}; {hint}")
    try:
        created, area, username, problem = asyncio.run(_invite(settings, grid, role, department))
    except InviteError as exc:
        raise _fail(str(exc)) from None
    except SQLAlchemyError as exc:
        raise _fail(f"database error / 数据库错误: {getattr(exc, 'orig', exc)}; {hint}") from None
    typer.echo(f"invite code / 邀请码: {created.code}  ({created.role} @ {area.code} {area.name})")
    if username:
        typer.echo(f"link / 链接: https://t.me/{username}?start={created.code}")
        return
    if problem:
        typer.echo(problem, err=True)
    typer.echo("set GRIDBOT_BOT_USERNAME (or GRIDBOT_BOT_TOKEN) to get a link "
               f"/ 设置 GRIDBOT_BOT_USERNAME 以生成链接; meanwhile send: /start {created.code}")
