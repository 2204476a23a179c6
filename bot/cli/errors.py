"""How the CLI says a mistake: one sentence on stderr, a non-zero exit, no traceback.

Every command runs inside OperatorGroup, so an OperatorError raised anywhere below (settings,
database, SLA policy, a port, the Telegram connection in bot/adapters) ends the same way. The
traceback is printed too only with GRIDBOT_LOG_LEVEL=DEBUG, for the developer asked to help.
"""

from __future__ import annotations

import os
import sys
import traceback

import click
from pydantic import ValidationError
from typer.core import TyperGroup

from bot.errors import OperatorError

# Values of these settings never appear in a message, not even a wrong one.
SECRET_FIELDS = {"bot_token", "webhook_secret"}


def debugging() -> bool:
    # Read from the environment, not from Settings: the settings may be what failed.
    return os.environ.get("GRIDBOT_LOG_LEVEL", "").strip().upper() == "DEBUG"


def say(error: OperatorError) -> None:
    if debugging():
        traceback.print_exception(error, file=sys.stderr)
    click.echo(str(error), err=True)


class OperatorGroup(TyperGroup):
    """The top-level command group: turns an OperatorError into its sentence and exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except OperatorError as error:
            say(error)
            ctx.exit(error.exit_code)


def settings_error(exc: ValidationError) -> OperatorError:
    """One sentence per bad variable, naming it as the operator wrote it (GRIDBOT_X)."""
    lines = []
    for problem in exc.errors():
        field = str(problem["loc"][0]) if problem["loc"] else "?"
        value = "" if field in SECRET_FIELDS else f"={problem.get('input')!r}"
        lines.append(f"bad setting / 配置错误: GRIDBOT_{field.upper()}{value}: {problem['msg']}")
    return OperatorError("\n".join(lines), exit_code=2)
