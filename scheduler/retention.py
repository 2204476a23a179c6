"""The daily retention job (GRIDBOT_RETENTION_DAYS_PHOTOS / _RESOLVED), at 03:30 local time,
when the groups are quiet. Registered only when a retention is set: unset keeps everything.

A run missed while the bot was down simply happens the next night: the job works from the
database's state (what is old enough now), so nothing is lost by skipping a day.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import structlog
from apscheduler.triggers.cron import CronTrigger

from handlers.context import Deps
from handlers.upkeep.retention import PruneReport, prune
from models.retention import RetentionPolicy

log = structlog.get_logger(__name__)


def policy_of(deps: Deps) -> RetentionPolicy:
    return RetentionPolicy(deps.config.retention_days_photos, deps.config.retention_days_resolved)


async def run_retention(deps: Deps) -> PruneReport:
    report = await prune(deps, policy_of(deps), Path(deps.config.media_dir))
    log.info("retention.pruned", photos=report.photos, files=report.files,
             tickets=report.tickets)
    return report


def register_retention_job(scheduler, deps: Deps) -> None:
    if policy_of(deps).keeps_everything:
        return
    trigger = CronTrigger(hour=3, minute=30, timezone=ZoneInfo(deps.config.timezone))
    scheduler.add_job(run_retention, trigger, args=[deps], id="retention",
                      replace_existing=True)
