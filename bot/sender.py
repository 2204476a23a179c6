"""The sender: drains the outbox under the platform's rate limits, each row delivered once.

Telegram's limits (about 30 messages a second overall, 20 a minute in one group, 1 a second
in one chat) are leaky buckets from aiolimiter. Rows of one chat go out in order, so a card's
edit never overtakes the card; different chats drain concurrently, so one slow group does
not hold up the rest.

Delivery is "claim, send, mark": a row is claimed (pending → sending) with a conditional
UPDATE, so two senders never both send it. A 429 puts the row back with not_before set to
retry_after. The only window that can repeat a message is a crash after the platform
accepted it and before "sent" was committed; rows left in "sending" are retried at start.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

import structlog
from aiolimiter import AsyncLimiter
from sqlalchemy import update
from sqlmodel import select

from bot.adapters.base import (
    MessageGone,
    PermanentError,
    RetryAfter,
    TransientError,
    Transport,
    Undeliverable,
)
from handlers.events import AnswerButton, EditText, SendPhotos, SendText, from_json
from models.clock import Clock
from models.messaging import MessageRef, OutboxMessage

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Limits:
    global_per_second: float = 30
    per_chat_per_second: float = 1
    per_group_per_minute: float = 20
    max_transient_attempts: int = 8
    batch: int = 200


class Sender:
    def __init__(
        self,
        session_factory,
        transports: dict[str, Transport],
        clock: Clock,
        limits: Limits | None = None,
        on_undeliverable=None,
    ) -> None:
        self._sessions = session_factory
        self._transports = transports
        self._clock = clock
        self._limits = limits or Limits()
        self._global = AsyncLimiter(self._limits.global_per_second, 1)
        self._per_chat: dict[tuple[str, str], list[AsyncLimiter]] = {}
        self._wake = asyncio.Event()
        self._stopping = False
        # Called with the outbox row id after a 403, so the core can reach the person
        # another way; the sender itself knows nothing about tickets or groups.
        self._on_undeliverable = on_undeliverable

    def wake(self) -> None:
        self._wake.set()

    def request_stop(self) -> None:
        """Finish the message in hand, then leave the loop. Cancelling instead could cut a
        database call in half; what is still pending stays pending for the next start."""
        self._stopping = True
        self._wake.set()

    async def recover(self) -> int:
        """Rows a crash left in "sending" go back to the queue (at-least-once over a crash)."""
        async with self._sessions() as s, s.begin():
            result = await s.execute(
                update(OutboxMessage)
                .where(OutboxMessage.status == "sending")
                .values(status="pending")
            )
            return result.rowcount or 0

    async def run_forever(self, idle_seconds: float = 1.0) -> None:
        await self.recover()
        while not self._stopping:
            try:
                sent = await self.run_once()
            except Exception:
                log.exception("sender.loop_error")
                sent = 0
            if sent == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), idle_seconds)
                self._wake.clear()

    async def run_once(self) -> int:
        """Deliver what is due now; returns how many rows were attempted."""
        async with self._sessions() as s:
            rows = (
                await s.exec(
                    select(OutboxMessage.id, OutboxMessage.platform, OutboxMessage.chat_id)
                    .where(
                        OutboxMessage.status == "pending",
                        OutboxMessage.not_before <= self._clock.now(),
                        OutboxMessage.platform.in_(list(self._transports)),
                    )
                    .order_by(OutboxMessage.id)
                    .limit(self._limits.batch)
                )
            ).all()
        by_chat: dict[tuple[str, str], list[int]] = defaultdict(list)
        for row_id, platform, chat_id in rows:
            by_chat[(platform, chat_id)].append(row_id)
        await asyncio.gather(*(self._drain_chat(key, ids) for key, ids in by_chat.items()))
        return len(rows)

    async def _drain_chat(self, key: tuple[str, str], row_ids: list[int]) -> None:
        for row_id in row_ids:
            if self._stopping:
                return  # unclaimed rows stay pending: sent after the restart, once
            if not await self._deliver(row_id, key):
                return  # held back (429, or an edit waiting for its send): keep order

    def _limiters(self, key: tuple[str, str]) -> list[AsyncLimiter]:
        if key not in self._per_chat:
            limiters = [AsyncLimiter(self._limits.per_chat_per_second, 1)]
            if key[1].startswith("-"):  # Telegram group and supergroup ids are negative
                limiters.append(AsyncLimiter(self._limits.per_group_per_minute, 60))
            self._per_chat[key] = limiters
        return self._per_chat[key]

    async def _claim(self, row_id: int) -> OutboxMessage | None:
        async with self._sessions() as s, s.begin():
            claimed = await s.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row_id, OutboxMessage.status == "pending")
                .values(status="sending", attempts=OutboxMessage.attempts + 1)
            )
            if claimed.rowcount != 1:
                return None
            return await s.get(OutboxMessage, row_id)

    async def _deliver(self, row_id: int, key: tuple[str, str]) -> bool:
        """Returns False when later rows of this chat must wait."""
        row = await self._claim(row_id)
        if row is None:
            return True
        action = from_json(row.payload)
        transport = self._transports[row.platform]
        try:
            if isinstance(action, AnswerButton):
                async with self._global:
                    await transport.answer_button(action)
                await self._finish(row, "sent")
                return True
            # An album is as many messages as photos for Telegram's per-chat and per-group
            # limits: one token each, so a 10-photo album cannot burst a group's minute.
            for _ in range(len(action.media) if isinstance(action, SendPhotos) else 1):
                for limiter in self._limiters(key):
                    await limiter.acquire()
            async with self._global:
                if isinstance(action, SendText):
                    message_id = await transport.send_text(action, action.reply_to)
                    await self._finish(row, "sent", ref_message=message_id)
                elif isinstance(action, SendPhotos):
                    await transport.send_photos(action, action.reply_to)
                    await self._finish(row, "sent")
                elif isinstance(action, EditText):
                    return await self._edit(row, action, transport)
            return True
        except RetryAfter as wait:
            log.info("sender.retry_after", row=row.id, seconds=wait.seconds)
            await self._requeue(row, timedelta(seconds=wait.seconds), count_attempt=False)
            return False
        except Undeliverable as exc:
            await self._finish(row, "undeliverable", error=str(exc))
            if self._on_undeliverable is not None:
                try:
                    await self._on_undeliverable(row.id)
                except Exception:
                    log.exception("sender.undeliverable_hook_failed", row=row.id)
        except MessageGone as exc:
            await self._finish(row, "skipped", error=str(exc))
        except PermanentError as exc:
            log.warning("sender.rejected", row=row.id, error=str(exc))
            await self._finish(row, "failed", error=str(exc))
        except (TransientError, OSError, TimeoutError) as exc:
            return await self._transient(row, exc)
        except Exception as exc:
            log.exception("sender.unexpected", row=row.id)
            return await self._transient(row, exc)
        return True

    async def _edit(self, row: OutboxMessage, action: EditText, transport: Transport) -> bool:
        async with self._sessions() as s:
            ref = await s.get(MessageRef, (row.platform, row.chat_id, action.ref))
            waiting_send = (
                await s.exec(
                    select(OutboxMessage.id).where(
                        OutboxMessage.platform == row.platform,
                        OutboxMessage.chat_id == row.chat_id,
                        OutboxMessage.ref == action.ref,
                        OutboxMessage.kind == "send_text",
                        OutboxMessage.status.in_(["pending", "sending"]),
                    )
                )
            ).first()
        if ref is None and waiting_send is not None:
            await self._requeue(row, timedelta(seconds=1), count_attempt=False)
            return False
        if ref is None:
            await self._finish(row, "skipped", error="nothing to edit")
            return True
        await transport.edit_text(action, ref.message_id)
        await self._finish(row, "sent")
        return True

    async def _transient(self, row: OutboxMessage, exc: Exception) -> bool:
        if row.attempts >= self._limits.max_transient_attempts:
            await self._finish(row, "failed", error=repr(exc))
            return True
        backoff = timedelta(seconds=min(2 ** row.attempts, 300))
        await self._requeue(row, backoff, count_attempt=True, error=repr(exc))
        return False

    async def _requeue(self, row, delay: timedelta, count_attempt: bool, error: str = "") -> None:
        async with self._sessions() as s, s.begin():
            values = {"status": "pending", "not_before": self._clock.now() + delay}
            if not count_attempt:
                values["attempts"] = OutboxMessage.attempts - 1
            if error:
                values["last_error"] = error[:1000]
            await s.execute(update(OutboxMessage).where(OutboxMessage.id == row.id).values(values))

    async def _finish(self, row, status: str, error: str = "", ref_message: str | None = None):
        async with self._sessions() as s, s.begin():
            values = {"status": status, "sent_at": self._clock.now()}
            if error:
                values["last_error"] = error[:1000]
            await s.execute(update(OutboxMessage).where(OutboxMessage.id == row.id).values(values))
            if ref_message is not None and row.ref:
                await s.merge(MessageRef(platform=row.platform, chat_id=row.chat_id,
                                         ref=row.ref, message_id=ref_message))
