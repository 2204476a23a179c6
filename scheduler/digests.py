"""The digest jobs: 日报告 daily at 18:00, 周报告 Monday 09:00, 月报告 the 1st at 09:00, on the
deployment's local clock (Config.timezone), whatever the host's zone.

Each job works out its period from the clock, and each report is recorded by its outbox ref
(see handlers.reports.digest), so running a job again, late, or from the demo's fast-forward never
sends a report twice. That is what makes these choices safe:
- next_run_time=now (catch_up): a report missed while the bot was down goes out at start, as
  the SLA sweep does; a report already sent is skipped, and so is a period that ended before
  any group of the area was bound (a brand-new deployment's first start sends nothing old).
- misfire_grace_time=None: a tick however late (a laptop waking at 23:00) still runs, instead
  of the default 5 minutes after which the day's report would be silently lost.
- with several processes on one PostgreSQL database, only the lease holder runs them
  (scheduler.lease); a process that takes the lease over catches up at once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from handlers.context import Deps
from handlers.reports.digest import DAILY_AT, daily_digest, monthly_digest, weekly_digest
from scheduler.lease import LEASE_CHECK, Lease

Report = Callable[[Deps, datetime], Awaitable[int]]

DIGEST_JOBS: tuple[tuple[str, Report, dict[str, object]], ...] = (
    ("digest-daily", daily_digest, {"hour": DAILY_AT.hour, "minute": DAILY_AT.minute}),
    ("digest-weekly", weekly_digest, {"day_of_week": "mon", "hour": 9, "minute": 0}),
    ("digest-monthly", monthly_digest, {"day": 1, "hour": 9, "minute": 0}),
)


async def run_digest(report: Report, deps: Deps, lease: Lease | None = None) -> int:
    """The job itself: the period comes from the injected clock at the moment it runs; a
    process that does not hold the lease leaves it to the one that does."""
    if lease is not None and not await lease.held():
        return 0
    return await report(deps, deps.clock.now())


async def keep_lease(lease: Lease, deps: Deps) -> int:
    """Check the lease; on taking it over, send what the former holder left unsent."""
    was_holding = lease.holding
    if not await lease.held() or was_holding:
        return 0
    return sum([await report(deps, deps.clock.now()) for _id, report, _fields in DIGEST_JOBS])


def register_digest_jobs(scheduler, deps: Deps, *, catch_up: bool = True,
                         lease: Lease | None = None,
                         lease_check: timedelta = LEASE_CHECK) -> None:
    timezone = ZoneInfo(deps.config.timezone)
    for job_id, report, fields in DIGEST_JOBS:
        first_run = {"next_run_time": datetime.now(UTC)} if catch_up else {}
        scheduler.add_job(
            run_digest,
            CronTrigger(timezone=timezone, **fields),
            args=[report, deps, lease],
            id=job_id,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
            **first_run,
        )
    if lease is not None and lease.shared:
        scheduler.add_job(keep_lease, "interval", seconds=lease_check.total_seconds(),
                          args=[lease, deps], id="digest-lease", replace_existing=True)
