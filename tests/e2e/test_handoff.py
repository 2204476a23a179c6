"""网格吹哨、部门报到: a hand-off to the heating liaison and back, on each Telegram runtime."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models.lifecycle import Status
from models.ticket import Ticket

pytestmark = pytest.mark.e2e


async def test_hand_off_to_the_heating_liaison_and_back(stage):
    emu, u = stage.emu, stage.users
    await emu.send_text(u["resident"], stage.group, "/report 3单元暖气不热")
    card = await emu.wait_for(lambda: stage.card("G0102-0001"))
    await emu.press_button(u["worker"], card, "tk:disp:1")
    worker_chat = emu.private_chat(u["worker"])
    offer = await emu.wait_for(lambda: stage.last_bot_message(worker_chat, "转派的部门"))
    first = offer["reply_markup"]["inline_keyboard"][0][0]
    assert "供暖" in first["text"] and "推荐" in first["text"]
    await emu.press_button(u["worker"], offer, first["callback_data"])

    await emu.wait_for(lambda: "已转派 供暖" in stage.card("G0102-0001")["text"], timeout=10)
    liaison_chat = emu.private_chat(u["liaison"])
    handed = await emu.wait_for(lambda: stage.last_bot_message(liaison_chat, "G0102-0001"))
    callbacks = [b["callback_data"] for row in handed["reply_markup"]["inline_keyboard"]
                 for b in row]
    assert "tk:ret:1" in callbacks and "tk:done:1" in callbacks

    await emu.press_button(u["liaison"], handed, "tk:ret:1")
    await emu.wait_for(lambda: stage.last_bot_message(liaison_chat, "退回"), timeout=10)
    await emu.send_text(u["liaison"], liaison_chat, "不属于供暖，是楼内管道阀门问题，请物业处理")
    await emu.wait_for(lambda: "部门退回" in stage.card("G0102-0001")["text"], timeout=10)
    assert "阀门" in (await emu.wait_for(
        lambda: stage.last_bot_message(worker_chat, "阀门"), timeout=10))["text"]
    async with stage.deps.session_factory() as s:
        ticket = (await s.exec(select(Ticket))).one()
    assert ticket.status == Status.NEW and ticket.assignee_id is None
    assert ticket.department_id is None and "阀门" in ticket.return_reason
