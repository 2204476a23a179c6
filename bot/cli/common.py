"""What the `gridbot` commands share: one-sentence failures, the checked settings, migrating.

Below bot/cli/__init__.py (the app) and the command modules beside it (data.py), so a
command module needs nothing from the app that registers it. Light imports only, for the
same reason as the app: `gridbot --help` must answer at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from bot.cli.errors import settings_error

if TYPE_CHECKING:
    from bot.settings import Settings


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def checked_settings(ctx: typer.Context, *, service: bool = False) -> Settings:
    """The settings, checked; and logging configured from them (token redacted).

    A service (`run`, `demo`) logs at GRIDBOT_LOG_LEVEL; a one-shot command keeps its output
    to what the admin asked for, warnings only, unless GRIDBOT_LOG_LEVEL=DEBUG.
    """
    from pydantic import ValidationError

    from bot.database_url import check_database_url
    from bot.logging import configure_logging
    from bot.settings import load_settings

    overrides = {k: v for k, v in (ctx.obj or {}).items() if v is not None}
    try:
        settings = load_settings(**overrides)
    except ValidationError as exc:
        raise settings_error(exc) from None
    check_database_url(settings.database_url)
    level = settings.log_level if service or settings.log_level == "DEBUG" else "WARNING"
    secret_values = [s.get_secret_value() for s in (settings.bot_token, settings.webhook_secret)
                     if s]
    configure_logging(level, settings.log_format, secret_values)
    return settings


def sqlite_file(url: str) -> Path | None:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser()


def upgrade_database(url: str) -> None:
    from bot.database_url import connect_errors, unreachable
    from models.migrate import upgrade

    # SQLite creates the file but not its folder; a fresh deployment has neither.
    if path := sqlite_file(url):
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        upgrade(url)
    except connect_errors() as exc:
        raise unreachable(url, exc) from None
