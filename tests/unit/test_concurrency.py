"""First press wins, and concurrent reports get distinct, gapless numbers, on both databases."""

from __future__ import annotations

import asyncio

from handlers import bus
from handlers.events import AnswerButton, SendText
from models.lifecycle import Status
from tests.support.outbox import take_outbox
from tests.support.world import Script, build_world
from tests.unit._helpers import add_person, all_tickets, events_of, report_in_group, ticket

PRESSES = 8


async def test_first_take_wins_and_every_loser_hears_who_won(deps):
    world = await build_world(deps)
    command = await add_person(deps, "6001", "指挥中心小周", "command", "ZHANNAN")
    script = Script()
    await report_in_group(deps, script, world)
    people = [world.worker, world.leader, command]
    presses = [script.press(people[i % len(people)], world.group_chat, "tk:take:1")
               for i in range(PRESSES)]

    handled = await asyncio.gather(*(bus.receive(p, deps) for p in presses))

    assert handled == [True] * PRESSES
    taken = await ticket(deps)
    names = {p.member_id: p.user.name for p in people}
    assert taken.status == Status.TAKEN and taken.assignee_id in names
    assert taken.version == 1
    takes = [e for e in await events_of(deps, taken.id) if e.action == "take"]
    assert len(takes) == 1 and takes[0].actor_id == taken.assignee_id

    out = await take_outbox(deps)
    by_callback = {a.callback_id: a for a in out if isinstance(a, AnswerButton)}
    assert set(by_callback) == {p.callback_id for p in presses}, "every press is answered"
    winners = [a for a in by_callback.values() if not a.alert]
    losers = [a for a in by_callback.values() if a.alert]
    assert len(winners) == 1 and winners[0].text == "已接单 G0102-0001，请尽快到场。"
    winner_press = next(p for p in presses if p.callback_id == winners[0].callback_id)
    assert winner_press.user.name == names[taken.assignee_id]
    assert len(losers) == PRESSES - 1
    for loser in losers:
        assert loser.text == f"G0102-0001 已由 {names[taken.assignee_id]} 接单。"
    card_edits = [a for a in out if getattr(a, "ref", None) == "card:1"]
    assert len(card_edits) == 1, "only the winner's change reaches the card"


async def test_concurrent_reports_get_distinct_gapless_numbers(deps):
    deps.config.duplicate_window_hours = 0  # lights of different buildings: no "same as?"
    world = await build_world(deps)
    script = Script()
    reporters = [world.resident, world.neighbour]
    reports = [script.text(reporters[i % 2], world.group_chat, f"/report {i}号楼声控灯不亮")
               for i in range(PRESSES)]

    await asyncio.gather(*(bus.receive(r, deps) for r in reports))

    tickets = await all_tickets(deps)
    assert sorted(t.number for t in tickets) == [f"G0102-{n:04d}" for n in range(1, PRESSES + 1)]
    assert sorted(t.text for t in tickets) == sorted(r.text[len("/report "):] for r in reports)
    cards = [a for a in await take_outbox(deps)
             if isinstance(a, SendText) and (a.ref or "").startswith("card:")]
    assert len(cards) == PRESSES
    # The next report after the burst continues the sequence.
    after = await report_in_group(deps, script, world, "井盖破损")
    assert after.number == f"G0102-{PRESSES + 1:04d}"


async def test_concurrent_reports_in_two_grids_number_independently(deps):
    world = await build_world(deps)
    script = Script()
    other_resident = await add_person(deps, "7001", "三网格居民", "resident", "G0103")
    events = []
    for i in range(4):
        events.append(script.text(world.resident, world.group_chat, f"/report {i}号楼垃圾"))
        events.append(script.text(other_resident, world.other_group_chat, f"/report {i}号楼垃圾"))

    await asyncio.gather(*(bus.receive(e, deps) for e in events))

    numbers = sorted(t.number for t in await all_tickets(deps))
    assert numbers == [f"G0102-{n:04d}" for n in range(1, 5)] + [
        f"G0103-{n:04d}" for n in range(1, 5)
    ]
