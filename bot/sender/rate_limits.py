"""Rate limits the sender waits on: in memory for one process, in Redis for several.

Telegram counts per bot, not per process: two processes each keeping 30/s to themselves send
60/s and get 429s. With GRIDBOT_REDIS_URL set, every bucket lives in Redis and is shared.

Why Redis and not PostgreSQL: a token costs one round trip to an in-memory script (~0.1 ms),
taken up to 30 times a second; in PostgreSQL it would be a row lock and a write per message,
the very statements this sender was rebuilt to save, and SQLite deployments have no server
to share at all. Redis holds nothing that must survive: losing it loses only the buckets.

The Redis buckets are GCRA ("generic cell rate algorithm": one timestamp per key, the
theoretical arrival time), computed inside Redis with its own clock so that the processes'
clocks need not agree. Its burst equals the in-memory buckets' (aiolimiter): `rate` tokens.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from aiolimiter import AsyncLimiter


class RateLimits(Protocol):
    async def acquire(self, key: str, rate: float, period: float) -> None:
        """Wait until one token of the bucket `key` (`rate` per `period` seconds) is ours."""


class LocalRateLimits:
    """One process: leaky buckets from aiolimiter, as before."""

    def __init__(self) -> None:
        self._buckets: dict[str, AsyncLimiter] = {}

    async def acquire(self, key: str, rate: float, period: float) -> None:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = AsyncLimiter(rate, period)
        await bucket.acquire()


# KEYS[1] bucket; ARGV: seconds per token, burst in seconds. Returns 0 (taken) or the
# microseconds to wait before asking again. Redis 5+ replicates a script's effects, so
# reading TIME inside it is allowed.
_GCRA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + interval
if new_tat - burst > now then return new_tat - burst - now end
redis.call('SET', KEYS[1], new_tat, 'PX', math.ceil((new_tat - now) / 1000) + 1000)
return 0
"""


class RedisRateLimits:
    """Several processes: the same buckets, shared through one Redis."""

    def __init__(self, client, prefix: str = "gridbot:rate:") -> None:
        self._redis = client
        self._prefix = prefix
        self._script = client.register_script(_GCRA)

    @classmethod
    def from_url(cls, url: str, prefix: str = "gridbot:rate:") -> RedisRateLimits:
        import redis.asyncio as redis  # only deployments that configure Redis need it

        return cls(redis.from_url(url), prefix)

    async def acquire(self, key: str, rate: float, period: float) -> None:
        interval = int(period / rate * 1_000_000)
        burst = int(period * 1_000_000)  # `rate` tokens at once, like aiolimiter's bucket
        while True:
            wait = int(await self._script(keys=[self._prefix + key], args=[interval, burst]))
            if wait <= 0:
                return
            await asyncio.sleep(wait / 1_000_000)

    async def close(self) -> None:
        await self._redis.aclose()
