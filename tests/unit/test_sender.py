"""The sender: each outbox row delivered once, in order per chat, through 429s and faults."""

from __future__ import annotations

from sqlmodel import select

from bot.adapters.base import RetryAfter, TransientError, Undeliverable
from bot.sender import Limits, Sender
from handlers.events import AnswerButton, EditText, SendText
from handlers.outbox import write_outbox
from models.messaging import MessageRef, OutboxMessage

FAST = Limits(global_per_second=1000, per_chat_per_second=1000, per_group_per_minute=100000)


class FakeTransport:
    platform = "telegram"

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []
        self.faults: list[Exception] = []
        self._next_id = 100

    def _maybe_fail(self):
        if self.faults:
            raise self.faults.pop(0)

    async def send_text(self, action: SendText, reply_to):
        self._maybe_fail()
        self._next_id += 1
        self.calls.append(("send", action.chat_id, action.text))
        return str(self._next_id)

    async def send_photos(self, action, reply_to):
        self._maybe_fail()
        self._next_id += 1
        self.calls.append(("photos", action.chat_id, action.caption))
        return str(self._next_id)

    async def edit_text(self, action: EditText, message_id: str):
        self._maybe_fail()
        self.calls.append(("edit", message_id, action.text))

    async def answer_button(self, action: AnswerButton):
        self._maybe_fail()
        self.calls.append(("answer", action.callback_id, action.text))

    async def download_file(self, file_id):
        raise NotImplementedError


async def _queue(deps, *actions):
    async with deps.session_factory() as s, s.begin():
        await write_outbox(s, list(actions), deps.clock.now())


async def _statuses(deps) -> list[str]:
    async with deps.session_factory() as s:
        rows = (await s.exec(select(OutboxMessage).order_by(OutboxMessage.id))).all()
        return [r.status for r in rows]


async def test_429_waits_retry_after_then_delivers_exactly_once(deps, clock):
    transport = FakeTransport()
    transport.faults = [RetryAfter(7)]
    sender = Sender(deps.session_factory, {"telegram": transport}, clock, FAST)
    await _queue(deps, SendText("telegram", "-1", "卡片", ref="card:1"))
    await sender.run_once()
    assert transport.calls == [] and await _statuses(deps) == ["pending"]
    # An edit while the card still waits is folded into it: one living message.
    await _queue(deps, EditText("telegram", "-1", "card:1", "卡片（已接单）"))
    clock.advance(seconds=6)
    await sender.run_once()
    assert transport.calls == [], "retry_after is honoured"
    clock.advance(seconds=2)
    await sender.run_once()
    assert transport.calls == [("send", "-1", "卡片（已接单）")]
    assert await _statuses(deps) == ["sent"]
    await sender.run_once()
    assert len(transport.calls) == 1, "nothing is sent twice"


async def test_an_edit_waits_for_its_message_while_that_is_in_flight(deps, clock):
    transport = FakeTransport()
    sender = Sender(deps.session_factory, {"telegram": transport}, clock, FAST)
    await _queue(deps, SendText("telegram", "-1", "卡片", ref="card:1"))
    async with deps.session_factory() as s, s.begin():
        row = (await s.exec(select(OutboxMessage))).one()
        row.status = "sending"  # another sender process is delivering it right now
        s.add(row)
    await _queue(deps, EditText("telegram", "-1", "card:1", "卡片（已接单）"))
    await sender.run_once()
    assert transport.calls == [] and await _statuses(deps) == ["sending", "pending"]
    async with deps.session_factory() as s, s.begin():
        row = await s.get(OutboxMessage, 1)
        row.status = "sent"
        s.add(row)
        s.add(MessageRef(platform="telegram", chat_id="-1", ref="card:1", message_id="77"))
    clock.advance(seconds=2)
    await sender.run_once()
    assert transport.calls == [("edit", "77", "卡片（已接单）")]


async def test_a_429_in_one_chat_does_not_hold_up_another(deps, clock):
    transport = FakeTransport()
    transport.faults = [RetryAfter(30)]
    sender = Sender(deps.session_factory, {"telegram": transport}, clock, FAST)
    await _queue(deps, SendText("telegram", "-1", "a"), SendText("telegram", "-2", "b"))
    await sender.run_once()
    assert ("send", "-2", "b") in transport.calls


async def test_transient_errors_back_off_and_blocked_users_are_marked(deps, clock):
    transport = FakeTransport()
    transport.faults = [TransientError("502"), Undeliverable("bot was blocked by the user")]
    sender = Sender(deps.session_factory, {"telegram": transport}, clock, FAST)
    await _queue(deps, SendText("telegram", "-1", "x"), SendText("telegram", "42", "y"))
    await sender.run_once()
    assert await _statuses(deps) == ["pending", "undeliverable"]
    clock.advance(seconds=3)
    await sender.run_once()
    assert await _statuses(deps) == ["sent", "undeliverable"]
    async with deps.session_factory() as s:
        first = (await s.exec(select(OutboxMessage).order_by(OutboxMessage.id))).first()
    assert first.attempts == 2 and "502" in first.last_error


async def test_restart_after_crash_mid_send_retries_claimed_rows(deps, clock):
    transport = FakeTransport()
    await _queue(deps, SendText("telegram", "-1", "x", ref="card:9"))
    async with deps.session_factory() as s, s.begin():
        row = (await s.exec(select(OutboxMessage))).one()
        row.status = "sending"  # the process died after claiming
        s.add(row)
    sender = Sender(deps.session_factory, {"telegram": transport}, clock, FAST)
    assert await sender.recover() == 1
    await sender.run_once()
    assert transport.calls == [("send", "-1", "x")]
    async with deps.session_factory() as s:
        ref = await s.get(MessageRef, ("telegram", "-1", "card:9"))
    assert ref.message_id == "101"


async def test_edit_of_a_message_never_sent_is_skipped_not_stuck(deps, clock):
    transport = FakeTransport()
    sender = Sender(deps.session_factory, {"telegram": transport}, clock, FAST)
    await _queue(deps, EditText("telegram", "-1", "draft:5", "已登记"),
                 AnswerButton("telegram", "cb1", "ok"))
    await sender.run_once()
    assert await _statuses(deps) == ["skipped", "sent"]
    assert transport.calls == [("answer", "cb1", "ok")]
