"""The composition root: settings in, a running bot out. The only place that wires things."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
from dataclasses import dataclass, field, replace
from datetime import timedelta
from functools import partial
from pathlib import Path

import structlog

from bot.adapters.base import Transport
from bot.adapters.webhook import require_secret as require_webhook_secret
from bot.check.holidays import warn_if_holiday_data_missing
from bot.database_url import check_database_url, connect_errors, unreachable
from bot.errors import OperatorError
from bot.sender import Limits, Sender
from bot.sender.rate_limits import RedisRateLimits
from bot.settings import Settings
from handlers import bus, delivery
from handlers.context import Config, Deps
from handlers.deadlines import policy_at
from models.clock import Clock
from models.db import make_engine, make_session_factory
from models.migrate import upgrade_async
from models.sla.parse import PolicyError
from scheduler.lease import Lease
from scheduler.running import JobRuns
from scheduler.setup import build_scheduler

log = structlog.get_logger(__name__)


@dataclass
class Core:
    """The messenger-neutral part of a running bot, shared by every runtime."""

    settings: Settings
    deps: Deps
    engine: object
    sender: Sender | None = None
    media: object | None = None
    scheduler: object | None = None
    tasks: list[asyncio.Task] = field(default_factory=list)
    job_runs: JobRuns = field(default_factory=JobRuns)
    lease: Lease | None = None  # who runs the digests among processes (scheduler/lease.py)


async def prepare_database(url: str) -> None:
    """Create the SQLite folder and migrate; a wrong or unreachable database is one sentence."""
    check_database_url(url)
    if url.startswith("sqlite") and ":///" in url:
        path = url.split(":///", 1)[1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        await upgrade_async(url)
    except connect_errors() as exc:
        raise unreachable(url, exc) from exc


def check_policy(path: str | None):
    """A bad policy file stops the start with the file and key named, not a traceback."""
    try:
        return policy_at(path)
    except PolicyError as exc:
        raise OperatorError(f"SLA policy / 时限规则: {exc}") from exc


def build_core(settings: Settings, clock: Clock | None = None) -> Core:
    engine = make_engine(settings.database_url)
    config = Config(
        default_locale=settings.default_locale,
        duplicate_window_hours=settings.duplicate_window_hours,
        duplicate_radius_m=settings.duplicate_radius_m,
        bot_username=settings.bot_username,
        timezone=settings.timezone,
        sla_policy=str(settings.sla_policy) if settings.sla_policy else None,
        retention_days_photos=settings.retention_days_photos,
        retention_days_resolved=settings.retention_days_resolved,
        media_dir=str(settings.media_dir),
        report_cap_per_hour=settings.report_cap_per_hour,
    )
    policy = check_policy(config.sla_policy)
    deps = Deps(make_session_factory(engine), clock or Clock(), config)
    warn_if_holiday_data_missing(settings, deps.clock, policy)
    return Core(settings, deps, engine)


async def start_background(
    core: Core, transports: dict[str, Transport], limits: Limits | None = None
) -> None:
    """Sender, media fetcher, scheduler; and a catch-up of updates a crash left unhandled."""
    from bot.media import MediaFetcher

    deps = core.deps
    redis_url = core.settings.redis_url
    # A dead process's claimed rows return when this lease runs out (GRIDBOT_TAKEOVER_SECONDS).
    limits = replace(limits or Limits(), lease_seconds=core.settings.takeover_seconds)
    core.sender = Sender(deps.session_factory, transports, deps.clock, limits,
                         on_undeliverable=partial(delivery.on_undeliverable, deps),
                         rate_limits=RedisRateLimits.from_url(redis_url) if redis_url else None,
                         single_process=not redis_url)
    core.media = MediaFetcher(deps.session_factory, transports, core.settings.media_dir,
                              deps.clock)
    deps.on_commit.extend([core.sender.wake, core.media.wake])
    replayed = await bus.replay_pending(deps, older_than=timedelta(0))
    if replayed:
        log.info("inbox.replayed_on_start", count=replayed)
    core.tasks.append(asyncio.create_task(core.sender.run_forever(), name="sender"))
    core.tasks.append(asyncio.create_task(core.media.run_forever(), name="media"))
    core.lease = Lease(core.engine)
    core.scheduler = build_scheduler(
        deps, core.job_runs, core.lease,
        check_every=timedelta(seconds=core.settings.takeover_check_seconds))
    core.scheduler.start()


async def run_jobs_now(core: Core) -> None:
    """Run every scheduled job once, now: the demo's fast-forward uses this after moving the
    clock, so what would have fired in the skipped hours fires at once."""
    for job in core.scheduler.get_jobs():
        await job.func(*job.args, **job.kwargs)


async def stop(core: Core, grace_seconds: float = 10) -> None:
    """Stop in order: no new job runs, workers, jobs and update handlers finish what is in
    hand, then close (the runtime has already stopped taking updates).

    Nothing is cancelled in the middle of a database call unless it overstays the grace:
    that can lose the call's work and, with aiosqlite, hang the connection's close.
    """
    if core.scheduler is not None and core.scheduler.running:
        core.scheduler.pause()
    for worker in (core.sender, core.media):
        if worker is not None:
            worker.request_stop()
    in_hand = {*core.job_runs.running(), *core.deps.in_flight}
    pending = {task for task in {*core.tasks, *in_hand} if not task.done()}
    pending.discard(asyncio.current_task())
    if pending:
        _done, overstayed = await asyncio.wait(pending, timeout=grace_seconds)
        for task in overstayed:
            log.warning("stop.cancelled_overstaying_task", task=task.get_name())
            task.cancel()
        for task in pending:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
    if core.scheduler is not None and core.scheduler.running:
        core.scheduler.shutdown(wait=False)
    if core.lease is not None:
        await core.lease.release()  # the other processes need not wait for a keep-alive
    await core.engine.dispose()


# Each runtime module offers `async serve(settings, clock)`; imported lazily so that a
# deployment without python-telegram-bot (or without the web extras) still starts the others.
RUNTIMES = {
    "aiogram": "bot.adapters.aiogram.app",
    "ptb": "bot.adapters.ptb.app",
    "webchat": "web.webchat.app",
}
TELEGRAM_RUNTIMES = {"aiogram", "ptb"}


async def run(settings: Settings, clock: Clock | None = None) -> None:
    """`gridbot run`: migrate, then serve the configured runtime until cancelled."""
    if settings.runtime in TELEGRAM_RUNTIMES:
        settings.require_token()
        require_webhook_secret(settings)  # before the database: forged updates never get in
    # The policy before the database: a typo in it should not wait for a migration.
    check_policy(str(settings.sla_policy) if settings.sla_policy else None)
    await prepare_database(settings.database_url)
    module = importlib.import_module(RUNTIMES[settings.runtime])
    await module.serve(settings, clock)
