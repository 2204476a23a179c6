"""The engine and sessions: SQLite by default, PostgreSQL in production."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

POOL_RECYCLE_SECONDS = 600


def make_engine(url: str, **kwargs) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)
        _make_sqlite_behave(engine)
        return engine
    # No ping per checkout (a round trip before every transaction): connections are
    # recycled before a firewall or PostgreSQL's idle timeouts can have cut them, and one
    # that died anyway (a server restart) fails its transaction, which SQLAlchemy then
    # invalidates; the inbox keeps that update pending and replays it (handlers/bus.py).
    kwargs.setdefault("pool_recycle", POOL_RECYCLE_SECONDS)
    return create_async_engine(url, **kwargs)


def _make_sqlite_behave(engine: AsyncEngine) -> None:
    """WAL, foreign keys, and BEGIN IMMEDIATE.

    Python's sqlite3 starts transactions lazily (on the first write), so two tasks that both
    read a ticket and then update it can fail with "database is locked" instead of waiting.
    Taking the write lock at BEGIN makes writers queue up behind busy_timeout, which is what
    the "first press wins" rule needs on SQLite.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
