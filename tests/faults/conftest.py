"""Fault tests drive the real runtimes against the emulator, as tests/e2e does."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import emu  # noqa: F401 - the same emulator fixture
from tests.faults.common import scratch_pg
from tests.support.db import _pg_reachable, pg_required


@pytest.fixture
async def pg_database():
    """(url, name) of a fresh PostgreSQL database; skips (or fails, GRIDBOT_REQUIRE_PG=1)
    when the server is not there."""
    problem = await _pg_reachable()
    if problem:
        if pg_required():
            pytest.fail(f"GRIDBOT_REQUIRE_PG=1 but {problem}")
        pytest.skip(problem)
    async with scratch_pg() as database:
        yield database
