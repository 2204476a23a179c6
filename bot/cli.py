"""The `gridbot` command line: run the bot, migrate the database, import the org, invite people.

Settings come from GRIDBOT_* variables and .env (bot/settings.py); `--database-url` overrides
the database for one command. Expected failures print one line to stderr and exit non-zero
without a traceback: the people running this are street-office admins, not Python developers.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.cli_invite import invite_app
from bot.settings import MissingToken, Settings, load_settings
from models.db import make_engine, make_session_factory
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
app.add_typer(invite_app, name="invite")  # bot/cli_invite.py: create, list, revoke


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
