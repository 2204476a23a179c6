"""Hot-path statements in SQLAlchemy Core, built once per process.

The profile of a report (bench/handling.py, bench/ingest.py --profile) put more than half
of its CPU in SQLAlchemy, and most of that not in the driver but around it: building the
select() again for each update (coercions, operator overloading), its cache key, and the
ORM's loading and flushing machinery. A statement built once with bindparam()s memoizes its
cache key, and a Core execute on the transaction's connection skips the ORM layer; the
rows come back as plain Row tuples. Used only where a handler needs no ORM object back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Executable
from sqlmodel.ext.asyncio.session import AsyncSession

_built: dict[tuple[str, str], Executable] = {}


def once(name: str, dialect: str, build: Callable[[str], Executable]) -> Executable:
    """The statement `name` for this dialect, built by `build(dialect)` the first time."""
    key = (name, dialect)
    statement = _built.get(key)
    if statement is None:
        statement = _built[key] = build(dialect)
    return statement


async def run(session: AsyncSession, name: str, build: Callable[[str], Executable],
              **params: Any):
    """Execute the prebuilt statement on the session's connection (its transaction)."""
    connection = await session.connection()
    statement = once(name, connection.dialect.name, build)
    return await connection.execute(statement, params)
