"""What Telegram allows is stored whole: a 4,096-character report, note or reason (the
columns were VARCHAR(4000)/(2000) and overflowed on PostgreSQL; this runs on both)."""

from __future__ import annotations

from handlers import bus
from models.lifecycle import Status
from models.types import TEXT_LIMIT
from tests.support.outbox import find_send, take_outbox
from tests.support.world import Script, build_world
from tests.unit._helpers import all_tickets, events_of, report_in_group, ticket

LONG_REPORT = ("3号楼楼道声控灯不亮，" * 500)[:4049]
FULL = ("5号楼门口井盖破损很危险，" * 500)[:TEXT_LIMIT]


async def test_a_4049_character_report_is_stored_whole(deps):
    world = await build_world(deps)
    script = Script()
    made = await report_in_group(deps, script, world, LONG_REPORT)
    assert made.text == LONG_REPORT


async def test_a_full_length_group_message_waits_whole_in_its_draft(deps):
    world = await build_world(deps)
    script = Script()
    await bus.receive(script.text(world.resident, world.group_chat, FULL), deps)
    prompt = find_send(await take_outbox(deps), world.group_chat, "登记为报事")
    await bus.receive(script.press(world.resident, world.group_chat, prompt.buttons[0][0].data),
                      deps)
    [made] = await all_tickets(deps)
    assert made.text == FULL


async def test_a_2100_character_closing_note_and_a_long_reason_are_kept(deps):
    world = await build_world(deps)
    script = Script()
    me = world.worker.private_chat
    note = ("已更换灯泡并检查线路。" * 300)[:2100]
    await report_in_group(deps, script, world)
    for data in ("tk:take:1", "tk:done:1"):
        await bus.receive(script.press(world.worker, world.group_chat, data), deps)
    await bus.receive(script.text(world.worker, me, note), deps)
    await bus.receive(script.press(world.worker, me, "cv:done:"), deps)
    done = await ticket(deps)
    assert done.status == Status.RESOLVED and done.close_note == note
    assert (await events_of(deps, done.id))[-1].note == note

    await report_in_group(deps, script, world, "小区门口井盖破损")
    await bus.receive(script.press(world.worker, world.group_chat, "tk:rej:2"), deps)
    await bus.receive(script.text(world.worker, me, FULL), deps)
    rejected = await ticket(deps, "G0102-0002")
    assert rejected.status == Status.REJECTED and rejected.reject_reason == FULL
