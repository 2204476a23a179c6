"""A property of the whole SLA machinery (handlers, stored deadlines, the sweep), not only of
the ladder's arithmetic: for any sequence of transitions, pauses and clock jumps, each step of
a deadline is sent at most once, in ladder order, none is skipped, and nothing owed is left
behind by a sweep.

Each example builds its own SQLite database (hypothesis runs many examples per test, and
function-scoped fixtures would be shared between them).
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from handlers import bus
from handlers.context import Config, Ctx, Deps
from handlers.deadlines import clock_start, rule_of
from handlers.supervision.sweep import sweep
from models.clock import FakeClock
from models.db import make_session_factory
from models.sla import default_policy, next_step
from models.ticket import SlaStep, Ticket
from tests.support.db import fresh_database
from tests.support.outbox import take_outbox
from tests.support.world import PLATFORM, Script, build_world

# Reports of both kinds of rule: round the clock (lighting) and office hours (dispute).
REPORTS = ("/report 路灯不亮", "/report 两家邻居吵架，需要调解")

operations = st.lists(
    st.one_of(
        st.tuples(st.just("wait"), st.integers(min_value=1, max_value=16 * 60)),
        st.tuples(st.sampled_from(["sweep", "take", "site", "pause", "resume"]), st.just(0)),
    ),
    max_size=14,
)


async def _ticket(deps) -> Ticket:
    async with deps.session_factory() as s:
        return (await s.exec(select(Ticket))).one()


async def _recorded(deps) -> dict[str, list[str]]:
    """The steps recorded so far, per deadline, in the order they were recorded."""
    by_milestone: dict[str, list[str]] = {}
    async with deps.session_factory() as s:
        for row in (await s.exec(select(SlaStep).order_by(SlaStep.id))).all():
            by_milestone.setdefault(row.milestone, []).append(row.step)
    return by_milestone


async def _owed(deps) -> list[str]:
    """What the ticket's running deadline owes by now that is not recorded."""
    recorded = await _recorded(deps)  # first: SQLite sessions here begin IMMEDIATE, one at a time
    async with deps.session_factory() as s:
        ticket = (await s.exec(select(Ticket))).one()
        if ticket.due_at is None:
            return []
        ctx = Ctx(session=s, deps=deps, platform=PLATFORM)
        _deadlines, calendar, escalation = rule_of(ctx, ticket)
        done = recorded.get(ticket.milestone, [])
        return next_step(await clock_start(ctx, ticket), ticket.due_at, deps.clock.now(),
                         set(done), escalation, calendar)


async def _run(report: str, ops: list[tuple[str, int]], folder: Path) -> None:
    _url, engine, _ = await fresh_database("sqlite", folder)
    clock = FakeClock()
    deps = Deps(make_session_factory(engine), clock, Config(bot_username="gridbot_test_bot"))
    try:
        world = await build_world(deps)
        script = Script()
        worker, group, private = world.worker, world.group_chat, world.worker.private_chat
        await bus.receive(script.text(world.resident, group, report), deps)
        made = await _ticket(deps)
        ladder = list(default_policy().rule_for(made.category, made.urgent).escalation.steps)
        sent = 0
        for op, minutes in [*ops, ("wait", 60 * 24 * 60), ("sweep", 0)]:
            if op == "wait":
                clock.advance(minutes=minutes)
            elif op == "sweep":
                sent += await sweep(deps)
                assert await _owed(deps) == [], "a sweep left a step that was due"
            elif op in ("take", "site"):
                await bus.receive(script.press(worker, group, f"tk:{op}:1"), deps)
            else:
                command = f"/{op} G0102-0001 居民不在家"
                await bus.receive(script.text(worker, private, command), deps)
            await take_outbox(deps)
            recorded = await _recorded(deps)
            assert sum(map(len, recorded.values())) == sent, "recorded without sending, or twice"
            for milestone, steps in recorded.items():
                assert steps == ladder[: len(steps)], f"{milestone}: out of order or skipped"
        ticket = await _ticket(deps)
        if ticket.milestone is not None:  # not waiting for the resident: the ladder is done
            assert (await _recorded(deps))[ticket.milestone] == ladder
    finally:
        await engine.dispose()


@settings(max_examples=60, database=None, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(report=st.sampled_from(REPORTS), ops=operations)
def test_each_step_once_in_order_and_never_skipped(report, ops):
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(_run(report, ops, Path(folder)))
