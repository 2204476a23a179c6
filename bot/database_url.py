"""GRIDBOT_DATABASE_URL: the two forms we support, and a sentence for each way it goes wrong.

SQLAlchemy's own errors for a wrong URL ("Can't load plugin: sqlalchemy.dialects:postgres",
"The asyncio extension requires an async driver") say nothing an operator can act on, and an
unreachable server surfaces as a traceback from deep inside Alembic.
"""

from __future__ import annotations

import asyncio

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from bot.errors import OperatorError

SUPPORTED = ("sqlite+aiosqlite:///./gridbot.db", "postgresql+asyncpg://user:password@host/db")
FORMS = f"{SUPPORTED[0]} or {SUPPORTED[1]}"


def _suggest(url: str, scheme: str) -> str:
    return f"{scheme}://{url.split('://', 1)[1]}"


def check_database_url(url: str) -> None:
    """Raise OperatorError unless the URL has one of the supported forms."""
    head = url.split("://", 1)[0].lower() if "://" in url else ""
    if head == "sqlite" or (head.startswith("sqlite+") and head != "sqlite+aiosqlite"):
        raise OperatorError(
            f"GRIDBOT_DATABASE_URL needs the async SQLite driver: use "
            f"{_suggest(url, 'sqlite+aiosqlite')} / 数据库地址请用 sqlite+aiosqlite:///")
    if head in ("postgres", "postgresql") or (head.startswith(("postgres+", "postgresql+"))
                                              and head != "postgresql+asyncpg"):
        raise OperatorError(
            f"GRIDBOT_DATABASE_URL needs the asyncpg driver: use "
            f"{_suggest(url, 'postgresql+asyncpg')} / 数据库地址请用 postgresql+asyncpg://")
    if head not in ("sqlite+aiosqlite", "postgresql+asyncpg"):
        raise OperatorError(f"GRIDBOT_DATABASE_URL is not a supported database address; "
                            f"use {FORMS} / 数据库地址格式不对")
    try:
        make_url(url)
    except ArgumentError:
        raise OperatorError(f"GRIDBOT_DATABASE_URL cannot be read; use {FORMS} "
                            "/ 数据库地址格式不对") from None


def shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def unreachable(url: str, exc: BaseException) -> OperatorError:
    """The sentence for a database that cannot be opened (refused, unknown, no such file)."""
    reason = getattr(exc, "orig", None) or exc
    text = str(reason).strip().splitlines()[0] if str(reason).strip() else type(reason).__name__
    return OperatorError(f"cannot open the database {shown(url)}: {text} / 无法连接数据库", 1)


# What opening a database can raise: SQLAlchemy's wrapped driver errors, a refused or
# unresolvable host (OSError), a connect timeout, and asyncpg's own errors on connect.
def connect_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [SQLAlchemyError, OSError, asyncio.TimeoutError]
    try:
        from asyncpg.exceptions import PostgresError
    except ImportError:  # a deployment without the postgres extra
        pass
    else:
        errors.append(PostgresError)
    return tuple(errors)
