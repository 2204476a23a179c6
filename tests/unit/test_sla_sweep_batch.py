"""The sweep works in batches: a fixed number of statements per batch, not per due ticket,
with the same steps, messages and deadlines as the per-ticket sweep it replaced."""

from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import select

from handlers import bus
from handlers.events import EditText, SendText
from handlers.outbox import write_outbox
from handlers.outbox_bulk import write_outbox_bulk
from handlers.supervision.sweep import sweep
from models.messaging import OutboxMessage
from models.ticket import SlaStep, Ticket
from tests.support.outbox import take_outbox
from tests.support.statements import engine_of, watch
from tests.support.world import Script, build_world
from tests.unit._helpers import report_in_group, resolve

# What one batch may cost, whatever the number of due tickets in it: the selection, the
# org version, the area tree and groups (one per level on a cold cache), who holds which
# role, the people, followers, departments, steps done; then the steps, the events, the
# deadlines and the outbox. The per-ticket sweep cost 14 statements for EACH due ticket.
PER_BATCH = 22


async def _report(deps, script, world, n: int) -> None:
    for i in range(n):
        await bus.receive(script.text(world.resident, world.group_chat, f"/report 路灯{i}不亮"),
                          deps)
    await take_outbox(deps)


async def _swept(deps) -> tuple[int, int]:
    with watch(engine_of(deps)) as seen:
        sent = await sweep(deps)
    return sent, seen.statements


async def test_statements_per_batch_do_not_grow_with_the_due_tickets(deps, clock):
    world = await build_world(deps)
    script = Script()
    await _report(deps, script, world, 3)
    clock.advance(minutes=50)  # yellow for each: one step
    few_sent, few = await _swept(deps)
    await _report(deps, script, world, 18)
    clock.advance(hours=4)  # the 3 climb on, the 18 get yellow, red and the community
    many_sent, many = await _swept(deps)
    assert few_sent == 3 and many_sent == 3 * 2 + 18 * 3
    assert few <= PER_BATCH and many <= PER_BATCH, (few, many)
    assert many - few <= 4, "a due ticket must not cost statements of its own"
    assert many / 21 < 1.1, f"{many / 21:.2f} statements per due ticket"


async def test_a_reopened_ticket_counts_from_its_reopening_in_a_batch(deps, clock):
    """The batch reads the reopenings in one query; a wrong one would breach at once."""
    world = await build_world(deps)
    script = Script()
    await report_in_group(deps, script, world)
    clock.advance(hours=10)
    polls = await resolve(deps, script, world)
    assert polls
    await bus.receive(script.press(world.resident, world.group_chat, "rt:1:1"), deps)
    await take_outbox(deps)
    async with deps.session_factory() as s:
        assert (await s.get(Ticket, 1)).status == "reopened"
    clock.advance(hours=20)  # 30 h after the report: red from it, yellow from the reopening
    await sweep(deps)
    async with deps.session_factory() as s:
        steps = (await s.exec(select(SlaStep.milestone, SlaStep.step)
                              .order_by(SlaStep.id))).all()
    assert [tuple(r) for r in steps] == [("resolve", "yellow")]


def _snapshot(rows) -> list[tuple]:
    return [(r.chat_id, r.kind, r.ref, r.status, r.payload) for r in rows]


async def test_bulk_outbox_writes_what_write_outbox_writes(deps, clock):
    """Edits fold into a card still waiting, supersede an older pending edit, and every row
    keeps the order it was queued in: the same rows as the one-by-one write_outbox."""
    now = clock.now()
    before = [SendText("telegram", "-1", "card 1", ref="card:1"),
              EditText("telegram", "-1", "card:2", "old edit of card 2")]
    after = [EditText("telegram", "-1", "card:1", "card 1, yellow"),
             EditText("telegram", "-1", "card:2", "card 2, yellow"),
             SendText("telegram", "-1", "a reminder", ticket_id=None),
             SendText("telegram", "-2", "card 3", ref="card:3"),
             EditText("telegram", "-2", "card:3", "card 3, red"),
             EditText("telegram", "-2", "card:4", "card 4, first"),
             EditText("telegram", "-2", "card:4", "card 4, second")]
    results = []
    for write in (write_outbox, write_outbox_bulk):
        async with deps.session_factory() as s, s.begin():
            await s.execute(delete(OutboxMessage))
            await write_outbox(s, before, now)
        async with deps.session_factory() as s, s.begin():
            await write(s, after, now)
        async with deps.session_factory() as s:
            results.append(_snapshot((await s.exec(
                select(OutboxMessage).order_by(OutboxMessage.id))).all()))
    assert results[1] == results[0]
    assert [r[3] for r in results[1]].count("superseded") == 2
