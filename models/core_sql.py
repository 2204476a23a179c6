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

from sqlalchemy import Executable, Row, insert
from sqlalchemy.orm import Session, make_transient_to_detached
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
              **params: Any) -> list[Row]:
    """Execute the prebuilt statement in the session's transaction; its rows.

    Changes pending in the session are flushed first, as the ORM's autoflush would: a
    Core statement must see a role added a moment before, like an ORM query does.
    """
    return await session.run_sync(_run, name, build, params)


def _run(session: Session, name: str, build: Callable[[str], Executable],
         params: dict[str, Any]) -> list[Row]:
    if session.autoflush:
        session.flush()  # returns at once when nothing is pending
    connection = session.connection()
    return connection.execute(once(name, connection.dialect.name, build), params).all()


async def insert_loaded(session: AsyncSession, obj: Any) -> Any:
    """INSERT a new table object with one Core statement and put it in the session as if it
    had been loaded: persistent, clean, its id set.

    The ORM's flush of one new object (unit of work, dependency sort, per-attribute
    history) cost several times the statement itself in the profile. Every column must be
    set on `obj` (SQLModel sets each field's default at construction); later changes to
    it are flushed by the ORM as usual.
    """
    return await session.run_sync(_insert_loaded, obj)


def _insert_loaded(session: Session, obj: Any) -> Any:
    if session.autoflush:
        session.flush()  # a row it refers to may still be pending
    table = type(obj).__table__
    values = {c.key: getattr(obj, c.key) for c in table.columns if c.key != "id"}
    connection = session.connection()
    statement = once(f"insert.{table.name}", connection.dialect.name,
                     lambda _dialect: insert(table).returning(table.c.id))
    obj.id = connection.execute(statement, values).scalar_one()
    make_transient_to_detached(obj)
    session.add(obj)
    return obj


async def insert_row(session: AsyncSession, table_object: Any) -> None:
    """INSERT a row nothing in this transaction reads back as an object (an audit event,
    a role), in one Core statement without the ORM's flush."""
    await session.run_sync(_insert_row, table_object)


def _insert_row(session: Session, obj: Any) -> None:
    if session.autoflush:
        session.flush()
    table = type(obj).__table__
    values = {c.key: getattr(obj, c.key) for c in table.columns if c.key != "id"}
    connection = session.connection()
    connection.execute(once(f"insert.{table.name}.plain", connection.dialect.name,
                            lambda _dialect: insert(table)), values)
