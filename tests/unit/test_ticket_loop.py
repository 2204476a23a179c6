"""The report → ticket → take → close → rate loop, through the bus, on SQLite and PostgreSQL."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlmodel import select

import locales
from handlers import bus, callbacks
from handlers.events import EditText
from models.lifecycle import Status
from models.ticket import Photo, Ticket, TicketEvent
from tests.support.outbox import answers, buttons_of, find_send, take_outbox
from tests.support.world import Script, build_world


async def _ticket(deps, number=None) -> Ticket:
    async with deps.session_factory() as s:
        query = select(Ticket).order_by(Ticket.id)
        if number:
            query = query.where(Ticket.number == number)
        return (await s.exec(query)).first()


async def test_photo_report_prompt_confirm_take_resolve_rate(deps):
    world = await build_world(deps)
    script = Script()
    await bus.receive(script.photo(world.resident, world.group_chat, "3号楼楼道声控灯不亮"), deps)
    prompt = find_send(await take_outbox(deps), world.group_chat, "登记为报事")
    assert await _ticket(deps) is None, "a prompt, not yet a ticket"

    await bus.receive(script.press(world.resident, world.group_chat, buttons_of(prompt)[0]), deps)
    out = await take_outbox(deps)
    card = find_send(out, world.group_chat, "G0102-0001")
    assert "市政设施·照明" in card.text and "杨超" in card.text and "3 小时内到场" in card.text
    assert buttons_of(card)[:2] == ["tk:take:1", "tk:done:1"]
    assert find_send(out, world.resident.private_chat, "G0102-0001")  # 一次性告知
    ticket = await _ticket(deps)
    assert ticket.status == Status.NEW and ticket.category == "lighting"

    await bus.receive(script.press(world.worker, world.group_chat, "tk:take:1"), deps)
    out = await take_outbox(deps)
    assert "已接单" in answers(out)[0].text
    edit = next(a for a in out if getattr(a, "ref", None) == "card:1")
    assert "杨超" in edit.text and "已接单" in edit.text

    await bus.receive(script.press(world.worker, world.group_chat, "tk:site:1"), deps)
    await bus.receive(script.press(world.worker, world.group_chat, "tk:done:1"), deps)
    out = await take_outbox(deps)
    assert find_send(out, world.worker.private_chat, "办结后的照片")
    await bus.receive(script.photo(world.worker, world.worker.private_chat, "已更换灯泡",
                                   uid="after1"), deps)
    await bus.receive(script.press(world.worker, world.worker.private_chat, "cv:done:"), deps)
    out = await take_outbox(deps)
    rate = find_send(out, world.resident.private_chat, "请评价")
    assert buttons_of(rate) == [callbacks.rating(1, lvl) for lvl in (4, 3, 2, 1)]

    await bus.receive(script.press(world.resident, world.resident.private_chat, "rt:1:3"), deps)
    ticket = await _ticket(deps)
    assert ticket.status == Status.CLOSED and ticket.rating == 3
    assert ticket.close_note == "已更换灯泡"
    async with deps.session_factory() as s:
        trail = [(e.action, e.to_status) for e in (await s.exec(
            select(TicketEvent).order_by(TicketEvent.id))).all()]
        stages = sorted(p.stage for p in (await s.exec(select(Photo))).all())
    assert trail == [("report", "new"), ("take", "taken"), ("arrive", "on_site"),
                     ("resolve", "resolved"), ("rate_pass", "rated"), ("close", "closed")]
    assert stages == ["after", "before"]


async def test_fail_rating_reopens_to_same_worker_and_tells_leader(deps):
    world = await build_world(deps)
    script = Script()
    await bus.receive(script.text(world.resident, world.group_chat, "/report 下水道堵了"), deps)
    for data in ("tk:take:1", "tk:done:1"):
        await bus.receive(script.press(world.worker, world.group_chat, data), deps)
    await bus.receive(script.press(world.worker, world.worker.private_chat, "cv:skip:"), deps)
    await take_outbox(deps)
    await bus.receive(script.press(world.resident, world.resident.private_chat, "rt:1:1"), deps)
    out = await take_outbox(deps)
    ticket = await _ticket(deps)
    assert ticket.status == Status.REOPENED and ticket.assignee_id == world.worker.member_id
    assert find_send(out, world.worker.private_chat, "返工")
    assert find_send(out, world.leader.private_chat, "不合格")


async def test_chatter_creates_nothing_and_report_tag_creates_at_once(deps):
    world = await build_world(deps)
    script = Script()
    await bus.receive(script.text(world.resident, world.group_chat, "大家早上好"), deps)
    assert await take_outbox(deps) == []
    await bus.receive(script.text(world.resident, world.group_chat, "#报事 门口有建筑垃圾"), deps)
    ticket = await _ticket(deps)
    assert ticket.category == "sanitation" and ticket.text == "门口有建筑垃圾"


async def test_replayed_update_changes_nothing(deps):
    world = await build_world(deps)
    event = Script().text(world.resident, world.group_chat, "/report 路灯不亮")
    assert await bus.receive(event, deps) is True
    assert await bus.receive(event, deps) is False
    async with deps.session_factory() as s:
        assert len((await s.exec(select(Ticket))).all()) == 1


async def test_the_card_promises_what_the_policy_enforces(deps, clock):
    """Round the clock: "3 小时内"; on office hours (矛盾纠纷) the moment itself, in local time."""
    world = await build_world(deps)
    script = Script()
    clock.advance(days=18, hours=7)  # from Mon 2 Nov 09:00 to Friday 20 Nov 16:00 in Shanghai
    await bus.receive(script.text(world.resident, world.group_chat, "/report 路灯不亮"), deps)
    await bus.receive(script.text(world.resident, world.group_chat,
                                  "/report 两家邻居吵架，需要调解"), deps)
    out = await take_outbox(deps)
    lamp, dispute = (find_send(out, world.group_chat, n) for n in ("G0102-0001", "G0102-0002"))
    assert "将于 3 小时内到场" in lamp.text
    # 7h30m of office time from Fri 16:00: 1h30m on Friday, 6h from Monday 08:30 → 16:00.
    assert "将于 11-23 16:00 前到场" in dispute.text, dispute.text
    within = locales.t("en", "promise-within-hours", hours=3)
    assert "will be on site within 3 hours" in locales.t("en", "card-promise", worker="杨超",
                                                         within=within)


async def test_the_rating_request_shows_what_was_done_and_a_fail_says_where_it_went(deps):
    world = await build_world(deps)
    script = Script()
    worker_chat, resident_chat = world.worker.private_chat, world.resident.private_chat
    await bus.receive(script.text(world.resident, world.group_chat, "/report 下水道堵了"), deps)
    for data in ("tk:take:1", "tk:done:1"):
        await bus.receive(script.press(world.worker, world.group_chat, data), deps)
    await bus.receive(script.photo(world.worker, worker_chat, uid="fix-a"), deps)
    await bus.receive(script.photo(world.worker, worker_chat, uid="fix-b"), deps)
    await bus.receive(script.text(world.worker, worker_chat, "已用疏通机疏通主管道"), deps)
    await bus.receive(script.press(world.worker, worker_chat, "cv:done:"), deps)
    rate = find_send(await take_outbox(deps), resident_chat, "请评价")
    assert rate.text.splitlines()[1:] == [
        "处理说明：已用疏通机疏通主管道",
        "办结照片 2 张（发送 /ticket G0102-0001 可查看处理记录）",
    ]

    await bus.receive(script.press(world.resident, resident_chat, "rt:1:1"), deps)
    out = await take_outbox(deps)
    reopened = await _ticket(deps)
    due = reopened.due_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%m-%d %H:%M")
    [told] = [a.text for a in out if isinstance(a, EditText) and a.chat_id == resident_chat]
    assert told == (f"G0102-0001 评价：不合格。已退回 杨超 返工，新的办结期限 {due}，"
                    "办好后会再请您评价。")


async def test_a_rating_request_without_note_or_photo_says_so(deps):
    world = await build_world(deps)
    script = Script()
    await bus.receive(script.text(world.resident, world.group_chat, "/report 下水道堵了"), deps)
    for data in ("tk:take:1", "tk:done:1"):
        await bus.receive(script.press(world.worker, world.group_chat, data), deps)
    await bus.receive(script.press(world.worker, world.worker.private_chat, "cv:skip:"), deps)
    rate = find_send(await take_outbox(deps), world.resident.private_chat, "请评价")
    assert rate.text.splitlines()[-1] == "经办人没有留下照片和说明。"
