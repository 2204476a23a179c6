"""The sender drains each chat on its own, answers first, and claims and completes in batches."""

from __future__ import annotations

import asyncio

from sqlalchemy import event

from bot.sender import Limits, Sender
from handlers.events import AnswerButton, EditText, SendText
from tests.unit.test_sender import FAST, FakeTransport, _queue, _statuses

# Real group budget (20 a minute), everything else unlimited.
SLOW_GROUP = Limits(global_per_second=1000, per_chat_per_second=1000, per_group_per_minute=20)


async def _until(predicate, within: float) -> bool:
    deadline = asyncio.get_running_loop().time() + within
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


async def test_a_slow_group_does_not_delay_another_chats_answer_or_card(deps, clock):
    transport = FakeTransport()
    sender = Sender(deps.session_factory, {"telegram": transport}, clock, SLOW_GROUP)
    await _queue(deps, *(SendText("telegram", "-1", f"卡片{n}") for n in range(60)))
    running = asyncio.create_task(sender.run_forever(idle_seconds=0.05))
    # The group's first 20 go at once, then it waits about 3 s per card for two minutes.
    assert await _until(lambda: len(transport.calls) >= 20, 5)

    await _queue(deps, AnswerButton("telegram", "cb9", "已接单"),
                 SendText("telegram", "-2", "另一个群的新卡片"))
    sender.wake()
    other = {("answer", "cb9", "已接单"), ("send", "-2", "另一个群的新卡片")}
    assert await _until(lambda: other <= set(transport.calls), 1.5), transport.calls
    assert sum(1 for c in transport.calls if c[1] == "-1") <= 21, "the group keeps its budget"

    sender.request_stop()
    await asyncio.wait_for(running, 10)
    statuses = await _statuses(deps)
    assert statuses.count("pending") >= 38, "the group's rest waits for the next start"


async def test_button_answers_are_claimed_before_other_rows(deps, clock):
    transport = FakeTransport()
    sender = Sender(deps.session_factory, {"telegram": transport}, clock,
                    Limits(global_per_second=1000, per_chat_per_second=1000,
                           per_group_per_minute=100000, batch=3))
    await _queue(deps, *(SendText("telegram", str(-n), f"卡片{n}") for n in range(1, 6)))
    await _queue(deps, AnswerButton("telegram", "cb1", "已登记"))
    await sender.run_once()
    assert transport.calls[0] == ("answer", "cb1", "已登记")
    assert len(transport.calls) == 3


async def test_a_digest_goes_after_interactive_rows_of_other_chats(deps, clock):
    from handlers.outbox import write_outbox

    async with deps.session_factory() as s, s.begin():
        await write_outbox(s, [SendText("telegram", "7", "日报")], clock.now(), bulk=True)
    await _queue(deps, SendText("telegram", "-5", "新卡片"))
    transport = FakeTransport()
    sender = Sender(deps.session_factory, {"telegram": transport}, clock,
                    Limits(global_per_second=1000, per_chat_per_second=1000,
                           per_group_per_minute=100000, batch=1))
    await sender.run_once()
    assert transport.calls == [("send", "-5", "新卡片")]


async def test_statements_per_sent_message_stay_under_a_bound(deps, clock):
    """Was 5 statements and 2 transactions per message; now a claim and a completion per
    batch. 30 cards in 15 chats, each followed by an edit of it."""
    cards = [SendText("telegram", str(-100 - n % 15), f"卡片{n}", ref=f"card:{n}")
             for n in range(30)]
    edits = [EditText("telegram", c.chat_id, c.ref, c.text + "（已接单）") for c in cards]
    transport = FakeTransport()
    sender = Sender(deps.session_factory, {"telegram": transport}, clock, FAST)
    engine = deps.session_factory.kw["bind"].sync_engine
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    async def counted_run():
        event.listen(engine, "before_cursor_execute", count)
        try:
            await sender.run_once()
        finally:
            event.remove(engine, "before_cursor_execute", count)

    await _queue(deps, *cards)
    await counted_run()
    await _queue(deps, *edits)  # once the cards are out: edits, not folded into them
    await counted_run()
    assert len(transport.calls) == 60 and transport.calls[-1][0] == "edit"
    assert await _statuses(deps) == ["sent"] * 60
    per_message = len(statements) / 60
    assert per_message <= 0.25, (per_message, statements)  # BEGINs included; was 5
