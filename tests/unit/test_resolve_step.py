"""[办结]'s step: photos and notes in any order and number belong to the resolution until
[完成] / [跳过], or the step times out with what it has (the scheduled sweep, fake clock)."""

from __future__ import annotations

import asyncio

from handlers import bus
from handlers.casework.resolve_step import QUIET, expire_steps
from handlers.events import EditText
from models.lifecycle import Status
from tests.support.outbox import buttons_of, find_send, take_outbox, texts_to
from tests.support.world import Script, build_world
from tests.unit._helpers import (
    all_tickets,
    events_of,
    only_alert,
    photos_of,
    report_in_group,
    snapshot,
    ticket,
)


async def _open_step(deps, script, world, who=None, chat=None):
    who = who or world.worker
    await report_in_group(deps, script, world)
    await bus.receive(script.press(who, chat or world.group_chat, "tk:take:1"), deps)
    await bus.receive(script.press(who, chat or world.group_chat, "tk:done:1"), deps)
    return await take_outbox(deps)


async def test_photo_then_note_both_belong_to_the_resolution(deps):
    world = await build_world(deps)
    script = Script()
    me = world.worker.private_chat
    out = await _open_step(deps, script, world)
    ask = find_send(out, me, "办结后的照片")
    assert "可以分几条发，发完点【完成】" in ask.text
    assert buttons_of(ask) == ["cv:skip:"]

    await bus.receive(script.photo(world.worker, me, uid="after1"), deps)
    out = await take_outbox(deps)
    ack = find_send(out, me, "已收到：照片 1 张，说明 0 条")
    assert buttons_of(ack) == ["cv:done:"]
    assert any(isinstance(a, EditText) and "办结后的照片" in a.text and a.buttons == ()
               for a in out), "the prompt's [跳过] goes once the step has a piece"
    assert (await ticket(deps)).status == Status.TAKEN, "the photo alone closes nothing"

    await bus.receive(script.text(world.worker, me, "已更换灯泡，楼道恢复照明"), deps)
    out = await take_outbox(deps)
    receipt = find_send(out, me, "已收到").text
    assert receipt == "已收到：照片 1 张，说明 1 条。可以继续发，发完点【完成】。"
    assert len(await all_tickets(deps)) == 1, "the note started no report"
    # The earlier receipt loses its [完成]: only the newest one is pressable.
    [cleared] = [a for a in out if isinstance(a, EditText)]
    assert cleared.text == ack.text and cleared.buttons == ()

    await bus.receive(script.photo(world.worker, me, "换下的旧灯泡", uid="after2"), deps)
    await bus.receive(script.press(world.worker, me, "cv:done:"), deps)
    out = await take_outbox(deps)
    done = await ticket(deps)
    assert done.status == Status.RESOLVED
    assert done.close_note == "已更换灯泡，楼道恢复照明\n换下的旧灯泡"
    after = [p.file_unique_id for p in await photos_of(deps, done.id) if p.stage == "after"]
    assert after == ["after1", "after2"]
    assert "G0102-0001 已办结，已请报事人评价。" in texts_to(out, me)
    assert find_send(out, world.resident.private_chat, "请评价")
    trail = [e.action for e in await events_of(deps, done.id)]
    assert trail.count("resolve") == 1


async def test_an_album_gets_one_receipt_and_every_photo(deps):
    world = await build_world(deps)
    script = Script()
    me = world.worker.private_chat
    await _open_step(deps, script, world)
    album = [script.photo(world.worker, me, "已清理" if i == 0 else "", uid=f"a{i}",
                          media_group_id="alb-9") for i in range(3)]
    await asyncio.gather(*(bus.receive(e, deps) for e in reversed(album)))
    out = await take_outbox(deps)
    receipts = [t for t in texts_to(out, me) if t.startswith("已收到")]
    assert len(receipts) <= 2, receipts  # the first photo seen, and the captioned one
    await bus.receive(script.press(world.worker, me, "cv:done:"), deps)
    done = await ticket(deps)
    assert done.status == Status.RESOLVED and done.close_note == "已清理"
    assert len([p for p in await photos_of(deps, done.id) if p.stage == "after"]) == 3


async def test_skip_closes_without_a_photo_but_with_the_note(deps):
    world = await build_world(deps)
    script = Script()
    me = world.worker.private_chat
    await _open_step(deps, script, world)
    await bus.receive(script.text(world.worker, me, "已电话沟通，物业已修好"), deps)
    await bus.receive(script.press(world.worker, me, "cv:skip:"), deps)
    done = await ticket(deps)
    assert (done.status, done.close_note) == (Status.RESOLVED, "已电话沟通，物业已修好")


async def test_a_quiet_step_times_out_with_what_it_has(deps, clock):
    world = await build_world(deps)
    script = Script()
    me = world.worker.private_chat
    await _open_step(deps, script, world)
    await bus.receive(script.photo(world.worker, me, "已修好", uid="t1"), deps)
    await take_outbox(deps)

    clock.advance(seconds=QUIET.total_seconds() - 60)
    assert await expire_steps(deps) == 0
    assert (await ticket(deps)).status == Status.TAKEN

    clock.advance(minutes=2)
    assert await expire_steps(deps) == 1
    out = await take_outbox(deps)
    done = await ticket(deps)
    assert (done.status, done.close_note) == (Status.RESOLVED, "已修好")
    assert any("已按已收到的照片和说明办结" in t for t in texts_to(out, me))
    assert find_send(out, world.resident.private_chat, "请评价")
    # The step is over: his next words are a message like any other, not a note.
    assert await expire_steps(deps) == 0


async def test_a_step_that_received_nothing_times_out_without_closing(deps, clock):
    world = await build_world(deps)
    script = Script()
    await _open_step(deps, script, world)
    clock.advance(seconds=QUIET.total_seconds() + 60)
    assert await expire_steps(deps) == 1
    out = await take_outbox(deps)
    assert (await ticket(deps)).status == Status.TAKEN
    assert any("办结已取消" in t for t in texts_to(out, world.worker.private_chat))


async def test_the_liaison_closes_the_same_way(deps):
    world = await build_world(deps)
    script = Script()
    me = world.liaison.private_chat
    await report_in_group(deps, script, world, "5号楼暖气片不热")
    await bus.receive(script.press(world.worker, world.group_chat, "tk:disp:1"), deps)
    await bus.receive(script.press(world.worker, world.worker.private_chat,
                                   f"dp:1:{world.heating_id}"), deps)
    await bus.receive(script.press(world.liaison, me, "tk:done:1"), deps)
    await take_outbox(deps)
    await bus.receive(script.photo(world.liaison, me, uid="h1"), deps)
    await bus.receive(script.text(world.liaison, me, "已排气，暖气恢复"), deps)
    assert (await ticket(deps)).status == Status.TAKEN
    assert len(await all_tickets(deps)) == 1
    await bus.receive(script.press(world.liaison, me, "cv:done:"), deps)
    done = await ticket(deps)
    assert (done.status, done.close_note) == (Status.RESOLVED, "已排气，暖气恢复")


async def test_done_is_refused_to_others_and_when_no_step_is_open(deps):
    world = await build_world(deps)
    script = Script()
    await _open_step(deps, script, world)
    await bus.receive(script.text(world.worker, world.worker.private_chat, "已修好"), deps)
    await take_outbox(deps)
    # A resident (or anyone) pressing [完成] in their own chat has no step: refused, no change.
    before = await snapshot(deps)
    press = script.press(world.resident, world.resident.private_chat, "cv:done:")
    await bus.receive(press, deps)
    assert only_alert(await take_outbox(deps), press.callback_id).text
    # A forged verb inside the worker's own step changes nothing either.
    press = script.press(world.worker, world.worker.private_chat, "cv:zap:")
    await bus.receive(press, deps)
    only_alert(await take_outbox(deps), press.callback_id)
    assert await snapshot(deps) == before


async def test_a_step_whose_ticket_was_taken_away_ends_with_the_reason(deps):
    world = await build_world(deps)
    script = Script()
    me = world.worker.private_chat
    await _open_step(deps, script, world)
    await bus.receive(script.text(world.worker, me, "已修好"), deps)
    await bus.receive(script.text(world.leader, world.group_chat, "/assign G0102-0001 @刘网格长"),
                      deps)
    await take_outbox(deps)
    assert (await ticket(deps)).assignee_id == world.leader.member_id
    await bus.receive(script.press(world.worker, me, "cv:done:"), deps)
    out = await take_outbox(deps)
    assert (await ticket(deps)).status != Status.RESOLVED
    [why] = [t for t in texts_to(out, me) if "已修好" not in t and "已收到" not in t]
    assert "刘网格长" in why, why  # who holds it now
    assert await expire_steps(deps) == 0, "the step is over"
