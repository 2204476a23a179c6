"""Every refusal: the right sentence in zh_CN, as an alert on a button or a reply to a message,
and nothing in the store changes."""

from __future__ import annotations

import pytest
from sqlmodel import select

from handlers import bus
from models.lifecycle import Status
from models.org import ChatGroup, InviteCode, Member, RoleAssignment
from tests.support.outbox import buttons_of, find_send, take_outbox
from tests.support.world import Script, build_world
from tests.unit._helpers import (
    add_person,
    area_id,
    press_refused,
    report_in_group,
    resolve,
    say_refused,
    ticket,
)

NOT_STAFF = "只有本网格的网格员、网格长或指挥中心可以处理 G0102-0001。"
STALE = "这个按钮已失效，请重新操作。"


@pytest.mark.parametrize("verb", ["take", "site", "done", "rej", "disp"])
async def test_resident_cannot_work_a_new_ticket(deps, verb):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world)
    for person in (world.resident, world.neighbour):  # the reporter is no staff either
        text = await press_refused(deps, script, person, world.group_chat, f"tk:{verb}:1")
        assert text == NOT_STAFF


@pytest.mark.parametrize("verb", ["take", "site", "done", "rej", "disp"])
async def test_resident_cannot_work_a_taken_ticket(deps, verb):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world)
    await bus.receive(script.press(world.worker, world.group_chat, "tk:take:1"), deps)
    await take_outbox(deps)
    text = await press_refused(deps, script, world.neighbour, world.group_chat, f"tk:{verb}:1")
    assert text == NOT_STAFF


async def test_worker_of_another_grid_cannot_take(deps):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world)
    text = await press_refused(deps, script, world.other_worker, world.group_chat, "tk:take:1")
    assert text == NOT_STAFF
    assert (await ticket(deps)).assignee_id is None


async def test_second_worker_is_told_who_took_it(deps):
    world = await build_world(deps)
    second = await add_person(deps, "2009", "孙网格员", "worker", "G0102")
    script = Script()
    await report_in_group(deps, script, world)
    await bus.receive(script.press(world.worker, world.group_chat, "tk:take:1"), deps)
    await take_outbox(deps)
    for person in (second, world.leader):
        text = await press_refused(deps, script, person, world.group_chat, "tk:take:1")
        assert text == "G0102-0001 已由 杨超 接单。"
    assert (await ticket(deps)).assignee_id == world.worker.member_id


async def test_another_worker_cannot_act_on_a_ticket_someone_holds(deps):
    world = await build_world(deps)
    second = await add_person(deps, "2009", "孙网格员", "worker", "G0102")
    script = Script()
    await report_in_group(deps, script, world)
    await bus.receive(script.press(world.worker, world.group_chat, "tk:take:1"), deps)
    await take_outbox(deps)
    for verb in ("site", "done", "rej", "disp"):
        text = await press_refused(deps, script, second, world.group_chat, f"tk:{verb}:1")
        assert text == "G0102-0001 已由 杨超 接单。"


async def test_only_the_reporter_rates_and_only_once(deps):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world)
    await resolve(deps, script, world)

    text = await press_refused(deps, script, world.neighbour, world.group_chat, "rt:1:4")
    assert text == "只有反映此事的居民可以评价 G0102-0001。"
    text = await press_refused(deps, script, world.worker, world.worker.private_chat, "rt:1:4")
    assert text == "只有反映此事的居民可以评价 G0102-0001。"

    await bus.receive(script.press(world.resident, world.resident.private_chat, "rt:1:3"), deps)
    await take_outbox(deps)
    closed = await ticket(deps)
    assert closed.status == Status.CLOSED and closed.rating == 3

    for level in (3, 1):
        text = await press_refused(deps, script, world.resident, world.resident.private_chat,
                                    f"rt:1:{level}")
        assert text == "G0102-0001 已评价过或尚未办结。"
    assert (await ticket(deps)).rating == 3


async def test_rating_before_resolution_is_refused(deps):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world)
    text = await press_refused(deps, script, world.resident, world.resident.private_chat,
                                "rt:1:4")
    assert text == "G0102-0001 已评价过或尚未办结。"


async def test_only_the_author_confirms_a_draft(deps):
    world = await build_world(deps)
    script = Script()
    await bus.receive(script.photo(world.resident, world.group_chat, "楼道声控灯不亮"), deps)
    prompt = find_send(await take_outbox(deps), world.group_chat, "登记为报事")
    yes, no = buttons_of(prompt)
    for person in (world.neighbour, world.worker):
        for data in (yes, no):
            text = await press_refused(deps, script, person, world.group_chat, data)
            assert text == "只有发这条消息的人可以确认登记。"
    await bus.receive(script.press(world.resident, world.group_chat, yes), deps)
    await take_outbox(deps)
    text = await press_refused(deps, script, world.resident, world.group_chat, yes)
    assert text == "这条消息已经处理过了。"


@pytest.mark.parametrize(
    "data",
    [
        "tk:take:999999",
        "tk:take:99999999999999999999",  # larger than any id column: no overflow, just stale
        "tk:take:-1",
        "tk:take:",
        "tk:nuke:1",
        "tk",
        "rt:1:9",
        "rt:1:0",
        "rt:1",
        "dr:y:abc",
        "dr:x:1",
        "dp:1:999999",
        "dp:x:1",
        "pr:submit:",
        "cv:skip:",
        "zz:1",
        "tk:take:" + "1" * 62,  # 70 bytes: over Telegram's 64-byte limit
        "",
        ":",
    ],
)
async def test_forged_payloads_are_stale(deps, data):
    world = await build_world(deps)
    script = Script()
    await bus.receive(script.photo(world.resident, world.group_chat, "楼道声控灯不亮"), deps)
    await take_outbox(deps)  # draft 1 is pending
    await report_in_group(deps, script, world)  # ticket 1 is new
    for person in (world.resident, world.worker, world.leader):
        text = await press_refused(deps, script, person, world.group_chat, data)
        assert text == STALE


async def test_bind_needs_an_admin_and_a_grid(deps):
    world = await build_world(deps)
    script = Script()
    new_chat = "-100999"
    text = await say_refused(deps, script, world.resident, new_chat, "/bind G0102")
    assert text == "只有 G0102 的管理员可以绑定本群。"
    text = await say_refused(deps, script, world.worker, new_chat, "/bind G0102")
    assert text == "只有 G0102 的管理员可以绑定本群。"
    text = await say_refused(deps, script, world.admin, new_chat, "/bind SIHAI")
    assert text == "SIHAI 不是网格，只能把群绑定到网格。"
    text = await say_refused(deps, script, world.admin, new_chat, "/bind G9999")
    assert text == "没有编号为 G9999 的网格。"
    text = await say_refused(deps, script, world.admin, world.admin.private_chat, "/bind G0102")
    assert text == "请在要绑定的群里发送 /bind。"

    await bus.receive(script.text(world.admin, new_chat, "/bind g0102", chat_title="二网格新群"),
                      deps)
    done = find_send(await take_outbox(deps), new_chat)
    assert done.text == ("本群已绑定网格：四海社区第二网格（G0102）。"
                         "居民在群里发照片或问题即可报事。")
    async with deps.session_factory() as s:
        group = (await s.exec(select(ChatGroup).where(ChatGroup.chat_id == new_chat))).one()
    assert group.area_id == await area_id(deps, "G0102") and group.title == "二网格新群"
    assert group.bound_by_member_id == world.admin.member_id


async def test_ticket_lookup_is_for_members_of_the_grid(deps):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world)
    text = await say_refused(deps, script, world.other_worker, world.other_worker.private_chat,
                              "/ticket G0102-0001")
    assert text == "您不是该网格的成员，无法查看。"
    text = await say_refused(deps, script, world.other_worker, world.other_group_chat,
                              "/ticket G0102-0001")
    assert text == "您不是该网格的成员，无法查看。"
    text = await say_refused(deps, script, world.worker, world.worker.private_chat,
                              "/ticket G0102-0404")
    assert text == "没有找到编号为 G0102-0404 的报事。"


async def test_invite_code_works_once(deps):
    world = await build_world(deps)
    async with deps.session_factory() as s, s.begin():
        s.add(InviteCode(code="inv-7Hq2", role="worker", area_id=world.grid_id,
                         created_at=deps.clock.now()))
    first = await add_person(deps, "5001", "新网格员")
    second = await add_person(deps, "5002", "冒用者")
    script = Script()

    await bus.receive(script.text(first, first.private_chat, "/start inv-7Hq2"), deps)
    granted = find_send(await take_outbox(deps), first.private_chat)
    assert granted.text == "已确认：您是 四海社区第二网格（G0102）的网格员。"

    text = await say_refused(deps, script, second, second.private_chat, "/start inv-7Hq2")
    assert text == "这个邀请码已经用过了，请向管理员索取新的。"
    text = await say_refused(deps, script, second, second.private_chat, "/start nope-123")
    assert text == "邀请码无效，请向网格员或管理员核实。"
    async with deps.session_factory() as s:
        roles = (await s.exec(select(RoleAssignment.member_id, RoleAssignment.role).where(
            RoleAssignment.member_id.in_([first.member_id, second.member_id])))).all()
    assert [tuple(r) for r in roles] == [(first.member_id, "worker")]


async def test_nothing_moves_a_closed_ticket(deps):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world)
    await resolve(deps, script, world)
    await bus.receive(script.press(world.resident, world.resident.private_chat, "rt:1:4"), deps)
    await take_outbox(deps)
    assert (await ticket(deps)).status == Status.CLOSED
    for person in (world.worker, world.leader, world.resident):
        for verb in ("take", "site", "done", "rej", "disp"):
            text = await press_refused(deps, script, person, world.group_chat, f"tk:{verb}:1")
            assert text == "G0102-0001 已结束，不能再操作。"


async def test_rejected_ticket_cannot_be_taken(deps):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world)
    await bus.receive(script.press(world.worker, world.group_chat, "tk:rej:1"), deps)
    await bus.receive(script.text(world.worker, world.worker.private_chat, "不属于本网格"), deps)
    await take_outbox(deps)
    assert (await ticket(deps)).status == Status.REJECTED
    text = await press_refused(deps, script, world.leader, world.group_chat, "tk:take:1")
    assert text == "G0102-0001 已结束，不能再操作。"


async def test_category_change_by_a_resident_is_refused(deps):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world)
    text = await say_refused(deps, script, world.resident, world.group_chat,
                              "/category G0102-0001 供暖")
    assert text == NOT_STAFF
    text = await say_refused(deps, script, world.worker, world.group_chat,
                              "/category G0102-0001 外星人")
    assert text.startswith("没有这个类别。可选：emergency, gas, heating")


async def test_a_bad_invite_still_remembers_the_private_chat(deps):
    """Refusing the code must not roll back what lets the bot reach this person later."""
    await build_world(deps)
    stranger = await add_person(deps, "5009", "新来的")
    async with deps.session_factory() as s, s.begin():
        member = await s.get(Member, stranger.member_id)
        member.private_chat_id = None
        s.add(member)
    text = await say_refused(deps, Script(), stranger, stranger.private_chat, "/start wrong-code")
    assert text == "邀请码无效，请向网格员或管理员核实。"
    async with deps.session_factory() as s:
        assert (await s.get(Member, stranger.member_id)).private_chat_id == stranger.private_chat


async def test_a_role_cannot_be_held_twice_even_without_a_department(deps):
    from sqlalchemy.exc import IntegrityError

    world = await build_world(deps)
    with pytest.raises(IntegrityError):
        async with deps.session_factory() as s, s.begin():
            s.add(RoleAssignment(member_id=world.resident.member_id, role="resident",
                                 area_id=world.grid_id))
