"""403 from a resident who blocked the bot: nothing stalls, and they are asked in the group."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models.lifecycle import Status
from models.ticket import Ticket, TicketEvent

pytestmark = pytest.mark.e2e


async def test_blocked_resident_rates_in_the_group(stage):
    emu, u = stage.emu, stage.users
    await emu.block_bot(u["resident"])
    await emu.send_text(u["resident"], stage.group, "/report 5号楼门口井盖破损")
    card = await emu.wait_for(lambda: stage.card("G0102-0001"))
    await emu.press_button(u["worker"], card, "tk:done:1")
    worker_chat = emu.private_chat(u["worker"])
    ask = await emu.wait_for(lambda: stage.last_bot_message(worker_chat, "办结后的照片"))
    await emu.press_button(u["worker"], ask, "cv:skip:")
    rate = await emu.wait_for(lambda: stage.last_bot_message(stage.group, "请评价"), timeout=10)
    assert rate["text"].startswith("@王阿姨")
    await emu.press_button(u["resident"], rate, "rt:1:4")
    await emu.wait_for(lambda: "评价：优秀" in stage.card("G0102-0001")["text"], timeout=10)
    async with stage.deps.session_factory() as s:
        ticket = (await s.exec(select(Ticket))).one()
        noted = (await s.exec(select(TicketEvent).where(
            TicketEvent.action == "undeliverable"))).all()
    assert ticket.status == Status.CLOSED and noted
