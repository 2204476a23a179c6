"""The sender: drains the outbox under the platform's rate limits, each chat on its own.

Rules (README "Nothing is lost"):
- Rows are claimed in batches (bot.sender.claims): button answers first, then interactive
  replies, then bulk sends. Each chat then drains in its own task, in id order, so a group
  waiting on its 20-a-minute budget holds up nobody else; answers have no chat and no order.
- Limits: about 30 messages a second overall, 1 a second in one chat, 20 a minute in one
  group (an album costs one token per photo). In memory for one process, in Redis when
  several share the bot (bot.sender.rate_limits).
- A 429 puts the row back for retry_after, a 5xx or a timeout backs off; either holds the
  chat's later rows (released unsent) so that nothing overtakes it, an edit never its card.
- Sent rows are completed in batches by one flusher; failures are written at once.
- Repeats: a crash after Telegram accepted a message and before its batch was completed, and
  a request Telegram executed but answered with a 5xx or not at all (a timeout): both are
  sent again. Telegram has no idempotency key, so the second cannot be avoided for a new
  message (README, "both repeat windows").
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import timedelta

import structlog

from bot.adapters.base import Transport
from bot.sender import claims as store
from bot.sender.delivery import Delivery
from bot.sender.rate_limits import LocalRateLimits, RateLimits
from models.clock import Clock

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Limits:
    global_per_second: float = 30
    per_chat_per_second: float = 1
    per_group_per_minute: float = 20
    max_transient_attempts: int = 8
    batch: int = 200
    # A chat holding this many claimed rows in this process is left out of the next claim.
    per_chat_in_hand: int = 20
    lease_seconds: float = 60
    # Sent rows are completed together, this many seconds after the first of them.
    complete_every: float = 0.2


class Sender:
    def __init__(self, session_factory, transports: dict[str, Transport], clock: Clock,
                 limits: Limits | None = None, on_undeliverable=None,
                 rate_limits: RateLimits | None = None, single_process: bool = True) -> None:
        self._sessions = session_factory
        self._clock = clock
        self._limits = limits or Limits()
        self._platforms = list(transports)
        self.name = uuid.uuid4().hex  # this process's claims, in claimed_by
        self._single = single_process
        self._queues: dict[tuple[str, str], deque] = {}
        self._workers: dict[tuple[str, str], asyncio.Task] = {}
        self._holds: dict[tuple[str, str], int] = defaultdict(int)
        self._wake = asyncio.Event()
        self._stopping = False
        self._stopped = asyncio.Event()
        self._delivery = Delivery(session_factory, transports, clock, self._limits,
                                  rate_limits or LocalRateLimits(), on_undeliverable)

    def wake(self) -> None:
        self._wake.set()

    def request_stop(self) -> None:
        """Finish the message in hand, then leave the loop. Cancelling instead could cut a
        database call in half; what is still pending stays pending for the next start."""
        self._stopping = True
        self._wake.set()

    def _lease_until(self):
        return self._clock.now() + timedelta(seconds=self._limits.lease_seconds)

    async def recover(self) -> int:
        """Rows a dead sender left in "sending" go back to the queue: all of them in a single
        process (the dead one was us), else only those whose lease ran out."""
        async with self._sessions() as s, s.begin():
            return await store.renew_and_recover(s, self.name, self._clock.now(),
                                                 self._lease_until(), everyone=self._single)

    async def run_forever(self, idle_seconds: float = 1.0) -> None:
        await self.recover()
        flusher = asyncio.create_task(self._delivery.flush_forever(), name="sender-flush")
        leases = asyncio.create_task(self._keep_leases(), name="sender-leases")
        while not self._stopping:
            try:
                claimed = await self._claim()
            except Exception:
                log.exception("sender.loop_error")
                claimed = 0
            if claimed < self._limits.batch:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), idle_seconds)
                self._wake.clear()
        await self._workers_done()
        self._stopped.set()
        await leases
        self._delivery.stop_flushing()
        await flusher
        await self._delivery.flush()
        await self._delivery.close()

    async def run_once(self) -> int:
        """Claim what is due now and deliver it; returns how many rows were claimed."""
        claimed = await self._claim()
        await self._workers_done()
        await self._delivery.flush()
        return claimed

    async def _workers_done(self) -> None:
        while self._workers:
            await asyncio.gather(*list(self._workers.values()), return_exceptions=True)

    async def _keep_leases(self) -> None:
        """Renew our leases, recover dead senders' rows; left at stop, never cancelled."""
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopped.wait(), self._limits.lease_seconds / 3)
            if self._stopping:
                return
            with contextlib.suppress(Exception):
                async with self._sessions() as s, s.begin():
                    await store.renew_and_recover(s, self.name, self._clock.now(),
                                                  self._lease_until())

    async def _claim(self) -> int:
        busy = [key for key, q in self._queues.items()
                if len(q) >= self._limits.per_chat_in_hand]
        holds_before = dict(self._holds)
        async with self._sessions() as s, s.begin():
            rows = await store.claim(s, self.name, self._platforms, self._clock.now(),
                                     self._lease_until(), self._limits.batch, busy)
            self._delivery.remember_refs(await store.known_refs(s, {
                (r.platform, r.chat_id, r.ref) for r in rows if r.kind == "edit_text"}))
        late = []
        for row in rows:
            key = (row.platform, row.chat_id or f"answer:{row.id}")
            if self._holds[key] != holds_before.get(key, 0):
                late.append(row.id)  # its chat was held back while we claimed: keep order
                continue
            self._queues.setdefault(key, deque()).append(row)
            if key not in self._workers:
                self._workers[key] = asyncio.create_task(self._drain(key))
        if late:
            await self._release(late)
        return len(rows)

    async def _drain(self, key: tuple[str, str]) -> None:
        queue = self._queues[key]
        try:
            while queue and not self._stopping:
                if not await self._delivery.deliver(queue.popleft(), key):
                    self._holds[key] += 1  # held back (429, backoff): later rows wait
                    break
        except Exception:
            log.exception("sender.chat_failed", chat=key[1])
        finally:
            # Unsent rows go back to pending: sent after the hold, or after the restart.
            unsent = [row.id for row in queue]
            queue.clear()
            if unsent:
                with contextlib.suppress(Exception):
                    await self._release(unsent)
            del self._workers[key]
            if not queue:
                self._queues.pop(key, None)

    async def _release(self, row_ids: list[int]) -> None:
        async with self._sessions() as s, s.begin():
            await store.release(s, row_ids)
