"""The shared services of a multi-process test: a fresh PostgreSQL database, a Redis DB.

Both skip the test with a reason when the server is not there, except where CI requires it:
GRIDBOT_REQUIRE_PG=1 (tests/support/db.py) and GRIDBOT_REQUIRE_REDIS=1 (.ci/run) turn the
skip into a failure. Several engineers run tests on this machine at once, so each test gets
its own database and a Redis DB number it has claimed, and flushes only that.
"""

from __future__ import annotations

import contextlib
import os
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from models.db import make_engine
from tests.support.db import PG_URL, _pg_reachable, pg_required

REDIS_URL = os.environ.get("GRIDBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379")
_CLAIM = "gridbot:test:claimed-by"


@contextlib.asynccontextmanager
async def fresh_pg_database():
    """A new database on the test server (processes share it by URL, so not a schema)."""
    problem = await _pg_reachable()
    if problem:
        if pg_required():
            pytest.fail(f"GRIDBOT_REQUIRE_PG=1 but {problem}")
        pytest.skip(problem)
    name = f"gridbot_workers_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


def _redis_required() -> bool:
    return os.environ.get("GRIDBOT_REQUIRE_REDIS") == "1"


@contextlib.asynccontextmanager
async def own_redis_db():
    """redis://…/N for a DB number nobody else holds (claimed with SET NX), flushed."""
    import redis.asyncio as redis

    me = uuid.uuid4().hex
    for number in range(15, 0, -1):  # DB 0 is everyone's default: never ours
        client = redis.from_url(f"{REDIS_URL}/{number}")
        try:
            claimed = await client.set(_CLAIM, me, nx=True, ex=600)
        except (OSError, redis.RedisError) as exc:
            await client.aclose()
            reason = f"Redis not reachable at {REDIS_URL}: {exc}"[:300]
            if _redis_required():
                pytest.fail(f"GRIDBOT_REQUIRE_REDIS=1 but {reason}")
            pytest.skip(reason)
        if not claimed:
            await client.aclose()
            continue
        try:
            await _flush_all_but_claim(client)
            yield f"{REDIS_URL}/{number}"
        finally:
            await client.flushdb()  # the claim goes with it
            await client.aclose()
        return
    pytest.fail("every Redis DB 1-15 is claimed by another test run")


async def _flush_all_but_claim(client) -> None:
    async for key in client.scan_iter():
        if key != _CLAIM.encode():
            await client.delete(key)
