"""The scheduled job runs in flight, so that shutdown can let them finish.

APScheduler 3's asyncio executor cancels the jobs still running when the scheduler shuts
down. A cancelled job may be in the middle of a database call; with aiosqlite that can leave
the connection's close waiting forever, and the process never exits. So shutdown pauses the
scheduler (no new runs), waits for these runs, and cancels only what overstays its grace.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from typing import Any


class JobRuns:
    def __init__(self) -> None:
        self._running: set[asyncio.Task] = set()

    def track(self, func: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        @functools.wraps(func)
        async def tracked(*args: Any, **kwargs: Any) -> Any:
            task = asyncio.current_task()
            self._running.add(task)
            try:
                return await func(*args, **kwargs)
            finally:
                self._running.discard(task)

        return tracked

    def track_all(self, scheduler) -> None:
        """Wrap every job added so far (Job.modify is APScheduler's public way to do it)."""
        for job in scheduler.get_jobs():
            job.modify(func=self.track(job.func))

    def running(self) -> set[asyncio.Task]:
        return {task for task in self._running if not task.done()}
