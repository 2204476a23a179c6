"""A resident who blocked the bot (403) is reached in the group, and the ticket notes it."""

from __future__ import annotations

from functools import partial

from sqlmodel import select

from bot.adapters.base import Undeliverable
from bot.sender import Sender
from handlers import bus, delivery
from models.lifecycle import Status
from models.messaging import OutboxMessage
from models.org import Member
from models.ticket import Ticket, TicketEvent
from tests.support.world import Script, build_world
from tests.unit.test_sender import FAST, FakeTransport


class BlockingTransport(FakeTransport):
    """Telegram's answer for a chat whose user blocked the bot."""

    def __init__(self, blocked_chat: str) -> None:
        super().__init__()
        self.blocked = blocked_chat
        self.sent: list[tuple[str, str, list[str]]] = []

    async def send_text(self, action, reply_to):
        if action.chat_id == self.blocked:
            raise Undeliverable("Forbidden: bot was blocked by the user")
        self.sent.append((action.chat_id, action.text, [b.data for r in action.buttons for b in r]))
        return await super().send_text(action, reply_to)


async def test_blocked_reporter_is_asked_to_rate_in_the_group(deps, clock):
    world = await build_world(deps)
    transport = BlockingTransport(world.resident.private_chat)
    sender = Sender(deps.session_factory, {"telegram": transport}, clock, FAST,
                    on_undeliverable=partial(delivery.on_undeliverable, deps))
    script = Script()
    report = script.text(world.resident, world.group_chat, "/report 3号楼声控灯不亮")
    await bus.receive(report, deps)
    for data in ("tk:take:1", "tk:done:1"):
        await bus.receive(script.press(world.worker, world.group_chat, data), deps)
    await bus.receive(script.press(world.worker, world.worker.private_chat, "cv:skip:"), deps)
    for _ in range(4):
        await sender.run_once()

    asks = [s for s in transport.sent if s[0] == world.group_chat and "请评价" in s[1]]
    assert len(asks) == 1 and asks[0][1].startswith("@王阿姨 ")
    assert asks[0][2] == ["rt:1:4", "rt:1:3", "rt:1:2", "rt:1:1"]
    async with deps.session_factory() as s:
        statuses = {r.status for r in (await s.exec(select(OutboxMessage))).all()}
        resident = await s.get(Member, world.resident.member_id)
        notes = (await s.exec(select(TicketEvent).where(
            TicketEvent.action == "undeliverable"))).all()
    assert "undeliverable" in statuses and "pending" not in statuses
    assert resident.private_chat_id is None, "no more private sends into a blocked chat"
    assert [n.note for n in notes] == ["王阿姨", "王阿姨"]  # the created notice, the rating ask

    await bus.receive(script.press(world.resident, world.group_chat, "rt:1:3"), deps)
    async with deps.session_factory() as s:
        ticket = (await s.exec(select(Ticket))).one()
    assert ticket.status == Status.CLOSED and ticket.rating == 3


async def test_a_blocked_chat_does_not_stall_other_messages(deps, clock):
    world = await build_world(deps)
    transport = BlockingTransport(world.resident.private_chat)
    sender = Sender(deps.session_factory, {"telegram": transport}, clock, FAST,
                    on_undeliverable=partial(delivery.on_undeliverable, deps))
    await bus.receive(Script().text(world.resident, world.group_chat, "/report 路灯不亮"), deps)
    await sender.run_once()
    assert any("G0102-0001" in text for chat, text, _ in transport.sent if chat == world.group_chat)
