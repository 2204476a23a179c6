"""The grid worker's other paths: reject, 即知即办, hand-off to a department, /mytasks,
/ticket, /category, residents without a private chat, and card edits folded into sends."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from handlers import bus
from handlers.events import AnswerButton, EditText, SendText
from models.lifecycle import Status
from models.messaging import OutboxMessage
from tests.support.outbox import answers, buttons_of, find_send, take_outbox, texts_to
from tests.support.world import Script, build_world
from tests.unit._helpers import (
    add_department,
    card_edit,
    events_of,
    only_alert,
    photos_of,
    report_in_group,
    resolve,
    snapshot,
    ticket,
)


async def test_reject_asks_for_a_reason_and_tells_the_reporter(deps):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world, "邻居家装修噪音太大")
    press = script.press(world.worker, world.group_chat, "tk:rej:1")
    await bus.receive(press, deps)
    out = await take_outbox(deps)
    assert answers(out)[0].text == "请在与机器人的私聊中继续。"
    ask = find_send(out, world.worker.private_chat, "不予受理的理由")
    assert ask.text == "请输入 G0102-0001 不予受理的理由：" and ask.buttons == ()
    assert (await ticket(deps)).status == Status.NEW, "nothing changes before the reason"

    await bus.receive(script.text(world.worker, world.worker.private_chat,
                                  "属于物业合同纠纷，请联系物业"), deps)
    out = await take_outbox(deps)
    rejected = await ticket(deps)
    assert rejected.status == Status.REJECTED
    assert rejected.reject_reason == "属于物业合同纠纷，请联系物业"
    assert texts_to(out, world.worker.private_chat) == ["G0102-0001 已标记为不予受理。"]
    card = card_edit(out, world.group_chat)
    assert "状态：不予受理" in card.text
    assert "不予受理理由：属于物业合同纠纷，请联系物业" in card.text
    assert card.buttons == ()
    assert texts_to(out, world.resident.private_chat) == [
        "您的报事 G0102-0001 未予受理，理由：属于物业合同纠纷，请联系物业"
    ]
    trail = [(e.action, e.to_status, e.note) for e in await events_of(deps, rejected.id)]
    assert trail[-1] == ("reject", "rejected", "属于物业合同纠纷，请联系物业")


async def test_reject_with_an_empty_reason_asks_again(deps):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world)
    await bus.receive(script.press(world.worker, world.group_chat, "tk:rej:1"), deps)
    await take_outbox(deps)
    await bus.receive(script.press(world.worker, world.worker.private_chat, "cv:skip:"), deps)
    out = await take_outbox(deps)
    assert any("不予受理的理由" in t for t in texts_to(out, world.worker.private_chat))
    assert (await ticket(deps)).status == Status.NEW


async def test_resolve_on_the_spot_from_new(deps):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world, "2号楼楼道声控灯不亮")
    await bus.receive(script.press(world.worker, world.group_chat, "tk:done:1"), deps)
    out = await take_outbox(deps)
    ask = find_send(out, world.worker.private_chat, "办结后的照片")
    assert buttons_of(ask) == ["cv:skip:"]
    assert (await ticket(deps)).status == Status.NEW

    await bus.receive(script.photo(world.worker, world.worker.private_chat, "已换新灯泡",
                                   uid="fix1"), deps)
    await take_outbox(deps)
    await bus.receive(script.press(world.worker, world.worker.private_chat, "cv:done:"), deps)
    out = await take_outbox(deps)
    done = await ticket(deps)
    assert done.status == Status.RESOLVED
    assert done.assignee_id == world.worker.member_id, "即知即办: who fixed it holds it"
    assert done.close_note == "已换新灯泡"
    me = world.worker.private_chat
    sent = [a.text for a in out if isinstance(a, SendText) and a.chat_id == me]
    assert sent == ["G0102-0001 已办结，已请报事人评价。"]
    card = card_edit(out, world.group_chat)
    assert "经办：杨超" in card.text and "已办结，等待报事人评价。" in card.text
    assert find_send(out, world.resident.private_chat, "请评价")
    trail = [(e.action, e.from_status, e.to_status) for e in await events_of(deps, done.id)]
    assert trail == [("report", None, "new"), ("resolve", "new", "resolved")]


async def test_dispatch_to_heating_assigns_the_liaison(deps):
    world = await build_world(deps)
    await add_department(deps, "power", "供电")
    script = Script()
    await report_in_group(deps, script, world, "5号楼暖气片不热")
    await bus.receive(script.press(world.worker, world.group_chat, "tk:disp:1"), deps)
    out = await take_outbox(deps)
    pick = find_send(out, world.worker.private_chat, "请选择 G0102-0001 转派的部门")
    labels = {b.text: b.data for row in pick.buttons for b in row}
    # Only departments with a liaison here are offered; the category's own comes marked.
    assert set(labels) == {"供暖 ✓推荐"}
    assert labels["供暖 ✓推荐"] == f"dp:1:{world.heating_id}"
    assert "本区域暂无联络员：供电" in pick.text

    press = script.press(world.worker, world.worker.private_chat, labels["供暖 ✓推荐"])
    await bus.receive(press, deps)
    out = await take_outbox(deps)
    handed = await ticket(deps)
    assert handed.status == Status.TAKEN
    assert handed.assignee_id == world.liaison.member_id
    assert handed.department_id == world.heating_id
    [answer] = answers(out)
    assert answer.text == "G0102-0001 已转派 供暖 · 联络员 王联络员" and not answer.alert
    card = card_edit(out, world.group_chat)
    assert "已转派 供暖 · 联络员 王联络员" in card.text and "经办：王联络员" in card.text
    [to_liaison] = [a for a in out if isinstance(a, SendText)
                    and a.chat_id == world.liaison.private_chat]
    assert to_liaison.text.startswith("网格吹哨，部门报到：供暖 请接单处置。")
    assert "G0102-0001" in to_liaison.text
    assert "tk:site:1" in buttons_of(to_liaison)
    trail = [(e.action, e.from_status, e.to_status, e.note, e.actor_id)
             for e in await events_of(deps, handed.id)]
    assert trail[-1] == ("dispatch", "new", "taken", "供暖", world.worker.member_id)

    # The liaison can now work the ticket they were handed.
    await bus.receive(script.press(world.liaison, world.liaison.private_chat, "tk:site:1"), deps)
    assert (await ticket(deps)).status == Status.ON_SITE


async def test_dispatch_to_a_department_without_liaison_is_refused(deps):
    world = await build_world(deps)
    power = await add_department(deps, "power", "供电")
    script = Script()
    await report_in_group(deps, script, world, "小区停电了")
    before = await snapshot(deps)
    press = script.press(world.worker, world.worker.private_chat, f"dp:1:{power}")
    await bus.receive(press, deps)
    alert = only_alert(await take_outbox(deps), press.callback_id)
    assert alert.text == "供电 在本区域还没有联络员，无法转派。"
    assert await snapshot(deps) == before


async def test_resident_cannot_dispatch(deps):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world, "5号楼暖气片不热")
    before = await snapshot(deps)
    press = script.press(world.resident, world.resident.private_chat,
                         f"dp:1:{world.heating_id}")
    await bus.receive(press, deps)
    alert = only_alert(await take_outbox(deps), press.callback_id)
    assert alert.text == "只有本网格的网格员、网格长或指挥中心可以处理 G0102-0001。"
    assert await snapshot(deps) == before


async def test_mytasks_lists_deadlines_and_marks_overdue(deps, clock):
    world = await build_world(deps)
    script = Script()
    me = world.worker.private_chat
    await bus.receive(script.text(world.worker, me, "/mytasks"), deps)
    assert texts_to(await take_outbox(deps), me) == ["您目前没有待办工单。"]

    await report_in_group(deps, script, world, "3号楼楼道声控灯不亮")  # 09:00 Shanghai
    clock.advance(minutes=1)
    await report_in_group(deps, script, world, "小区门口井盖破损")  # 09:01
    await report_in_group(deps, script, world, "门口有建筑垃圾")  # nobody takes this one
    await bus.receive(script.press(world.worker, world.group_chat, "tk:take:1"), deps)
    await bus.receive(script.press(world.worker, world.group_chat, "tk:take:2"), deps)
    await bus.receive(script.press(world.worker, world.group_chat, "tk:site:2"), deps)
    await take_outbox(deps)

    await bus.receive(script.text(world.worker, me, "/mytasks"), deps)
    [listing] = texts_to(await take_outbox(deps), me)
    lines = listing.splitlines()
    assert lines[0] == "您的待办工单（2 件）："
    assert lines[1] == "🟢 G0102-0001 已接单 “3号楼楼道声控灯不亮” 期限 11-02 12:00"
    assert lines[2] == "🟢 G0102-0002 已到场 “小区门口井盖破损” 期限 11-03 09:01"
    assert "G0102-0003" not in listing

    clock.advance(hours=3, minutes=1)
    await bus.receive(script.text(world.worker, me, "/mytasks"), deps)
    [listing] = texts_to(await take_outbox(deps), me)
    lines = listing.splitlines()
    assert lines[1].startswith("🔴") and lines[1].endswith("期限 11-02 12:00⚠️已超时")
    assert "已超时" not in lines[2] and lines[2].startswith("🟢")

    clock.advance(hours=21)
    await bus.receive(script.text(world.worker, me, "/mytasks"), deps)
    [listing] = texts_to(await take_outbox(deps), me)
    assert listing.splitlines()[2].endswith("⚠️已超时")


async def test_ticket_command_shows_history(deps, clock):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world, "3号楼楼道声控灯不亮")
    clock.advance(minutes=5)
    await bus.receive(script.press(world.worker, world.group_chat, "tk:take:1"), deps)
    clock.advance(minutes=20)
    await bus.receive(script.press(world.worker, world.group_chat, "tk:site:1"), deps)
    await take_outbox(deps)

    event = script.text(world.resident, world.group_chat, "/ticket g0102-0001")
    await bus.receive(event, deps)
    [reply] = [a for a in await take_outbox(deps) if isinstance(a, SendText)]
    assert reply.chat_id == world.group_chat and reply.buttons == ()
    lines = reply.text.splitlines()
    assert lines[0] == "📋 报事 G0102-0001 · 市政设施·照明"
    assert "—— 处理记录 ——" in lines
    history = lines[lines.index("—— 处理记录 ——") + 1:]
    assert history == [
        "11-02 09:00 王阿姨：报事 → 已受理",
        "11-02 09:05 杨超：接单 → 已接单",
        "11-02 09:25 杨超：到场 → 已到场",
    ]

    await bus.receive(script.text(world.resident, world.resident.private_chat, "/ticket"), deps)
    assert texts_to(await take_outbox(deps), world.resident.private_chat) == [
        "用法：/ticket 编号，例如 /ticket G0102-0001"
    ]


async def test_category_change_by_worker(deps):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world, "5号楼有个问题")
    assert (await ticket(deps)).category == "other"
    await bus.receive(script.text(world.worker, world.group_chat, "/category G0102-0001 供暖"),
                      deps)
    out = await take_outbox(deps)
    assert texts_to(out, world.group_chat)[0] == "G0102-0001 的类别已改为：供暖"
    assert "📋 报事 G0102-0001 · 供暖" in card_edit(out, world.group_chat).text
    changed = await ticket(deps)
    assert changed.category == "heating" and changed.status == Status.NEW
    trail = [(e.action, e.note) for e in await events_of(deps, changed.id)]
    assert trail[-1] == ("category", "heating")

    await bus.receive(script.text(world.worker, world.group_chat, "/category G0102-0001 gas"),
                      deps)
    await take_outbox(deps)
    assert (await ticket(deps)).category == "gas"


async def test_category_change_by_resident_is_refused(deps):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world, "5号楼有个问题")
    before = await snapshot(deps)
    event = script.text(world.resident, world.group_chat, "/category G0102-0001 供暖")
    await bus.receive(event, deps)
    out = await take_outbox(deps)
    assert texts_to(out, world.group_chat) == [
        "只有本网格的网格员、网格长或指挥中心可以处理 G0102-0001。"
    ]
    assert await snapshot(deps) == before
    assert (await ticket(deps)).category == "other"


async def test_reporter_without_private_chat_is_asked_to_rate_in_the_group(deps):
    world = await build_world(deps, started=False)
    script = Script()
    report = script.text(world.resident, world.group_chat, "/report 下水道堵了")
    await bus.receive(report, deps)
    out = await take_outbox(deps)
    assert texts_to(out, world.resident.private_chat) == [], "no private chat to write to"

    await bus.receive(script.press(world.worker, world.group_chat, "tk:take:1"), deps)
    await bus.receive(script.press(world.worker, world.group_chat, "tk:done:1"), deps)
    out = await take_outbox(deps)
    assert [a.text for a in answers(out)][-1] == "请在群里回复。"
    assert find_send(out, world.group_chat, "办结后的照片")

    await bus.receive(script.text(world.worker, world.group_chat, "已疏通"), deps)
    await bus.receive(script.press(world.worker, world.group_chat, "cv:done:"), deps)
    out = await take_outbox(deps)
    rate = find_send(out, world.group_chat, "请评价")
    assert rate.text.startswith("@王阿姨 您反映的问题 G0102-0001（“下水道堵了”）已办结")
    assert rate.reply_to == report.message_id
    assert buttons_of(rate) == ["rt:1:4", "rt:1:3", "rt:1:2", "rt:1:1"]
    assert [b.text for b in rate.buttons[0]] == ["优秀", "良好", "合格", "不合格"]
    resolved = await ticket(deps)
    assert resolved.status == Status.RESOLVED and resolved.close_note == "已疏通"

    press = script.press(world.resident, world.group_chat, "rt:1:4")
    await bus.receive(press, deps)
    out = await take_outbox(deps)
    closed = await ticket(deps)
    assert closed.status == Status.CLOSED and closed.rating == 4
    assert [a.text for a in answers(out)] == ["感谢您的评价：优秀"]
    poll = f"rate:1:{world.resident.member_id}"
    assert [a.text for a in out if isinstance(a, EditText) and a.ref == poll] == [
        "G0102-0001 评价：优秀。谢谢！"
    ]


async def test_edit_of_a_pending_card_is_folded_into_its_send(deps):
    world = await build_world(deps)
    script = Script()
    await bus.receive(script.text(world.resident, world.group_chat, "/report 路灯不亮"), deps)
    await bus.receive(script.press(world.worker, world.group_chat, "tk:take:1"), deps)
    await bus.receive(script.press(world.worker, world.group_chat, "tk:site:1"), deps)
    async with deps.session_factory() as s:
        rows = (await s.exec(select(OutboxMessage).where(OutboxMessage.ref == "card:1"))).all()
    assert [(r.kind, r.status) for r in rows] == [("send_text", "pending")]

    out = await take_outbox(deps)
    [card] = [a for a in out if getattr(a, "ref", None) == "card:1"]
    assert isinstance(card, SendText) and card.chat_id == world.group_chat
    assert "状态：已到场" in card.text and "经办：杨超" in card.text
    assert buttons_of(card) == ["tk:done:1", "tk:disp:1", "tk:rej:1"]
    assert card.reply_to is not None, "still a reply to the report"
    assert len([a for a in out if isinstance(a, AnswerButton)]) == 2


async def test_edit_after_the_card_went_out_supersedes_older_edits(deps):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world, "路灯不亮")  # the card's send is out
    await bus.receive(script.press(world.worker, world.group_chat, "tk:take:1"), deps)
    await bus.receive(script.press(world.worker, world.group_chat, "tk:site:1"), deps)
    async with deps.session_factory() as s:
        rows = (await s.exec(select(OutboxMessage).where(OutboxMessage.ref == "card:1")
                             .order_by(OutboxMessage.id))).all()
    assert [(r.kind, r.status) for r in rows] == [
        ("send_text", "sent"), ("edit_text", "superseded"), ("edit_text", "pending")
    ]


async def test_after_photo_album_received_concurrently_closes_once(deps):
    world = await build_world(deps)
    script = Script()
    me = world.worker.private_chat
    await report_in_group(deps, script, world, "2号楼楼道声控灯不亮")
    await bus.receive(script.press(world.worker, world.group_chat, "tk:take:1"), deps)
    await bus.receive(script.press(world.worker, world.group_chat, "tk:done:1"), deps)
    await take_outbox(deps)
    album = [script.photo(world.worker, me, "已换灯泡" if i == 0 else "", uid=f"after{i}",
                          media_group_id="fix-album") for i in range(3)]

    await asyncio.gather(*(bus.receive(e, deps) for e in album))
    assert (await ticket(deps)).status == Status.TAKEN, "an album waits for [完成]"
    await bus.receive(script.press(world.worker, me, "cv:done:"), deps)

    out = await take_outbox(deps)
    assert not [a for a in out if isinstance(a, AnswerButton | SendText) and "不能" in a.text]
    sent = [a.text for a in out if isinstance(a, SendText) and a.chat_id == me]
    assert sent[-1] == "G0102-0001 已办结，已请报事人评价。"
    done = await ticket(deps)
    assert done.status == Status.RESOLVED
    resolves = [e for e in await events_of(deps, done.id) if e.action == "resolve"]
    assert len(resolves) == 1
    after = [p.file_unique_id for p in await photos_of(deps, done.id) if p.stage == "after"]
    assert sorted(after) == ["after0", "after1", "after2"]


async def test_ticket_history_shows_words_not_codes(deps):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world, "3号楼楼道声控灯不亮")
    await resolve(deps, script, world)
    await bus.receive(script.press(world.resident, world.resident.private_chat, "rt:1:3"), deps)
    await take_outbox(deps)
    await bus.receive(script.text(world.resident, world.group_chat, "/ticket G0102-0001"), deps)
    [reply] = [a for a in await take_outbox(deps) if isinstance(a, SendText)]
    last = reply.text.splitlines()[-1]
    assert last.endswith("系统：验收关闭 → 已关闭（验收通过）"), last
    assert "accepted" not in reply.text
