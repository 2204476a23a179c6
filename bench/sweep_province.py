"""The sweep over a province: 10,000 grids (bench/province.py), 1,000,000 open tickets.

PostgreSQL only. The open tickets are written set-based (INSERT … SELECT generate_series,
seconds instead of minutes through the ORM): new, reported within the last 40 minutes, so
their first step (yellow at 48 minutes) is still ahead. The DUE tickets sit in grids spread
over the whole province (cold caches, no two in one grid): half of them 50 minutes old (one
step: the yellow reminder), half 3 h 10 min old (three: yellow, red, and up to the
community). Between rounds only the due tickets are put back, so the million rows are
written once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from bench.province import generate
from models.sla import default_policy, next_step
from models.ticket import Ticket

GRIDS = 10_000
AGES = (timedelta(minutes=50), timedelta(hours=3, minutes=10))

_GRIDS = """
    CREATE TEMP TABLE bench_grid AS
    SELECT row_number() OVER (ORDER BY a.id) - 1 AS k, a.id, g.chat_id,
           (SELECT r.member_id FROM role_assignment r
             WHERE r.area_id = a.id AND r.role = 'leader' LIMIT 1) AS reporter
      FROM area a JOIN chat_group g ON g.area_id = a.id
     WHERE a.kind = 'grid'
"""

_INSERT = """
    INSERT INTO ticket (number, grid_id, reporter_id, text, category, urgent, status,
                        source_platform, source_chat_id, created_at, updated_at, version, tier,
                        milestone, due_at, next_due_at, paused_seconds, on_the_spot,
                        reporter_named, private_report)
    SELECT CAST(:prefix AS text) || lpad(n::text, 8, '0'), g.id, g.reporter, '楼道灯不亮',
           'lighting', false, 'new', 'telegram', g.chat_id, t.created, t.created, 0, 'grid', 'take',
           t.created + interval '1 hour', t.created + interval '48 minutes', 0, false, false,
           false
      FROM generate_series(0, CAST(:count AS integer) - 1) AS n
      JOIN bench_grid g ON g.k = (n * CAST(:stride AS integer)) % CAST(:grids AS integer)
     CROSS JOIN LATERAL (SELECT CAST(:now AS timestamptz) - CAST(:age AS interval)
                                - (n % CAST(:spread AS integer)) * interval '1 second'
                         AS created) AS t
"""


def expected_steps(due: int) -> int:
    """What one sweep must send: from the policy itself, not a number typed here."""
    deadlines, calendar, escalation = default_policy().rule_for("lighting")
    now = datetime(2026, 11, 2, 1, tzinfo=UTC)  # on the continuous clock any moment will do
    total = 0
    for n in range(due):
        created = now - AGES[n % len(AGES)]
        due_at = calendar.add(created, deadlines.take)
        total += len(next_step(created, due_at, now, (), escalation, calendar))
    return total


async def seed(deps, engine, open_count: int, due: int) -> None:
    now = deps.clock.now()
    await generate(deps.session_factory, grids=GRIDS, tickets=0, seed=1, clock=deps.clock)
    async with engine.begin() as conn:
        await conn.execute(text(_GRIDS))
        await conn.execute(text(_INSERT), dict(prefix="O", count=open_count, stride=1,
                                               grids=GRIDS, now=now, age=timedelta(0),
                                               spread=2400))
        for index, age in enumerate(AGES):  # grids far apart: 7,919 is prime to 10,000
            spread_out = _INSERT.replace("(n * CAST", f"((n * 2 + {index}) * CAST")
            await conn.execute(text(spread_out),
                               dict(prefix=f"D{index}", count=due // len(AGES), stride=7_919,
                                    grids=GRIDS, now=now, age=age, spread=1))
    async with engine.begin() as conn:
        await conn.execute(text("ANALYZE"))


async def reset(engine) -> None:
    """Put the due tickets back as they were before the sweep (and empty what it wrote)."""
    due = "SELECT id FROM ticket WHERE number LIKE 'D%'"
    async with engine.begin() as conn:
        for table in ("sla_step", "ticket_event"):
            await conn.execute(text(f"DELETE FROM {table} WHERE ticket_id IN ({due})"))
        await conn.execute(text("DELETE FROM outbox_message"))
        await conn.execute(text("DELETE FROM undeliverable_notice"))
        await conn.execute(text(
            f"UPDATE ticket SET tier = 'grid', tier_area_id = NULL, milestone = 'take', "
            f"next_due_at = created_at + interval '48 minutes', "
            f"due_at = created_at + interval '1 hour' WHERE id IN ({due})"))


async def open_tickets(engine) -> int:
    async with engine.connect() as conn:
        return (await conn.execute(text(f"SELECT count(*) FROM {Ticket.__tablename__}"))).scalar()
