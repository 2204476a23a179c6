"""The `gridbot` command line: run the bot, check the set-up, migrate, import the org, invite.

Settings come from GRIDBOT_* variables and .env (bot/settings.py); `--database-url` overrides
the database for one command. Expected failures (bot.errors.OperatorError, raised anywhere
below a command) print one sentence to stderr and exit non-zero without a traceback: the
people running this are street-office admins, not Python developers (bot/cli/errors.py).

`gridbot --help` must answer at once: the runtimes, SQLAlchemy and the models are imported
inside the commands that use them, never at the top of this module.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.common import checked_settings, fail, upgrade_database
from bot.cli.data import backup, prune, restore
from bot.cli.errors import OperatorGroup
from bot.cli.invite import invite_app

if TYPE_CHECKING:
    from bot.settings import Settings

# Locals in a traceback would print the settings, token included.
app = typer.Typer(name="gridbot", help="网格通 Gridbot: community grid governance bot.",
                  cls=OperatorGroup, no_args_is_help=True, add_completion=False,
                  pretty_exceptions_show_locals=False)
db_app = typer.Typer(help="The database / 数据库.", no_args_is_help=True)
org_app = typer.Typer(help="The organisation: areas, departments, staff / 组织架构.",
                      no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(org_app, name="org")
app.add_typer(invite_app, name="invite")  # bot/cli/invite.py: create, list, revoke
app.command()(backup)  # bot/cli/data.py: backups and retention
app.command()(restore)
app.command()(prune)


@app.callback()
def main(
    ctx: typer.Context,
    database_url: Annotated[str | None, typer.Option(
        "--database-url", help="Overrides GRIDBOT_DATABASE_URL for this command.")] = None,
) -> None:
    ctx.obj = {"database_url": database_url}


def _serve(settings: Settings) -> None:
    """Serve until SIGTERM or Ctrl-C, then stop in order and exit 0 (the stop is logged as
    stop.requested / stop.done; a plain line here would break a json log)."""
    # Imported here: the runtime pulls in aiogram and the scheduler.
    from bot.bootstrap import run as run_bot
    from bot.service import serve_until_signalled

    try:
        asyncio.run(serve_until_signalled(run_bot(settings)))
    except KeyboardInterrupt:  # a Ctrl-C before the signal handlers were in place
        pass


@app.command()
def run(ctx: typer.Context) -> None:
    """Run the bot with the configured runtime (GRIDBOT_RUNTIME) / 启动机器人."""
    _serve(checked_settings(ctx, service=True))


@app.command()
def demo(
    ctx: typer.Context,
    port: int = typer.Option(None, help="Port for the page (default GRIDBOT_WEB_PORT, 8080)."),
) -> None:
    """The local web group chat with the demo org: no token, no network / 本地演示."""
    settings = checked_settings(ctx, service=True).model_copy(update={"runtime": "webchat",
                                                               "demo": True})
    if port is not None:
        settings = settings.model_copy(update={"web_port": port})
    _serve(settings)


@app.command()
def check(ctx: typer.Context) -> None:
    """Check the settings, database, SLA policy, org and token / 检查配置."""
    from bot.check import run_checks

    raise typer.Exit(run_checks(ctx.obj or {}))


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Create or migrate the database schema to the latest version / 升级数据库."""
    from bot.database_url import shown

    settings = checked_settings(ctx)
    upgrade_database(settings.database_url)
    typer.echo(f"database is up to date / 数据库已是最新: {shown(settings.database_url)}")


async def _import(url: str, path: Path):
    from models.db import make_engine, make_session_factory
    from models.org.importer import import_org

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
    from models.org.importer import OrgFileError

    settings = checked_settings(ctx)
    upgrade_database(settings.database_url)  # so this works on a brand-new database
    try:
        summary = asyncio.run(_import(settings.database_url, file))
    except OrgFileError as exc:
        raise fail(f"{file}:{exc.line}: {exc.message}" if exc.line
                    else f"{file}: {exc.message}") from None
    typer.echo(f"imported / 已导入 {file}")
    for line in summary.lines():
        typer.echo(f"  {line}")
    for warning in summary.warnings:
        typer.echo(f"warning / 注意: {warning}", err=True)
