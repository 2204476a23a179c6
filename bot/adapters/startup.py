"""The Bot API calls a runtime makes when it starts, retried the same way on both runtimes.

Two kinds:
- required (getMe, deleteWebhook before polling, setWebhook): without them the bot cannot
  serve. Transient failures (5xx, 429, timeouts, connection refused) are retried with backoff
  for settings.startup_timeout, one log line per attempt; then one sentence. A 401 or a 400
  is one sentence at once: a retry cannot fix it.
- optional (the command menu): cosmetic. A failure is one warning; a transient one is retried
  in the background with backoff until it succeeds or the bot stops. The bot serves meanwhile.

Each adapter passes a `classify` that reads its framework's exceptions into a `Failure`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

import structlog
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_before_delay,
    stop_never,
    wait_exponential_jitter,
)

from bot.adapters import reaching
from bot.settings import Settings

log = structlog.get_logger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Failure:
    # transient: worth another try; unauthorized: 401; refused: 400 and the like.
    kind: Literal["transient", "unauthorized", "refused"]
    detail: str
    wait: float | None = None  # Telegram's retry_after, when it gave one


Classify = Callable[[BaseException], Failure | None]  # None: not a Bot API failure (a bug)


def _waiter(classify: Classify, maximum: float):
    backoff = wait_exponential_jitter(multiplier=0.5, max=maximum, jitter=0.5)

    def wait(state: RetryCallState) -> float:
        failure = classify(state.outcome.exception())
        # Telegram's retry_after is a promise to refuse until then: never retry sooner.
        return max(failure.wait or 0.0, backoff(state))

    return wait


def _transient(classify: Classify):
    def check(exc: BaseException) -> bool:
        failure = classify(exc)
        return failure is not None and failure.kind == "transient"

    return retry_if_exception(check)


async def required(what: str, call: Callable[[], Awaitable[T]], classify: Classify,
                   settings: Settings) -> T:
    """`call()` until it succeeds, or raise the OperatorError an operator must act on."""

    def before_sleep(state: RetryCallState) -> None:
        failure = classify(state.outcome.exception())
        log.warning("telegram.start_call_failed", call=what, attempt=state.attempt_number,
                    error=failure.detail, retry_in=round(state.upcoming_sleep, 1),
                    url=settings.telegram_api_url)

    retrying = AsyncRetrying(
        stop=stop_before_delay(settings.startup_timeout), wait=_waiter(classify, 10.0),
        retry=_transient(classify), before_sleep=before_sleep, reraise=True,
    )
    try:
        return await retrying(call)
    except Exception as exc:
        failure = classify(exc)
        if failure is None:
            raise
        if failure.kind == "unauthorized":
            raise reaching.unauthorized(settings) from None
        if failure.kind == "refused":
            raise reaching.refused(settings, what, failure.detail) from None
        log.warning("telegram.start_call_failed", call=what,
                    attempt=retrying.statistics.get("attempt_number"), error=failure.detail,
                    giving_up=True, url=settings.telegram_api_url)
        raise reaching.unreachable(settings, failure.detail) from None


class Cosmetic:
    """Calls the bot works without, retried in the background; `close()` cancels the rest."""

    def __init__(self, classify: Classify, max_wait: float = 300.0) -> None:
        self.classify = classify
        self.max_wait = max_wait
        self.tasks: set[asyncio.Task] = set()

    def start(self, what: str, call: Callable[[], Awaitable[object]]) -> asyncio.Task:
        task = asyncio.create_task(self._keep_trying(what, call), name=f"cosmetic:{what}")
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def _keep_trying(self, what: str, call: Callable[[], Awaitable[object]]) -> bool:
        def before_sleep(state: RetryCallState) -> None:
            if state.attempt_number == 1:  # one warning, not one per attempt
                failure = self.classify(state.outcome.exception())
                log.warning("telegram.optional_call_failed", call=what, error=failure.detail,
                            retrying_in_background=True)

        retrying = AsyncRetrying(stop=stop_never, wait=_waiter(self.classify, self.max_wait),
                                 retry=_transient(self.classify), before_sleep=before_sleep,
                                 reraise=True)
        try:
            await retrying(call)
        except Exception as exc:
            failure = self.classify(exc)
            if failure is None:
                raise
            # A 400 such as "method not supported": another try would get the same answer.
            log.warning("telegram.optional_call_failed", call=what, error=failure.detail,
                        retrying_in_background=False)
            return False
        if retrying.statistics.get("attempt_number", 1) > 1:
            log.info("telegram.optional_call_succeeded", call=what)
        return True

    async def close(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)
