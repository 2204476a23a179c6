"""Several sender processes on one database: no row twice, order per chat, shared limits."""

from __future__ import annotations

import asyncio
import random
import uuid
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.adapters.base import RetryAfter, TransientError
from bot.sender import Limits, Sender
from bot.sender.rate_limits import LocalRateLimits, RedisRateLimits
from handlers.events import SendText
from models.messaging import OutboxMessage
from tests.unit.test_sender import FakeTransport, _queue, _statuses

REDIS_URL = "redis://127.0.0.1:6379/0"


class FlakyTransport(FakeTransport):
    """A third of the calls fail with a 429 or a 5xx, decided by a seeded coin."""

    def __init__(self, seed: int, shared: list | None = None) -> None:
        super().__init__()
        self._coin = random.Random(seed)
        if shared is not None:
            self.calls = shared  # one log in time order across both senders

    def _maybe_fail(self):
        roll = self._coin.random()
        if roll < 1 / 6:
            raise RetryAfter(1)
        if roll < 1 / 3:
            raise TransientError("502 Bad Gateway")


def _check_once_in_order(calls, chats: int, per_chat: int) -> None:
    texts = [text for _kind, _chat, text in calls]
    assert sorted(texts) == sorted(f"{c}/{n}" for c in range(chats) for n in range(per_chat))
    for c in range(chats):
        mine = [int(t.split("/")[1]) for t in texts if t.startswith(f"{c}/")]
        assert mine == sorted(mine), f"chat {c} out of order: {mine}"


async def test_two_senders_never_send_a_row_twice_and_keep_each_chats_order(deps, clock):
    chats, per_chat = 8, 12
    await _queue(deps, *(SendText("telegram", str(-10 - c), f"{c}/{n}")
                         for n in range(per_chat) for c in range(chats)))
    limits = Limits(global_per_second=10000, per_chat_per_second=10000,
                    per_group_per_minute=10**6, batch=7, max_transient_attempts=100)
    shared: list = []
    transports = [FlakyTransport(seed, shared) for seed in (1, 2)]
    senders = [Sender(deps.session_factory, {"telegram": t}, clock, limits,
                      single_process=False) for t in transports]
    took_part = [0, 0]
    for _round in range(200):
        claimed = await asyncio.gather(*(s.run_once() for s in senders))
        took_part = [a + b for a, b in zip(took_part, claimed, strict=True)]
        if all(status == "sent" for status in await _statuses(deps)):
            break
        clock.advance(seconds=301)  # past any retry_after and back-off
    _check_once_in_order(shared, chats, per_chat)
    assert all(took_part), "both senders took part"


async def test_a_live_senders_claims_are_left_alone_a_dead_ones_come_back(deps, clock):
    await _queue(deps, SendText("telegram", "-1", "a"), SendText("telegram", "-2", "b"))
    async with deps.session_factory() as s, s.begin():
        rows = (await s.exec(select(OutboxMessage).order_by(OutboxMessage.id))).all()
        for row, until in zip(rows, (30, -1), strict=True):
            row.status, row.claimed_by = "sending", f"other-{row.id}"
            row.claimed_until = clock.now() + timedelta(seconds=until)
            s.add(row)
    sender = Sender(deps.session_factory, {"telegram": FakeTransport()}, clock,
                    single_process=False)
    assert await sender.recover() == 1
    assert await _statuses(deps) == ["sending", "pending"]


async def _redis_or_skip():
    import redis.asyncio as redis

    client = redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "not here"
        await client.aclose()
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {exc!r}")
    return client


async def test_two_senders_share_the_30_a_second_limit_through_redis(sqlite_deps, clock):
    deps = sqlite_deps
    await (await _redis_or_skip()).aclose()
    prefix = f"gridbot-test:{uuid.uuid4().hex}:"
    total = 75  # 30 at once (the bucket), then 30 a second: at least 1.5 s for both together
    await _queue(deps, *(SendText("telegram", str(5000 + n), f"私信{n}") for n in range(total)))
    limits = Limits(global_per_second=30, per_chat_per_second=10, per_group_per_minute=10**6,
                    batch=40)
    transports = [FakeTransport(), FakeTransport()]
    senders = [Sender(deps.session_factory, {"telegram": t}, clock, limits,
                      rate_limits=RedisRateLimits.from_url(REDIS_URL, prefix),
                      single_process=False) for t in transports]
    loop = asyncio.get_running_loop()
    started = loop.time()
    await asyncio.gather(*(s.run_once() for s in senders))
    elapsed = loop.time() - started
    for s in senders:
        await s._delivery.close()
    assert sum(len(t.calls) for t in transports) == total
    assert all(t.calls for t in transports), "both senders took part"
    assert elapsed >= (total - 30) / 30 - 0.1, elapsed


async def test_without_redis_each_process_keeps_its_own_buckets():
    """The reason Redis is needed: two in-memory buckets let 60 a second through."""
    loop = asyncio.get_running_loop()
    buckets = [LocalRateLimits(), LocalRateLimits()]
    started = loop.time()
    await asyncio.gather(*(b.acquire("global", 30, 1) for b in buckets for _ in range(37)))
    assert loop.time() - started < 0.8


async def test_gridbot_redis_url_puts_the_running_senders_buckets_in_redis(tmp_path):
    from bot.bootstrap import build_core, prepare_database, start_background, stop
    from bot.settings import Settings

    client = await _redis_or_skip()
    url = f"sqlite+aiosqlite:///{tmp_path}/redis.db"
    await prepare_database(url)
    core = build_core(Settings(_env_file=None, database_url=url, runtime="webchat",
                               media_dir=tmp_path / "media", redis_url=REDIS_URL))
    transport = FakeTransport()
    await start_background(core, {"telegram": transport})
    chat = str(random.randrange(10**9, 2 * 10**9))  # a bucket no other test touches
    try:
        await _queue(core.deps, SendText("telegram", chat, "你好"))
        core.sender.wake()
        for _ in range(100):
            if transport.calls:
                break
            await asyncio.sleep(0.05)
        assert transport.calls == [("send", chat, "你好")]
        assert await client.exists(f"gridbot:rate:chat:telegram:{chat}")
    finally:
        await stop(core)
        await client.aclose()
