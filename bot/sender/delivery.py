"""One outbox row through the transport: limits, the call, and what its answer means.

Rows sent are only remembered here; `flush` completes them all in one transaction (the
sender's flusher runs it as soon as it is idle), so a busy sender spends one UPDATE on many
messages instead of a transaction on each. A failure is written at once: it is rare, and the
undeliverable hook must see it.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from datetime import timedelta

import structlog

from bot.adapters.base import (
    MessageGone,
    PermanentError,
    RetryAfter,
    TransientError,
    Undeliverable,
)
from bot.sender import claims as store
from handlers.events import AnswerButton, EditText, SendPhotos, SendText, from_json

log = structlog.get_logger(__name__)
_REFS_KEPT = 5000


class Delivery:
    def __init__(self, session_factory, transports, clock, limits, rate_limits,
                 on_undeliverable) -> None:
        self._sessions = session_factory
        self._transports = transports
        self._clock = clock
        self._limits = limits
        self._rates = rate_limits
        # Called with the outbox row id after a 403, so the core can reach the person
        # another way; the sender itself knows nothing about tickets or groups.
        self._on_undeliverable = on_undeliverable
        self._sent: list[store.Sent] = []
        self._flush_due = asyncio.Event()
        self._flushing_stopped = False
        # Message ids of refs ("card:42") known to this process: an edit right behind its
        # card needs the id before the card's row is completed in the store.
        self._refs: OrderedDict[tuple[str, str, str], str] = OrderedDict()

    def remember_refs(self, refs: dict) -> None:
        self._refs.update(refs)
        while len(self._refs) > _REFS_KEPT:
            self._refs.popitem(last=False)

    async def _message_id(self, row, ref: str) -> str | None:
        key = (row.platform, row.chat_id, ref)
        if key not in self._refs:  # forgotten (older than the kept ones): ask the store
            async with self._sessions() as s:
                self.remember_refs(await store.known_refs(s, {key}))
        return self._refs.get(key)

    async def flush(self) -> None:
        sent, self._sent = self._sent, []
        if not sent:
            return
        try:
            async with self._sessions() as s, s.begin():
                await store.complete_sent(s, sent, self._clock.now())
        except BaseException:
            self._sent[:0] = sent  # try again with the next flush; the rows stay "sending"
            raise

    async def close(self) -> None:
        close = getattr(self._rates, "close", None)
        if close is not None:
            await close()

    async def flush_forever(self) -> None:
        """Until stop_flushing: never cancelled, so that no completion is cut in half."""
        while not self._flushing_stopped:
            await self._flush_due.wait()
            if not self._flushing_stopped:
                # Gather the completions of this short while into one transaction. It widens
                # the crash window that can repeat a message by as much (README).
                await asyncio.sleep(self._limits.complete_every)
            self._flush_due.clear()
            try:
                await self.flush()
            except Exception:
                log.exception("sender.flush_failed")
                await asyncio.sleep(1)
                self._flush_due.set()

    def stop_flushing(self) -> None:
        self._flushing_stopped = True
        self._flush_due.set()

    async def _tokens(self, key: tuple[str, str], count: int) -> None:
        platform, chat_id = key
        for _ in range(count):
            await self._rates.acquire(f"chat:{platform}:{chat_id}",
                                      self._limits.per_chat_per_second, 1)
            if chat_id.startswith("-"):  # Telegram group and supergroup ids are negative
                await self._rates.acquire(f"group:{platform}:{chat_id}",
                                          self._limits.per_group_per_minute, 60)
        await self._rates.acquire(f"global:{platform}", self._limits.global_per_second, 1)

    async def deliver(self, row, key: tuple[str, str]) -> bool:
        """Returns False when later rows of this chat must wait."""
        action = from_json(row.payload)
        transport = self._transports[row.platform]
        try:
            if isinstance(action, AnswerButton):
                await self._rates.acquire(f"global:{row.platform}",
                                          self._limits.global_per_second, 1)
                await transport.answer_button(action)
                return self._done(row, None)
            if isinstance(action, EditText):
                message_id = await self._message_id(row, action.ref)
                if message_id is None:  # its message was never sent (failed, or no such)
                    await self._finish(row, "skipped", error="nothing to edit")
                    return True
                await self._tokens(key, 1)
                await transport.edit_text(action, message_id)
                return self._done(row, None)
            # An album is as many messages as photos for Telegram's per-chat and per-group
            # limits: one token each, so a 10-photo album cannot burst a group's minute.
            await self._tokens(key, len(action.media) if isinstance(action, SendPhotos) else 1)
            if isinstance(action, SendText):
                return self._done(row, await transport.send_text(action, action.reply_to))
            await transport.send_photos(action, action.reply_to)
            return self._done(row, None)
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

    def _done(self, row, message_id: str | None) -> bool:
        if row.ref and message_id:
            self.remember_refs({(row.platform, row.chat_id, row.ref): message_id})
        self._sent.append(store.Sent(row.id, row.platform, row.chat_id, row.ref, message_id))
        self._flush_due.set()
        return True

    async def _transient(self, row, exc: Exception) -> bool:
        if row.attempts >= self._limits.max_transient_attempts:
            await self._finish(row, "failed", error=repr(exc))
            return True
        backoff = timedelta(seconds=min(2 ** row.attempts, 300))
        await self._requeue(row, backoff, count_attempt=True, error=repr(exc))
        return False

    async def _requeue(self, row, delay: timedelta, count_attempt: bool, error: str = ""):
        async with self._sessions() as s, s.begin():
            await store.requeue(s, row.id, self._clock.now() + delay, count_attempt, error)

    async def _finish(self, row, status: str, error: str = "") -> None:
        async with self._sessions() as s, s.begin():
            await store.finish(s, row.id, status, self._clock.now(), error)
