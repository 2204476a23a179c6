"""One process runs the cron-like jobs (the digests) when several share a PostgreSQL database.

The lease is a session-level advisory lock, pg_try_advisory_lock, taken on a connection kept
for that purpose alone. PostgreSQL releases it when that session ends, however it ends: the
process killed, the machine gone, the connection cut. Every process checks the lease on each
digest tick and on a short keep-alive tick (LEASE_CHECK); a process that finds the lock free
takes it and at once catches up whatever the former holder had not sent (cheap: a digest
skips what was already sent before computing anything).

The SLA sweep and the [办结]-step expiry run in every process: the sweep claims its tickets
FOR UPDATE SKIP LOCKED and the expiry locks each step and re-checks it, so extra processes
share the work, and none of them is a single point of failure.

On SQLite a single process is assumed (one file, one writer): the lease is always held.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

import structlog
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = structlog.get_logger(__name__)

LEASE_KEY = 0x6772_6964_6C73  # "gridls": the digests' lease
LEASE_CHECK = timedelta(seconds=30)


class Lease:
    def __init__(self, engine: AsyncEngine, key: int = LEASE_KEY) -> None:
        self._engine = engine
        self._key = key
        self._conn: AsyncConnection | None = None
        # The three digest jobs fire together at start: one check at a time, or the second
        # would try the lock on a second connection, fail, and skip its report.
        self._checking = asyncio.Lock()

    @property
    def shared(self) -> bool:
        """Whether other processes may share the database (PostgreSQL)."""
        return self._engine.dialect.name == "postgresql"

    @property
    def holding(self) -> bool:
        """Held as of the last check (no round trip)."""
        return self._conn is not None or not self.shared

    async def held(self) -> bool:
        """Whether this process holds the lease now: checks the kept connection is alive, or
        tries to take the lock when it is free."""
        if not self.shared:
            return True
        async with self._checking:
            return await self._check()

    async def _check(self) -> bool:
        if self._conn is not None:
            if await self._alive(self._conn):
                return True
            await self._drop()
            log.warning("lease.lost")
        return await self._try_take()

    async def release(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.execute(text("SELECT pg_advisory_unlock(:key)"),
                                         {"key": self._key})
                await self._conn.commit()
            await self._drop()

    async def _try_take(self) -> bool:
        try:
            conn = await self._engine.connect()
        except Exception:  # noqa: BLE001 - the database is down: nobody runs the digests now
            return False
        try:
            taken = (await conn.execute(text("SELECT pg_try_advisory_lock(:key)"),
                                        {"key": self._key})).scalar_one()
            await conn.commit()  # the lock is the session's: no transaction is left open
        except Exception:  # noqa: BLE001
            taken = False
        if not taken:
            await conn.close()
            return False
        self._conn = conn
        log.info("lease.taken")
        return True

    async def _alive(self, conn: AsyncConnection) -> bool:
        try:
            await conn.execute(text("SELECT 1"))
            await conn.commit()
            return True
        except Exception:  # noqa: BLE001 - a cut connection means the lock is gone with it
            return False

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        with contextlib.suppress(Exception):
            await conn.invalidate()
        with contextlib.suppress(Exception):
            await conn.close()
