"""A few kill -9s of `gridbot run` at random moments while reports come in, on SQLite and
PostgreSQL (bench/faults runs 100): no report lost, no ticket twice, no message missing,
and a duplicate message only in the documented window."""

from __future__ import annotations

import pytest

from tests.e2e.harness import make_stage
from tests.faults.common import bot_env
from tests.faults.kill_loop import kill_loop

pytestmark = pytest.mark.e2e
KILLS, PER_ROUND = 4, 5


async def _check(stage, env, tmp_path) -> None:
    tally = await kill_loop(stage, env, tmp_path, kills=KILLS, per_round=PER_ROUND)
    assert tally.reports == KILLS * PER_ROUND
    assert (tally.lost_reports, tally.duplicate_tickets, tally.missing_messages) == (0, 0, 0)
    assert tally.tickets == tally.reports
    assert tally.unexplained == [], "a duplicate outside the documented window"


async def test_kill_loop_on_sqlite(emu, tmp_path):
    stage = await make_stage(emu, tmp_path)
    await stage.deps.session_factory.kw["bind"].dispose()
    try:
        await _check(stage, bot_env(stage, "aiogram", stage.settings.database_url, tmp_path),
                     tmp_path)
    finally:
        await stage.deps.session_factory.kw["bind"].dispose()


@pytest.mark.postgres
async def test_kill_loop_on_postgres_with_ptb(emu, tmp_path, pg_database):
    url, _name = pg_database
    stage = await make_stage(emu, tmp_path, runtime="ptb", database_url=url)
    try:
        await _check(stage, bot_env(stage, "ptb", url, tmp_path), tmp_path)
    finally:
        await stage.deps.session_factory.kw["bind"].dispose()
