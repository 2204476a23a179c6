"""What the workers decided (the database) and what Telegram received (the emulator)."""

from __future__ import annotations

import json
from collections import Counter

from sqlalchemy import func, select

from handlers.context import Deps
from models.messaging import OutboxMessage
from models.ticket import Ticket
from tests.emulator import BotApiEmulator

UNFINISHED = ("pending", "sending")


async def tickets(deps: Deps) -> list[Ticket]:
    async with deps.session_factory() as s:
        return list((await s.execute(select(Ticket).order_by(Ticket.id))).scalars())


async def unfinished_rows(deps: Deps) -> int:
    async with deps.session_factory() as s:
        return (await s.execute(select(func.count()).select_from(OutboxMessage)
                                .where(OutboxMessage.status.in_(UNFINISHED)))).scalar_one()


async def outbox(deps: Deps) -> list[OutboxMessage]:
    async with deps.session_factory() as s:
        return list((await s.execute(select(OutboxMessage).order_by(OutboxMessage.id)))
                    .scalars())


def decided_messages(rows: list[OutboxMessage]) -> Counter:
    """(chat, text) of every new message the workers decided to send (edits change a
    message, answers are not messages)."""
    decided = Counter()
    for row in rows:
        payload = json.loads(row.payload)
        if row.kind == "send_text":
            decided[(row.chat_id, payload["text"])] += 1
    return decided


def received_messages(emu: BotApiEmulator) -> Counter:
    """(chat, text as first sent) of every message the bot has in any chat."""
    received = Counter()
    for chat_id, box in emu.world.msgs.items():
        for stored in box.values():
            if stored.from_bot:
                first = stored.history[0] if stored.history else stored.data
                received[(str(chat_id), first.get("text", ""))] += 1
    return received
