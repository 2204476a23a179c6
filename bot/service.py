"""Run a runtime like a service: SIGTERM and Ctrl-C both start the same ordered stop.

systemd, `docker stop` and a deploy send SIGTERM; Python's default for it is to die at once
(exit 143) with messages half-sent and jobs cut off. Here either signal cancels the serving
task, whose `finally` runs bootstrap.stop (no new updates or job runs; work in hand finishes;
unsent messages stay queued), and the process then exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Awaitable

import structlog

log = structlog.get_logger(__name__)
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


async def serve_until_signalled(serving: Awaitable[None]) -> bool:
    """Await `serving`; on SIGTERM/SIGINT cancel it and wait for its orderly stop.

    Returns True when a signal stopped it. A second signal while stopping changes nothing:
    the stop already cancels what overstays its grace, and cutting it short could leave a
    database call half done.
    """
    loop = asyncio.get_running_loop()
    task = asyncio.ensure_future(serving)
    received: list[signal.Signals] = []

    def on_signal(sig: signal.Signals) -> None:
        if received:
            log.info("stop.already_stopping", signal=sig.name)
            return
        received.append(sig)
        log.info("stop.requested", signal=sig.name)
        task.cancel()

    installed = []
    for sig in STOP_SIGNALS:
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows
            loop.add_signal_handler(sig, on_signal, sig)
            installed.append(sig)
    try:
        await task
    except asyncio.CancelledError:
        if not received:
            raise
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
    if received:
        log.info("stop.done", signal=received[0].name)
    return bool(received)
