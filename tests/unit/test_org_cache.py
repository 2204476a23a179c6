"""The org cache (handlers/org_cache.py) is never wrong: a /bind, an org import and a role
given by an invite are seen by the very next update, also by another process; and a new
group report stays within its statement budget (bench/ingest.py counts the same way)."""

from __future__ import annotations

from datetime import timedelta

from alembic import command
from sqlalchemy import text

from bot.invites import create_invite
from handlers import bus
from handlers.context import Config, Deps
from models.db import POOL_RECYCLE_SECONDS, make_engine
from models.migrate import alembic_config
from models.org import Area, ChatGroup
from models.org.importer import import_org
from tests.support.db import fresh_database
from tests.support.outbox import find_send, take_outbox
from tests.support.statements import count_statements, stop_counting
from tests.support.world import Script, build_world
from tests.unit._helpers import add_person, all_tickets

NEW_CHAT = "-100104"
# A new group report, end to end through bus.receive: the inbox row, the member, the org
# version, the resident check, the duplicate check, the number, the ticket, its event, the
# grid's workers, the card in the outbox; the inbox row is claimed and marked done in one
# UPDATE. It was 25 before the cache, 13 before the one-statement claim; +1 for the flood
# cap's count of the reporter's tickets in the last hour.
STATEMENT_BUDGET = 13


def _other_process(deps: Deps) -> Deps:
    """A second worker process on the same database: its own, separately warmed cache."""
    return Deps(deps.session_factory, deps.clock, Config(bot_username="gridbot_test_bot"))


async def _workerless_grid(deps, world) -> int:
    """G0104 under 四海社区, with a bound group and nobody working it."""
    async with deps.session_factory() as s, s.begin():
        community = (await s.get(Area, world.grid_id)).parent_id
        grid = Area(code="G0104", name="四海社区第四网格", kind="grid", parent_id=community)
        s.add(grid)
        await s.flush()
        s.add(ChatGroup(platform="telegram", chat_id=NEW_CHAT, area_id=grid.id,
                        title="四海四网格群", bound_at=deps.clock.now()))
        return grid.id


async def test_a_bind_is_seen_at_once_by_every_process(deps):
    world = await build_world(deps)
    other, script = _other_process(deps), Script()
    for d in (deps, other):  # both caches now know the chat as unbound
        await bus.receive(script.text(world.resident, "-100999", "/report 楼道灯不亮"), d)
    await bus.receive(script.text(world.admin, "-100999", "/bind G0103"), deps)
    for d in (deps, other):
        await bus.receive(script.text(world.resident, "-100999", "/report 3号楼垃圾没人清"), d)
    tickets = await all_tickets(deps)
    assert [t.number[:5] for t in tickets] == ["G0103", "G0103"]


async def test_an_org_import_is_seen_at_once(deps, tmp_path):
    world = await build_world(deps)
    await _workerless_grid(deps, world)
    script = Script()
    await bus.receive(script.text(world.resident, NEW_CHAT, "/report 楼道灯不亮"), deps)
    assert "已告知 四海社区" in find_send(await take_outbox(deps), NEW_CHAT, "G0104-0001").text
    org = tmp_path / "org.yaml"
    org.write_text(
        "areas:\n  - {code: SHUANGTA, name: 双塔区, kind: district, children: [\n"
        "      {code: ZHANNAN, name: 站南街道, kind: street, children: [\n"
        "        {code: SIHAI, name: 四海新社区, kind: community}]}]}\n", encoding="utf-8")
    await import_org(deps.session_factory, org, clock=deps.clock)
    await bus.receive(script.text(world.neighbour, NEW_CHAT, "/report 3号楼垃圾没人清"), deps)
    assert "已告知 四海新社区" in find_send(await take_outbox(deps), NEW_CHAT, "G0104-0002").text


async def test_a_role_given_by_an_invite_is_seen_at_once(deps):
    world = await build_world(deps)
    await _workerless_grid(deps, world)
    script = Script()
    await bus.receive(script.text(world.resident, NEW_CHAT, "/report 楼道灯不亮"), deps)
    assert "暂无网格员" in find_send(await take_outbox(deps), NEW_CHAT, "G0104-0001").text
    newcomer = await add_person(deps, "2104", "孙新")
    invite, _ = await create_invite(deps.session_factory, "G0104", "worker", None, deps.clock,
                                    timedelta(days=1))
    await bus.receive(script.text(newcomer, newcomer.private_chat, f"/start {invite.code}"), deps)
    await bus.receive(script.text(world.neighbour, NEW_CHAT, "/report 3号楼垃圾没人清"), deps)
    card = find_send(await take_outbox(deps), NEW_CHAT, "G0104-0002").text
    assert "孙新" in card and "暂无网格员" not in card


async def test_a_new_group_report_stays_within_its_statement_budget(any_db, deps):
    _kind, _url, engine = any_db
    world = await build_world(deps)
    script = Script()
    await bus.receive(script.text(world.resident, world.group_chat, "/report 楼道灯不亮"), deps)
    counter = count_statements(engine, trace=True)
    try:
        await bus.receive(script.text(world.neighbour, world.group_chat,
                                      "/report 3号楼门口垃圾堆满了"), deps)
    finally:
        stop_counting(engine, counter)
    assert [t.number for t in await all_tickets(deps)] == ["G0102-0001", "G0102-0002"]
    assert counter.statements <= STATEMENT_BUDGET, "\n".join(counter.seen)
    assert counter.transactions == 2  # the inbox row, then the handling


async def test_the_migrations_install_the_version_triggers(any_db, tmp_path):
    kind, _url, _engine = any_db
    url, engine, cleanup = await fresh_database(kind, tmp_path / "m", create_schema=False)

    def migrate_then_bind(connection):
        config = alembic_config(url)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        before = connection.execute(text("SELECT version FROM org_version")).scalar_one()
        connection.execute(text("INSERT INTO area (code, name, kind, ticket_seq) "
                                "VALUES ('G1', 'g', 'grid', 0)"))
        connection.execute(text("UPDATE area SET ticket_seq = 5"))  # a report: no bump
        middle = connection.execute(text("SELECT version FROM org_version")).scalar_one()
        connection.execute(text(
            "INSERT INTO chat_group (platform, chat_id, area_id, title, bound_at, purpose) "
            "SELECT 'telegram', '-1', id, '', CURRENT_TIMESTAMP, 'residents' FROM area"))
        after = connection.execute(text("SELECT version FROM org_version")).scalar_one()
        return before, middle, after

    (tmp_path / "m").mkdir(exist_ok=True)
    try:
        async with engine.begin() as conn:
            before, middle, after = await conn.run_sync(migrate_then_bind)
    finally:
        await engine.dispose()
        if cleanup:
            await cleanup()
    assert middle == before + 1 and after == middle + 1


def test_no_ping_per_checkout_on_postgresql_but_recycled_connections():
    engine = make_engine("postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    pool = engine.sync_engine.pool
    assert pool._pre_ping is False and pool._recycle == POOL_RECYCLE_SECONDS
