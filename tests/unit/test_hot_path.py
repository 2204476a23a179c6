"""The report's hot path asks the database only what it must (bench/handling.py profiles it):
the inbox row is claimed and marked done in one statement, a first-time reporter's roles are
not looked up, and a row written with one Core INSERT (models/core_sql.py) behaves in the
session exactly like one the ORM flushed."""

from __future__ import annotations

from sqlmodel import select

from handlers import bus
from handlers.events import User
from models import core_sql
from models.messaging import InboxUpdate
from models.org import Member, Role, RoleAssignment
from tests.support.statements import engine_of, watch
from tests.support.world import PLATFORM, Person, Script, build_world
from tests.unit._helpers import all_tickets


async def test_a_first_report_claims_its_row_once_and_reads_no_roles(deps):
    world = await build_world(deps)
    newcomer = Person(0, User("39001", "赵奶奶", "zh-hans"), "39001")
    with watch(engine_of(deps)) as counter:
        await bus.receive(Script().text(newcomer, world.group_chat, "/report 楼道灯不亮"), deps)
    assert [t.number for t in await all_tickets(deps)] == ["G0102-0001"]
    inbox = counter.touching("inbox_update")
    assert len(inbox) == 2, inbox  # stored, then claimed and marked done in one UPDATE
    assert inbox[1].startswith("UPDATE inbox_update SET status")
    assert not [s for s in counter.seen if s.startswith("SELECT role_assignment")], counter.seen
    async with deps.session_factory() as s:
        member = (await s.exec(select(Member).where(Member.platform_user_id == "39001"))).one()
        roles = (await s.exec(select(RoleAssignment.role, RoleAssignment.area_id).where(
            RoleAssignment.member_id == member.id))).all()
        assert (await s.exec(select(InboxUpdate.status))).all() == ["done"]
    assert roles == [(Role.RESIDENT, world.grid_id)]


async def test_a_second_report_still_finds_the_role_the_first_gave(deps):
    world = await build_world(deps)
    newcomer, script = Person(0, User("39001", "赵奶奶", "zh-hans"), "39001"), Script()
    await bus.receive(script.text(newcomer, world.group_chat, "/report 楼道灯不亮"), deps)
    with watch(engine_of(deps)) as counter:
        await bus.receive(script.text(newcomer, world.group_chat, "/report 垃圾没人清"), deps)
    assert [s for s in counter.seen if s.startswith("SELECT role_assignment")]
    assert not counter.touching("role_assignment (")  # no second resident role
    async with deps.session_factory() as s:
        count = len((await s.exec(select(RoleAssignment.id).where(
            RoleAssignment.role == Role.RESIDENT, RoleAssignment.area_id == world.grid_id))).all())
    assert count == 3  # the world's two residents and the newcomer, once


async def test_a_core_inserted_object_is_loaded_and_its_changes_are_flushed(deps):
    async with deps.session_factory() as s, s.begin():
        member = Member(platform=PLATFORM, platform_user_id="4001", display_name="孙",
                        locale="zh_CN", created_at=deps.clock.now())
        await core_sql.insert_loaded(s, member)
        assert member.id is not None and member in s and not s.dirty and not s.new
        assert await s.get(Member, member.id) is member  # in the identity map, as if loaded
        member.display_name = "孙新"  # a later change goes out as an UPDATE
    async with deps.session_factory() as s:
        names = (await s.exec(select(Member.display_name).where(
            Member.platform_user_id == "4001"))).all()
    assert names == ["孙新"]
