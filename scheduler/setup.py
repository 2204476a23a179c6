"""The scheduler: APScheduler 3 in the bot's own event loop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from handlers import bus
from handlers.casework.resolve_step import expire_steps
from handlers.context import Deps
from handlers.supervision.sweep import sweep
from scheduler.digests import register_digest_jobs
from scheduler.lease import LEASE_CHECK, Lease
from scheduler.retention import register_retention_job
from scheduler.running import JobRuns

# Set on purpose:
# - coalesce: a job missed several times while the bot was down runs once on start, not N
#   times in a burst (each job already works from the database's state, not from its tick);
# - max_instances=1: a slow sweep is never overlapped by the next tick of itself;
# - misfire_grace_time: a tick up to 5 minutes late (a busy event loop, a laptop waking up)
#   still runs instead of being silently skipped.
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 300}


def build_scheduler(deps: Deps, runs: JobRuns | None = None, lease: Lease | None = None,
                    check_every: timedelta = LEASE_CHECK) -> AsyncIOScheduler:
    """`check_every` (GRIDBOT_TAKEOVER_SECONDS / 2, at most 30 s): how soon updates a dead
    process stored but never handled are replayed, and the digests' lease is checked."""
    scheduler = AsyncIOScheduler(timezone=deps.config.timezone, job_defaults=JOB_DEFAULTS)
    scheduler.add_job(
        bus.replay_pending,
        "interval",
        seconds=check_every.total_seconds(),
        args=[deps],
        kwargs={"older_than": check_every},
        id="replay-inbox",
        replace_existing=True,
    )
    # First run at start: a sweep missed while the bot was down catches up at once.
    scheduler.add_job(sweep, "interval", minutes=1, args=[deps], id="sla-sweep",
                      next_run_time=datetime.now(UTC), replace_existing=True)
    # A worker's [办结] step left open (photo sent, [完成] never tapped) closes with what it has.
    scheduler.add_job(expire_steps, "interval", minutes=1, args=[deps], id="resolve-steps",
                      replace_existing=True)
    # 日报告 18:00, 周报告 Monday, 月报告 the 1st; a report missed while the bot was down goes out
    # at start (each is recorded once sent, so a second start sends nothing again). With
    # several processes on PostgreSQL only the lease holder runs them (scheduler/lease.py);
    # the sweep and the step expiry above run everywhere (they lock what they take).
    register_digest_jobs(scheduler, deps, lease=lease, lease_check=check_every)
    register_retention_job(scheduler, deps)  # daily, only when a retention is set
    if runs is not None:
        runs.track_all(scheduler)
    return scheduler
