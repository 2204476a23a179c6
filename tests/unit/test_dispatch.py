"""网格吹哨、部门报到: [转派] to a department, its [退回], helpers (大事合办、难事协办) and
/assign. Each role check has its refusal, and a refusal changes nothing."""

from __future__ import annotations

from functools import partial

from sqlmodel import select

from handlers import bus
from handlers.events import SendText
from models.lifecycle import Status
from models.ticket import TicketDepartment
from tests.support.outbox import answers, buttons_of, find_send, take_outbox, texts_to
from tests.support.world import Script, build_world
from tests.unit._helpers import (
    add_department,
    add_person,
    bind_staff_group,
    card_edit,
    events_of,
    press_refused,
    report_in_group,
    say_refused,
    snapshot,
    ticket,
)

NOT_STAFF = "只有本网格的网格员、网格长或指挥中心可以处理 G0102-0001。"
NOT_RETURNER = "只有接手 G0102-0001 的部门联络员可以退回。"
NOT_ASSIGNER = "只有网格长、社区管理员或指挥中心可以指派 G0102-0001。"


async def _departments_on(deps, ticket_id: int = 1) -> list[tuple[int, str, int | None]]:
    async with deps.session_factory() as s:
        rows = (await s.exec(select(TicketDepartment).where(
            TicketDepartment.ticket_id == ticket_id).order_by(TicketDepartment.id))).all()
    return [(r.department_id, r.role, r.liaison_id) for r in rows]


async def _state(deps) -> tuple:
    return await snapshot(deps), await _departments_on(deps)


# Refusals here must also leave the ticket's departments as they were.
_press_refused = partial(press_refused, state=_state)
_say_refused = partial(say_refused, state=_state)


async def _dispatch_to_heating(deps, script, world) -> list:
    """The worker hands ticket 1 to 供暖 from the card; returns what that queued."""
    await bus.receive(script.press(world.worker, world.group_chat, "tk:disp:1"), deps)
    await take_outbox(deps)
    press = script.press(world.worker, world.worker.private_chat, f"dp:1:{world.heating_id}")
    await bus.receive(press, deps)
    return await take_outbox(deps)


async def _civil_affairs(deps) -> tuple[int, object]:
    civil = await add_department(deps, "civil_affairs", "民政")
    helper = await add_person(deps, "4002", "张民政", "liaison", "SIHAI", department_id=civil)
    return civil, helper


async def test_dispatch_offers_the_recommended_department_first(deps):
    world = await build_world(deps)
    await add_department(deps, "power", "供电")  # no liaison anywhere: not offered
    civil, _helper = await _civil_affairs(deps)
    water = await add_department(deps, "water", "供水")
    await add_person(deps, "4003", "赵供水", "liaison", "ZHANNAN", department_id=water)
    script = Script()
    await report_in_group(deps, script, world, "2号楼下水道堵了，污水返上来")
    assert (await ticket(deps)).category == "drainage"  # categories.yaml routes it to water

    press = script.press(world.worker, world.group_chat, "tk:disp:1")
    await bus.receive(press, deps)
    out = await take_outbox(deps)
    assert [a.text for a in answers(out)] == [""] and not answers(out)[0].alert
    pick = find_send(out, world.worker.private_chat, "请选择 G0102-0001 转派的部门")
    assert pick.text.splitlines() == ["请选择 G0102-0001 转派的部门：", "本区域暂无联络员：供电"]
    offered = [(b.text, b.data) for row in pick.buttons for b in row]
    assert offered == [
        ("供水 ✓推荐", f"dp:1:{water}"),
        ("供暖", f"dp:1:{world.heating_id}"),
        ("民政", f"dp:1:{civil}"),
    ]
    assert (await ticket(deps)).status == Status.NEW, "offering changes nothing"


async def test_heating_liaison_gets_it_with_the_return_button(deps):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world, "5号楼暖气片不热")
    out = await _dispatch_to_heating(deps, script, world)

    handed = await ticket(deps)
    assert (handed.status, handed.assignee_id, handed.department_id) == (
        Status.TAKEN, world.liaison.member_id, world.heating_id)
    assert await _departments_on(deps) == [(world.heating_id, "lead", world.liaison.member_id)]
    card = card_edit(out, world.group_chat)
    assert "已转派 供暖 · 联络员 王联络员" in card.text
    [to_liaison] = [a for a in out if isinstance(a, SendText)
                    and a.chat_id == world.liaison.private_chat]
    assert to_liaison.text.startswith("网格吹哨，部门报到：供暖 请接单处置。\n📋 报事 G0102-0001")
    assert [[b.text for b in row] for row in to_liaison.buttons] == [["接单", "到场"],
                                                                      ["办结", "退回"]]
    assert buttons_of(to_liaison) == ["tk:take:1", "tk:site:1", "tk:done:1", "tk:ret:1"]

    # [接单] on a ticket already handed to them: an acknowledgement, nothing changes.
    before = await _state(deps)
    press = script.press(world.liaison, world.liaison.private_chat, "tk:take:1")
    await bus.receive(press, deps)
    [ack] = await take_outbox(deps)
    assert ack.callback_id == press.callback_id and not ack.alert
    assert ack.text == "已确认接单 G0102-0001，请按时到场。"
    assert await _state(deps) == before

    await bus.receive(script.press(world.liaison, world.liaison.private_chat, "tk:site:1"), deps)
    assert (await ticket(deps)).status == Status.ON_SITE


async def test_a_liaison_who_never_started_the_bot_is_named_in_the_staff_group(deps):
    world = await build_world(deps, started=False)
    await bind_staff_group(deps, "-900", "G0102")  # a hand-over is staff-only (issue 8)
    script = Script()
    await report_in_group(deps, script, world, "5号楼暖气片不热")
    await bus.receive(script.press(world.worker, world.group_chat, "tk:disp:1"), deps)
    pick = find_send(await take_outbox(deps), world.group_chat, "转派的部门")
    assert buttons_of(pick) == [f"dp:1:{world.heating_id}"]
    await bus.receive(script.press(world.worker, world.group_chat, buttons_of(pick)[0]), deps)
    out = await take_outbox(deps)
    named = find_send(out, "-900", "@王联络员 网格吹哨，部门报到：供暖")
    assert "tk:ret:1" in buttons_of(named)
    assert not [t for t in texts_to(out, world.group_chat) if "@王联络员" in t]

    await bus.receive(script.press(world.liaison, "-900", "tk:ret:1"), deps)
    out = await take_outbox(deps)
    assert [a.text for a in answers(out)] == ["请在群里回复。"]
    assert texts_to(out, "-900") == ["请输入退回 G0102-0001 的理由（网格会看到）："]
    await bus.receive(script.text(world.liaison, "-900", "不是供暖问题"), deps)
    await take_outbox(deps)
    assert (await ticket(deps)).status == Status.NEW


async def test_return_with_a_reason_goes_back_to_the_grid(deps):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world, "5号楼暖气片不热")
    await _dispatch_to_heating(deps, script, world)
    me = world.liaison.private_chat

    press = script.press(world.liaison, me, "tk:ret:1")
    await bus.receive(press, deps)
    out = await take_outbox(deps)
    assert [a.text for a in answers(out)] == ["请在与机器人的私聊中继续。"]
    assert texts_to(out, me) == ["请输入退回 G0102-0001 的理由（网格会看到）："]
    assert (await ticket(deps)).status == Status.TAKEN, "nothing changes before the reason"

    await bus.receive(script.press(world.liaison, me, "cv:skip:"), deps)  # no reason yet
    assert texts_to(await take_outbox(deps), me) == ["请输入退回 G0102-0001 的理由（网格会看到）："]

    reason = "楼内私接管道，不属于供暖公司管辖"
    await bus.receive(script.text(world.liaison, me, reason), deps)
    out = await take_outbox(deps)
    back = await ticket(deps)
    assert (back.status, back.assignee_id, back.department_id, back.return_reason) == (
        Status.NEW, None, None, reason)
    assert await _departments_on(deps) == [
        (world.heating_id, "returned", world.liaison.member_id)]
    assert texts_to(out, me) == ["已将 G0102-0001 退回网格。"]
    card = card_edit(out, world.group_chat)
    assert f"部门退回：{reason}" in card.text and "状态：已受理" in card.text
    assert "已转派" not in card.text
    assert buttons_of(card) == ["tk:take:1", "tk:done:1", "tk:disp:1", "tk:rej:1"]
    assert texts_to(out, world.worker.private_chat) == [
        f"供暖 退回了 G0102-0001，理由：{reason}。请网格重新处理。"]
    trail = [(e.action, e.from_status, e.to_status, e.note, e.actor_id)
             for e in await events_of(deps, back.id)]
    assert trail[-1] == ("return", "taken", "new", reason, world.liaison.member_id)

    # The grid can hand it on again; the stale reason leaves the card.
    out = await _dispatch_to_heating(deps, script, world)
    again = await ticket(deps)
    assert again.department_id == world.heating_id and again.return_reason is None
    assert "部门退回" not in card_edit(out, world.group_chat).text
    assert await _departments_on(deps) == [(world.heating_id, "lead", world.liaison.member_id)]


async def test_only_the_liaison_holding_it_can_return_it(deps):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world, "5号楼暖气片不热")
    for person, chat in ((world.worker, world.group_chat), (world.resident, world.group_chat),
                         (world.liaison, world.liaison.private_chat)):
        assert await _press_refused(deps, script, person, chat, "tk:ret:1") == NOT_RETURNER

    await _dispatch_to_heating(deps, script, world)
    for person in (world.worker, world.leader, world.resident, world.other_worker, world.admin):
        text = await _press_refused(deps, script, person, world.group_chat, "tk:ret:1")
        assert text == NOT_RETURNER

    # A ticket a grid worker took themselves has no department to return it.
    await report_in_group(deps, script, world, "3号楼楼道声控灯不亮")
    await bus.receive(script.press(world.worker, world.group_chat, "tk:take:2"), deps)
    await take_outbox(deps)
    text = await _press_refused(deps, script, world.worker, world.group_chat, "tk:ret:2")
    assert text == "只有接手 G0102-0002 的部门联络员可以退回。"


async def test_residents_and_outsiders_cannot_dispatch(deps):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world, "5号楼暖气片不热")
    chosen = f"dp:1:{world.heating_id}"
    for person, chat, data in (
        (world.resident, world.group_chat, "tk:disp:1"),
        (world.resident, world.resident.private_chat, chosen),
        (world.other_worker, world.group_chat, "tk:disp:1"),
        (world.other_worker, world.other_worker.private_chat, chosen),
        (world.liaison, world.liaison.private_chat, chosen),  # not handed to them yet
    ):
        assert await _press_refused(deps, script, person, chat, data) == NOT_STAFF

    # Once the liaison holds it, the grid worker may not hand it on over their head.
    await _dispatch_to_heating(deps, script, world)
    text = await _press_refused(deps, script, world.worker, world.group_chat, "tk:disp:1")
    assert text == "G0102-0001 已由 王联络员 接单。"


async def test_dispatch_with_no_liaison_in_the_area_is_refused(deps):
    world = await build_world(deps)
    async with deps.session_factory() as s, s.begin():
        from models.org import RoleAssignment

        row = (await s.exec(select(RoleAssignment).where(
            RoleAssignment.member_id == world.liaison.member_id))).one()
        await s.delete(row)
    script = Script()
    await report_in_group(deps, script, world, "5号楼暖气片不热")
    text = await _press_refused(deps, script, world.worker, world.group_chat, "tk:disp:1")
    assert text == "本区域还没有任何部门的联络员，无法转派 G0102-0001。"


async def test_a_helper_department_sees_it_but_only_the_lead_closes(deps):
    world = await build_world(deps)
    civil, helper = await _civil_affairs(deps)
    script = Script()
    await report_in_group(deps, script, world, "独居老人家暖气管道漏水")
    await _dispatch_to_heating(deps, script, world)

    # The lead department's liaison asks 民政 to help (难事协办).
    await bus.receive(script.text(world.liaison, world.liaison.private_chat,
                                  "/assist G0102-0001 民政"), deps)
    out = await take_outbox(deps)
    assert texts_to(out, world.liaison.private_chat) == [
        "已请 民政（联络员 张民政）协办 G0102-0001。"]
    assert await _departments_on(deps) == [
        (world.heating_id, "lead", world.liaison.member_id), (civil, "helper", helper.member_id)]
    card = card_edit(out, world.group_chat)
    assert "已转派 供暖 · 联络员 王联络员" in card.text
    assert "协办：民政 · 联络员 张民政" in card.text
    told = find_send(out, helper.private_chat)
    assert told.text.startswith("难事协办：请 民政 协助处置 G0102-0001，由牵头部门办结。")
    assert told.buttons == ()

    # The helper can look it up...
    await bus.receive(script.text(helper, helper.private_chat, "/ticket G0102-0001"), deps)
    [view] = texts_to(await take_outbox(deps), helper.private_chat)
    assert view.startswith("📋 报事 G0102-0001")
    assert "张民政 请协办" not in view and "王联络员：请协办 → 已接单（民政）" in view

    # ... but cannot close it or work it.
    text = await _press_refused(deps, script, helper, helper.private_chat, "tk:done:1")
    assert text == "只有牵头部门可以办结 G0102-0001。"
    for verb in ("site", "rej", "disp", "take", "ret"):
        text = await _press_refused(deps, script, helper, helper.private_chat, f"tk:{verb}:1")
        assert text == "协办部门可以查看 G0102-0001，由牵头部门处置。"

    # The lead closes it.
    await bus.receive(script.press(world.liaison, world.liaison.private_chat, "tk:done:1"), deps)
    await take_outbox(deps)
    await bus.receive(script.text(world.liaison, world.liaison.private_chat,
                                  "已更换阀门，民政已安排上门照护"), deps)
    await bus.receive(script.press(world.liaison, world.liaison.private_chat, "cv:done:"), deps)
    out = await take_outbox(deps)
    done = await ticket(deps)
    assert done.status == Status.RESOLVED and done.assignee_id == world.liaison.member_id
    assert texts_to(out, world.liaison.private_chat)[-1] == "G0102-0001 已办结，已请报事人评价。"


async def test_assist_refusals(deps):
    world = await build_world(deps)
    _civil, helper = await _civil_affairs(deps)
    await add_department(deps, "power", "供电")
    script = Script()
    await report_in_group(deps, script, world, "5号楼暖气片不热")
    group = world.group_chat
    for person in (world.resident, world.other_worker, helper, world.liaison):
        text = await _say_refused(deps, script, person, group, "/assist G0102-0001 民政")
        assert text == "只有本网格的工作人员或牵头部门的联络员可以为 G0102-0001 请协办部门。"
    text = await _say_refused(deps, script, world.worker, group, "/assist G0102-0001 外星局")
    assert text == "没有这个部门。可选：供暖、民政、供电"
    text = await _say_refused(deps, script, world.worker, group, "/assist G0102-0001 供电")
    assert text == "供电 在本区域还没有联络员，无法转派。"
    text = await _say_refused(deps, script, world.worker, world.worker.private_chat,
                              "/assist G0102-0001")
    assert text == "用法：/assist 编号 部门，例如 /assist G0102-0001 民政"

    await _dispatch_to_heating(deps, script, world)
    text = await _say_refused(deps, script, world.worker, group, "/assist G0102-0001 供暖")
    assert text == "供暖 已是 G0102-0001 的牵头部门。"
    await bus.receive(script.text(world.worker, group, "/assist G0102-0001 civil_affairs"), deps)
    await take_outbox(deps)
    text = await _say_refused(deps, script, world.leader, group, "/assist G0102-0001 民政")
    assert text == "民政 已在协办 G0102-0001。"
    # A helper cannot bring in more helpers: only staff or the lead.
    text = await _say_refused(deps, script, helper, helper.private_chat, "/assist G0102-0001 供暖")
    assert text == "只有本网格的工作人员或牵头部门的联络员可以为 G0102-0001 请协办部门。"


async def test_assign_by_the_leader_and_by_the_admin(deps):
    world = await build_world(deps)
    second = await add_person(deps, "2009", "孙网格员", "worker", "G0102")
    script = Script()
    await report_in_group(deps, script, world, "3号楼楼道声控灯不亮")

    await bus.receive(script.text(world.leader, world.group_chat, "/assign G0102-0001 @杨超"),
                      deps)
    out = await take_outbox(deps)
    held = await ticket(deps)
    assert (held.status, held.assignee_id) == (Status.TAKEN, world.worker.member_id)
    assert texts_to(out, world.group_chat)[0] == "已将 G0102-0001 交给 杨超 办理。"
    assert "经办：杨超" in card_edit(out, world.group_chat).text
    told = find_send(out, world.worker.private_chat)
    assert told.text.startswith("刘网格长 把 G0102-0001 交给您办理。\n📋 报事 G0102-0001")
    assert "tk:site:1" in buttons_of(told)

    # The community admin moves it to another worker, named without the @.
    await bus.receive(script.text(world.admin, world.admin.private_chat,
                                  "/assign G0102-0001 孙网格员"), deps)
    out = await take_outbox(deps)
    assert (await ticket(deps)).assignee_id == second.member_id
    assert texts_to(out, world.worker.private_chat) == ["G0102-0001 已改由 孙网格员 办理。"]
    assert find_send(out, second.private_chat, "社区管理员 把 G0102-0001 交给您办理。")
    trail = [(e.action, e.from_status, e.to_status, e.note, e.actor_id)
             for e in await events_of(deps, held.id)]
    assert trail[-2:] == [
        ("assign", "new", "taken", "杨超", world.leader.member_id),
        ("assign", "taken", "taken", "孙网格员", world.admin.member_id),
    ]


async def test_assign_takes_a_ticket_back_from_the_department(deps):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world, "5号楼暖气片不热")
    await _dispatch_to_heating(deps, script, world)
    await bus.receive(script.text(world.leader, world.group_chat, "/assign G0102-0001 杨超"), deps)
    out = await take_outbox(deps)
    back = await ticket(deps)
    assert (back.assignee_id, back.department_id) == (world.worker.member_id, None)
    assert "已转派" not in card_edit(out, world.group_chat).text
    assert texts_to(out, world.liaison.private_chat) == ["G0102-0001 已改由 杨超 办理。"]
    assert await _departments_on(deps) == [(world.heating_id, "former", world.liaison.member_id)]


async def test_assign_refusals(deps):
    world = await build_world(deps)
    await add_person(deps, "2010", "杨小明", "worker", "G0102")
    script = Script()
    await report_in_group(deps, script, world, "3号楼楼道声控灯不亮")
    group = world.group_chat
    for person in (world.worker, world.resident, world.liaison, world.other_worker):
        text = await _say_refused(deps, script, person, group, "/assign G0102-0001 @杨超")
        assert text == NOT_ASSIGNER
    text = await _say_refused(deps, script, world.leader, group, "/assign G0102-0001 @王小二")
    assert text == "本网格没有叫“王小二”的网格员。可选：杨超、刘网格长、杨小明"
    text = await _say_refused(deps, script, world.leader, group, "/assign G0102-0001 @赵三网格")
    assert text == "本网格没有叫“赵三网格”的网格员。可选：杨超、刘网格长、杨小明"
    text = await _say_refused(deps, script, world.leader, group, "/assign G0102-0001 @杨")
    assert text == "叫“杨”的不止一人，请写全名。可选：杨超、刘网格长、杨小明"
    text = await _say_refused(deps, script, world.leader, world.leader.private_chat,
                              "/assign G0102-0001 @")
    assert text == "用法：/assign 编号 @名字，例如 /assign G0102-0001 @杨超"

    await bus.receive(script.text(world.leader, group, "/assign G0102-0001 杨超"), deps)
    await take_outbox(deps)
    text = await _say_refused(deps, script, world.leader, group, "/assign G0102-0001 @杨超")
    assert text == "G0102-0001 已由 杨超 经办。"


async def test_a_dispatched_tickets_whole_history_is_kept(deps, clock):
    world = await build_world(deps)
    _civil, _helper = await _civil_affairs(deps)
    script = Script()
    await report_in_group(deps, script, world, "5号楼暖气片不热")
    clock.advance(minutes=5)
    await _dispatch_to_heating(deps, script, world)
    clock.advance(minutes=5)
    await bus.receive(script.press(world.liaison, world.liaison.private_chat, "tk:ret:1"), deps)
    await bus.receive(script.text(world.liaison, world.liaison.private_chat, "需先由物业关阀"),
                      deps)
    clock.advance(minutes=5)
    await _dispatch_to_heating(deps, script, world)
    await bus.receive(script.text(world.worker, world.group_chat, "/assist G0102-0001 民政"), deps)
    await bus.receive(script.press(world.liaison, world.liaison.private_chat, "tk:site:1"), deps)
    await bus.receive(script.press(world.liaison, world.liaison.private_chat, "tk:done:1"), deps)
    await bus.receive(script.text(world.liaison, world.liaison.private_chat, "已修复"), deps)
    await bus.receive(script.press(world.liaison, world.liaison.private_chat, "cv:done:"), deps)
    await take_outbox(deps)

    done = await ticket(deps)
    assert done.status == Status.RESOLVED
    trail = [(e.action, e.from_status, e.to_status, e.note, e.actor_id)
             for e in await events_of(deps, done.id)]
    worker, liaison = world.worker.member_id, world.liaison.member_id
    assert trail == [
        ("report", None, "new", None, world.resident.member_id),
        ("dispatch", "new", "taken", "供暖", worker),
        ("return", "taken", "new", "需先由物业关阀", liaison),
        ("dispatch", "new", "taken", "供暖", worker),
        ("assist", "taken", "taken", "民政", worker),
        ("arrive", "taken", "on_site", None, liaison),
        ("resolve", "on_site", "resolved", "已修复", liaison),
    ]

    await bus.receive(script.text(world.leader, world.leader.private_chat, "/ticket G0102-0001"),
                      deps)
    [view] = texts_to(await take_outbox(deps), world.leader.private_chat)
    history = view.splitlines()[view.splitlines().index("—— 处理记录 ——") + 1:]
    assert history == [
        "11-02 09:00 王阿姨：报事 → 已受理",
        "11-02 09:05 杨超：转派 → 已接单（供暖）",
        "11-02 09:10 王联络员：部门退回 → 已受理（需先由物业关阀）",
        "11-02 09:15 杨超：转派 → 已接单（供暖）",
        "11-02 09:15 杨超：请协办 → 已接单（民政）",
        "11-02 09:15 王联络员：到场 → 已到场",
        "11-02 09:15 王联络员：办结 → 已办结（已修复）",
    ]
