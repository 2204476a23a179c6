"""The 18:00 daily digest (and the weekly and monthly) over a province-sized org.

    .venv/bin/python -m bench.digest [GRIDS]      (default 10,000)

For each database (SQLite, and PostgreSQL at GRIDBOT_TEST_PG_URL when it answers), a fresh
database with GRIDS grids (20 per community, 25 communities per street), each with a leader
who started the bot and a staff group bound a week earlier, and a realistic day: 3 reports
per grid, a third resolved, a third taken, a third still new and overdue. Rows go in with
Core executemany, not the ORM. Then, timed, on the real handlers:

- the daily digest at 18:00 (every grid's leader, privately: one message per grid,
  asserted), its statements, and the longest time one transaction held the database (on
  SQLite that is the write lock every report arriving at 18:00 waits for);
- the same run again, as the start-up catch-up does (nothing is sent: asserted);
- the weekly (next Monday 09:00) and monthly (1 December 09:00) digests.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import timedelta
from functools import partial
from pathlib import Path

from sqlalchemy import event, insert, text

import locales
from handlers.context import Config, Deps
from handlers.reports.digest import daily_digest, monthly_digest, weekly_digest
from models.clock import FakeClock
from models.db import make_session_factory
from models.org import Area, ChatGroup, Member, RoleAssignment
from models.ticket import Ticket, TicketEvent
from tests.support.db import _pg_reachable, fresh_database

PLATFORM = "telegram"


def _org(grids: int, now) -> dict:
    areas = [{"id": 1, "code": "D", "name": "双塔区", "kind": "district", "parent_id": None}]
    members, roles, groups = [], [], []
    streets, communities = grids // 500 or 1, grids // 20 or 1
    for s in range(streets):
        areas.append({"id": 2 + s, "code": f"S{s}", "name": f"第{s}街道", "kind": "street",
                      "parent_id": 1})
    base = 2 + streets
    for c in range(communities):
        areas.append({"id": base + c, "code": f"C{c}", "name": f"第{c}社区",
                      "kind": "community", "parent_id": 2 + c % streets})
    grid_base = base + communities
    for g in range(grids):
        gid = grid_base + g
        areas.append({"id": gid, "code": f"G{g:05d}", "name": f"第{g}网格", "kind": "grid",
                      "parent_id": base + g % communities})
        members.append({"id": g + 1, "platform": PLATFORM, "platform_user_id": str(10**6 + g),
                        "display_name": f"网格长{g}", "locale": "zh_CN",
                        "private_chat_id": str(10**6 + g), "created_at": now})
        roles.append({"member_id": g + 1, "role": "leader", "area_id": gid})
        groups.append({"platform": PLATFORM, "chat_id": f"-{10**7 + g}", "area_id": gid,
                       "title": "工作群", "purpose": "staff", "bound_at": now - timedelta(days=7)})
    return {"areas": areas, "members": members, "roles": roles, "groups": groups,
            "grid_ids": [grid_base + g for g in range(grids)]}


def _day(grid_ids: list[int], start) -> tuple[list[dict], list[dict]]:
    tickets, events = [], []
    for n, grid_id in enumerate(grid_ids):
        for k, status in enumerate(("resolved", "taken", "new")):
            created = start + timedelta(hours=1 + 2 * k)
            tid = 3 * n + k + 1
            tickets.append({"id": tid, "number": f"T{tid:07d}", "grid_id": grid_id,
                            "reporter_id": n + 1, "text": "楼道灯不亮", "category": "lighting",
                            "status": status, "assignee_id": n + 1 if status != "new" else None,
                            "source_platform": PLATFORM, "source_chat_id": "-1",
                            "created_at": created, "updated_at": created,
                            "due_at": created + timedelta(hours=1), "milestone": "take"})
            events.append({"ticket_id": tid, "action": "report", "to_status": "new",
                           "at": created})
            if status == "resolved":
                events.append({"ticket_id": tid, "action": "resolve", "to_status": "resolved",
                               "at": created + timedelta(hours=1)})
    return tickets, events


async def _seed(engine, clock, grids: int) -> None:
    org = _org(grids, clock.now())
    tickets, events = _day(org["grid_ids"], clock.now())
    async with engine.begin() as conn:
        for table, rows in ((Area, org["areas"]), (Member, org["members"]),
                            (RoleAssignment, org["roles"]), (ChatGroup, org["groups"]),
                            (Ticket, tickets), (TicketEvent, events)):
            for i in range(0, len(rows), 5_000):
                await conn.execute(insert(table), rows[i:i + 5_000])
    if engine.dialect.name == "postgresql":
        async with engine.begin() as conn:
            await conn.execute(text("ANALYZE"))


class Watch:
    """Statements, and the longest BEGIN..COMMIT, on one engine."""

    def __init__(self, engine) -> None:
        self.engine, self.statements, self.longest, self._began = engine.sync_engine, 0, 0.0, {}

    def _statement(self, *_args) -> None:
        self.statements += 1

    def _begin(self, conn) -> None:
        self._began[id(conn)] = time.perf_counter()

    def _end(self, conn) -> None:
        if (began := self._began.pop(id(conn), None)) is not None:
            self.longest = max(self.longest, time.perf_counter() - began)

    def __enter__(self):
        for name, fn in (("before_cursor_execute", self._statement), ("begin", self._begin),
                         ("commit", self._end), ("rollback", self._end)):
            event.listen(self.engine, name, fn)
        return self

    def __exit__(self, *_exc) -> None:
        for name, fn in (("before_cursor_execute", self._statement), ("begin", self._begin),
                         ("commit", self._end), ("rollback", self._end)):
            event.remove(self.engine, name, fn)


async def _timed(label: str, engine, run, expect: int | None) -> None:
    with Watch(engine) as seen:
        started = time.perf_counter()
        queued = await run()
        seconds = time.perf_counter() - started
    if expect is not None:
        assert queued == expect, f"{label}: queued {queued}, expected {expect}"
    print(f"  {label:<34} {seconds * 1000:9.0f} ms  {queued:>6} messages  "
          f"{seen.statements:>6} statements  longest transaction {seen.longest * 1000:6.0f} ms",
          flush=True)


async def main(grids: int) -> None:
    kinds = ["sqlite"] + ([] if await _pg_reachable() else ["postgres"])
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            (Path(tmp) / kind).mkdir()
            _url, engine, cleanup = await fresh_database(kind, Path(tmp) / kind)
            clock = FakeClock()  # Monday 2026-11-02 09:00 in Shanghai
            deps = Deps(make_session_factory(engine), clock, Config())
            locales.t("zh_CN", "digest-sep")  # the catalogs load once per process, not timed
            try:
                clock.advance(hours=-9)  # the day's reports from 18:00 the evening before
                await _seed(engine, clock, grids)
                clock.advance(hours=18)  # Monday 18:00
                print(f"{kind}: {grids:,} grids, {3 * grids:,} tickets in the day")
                now = clock.now()
                await _timed("daily 18:00", engine, partial(daily_digest, deps, now), grids)
                await _timed("daily again (start-up catch-up)", engine,
                             partial(daily_digest, deps, now), 0)
                week = now + timedelta(days=6, hours=-9)  # next Monday 09:00
                await _timed("weekly", engine, partial(weekly_digest, deps, week), None)
                month = now + timedelta(days=28, hours=-9)  # 1 December 09:00
                await _timed("monthly", engine, partial(monthly_digest, deps, month), None)
            finally:
                await engine.dispose()
                if cleanup:
                    await cleanup()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
