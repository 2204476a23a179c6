"""Shared fixtures: a database per test (SQLite, and PostgreSQL where marked), and deps."""

from __future__ import annotations

import pytest

from handlers.context import Config, Deps
from models.clock import FakeClock
from models.db import make_session_factory
from tests.support.db import fresh_database


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def any_db(request, tmp_path):
    """The same test on SQLite and on PostgreSQL."""
    url, engine, cleanup = await fresh_database(request.param, tmp_path)
    yield request.param, url, engine
    await engine.dispose()
    if cleanup:
        await cleanup()


@pytest.fixture
async def sqlite_db(tmp_path):
    url, engine, _ = await fresh_database("sqlite", tmp_path)
    yield "sqlite", url, engine
    await engine.dispose()


@pytest.fixture
def clock():
    return FakeClock()


# Tests send many reports from the same few people: the flood cap is off here and on in
# tests/unit/test_flood_cap.py, which tests it.
@pytest.fixture
def deps(any_db, clock):
    _kind, _url, engine = any_db
    return Deps(make_session_factory(engine), clock, Config(bot_username="gridbot_test_bot",
                                                           report_cap_per_hour=0))


@pytest.fixture
def sqlite_deps(sqlite_db, clock):
    _kind, _url, engine = sqlite_db
    return Deps(make_session_factory(engine), clock, Config(bot_username="gridbot_test_bot",
                                                           report_cap_per_hour=0))
