"""Test databases: a fresh SQLite file, or a fresh schema on the real PostgreSQL server.

PostgreSQL tests skip with a reason when the server is not reachable, except where
GRIDBOT_REQUIRE_PG=1 (set by .ci/run), where an unreachable server fails the run.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

import models  # noqa: F401 - registers the tables
import web.webchat.tables  # noqa: F401
from models.db import make_engine

PG_URL = os.environ.get("GRIDBOT_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


def pg_required() -> bool:
    return os.environ.get("GRIDBOT_REQUIRE_PG") == "1"


async def _pg_reachable() -> str | None:
    try:
        import asyncpg  # noqa: F401
    except ImportError:
        return "asyncpg is not installed"
    engine = make_engine(PG_URL)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("select 1"))
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not here"
        return f"PostgreSQL not reachable at {PG_URL}: {exc!r}"[:300]
    finally:
        await engine.dispose()


async def fresh_database(kind: str, tmp_path, create_schema: bool = True):
    """(url, engine, cleanup) for a new database, with the tables created unless told not to."""
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path}/gridbot-test.db"
        engine = make_engine(url)
        if create_schema:
            async with engine.begin() as conn:
                await conn.run_sync(SQLModel.metadata.create_all)
        return url, engine, None
    problem = await _pg_reachable()
    if problem:
        if pg_required():
            pytest.fail(f"GRIDBOT_REQUIRE_PG=1 but {problem}")
        pytest.skip(problem)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(PG_URL, connect_args={"server_settings": {"search_path": schema}})
    if create_schema:
        async with engine.begin() as conn:
            await conn.run_sync(SQLModel.metadata.create_all)

    async def cleanup():
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()

    return f"{PG_URL}#schema={schema}", engine, cleanup
