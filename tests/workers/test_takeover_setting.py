"""GRIDBOT_TAKEOVER_SECONDS: how soon the other processes take over a dead one's work."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from bot.settings import Settings
from models.db import make_engine
from scheduler.lease import Lease
from scheduler.setup import build_scheduler


def test_the_default_keeps_a_minute_lease_and_half_a_minute_checks():
    settings = Settings(_env_file=None)
    assert settings.takeover_seconds == 60 and settings.takeover_check_seconds == 30


def test_a_short_takeover_checks_twice_as_often_and_never_less_than_two_seconds():
    assert Settings(_env_file=None, takeover_seconds=4).takeover_check_seconds == 2
    assert Settings(_env_file=None, takeover_seconds=600).takeover_check_seconds == 30
    with pytest.raises(ValidationError):
        Settings(_env_file=None, takeover_seconds=1)


async def test_the_inbox_replay_and_the_digests_lease_run_at_the_check_interval(sqlite_deps):
    # A PostgreSQL engine (never connected) makes the lease shared, so its check job exists.
    engine = make_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    scheduler = build_scheduler(sqlite_deps, lease=Lease(engine),
                                check_every=timedelta(seconds=2))
    replay, lease = scheduler.get_job("replay-inbox"), scheduler.get_job("digest-lease")
    assert replay.trigger.interval == timedelta(seconds=2)
    assert replay.kwargs["older_than"] == timedelta(seconds=2), "a dead worker's leftovers"
    assert lease.trigger.interval == timedelta(seconds=2)
    await engine.dispose()
