"""The digests at scale: committed per batch of areas, a few queries per batch whatever the
number of grids, and nothing computed for a report that every chat already has."""

from __future__ import annotations

from sqlmodel import select

from handlers import bus
from handlers.reports import digest
from handlers.reports.digest import daily_digest, weekly_digest
from models.org import Area, ChatGroup
from tests.support.outbox import take_outbox, texts_to
from tests.support.statements import engine_of, watch
from tests.support.world import PLATFORM, Script, build_world
from tests.unit._helpers import undeliverable


async def _more_grids(deps, count: int) -> None:
    """`count` extra grids in 四海社区, each with a staff group bound now."""
    async with deps.session_factory() as s, s.begin():
        community = (await s.exec(select(Area).where(Area.code == "SIHAI"))).one()
        for n in range(count):
            grid = Area(code=f"G9{n:03d}", name=f"第{n}网格", kind="grid", parent_id=community.id)
            s.add(grid)
            await s.flush()
            s.add(ChatGroup(platform=PLATFORM, chat_id=f"-9{n:03d}", area_id=grid.id,
                            title="工作群", purpose="staff", bound_at=deps.clock.now()))


async def _daily_statements(deps, clock) -> int:
    with watch(engine_of(deps)) as seen:
        await daily_digest(deps, clock.now())
    return seen.statements


async def test_the_daily_run_asks_the_same_few_queries_for_2_grids_or_40(deps, clock):
    world = await build_world(deps)
    await bus.receive(Script().text(world.resident, world.group_chat, "/report 路灯不亮"), deps)
    clock.advance(hours=9)  # Monday 18:00
    few = await _daily_statements(deps, clock)
    await take_outbox(deps)
    await _more_grids(deps, 38)
    clock.advance(days=1)  # Tuesday's report, to 40 grids
    many = await _daily_statements(deps, clock)
    assert len(texts_to(await take_outbox(deps), "-9037")) == 1, "the 40th grid got its report"
    assert many == few, f"2 grids: {few} statements, 40 grids: {many}"
    assert few <= 20


async def test_each_batch_of_areas_is_committed_on_its_own(deps, clock, monkeypatch):
    """SQLite has one writer: a run over 10,000 grids in one transaction kept reports out
    for minutes. Each batch commits, so the lock is held for one batch at a time."""
    await build_world(deps)
    await _more_grids(deps, 3)
    monkeypatch.setattr(digest, "BATCH", 2)
    clock.advance(hours=9)
    with watch(engine_of(deps)) as seen:
        assert await daily_digest(deps, clock.now()) == 4  # G0102's leader and 3 staff groups
    assert seen.commits == 3, "5 grids in batches of 2: three commits"


async def test_a_report_already_sent_is_not_computed_again(deps, clock):
    world = await build_world(deps)
    await bus.receive(Script().text(world.resident, world.group_chat, "/report 路灯不亮"), deps)
    clock.advance(hours=9)
    assert await daily_digest(deps, clock.now()) == 1
    clock.advance(hours=3)  # the start-up catch-up later that evening
    with watch(engine_of(deps)) as seen:
        assert await daily_digest(deps, clock.now()) == 0
        assert await weekly_digest(deps, clock.now()) == 0  # the bot was not there last week
    assert seen.touching("ticket") == [], "no figure was computed for what was sent"


async def test_a_grid_nobody_reads_is_recorded_once_even_if_its_day_changed(deps, clock):
    world = await build_world(deps)  # G0103: no leader, no staff group
    clock.advance(hours=9)
    await daily_digest(deps, clock.now())
    script = Script()
    await bus.receive(script.text(world.resident, world.other_group_chat, "/report 井盖丢了"),
                      deps)
    clock.advance(hours=2)  # the catch-up would now say "1 open": still the same day's report
    await daily_digest(deps, clock.now())
    notices = [n for n in await undeliverable(deps) if n.kind == "digest"]
    assert len(notices) == 1 and "今日无新报事" in notices[0].text
    clock.advance(days=1)
    await daily_digest(deps, clock.now())
    assert len([n for n in await undeliverable(deps) if n.kind == "digest"]) == 2, "next day"
