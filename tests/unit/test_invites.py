"""Invites: the role must fit the area's level, codes expire and can be revoked, and a dead code
used in the chat gets one sentence and grants nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.invites import InviteError, create_invite, list_invites, revoke_invite
from handlers import bus
from models.invite_rules import (
    DEFAULT_LIFETIME,
    ROLE_LEVELS,
    InviteRuleError,
    InviteState,
    parse_lifetime,
)
from models.org import Area, InviteCode, RoleAssignment
from tests.support.outbox import find_send, take_outbox
from tests.support.world import Script, build_world
from tests.unit._helpers import add_person, say_refused

DAY = timedelta(days=1)


async def _with_building(deps, world) -> None:
    async with deps.session_factory() as s, s.begin():
        s.add(Area(code="G0102-03", name="3号楼", kind="building", parent_id=world.grid_id))


@pytest.mark.parametrize(
    ("role", "area", "department", "fits"),
    [
        ("worker", "G0102", None, True),
        ("worker", "SIHAI", None, False),
        ("building_head", "G0102-03", None, True),
        ("building_head", "G0102", None, False),
        ("leader", "G0102", None, True),
        ("leader", "ZHANNAN", None, True),
        ("leader", "G0102-03", None, False),
        ("liaison", "SIHAI", "heating", True),
        ("liaison", "G0102", "heating", False),
        ("admin", "SIHAI", None, True),
        ("admin", "G0102", None, False),
        ("command", "SHUANGTA", None, True),
        ("command", "G0102-03", None, False),
    ],
)
async def test_the_role_must_fit_the_level_of_the_area(deps, role, area, department, fits):
    world = await build_world(deps)
    await _with_building(deps, world)
    create = create_invite(deps.session_factory, area, role, department, deps.clock, DAY)
    if fits:
        invite, _ = await create
        assert invite.expires_at == deps.clock.now() + DAY
        return
    with pytest.raises(InviteRuleError, match=f"role {role} belongs at a .*, and {area} is a"):
        await create
    async with deps.session_factory() as s:
        assert (await s.exec(select(InviteCode))).all() == []


def test_every_role_has_a_row_in_the_table():
    from models.org import Role

    assert set(ROLE_LEVELS) == set(Role)


@pytest.mark.parametrize(("text", "lifetime"), [
    (None, DEFAULT_LIFETIME), ("3d", 3 * DAY), ("12h", timedelta(hours=12)),
    ("1d12h", timedelta(hours=36)),
])
def test_lifetime_defaults_to_seven_days_and_reads_days_and_hours(text, lifetime):
    assert parse_lifetime(text) == lifetime


@pytest.mark.parametrize(("text", "problem"), [
    ("soon", "is not a duration"), ("0h", "longer than zero"), ("365d", "at most 90d"),
])
def test_a_bad_lifetime_is_one_sentence(text, problem):
    with pytest.raises(InviteRuleError, match=problem):
        parse_lifetime(text)


async def test_an_expired_code_in_the_chat_grants_nothing(deps):
    await build_world(deps)
    invite, _ = await create_invite(deps.session_factory, "G0102", "worker", None, deps.clock,
                                    DAY)
    late = await add_person(deps, "5101", "迟到者")
    deps.clock.advance(days=1)  # exactly at expires_at: already expired
    text = await say_refused(deps, Script(), late, late.private_chat, f"/start {invite.code}")
    assert text == "这个邀请码已过期，请向管理员索取新的。"
    assert await _roles_of(deps, late) == []
    assert (await list_invites(deps.session_factory, deps.clock))[0].state == InviteState.EXPIRED


async def test_a_code_inside_its_lifetime_still_works(deps):
    await build_world(deps)
    invite, _ = await create_invite(deps.session_factory, "G0102", "worker", None, deps.clock,
                                    DAY)
    person = await add_person(deps, "5102", "新网格员")
    deps.clock.advance(hours=23, minutes=59)
    await bus.receive(Script().text(person, person.private_chat, f"/start {invite.code}"), deps)
    granted = find_send(await take_outbox(deps), person.private_chat)
    assert granted.text == "已确认：您是 四海社区第二网格（G0102）的网格员。"
    assert await _roles_of(deps, person) == ["worker"]


async def test_a_revoked_code_in_the_chat_grants_nothing(deps):
    await build_world(deps)
    invite, _ = await create_invite(deps.session_factory, "SIHAI", "admin", None, deps.clock,
                                    DAY)
    assert await revoke_invite(deps.session_factory, invite.code, deps.clock) == "open"
    intruder = await add_person(deps, "5103", "冒用者")
    text = await say_refused(deps, Script(), intruder, intruder.private_chat,
                             f"/start {invite.code}")
    assert text == "这个邀请码已被管理员作废，请向管理员索取新的。"
    assert await _roles_of(deps, intruder) == []
    # Revoking again says so and changes nothing; an unknown code is one sentence.
    assert await revoke_invite(deps.session_factory, invite.code, deps.clock) == "revoked"
    with pytest.raises(InviteError, match="unknown invite code nope"):
        await revoke_invite(deps.session_factory, "nope", deps.clock)


async def test_a_used_code_cannot_be_revoked_and_lists_who_used_it(deps):
    await build_world(deps)
    invite, _ = await create_invite(deps.session_factory, "G0102", "worker", None, deps.clock,
                                    DAY)
    person = await add_person(deps, "5104", "新网格员")
    await bus.receive(Script().text(person, person.private_chat, f"/start {invite.code}"), deps)
    await take_outbox(deps)
    deps.clock.advance(days=2)  # past expiry: a used code stays "used", not "expired"
    assert await revoke_invite(deps.session_factory, invite.code, deps.clock) == "used"
    [row] = await list_invites(deps.session_factory, deps.clock)
    assert (row.state, row.used_by, row.area, row.role) == ("used", "新网格员", "G0102", "worker")
    async with deps.session_factory() as s:
        stored = (await s.exec(select(InviteCode))).one()
    assert stored.revoked_at is None


async def test_a_code_from_before_expiry_existed_keeps_working(deps):
    world = await build_world(deps)
    async with deps.session_factory() as s, s.begin():
        s.add(InviteCode(code="old-code-1", role="worker", area_id=world.grid_id,
                         created_at=deps.clock.now()))  # expires_at NULL, as migrated
    person = await add_person(deps, "5105", "老邀请")
    deps.clock.advance(days=365)
    await bus.receive(Script().text(person, person.private_chat, "/start old-code-1"), deps)
    await take_outbox(deps)
    assert await _roles_of(deps, person) == ["worker"]


async def _roles_of(deps, person) -> list[str]:
    async with deps.session_factory() as s:
        return list((await s.exec(select(RoleAssignment.role).where(
            RoleAssignment.member_id == person.member_id))).all())
