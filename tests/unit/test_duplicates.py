"""A second report of an open matter: "和 G0102-0001 是同一件事吗？[是，+1] [不是]", and /merge."""

from __future__ import annotations

from sqlmodel import select

from handlers import bus
from handlers.context import Ctx
from handlers.events import EditText, Location, SendText
from handlers.followers import follower_count, followers, reporters_of
from models.lifecycle import Status
from models.messaging import Conversation, Draft
from models.ticket import TicketFollower
from tests.support.outbox import answers, buttons_of, find_send, take_outbox, texts_to
from tests.support.world import PLATFORM, Script, build_world
from tests.unit._helpers import (
    add_person,
    all_tickets,
    events_of,
    only_alert,
    only_reply,
    photos_of,
    report_in_group,
    resolve,
    snapshot,
    ticket,
)

LIGHT = "3号楼楼道声控灯不亮"
HERE = Location(41.5607, 120.4508)


async def _followers(deps, number: str) -> list[tuple[int, str]]:
    made = await ticket(deps, number)
    async with deps.session_factory() as s:
        rows = (await s.exec(select(TicketFollower).where(TicketFollower.ticket_id == made.id)
                             .order_by(TicketFollower.id))).all()
    return [(r.member_id, r.reason) for r in rows]


async def _draft(deps, draft_id: int) -> Draft:
    async with deps.session_factory() as s:
        return await s.get(Draft, draft_id)


async def _offer_to(deps, script, world, person, text: str, **kw) -> SendText:
    """`person` reports with /report in the group; the question comes back instead of a card."""
    await bus.receive(script.text(person, world.group_chat, f"/report {text}", **kw), deps)
    out = await take_outbox(deps)
    return find_send(out, world.group_chat, "是同一件事吗")


async def _report_here(deps, script, world) -> None:
    """The resident's G0102-0001, located at HERE."""
    await bus.receive(script.text(world.resident, world.group_chat, f"/report {LIGHT}",
                                  location=HERE), deps)
    await take_outbox(deps)


async def test_group_prompt_becomes_the_question_and_plus_one_follows(deps):
    world = await build_world(deps)
    script = Script()
    first = await report_in_group(deps, script, world, LIGHT)

    said = script.text(world.neighbour, world.group_chat, "楼道灯坏了，黑乎乎的")
    await bus.receive(said, deps)
    prompt = find_send(await take_outbox(deps), world.group_chat, "登记为报事")
    await bus.receive(script.press(world.neighbour, world.group_chat, buttons_of(prompt)[0]), deps)

    out = await take_outbox(deps)
    [question] = [a for a in out if getattr(a, "ref", None) == prompt.ref]
    assert question.text.startswith("李大爷，和 G0102-0001 是同一件事吗？")
    assert f"“{LIGHT}”" in question.text
    draft_id = int(prompt.ref.split(":")[1])
    assert buttons_of(question) == [f"dup:y:{draft_id}", f"dup:n:{draft_id}"]
    assert [b.text for b in question.buttons[0]] == ["是，+1", "不是"]
    assert [t.number for t in await all_tickets(deps)] == ["G0102-0001"]
    assert (await _draft(deps, draft_id)).status == "dup_check"
    assert (await _draft(deps, draft_id)).ticket_id == first.id

    press = script.press(world.neighbour, world.group_chat, f"dup:y:{draft_id}")
    await bus.receive(press, deps)
    out = await take_outbox(deps)
    said_back = "已为您 +1：G0102-0001 现在共有 2 人反映，办理进展会同时通知您。"
    assert [a.text for a in answers(out)] == [said_back]
    assert said_back in texts_to(out, world.group_chat), "the question is answered in place"
    assert [t.number for t in await all_tickets(deps)] == ["G0102-0001"], "no new ticket"
    [card] = [a for a in out if getattr(a, "ref", None) == f"card:{first.id}"]
    assert card.text.split("\n")[3] == "另有 1 人反映此事", card.text
    assert await _followers(deps, "G0102-0001") == [(world.neighbour.member_id, "plus_one")]
    draft = await _draft(deps, draft_id)
    assert (draft.status, draft.ticket_id) == ("followed", first.id)
    async with deps.session_factory() as s:
        ctx = Ctx(session=s, deps=deps, platform=PLATFORM)
        assert await follower_count(ctx, first.id) == 1
        assert [m.id for m in await followers(ctx, first.id)] == [world.neighbour.member_id]
        assert [m.id for m in await reporters_of(ctx, first)] == [
            world.resident.member_id, world.neighbour.member_id]

    again = script.press(world.neighbour, world.group_chat, f"dup:y:{draft_id}")
    await bus.receive(again, deps)
    assert only_alert(await take_outbox(deps), again.callback_id).text == "这条消息已经处理过了。"


async def test_report_command_asks_and_not_the_same_makes_the_ticket(deps):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world, LIGHT)
    event = script.text(world.neighbour, world.group_chat, "/report 5号楼楼道灯坏了")
    await bus.receive(event, deps)
    out = await take_outbox(deps)
    question = find_send(out, world.group_chat, "和 G0102-0001 是同一件事吗？")
    assert question.reply_to == event.message_id
    assert not [a for a in out if (getattr(a, "ref", None) or "").startswith("card:")]
    assert len(await all_tickets(deps)) == 1

    [_, no] = buttons_of(question)
    await bus.receive(script.press(world.neighbour, world.group_chat, no), deps)
    out = await take_outbox(deps)
    made = await ticket(deps, "G0102-0002")
    assert made.reporter_id == world.neighbour.member_id and made.text == "5号楼楼道灯坏了"
    assert made.source_message_id == event.message_id and made.status == Status.NEW
    card = find_send(out, world.group_chat, "G0102-0002")
    assert card.ref == f"card:{made.id}" and card.reply_to == event.message_id
    assert "已登记为报事 G0102-0002。" in texts_to(out, world.group_chat)
    assert await _followers(deps, "G0102-0001") == []


async def test_hash_tag_report_is_asked_too(deps):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world, LIGHT)
    await bus.receive(script.text(world.neighbour, world.group_chat, "#报事 楼道灯不亮"), deps)
    assert find_send(await take_outbox(deps), world.group_chat, "和 G0102-0001 是同一件事吗？")
    assert len(await all_tickets(deps)) == 1


async def test_no_question_after_the_window(deps, clock):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world, LIGHT)
    clock.advance(hours=25)
    made = await report_in_group(deps, script, world, LIGHT, person=world.neighbour)
    assert made.number == "G0102-0002"


async def test_the_window_comes_from_the_config(deps, clock):
    deps.config.duplicate_window_hours = 2
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world, LIGHT)
    clock.advance(hours=3)
    assert (await report_in_group(deps, script, world, LIGHT, person=world.neighbour)).number \
        == "G0102-0002"


async def test_no_question_when_both_located_further_than_250_m(deps):
    world = await build_world(deps)
    script = Script()
    await _report_here(deps, script, world)
    far = Location(HERE.lat + 0.003, HERE.lon)  # 334 m north
    await bus.receive(script.text(world.neighbour, world.group_chat, "/report 楼道灯不亮",
                                  location=far), deps)
    out = await take_outbox(deps)
    assert not [t for t in texts_to(out, world.group_chat) if "是同一件事吗" in t]
    assert [(t.number, t.latitude) for t in await all_tickets(deps)] == [
        ("G0102-0001", HERE.lat), ("G0102-0002", far.lat)]

    # 111 m from the first and 222 m from the second: asked about the nearest one.
    third = await add_person(deps, "1003", "张阿姨", "resident", "G0102")
    near = Location(HERE.lat + 0.001, HERE.lon)
    question = await _offer_to(deps, script, world, third, "路灯不亮", location=near)
    assert "和 G0102-0001 是同一件事吗？" in question.text


async def test_no_question_for_another_category_or_grid(deps):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world, LIGHT)
    made = await report_in_group(deps, script, world, "小区门口井盖破损", person=world.neighbour)
    assert (made.number, made.category) == ("G0102-0002", "manhole")
    other = await add_person(deps, "7001", "三网格居民", "resident", "G0103")
    await bus.receive(script.text(other, world.other_group_chat, f"/report {LIGHT}"), deps)
    await take_outbox(deps)
    assert (await ticket(deps, "G0103-0001")).category == "lighting"


async def test_no_question_about_a_ticket_that_is_no_longer_open(deps):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world, LIGHT)
    await bus.receive(script.press(world.worker, world.group_chat, "tk:rej:1"), deps)
    await bus.receive(script.text(world.worker, world.worker.private_chat, "不归我们管"), deps)
    assert (await ticket(deps)).status == Status.REJECTED
    made = await report_in_group(deps, script, world, LIGHT, person=world.neighbour)
    assert made.number == "G0102-0002"


async def test_my_own_earlier_report_is_not_offered(deps):
    """+1 on your own ticket would add nothing: a second report of yours is another matter."""
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world, LIGHT)
    assert (await report_in_group(deps, script, world, "5号楼楼道灯不亮")).number == "G0102-0002"


async def test_only_the_reporter_may_answer_and_forged_presses_are_stale(deps):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world, LIGHT)
    question = await _offer_to(deps, script, world, world.neighbour, "楼道灯不亮")
    same, _no = buttons_of(question)
    draft_id = int(same.rsplit(":", 1)[1])
    before = await snapshot(deps)

    for person in (world.resident, world.worker):
        press = script.press(person, world.group_chat, same)
        await bus.receive(press, deps)
        alert = only_alert(await take_outbox(deps), press.callback_id)
        assert alert.text == "只有报事人本人可以回答是不是同一件事。"
    for forged, chat in ((f"dup:x:{draft_id}", world.group_chat), ("dup:y:99999", world.group_chat),
                         (same, world.other_group_chat), ("dup:y:2147483648", world.group_chat),
                         ("dup:y", world.group_chat)):
        press = script.press(world.neighbour, chat, forged)
        await bus.receive(press, deps)
        assert only_alert(await take_outbox(deps), press.callback_id).text.startswith(
            "这个按钮已失效")
    assert await snapshot(deps) == before
    assert await _followers(deps, "G0102-0001") == []
    assert (await _draft(deps, draft_id)).status == "dup_check"


async def test_plus_one_on_a_ticket_closed_meanwhile_makes_a_new_one(deps):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world, LIGHT)
    question = await _offer_to(deps, script, world, world.neighbour, "楼道灯不亮")
    await bus.receive(script.press(world.worker, world.group_chat, "tk:rej:1"), deps)
    await bus.receive(script.text(world.worker, world.worker.private_chat, "重复"), deps)
    await take_outbox(deps)

    await bus.receive(script.press(world.neighbour, world.group_chat, buttons_of(question)[0]),
                      deps)
    out = await take_outbox(deps)
    assert "G0102-0001 已经结束，已为您登记为新的报事 G0102-0002。" in texts_to(
        out, world.group_chat)
    assert (await ticket(deps, "G0102-0002")).reporter_id == world.neighbour.member_id


async def test_album_photos_go_with_the_plus_one(deps):
    world = await build_world(deps)
    script = Script()
    first = await report_in_group(deps, script, world, LIGHT)
    album = [script.photo(world.neighbour, world.group_chat, "楼道灯不亮" if i == 0 else "",
                          uid=uid, media_group_id="alb-9") for i, uid in enumerate(("q1", "q2"))]
    await bus.receive(album[0], deps)
    prompt = find_send(await take_outbox(deps), world.group_chat, "登记为报事")
    await bus.receive(script.press(world.neighbour, world.group_chat, buttons_of(prompt)[0]), deps)
    await bus.receive(album[1], deps)  # arrives while the question waits
    out = await take_outbox(deps)
    [question] = [a for a in out if getattr(a, "ref", None) == prompt.ref]
    await bus.receive(script.press(world.neighbour, world.group_chat, buttons_of(question)[0]),
                      deps)
    late = script.photo(world.neighbour, world.group_chat, uid="q3", media_group_id="alb-9")
    await bus.receive(late, deps)
    await take_outbox(deps)
    assert sorted(p.file_unique_id for p in await photos_of(deps, first.id)) == ["q1", "q2", "q3"]
    assert len(await all_tickets(deps)) == 1


async def test_private_guided_report_asks_too(deps):
    world = await build_world(deps)
    script = Script()
    first = await report_in_group(deps, script, world, LIGHT)
    me = world.neighbour.private_chat
    await bus.receive(script.text(world.neighbour, me, "楼道灯坏了"), deps)
    await bus.receive(script.photo(world.neighbour, me, uid="pv1"), deps)
    for _ in range(2):
        await bus.receive(script.press(world.neighbour, me, "cv:skip:"), deps)
    await bus.receive(script.press(world.neighbour, me, "pr:submit:"), deps)
    question = find_send(await take_outbox(deps), me, "和 G0102-0001 是同一件事吗？")
    assert buttons_of(question) == ["pr:same:", "pr:new:"]
    assert len(await all_tickets(deps)) == 1

    await bus.receive(script.text(world.neighbour, me, "？"), deps)  # asked again, not lost
    assert find_send(await take_outbox(deps), me, "是同一件事吗")

    await bus.receive(script.press(world.neighbour, me, "pr:same:"), deps)
    out = await take_outbox(deps)
    assert "已为您 +1：G0102-0001 现在共有 2 人反映，办理进展会同时通知您。" in texts_to(out, me)
    assert await _followers(deps, "G0102-0001") == [(world.neighbour.member_id, "plus_one")]
    assert len(await all_tickets(deps)) == 1
    async with deps.session_factory() as s:
        assert (await s.exec(select(Conversation))).first() is None
    assert [p.file_unique_id for p in await photos_of(deps, first.id)] == ["pv1"]


async def test_private_guided_report_not_the_same_keeps_its_location(deps):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world, LIGHT)
    me = world.neighbour.private_chat
    await bus.receive(script.text(world.neighbour, me, "楼道灯坏了"), deps)
    await bus.receive(script.press(world.neighbour, me, "cv:skip:"), deps)
    await bus.receive(script.location(world.neighbour, me, HERE.lat, HERE.lon), deps)
    await bus.receive(script.press(world.neighbour, me, "pr:submit:"), deps)
    await take_outbox(deps)
    await bus.receive(script.press(world.neighbour, me, "pr:new:"), deps)
    out = await take_outbox(deps)
    made = await ticket(deps, "G0102-0002")
    assert (made.latitude, made.longitude) == (HERE.lat, HERE.lon)
    assert find_send(out, me, "您的报事已受理，编号 G0102-0002")
    stale = script.press(world.neighbour, me, "pr:same:")
    await bus.receive(stale, deps)
    assert only_alert(await take_outbox(deps), stale.callback_id).text.startswith("这个按钮已失效")


# ---- /merge --------------------------------------------------------------------------------


async def _two_tickets_and_a_follower(deps, script, world):
    """G0102-0001 by the resident; G0102-0002 by the neighbour (said "not the same"), which a
    third resident then +1'd."""
    await report_in_group(deps, script, world, LIGHT)
    question = await _offer_to(deps, script, world, world.neighbour, "5号楼灯不亮")
    await bus.receive(script.press(world.neighbour, world.group_chat, buttons_of(question)[1]),
                      deps)
    third = await add_person(deps, "1003", "张阿姨", "resident", "G0102", started=False)
    question = await _offer_to(deps, script, world, third, "楼道灯不亮")
    assert "和 G0102-0002 是同一件事吗？" in question.text, "the newest is asked about"
    await bus.receive(script.press(third, world.group_chat, buttons_of(question)[0]), deps)
    await take_outbox(deps)
    return third


async def test_merge_marks_the_duplicate_and_moves_its_people(deps):
    world = await build_world(deps)
    script = Script()
    third = await _two_tickets_and_a_follower(deps, script, world)

    event = script.text(world.worker, world.group_chat, "/merge g0102-0002 G0102-0001")
    await bus.receive(event, deps)
    out = await take_outbox(deps)
    done = find_send(out, world.group_chat, "已把 G0102-0002 标为重复")
    assert done.text == "已把 G0102-0002 标为重复，并入 G0102-0001（共 3 人反映）。"
    assert done.reply_to == event.message_id
    merged, kept = await ticket(deps, "G0102-0002"), await ticket(deps, "G0102-0001")
    assert merged.status == Status.DUPLICATE and merged.duplicate_of_id == kept.id
    assert kept.status == Status.NEW
    assert merged.next_due_at is None, "a duplicate has no deadline left"
    assert await _followers(deps, "G0102-0001") == [(world.neighbour.member_id, "merged"),
                                                    (third.member_id, "plus_one")]
    assert await _followers(deps, "G0102-0002") == []
    [event_row] = [e for e in await events_of(deps, merged.id) if e.action == "mark_duplicate"]
    assert event_row.actor_id == world.worker.member_id and event_row.note == "G0102-0001"

    notice = "您反映的 G0102-0002 和 G0102-0001 是同一件事，已合并到 G0102-0001，办理进展会通知您。"
    assert texts_to(out, world.neighbour.private_chat) == [notice]
    assert f"@张阿姨 {notice}" in texts_to(out, world.group_chat), "never started the bot"
    cards = {a.ref: a.text for a in out if (getattr(a, "ref", None) or "").startswith("card:")}
    assert "重复报事" in cards[f"card:{merged.id}"]
    assert "与 G0102-0001 是同一件事，已并入 G0102-0001 办理。" in cards[f"card:{merged.id}"]
    assert "另有 2 人反映此事" in cards[f"card:{kept.id}"]


async def test_merge_by_the_leader_in_private(deps):
    world = await build_world(deps)
    script = Script()
    await _two_tickets_and_a_follower(deps, script, world)
    await bus.receive(script.text(world.leader, world.leader.private_chat,
                                  "/merge G0102-0002 G0102-0001"), deps)
    assert find_send(await take_outbox(deps), world.leader.private_chat, "已把 G0102-0002 标为重复")
    assert (await ticket(deps, "G0102-0002")).status == Status.DUPLICATE


async def test_merge_refused_for_residents_other_grids_and_non_new_tickets(deps):
    world = await build_world(deps)
    script = Script()
    await _two_tickets_and_a_follower(deps, script, world)
    before = await snapshot(deps)

    async def refused(person, chat, args) -> str:
        event = script.text(person, chat, f"/merge {args}")
        await bus.receive(event, deps)
        return only_reply(await take_outbox(deps), chat,
                          None if chat == person.private_chat else event.message_id).text

    for person in (world.resident, world.neighbour, world.other_worker, world.liaison):
        assert await refused(person, world.group_chat, "G0102-0002 G0102-0001") == (
            "只有本网格的网格员、网格长或指挥中心可以处理 G0102-0002。")
    assert await refused(world.worker, world.group_chat, "G0102-0002 G0102-0002") == (
        "不能把 G0102-0002 合并到它自己。")
    assert await refused(world.worker, world.group_chat, "G0102-0002 G0102-9999") == (
        "没有找到编号为 G0102-9999 的报事。")
    assert await refused(world.worker, world.group_chat, "G0102-0002") == (
        "用法：/merge 重复的编号 保留的编号，例如 /merge G0102-0043 G0102-0042")
    assert await snapshot(deps) == before

    await bus.receive(script.press(world.worker, world.group_chat, "tk:take:2"), deps)
    await take_outbox(deps)
    assert await refused(world.worker, world.group_chat, "G0102-0002 G0102-0001") == (
        "G0102-0002 已经在处理（已接单），只有刚受理、还没人接手的报事才能标为重复。")
    assert (await ticket(deps, "G0102-0002")).status == Status.TAKEN
    assert await _followers(deps, "G0102-0001") == []


async def test_merge_into_a_finished_ticket_is_refused(deps):
    world = await build_world(deps)
    script = Script()
    await _two_tickets_and_a_follower(deps, script, world)
    await bus.receive(script.press(world.worker, world.group_chat, "tk:rej:1"), deps)
    await bus.receive(script.text(world.worker, world.worker.private_chat, "不归我们管"), deps)
    await take_outbox(deps)
    event = script.text(world.worker, world.group_chat, "/merge G0102-0002 G0102-0001")
    await bus.receive(event, deps)
    assert only_reply(await take_outbox(deps), world.group_chat, event.message_id).text == (
        "G0102-0001 已结束，不能再操作。")
    assert (await ticket(deps, "G0102-0002")).status == Status.NEW


async def test_a_report_after_a_merge_follows_the_kept_ticket(deps):
    """A question asked about a ticket that staff then merged: +1 lands on the kept one."""
    world = await build_world(deps)
    script = Script()
    await _two_tickets_and_a_follower(deps, script, world)
    fourth = await add_person(deps, "1004", "赵大妈", "resident", "G0102")
    question = await _offer_to(deps, script, world, fourth, "楼道灯不亮")
    assert "G0102-0002" in question.text
    await bus.receive(script.text(world.worker, world.group_chat, "/merge G0102-0002 G0102-0001"),
                      deps)
    await bus.receive(script.press(fourth, world.group_chat, buttons_of(question)[0]), deps)
    out = await take_outbox(deps)
    assert "已为您 +1：G0102-0001 现在共有 4 人反映，办理进展会同时通知您。" in texts_to(
        out, world.group_chat)
    assert len(await all_tickets(deps)) == 2


async def _plus_one(deps, script, world) -> None:
    """The neighbour +1s the resident's G0102-0001 (a /report answered [是，+1])."""
    question = await _offer_to(deps, script, world, world.neighbour, "楼道灯坏了")
    [same, _] = buttons_of(question)
    await bus.receive(script.press(world.neighbour, world.group_chat, same), deps)
    await take_outbox(deps)


def _edits_of(out, ref: str) -> list[EditText]:
    return [a for a in out if isinstance(a, EditText) and a.ref == ref]


async def test_every_reporter_gets_the_poll_and_the_first_answer_decides(deps):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world, LIGHT)
    await _plus_one(deps, script, world)
    out = await resolve(deps, script, world)
    for person in (world.resident, world.neighbour):
        poll = find_send(out, person.private_chat, "请评价")
        assert poll.ref == f"rate:1:{person.member_id}"
        assert buttons_of(poll) == ["rt:1:4", "rt:1:3", "rt:1:2", "rt:1:1"]

    await bus.receive(script.press(world.neighbour, world.neighbour.private_chat, "rt:1:3"), deps)
    out = await take_outbox(deps)
    closed = await ticket(deps, "G0102-0001")
    assert (closed.status, closed.rating) == (Status.CLOSED, 3)
    [rater_edit] = _edits_of(out, f"rate:1:{world.neighbour.member_id}")
    assert rater_edit.text == "G0102-0001 评价：良好。谢谢！"
    [other_edit] = _edits_of(out, f"rate:1:{world.resident.member_id}")
    assert other_edit.chat_id == world.resident.private_chat
    assert other_edit.text == "G0102-0001 已有反映人评价：良好。谢谢您的关注！"
    assert other_edit.buttons == (), "no second answer to give"

    before = await snapshot(deps)
    late = script.press(world.resident, world.resident.private_chat, "rt:1:1")
    await bus.receive(late, deps)
    assert only_alert(await take_outbox(deps), late.callback_id).text.startswith("G0102-0001")
    assert await snapshot(deps) == before, "a late fail does not reopen what was accepted"


async def test_a_resident_who_did_not_report_it_may_not_rate(deps):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world, LIGHT)
    outsider = await add_person(deps, "1009", "赵奶奶", "resident", "G0102")
    await resolve(deps, script, world)
    before = await snapshot(deps)
    press = script.press(outsider, world.group_chat, "rt:1:4")
    await bus.receive(press, deps)
    assert only_alert(await take_outbox(deps), press.callback_id).text == (
        "只有反映此事的居民可以评价 G0102-0001。")
    assert await snapshot(deps) == before


async def test_a_follower_hears_of_a_rejection_too(deps):
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world, LIGHT)
    await _plus_one(deps, script, world)
    await bus.receive(script.press(world.worker, world.group_chat, "tk:rej:1"), deps)
    await bus.receive(script.text(world.worker, world.worker.private_chat, "已由物业处理"), deps)
    out = await take_outbox(deps)
    notice = "您的报事 G0102-0001 未予受理，理由：已由物业处理"
    assert texts_to(out, world.resident.private_chat) == [notice]
    assert texts_to(out, world.neighbour.private_chat) == [notice]


async def test_a_located_report_held_for_its_author_keeps_the_location(deps):
    """Held for [登记], then for "same as …?": the ticket made at the end is where they said."""
    world = await build_world(deps)
    script = Script()
    await _report_here(deps, script, world)
    near = Location(HERE.lat + 0.001, HERE.lon)  # 111 m: close enough to ask
    said = script.text(world.neighbour, world.group_chat, "楼道灯坏了，黑乎乎的", location=near)
    await bus.receive(said, deps)
    prompt = find_send(await take_outbox(deps), world.group_chat, "登记为报事")
    await bus.receive(script.press(world.neighbour, world.group_chat, buttons_of(prompt)[0]), deps)
    [question] = _edits_of(await take_outbox(deps), prompt.ref)  # the prompt becomes the question
    assert "是同一件事吗" in question.text
    [_, no] = buttons_of(question)
    await bus.receive(script.press(world.neighbour, world.group_chat, no), deps)

    made = await ticket(deps, "G0102-0002")
    assert (made.latitude, made.longitude) == (near.lat, near.lon)


async def test_a_held_report_far_from_the_open_one_is_not_asked_about(deps):
    world = await build_world(deps)
    script = Script()
    await _report_here(deps, script, world)
    far = Location(HERE.lat + 0.003, HERE.lon)  # 334 m
    await bus.receive(script.text(world.neighbour, world.group_chat, "楼道灯坏了，黑乎乎的",
                                  location=far), deps)
    prompt = find_send(await take_outbox(deps), world.group_chat, "登记为报事")
    await bus.receive(script.press(world.neighbour, world.group_chat, buttons_of(prompt)[0]), deps)
    out = await take_outbox(deps)
    assert not [t for t in texts_to(out, world.group_chat) if "是同一件事吗" in t]
    made = await ticket(deps, "G0102-0002")
    assert (made.latitude, made.longitude) == (far.lat, far.lon)
