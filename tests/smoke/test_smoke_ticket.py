"""One smoke test of our reading of the Bot API, against an implementation we did not write.

The real aiogram runtime polls the npm telegram-test-api (through tests/smoke/compat.py, which
only absorbs that server's known defects); the users act through the server's client API.
The journey: report by text in the group, take, close with a note, rate 良好.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import select

from models.lifecycle import Status
from models.messaging import InboxUpdate, OutboxMessage
from models.ticket import Ticket, TicketEvent
from tests.smoke.client import TgUser, group_chat

pytestmark = pytest.mark.smoke

NUMBER = "G0102-0001"


def _buttons(record: dict) -> list[tuple[str, str]]:
    keyboard = (record["message"].get("reply_markup") or {}).get("inline_keyboard", [])
    return [(b["text"], b["callback_data"]) for row in keyboard for b in row]


async def _answered(smoke, needle: str) -> dict:
    """The bot's answerCallbackQuery whose text holds `needle` (the server keeps none)."""
    async with asyncio.timeout(10):
        while True:
            for params in smoke.proxy.params_of("answerCallbackQuery"):
                if needle in params.get("text", ""):
                    return params
            await asyncio.sleep(0.05)


async def _settled_outbox(smoke) -> list[tuple[str, str]]:
    """The outbox once the sender has finished: the server can show a message (or the proxy
    an answer) a moment before the sender commits that row as sent."""
    async with asyncio.timeout(10):
        while True:
            async with smoke.deps.session_factory() as s:
                rows = (await s.exec(select(OutboxMessage.kind, OutboxMessage.status))).all()
            if not any(status in ("pending", "sending") for _kind, status in rows):
                return list(rows)
            await asyncio.sleep(0.05)


async def test_report_take_close_rate(smoke):
    async with asyncio.timeout(45):
        await _journey(smoke)


async def _journey(smoke) -> None:
    api, world = smoke.users, smoke.world
    resident = TgUser(int(world.resident.user.id), world.resident.user.name)
    worker = TgUser(int(world.worker.user.id), world.worker.user.name)
    group_id = int(world.group_chat)
    group = group_chat(group_id, "四海二网格群")

    # 1. The resident reports by text in the group: a card with [接单].
    await api.send_text(resident, group, "/report 3号楼楼道声控灯不亮")
    card = await api.wait_for_message(group_id, NUMBER)
    assert "3号楼楼道声控灯不亮" in card["message"]["text"]
    assert "状态：已受理" in card["message"]["text"]
    assert ("接单", "tk:take:1") in _buttons(card)
    await api.wait_for_message(resident.id, NUMBER)  # the reporter's own notice, privately

    # 2. The worker takes it: the card is edited in place.
    assert await api.press(worker, group, card, "tk:take:1") == "接单"
    await _answered(smoke, f"已接单 {NUMBER}")
    taken = await api.wait_for_message(group_id, NUMBER, "状态：已接单", "经办：杨超")
    assert taken["messageId"] == card["messageId"]
    assert len(await api.bot_messages(group_id)) == 1, "the card is edited, not re-sent"

    # 3. [办结]: asked privately for an after-photo or a note; a text note closes the work.
    assert await api.press(worker, group, taken, "tk:done:1") == "办结"
    await _answered(smoke, "私聊")
    await api.wait_for_message(worker.id, NUMBER, "办结后的照片")
    await api.send_text(worker, worker.private_chat(), "已更换灯泡")
    receipt = await api.wait_for_message(worker.id, "说明 1 条")
    assert await api.press(worker, worker.private_chat(), receipt, "cv:done:") == "完成"
    await api.wait_for_message(worker.id, f"{NUMBER} 已办结")

    # 4. The resident is asked to rate, privately, and presses 良好.
    ask = await api.wait_for_message(resident.id, NUMBER, "请评价")
    assert _buttons(ask) == [("优秀", "rt:1:4"), ("良好", "rt:1:3"), ("合格", "rt:1:2"),
                             ("不合格", "rt:1:1")]
    assert await api.press(resident, resident.private_chat(), ask, "rt:1:3") == "良好"
    await _answered(smoke, "感谢您的评价：良好")
    thanked = await api.wait_for_message(resident.id, f"{NUMBER} 评价：良好。谢谢！")
    assert thanked["messageId"] == ask["messageId"], "the rating request is edited in place"
    closed = await api.wait_for_message(group_id, NUMBER, "状态：已关闭", "评价：良好")
    assert closed["messageId"] == card["messageId"]

    outbox = await _settled_outbox(smoke)
    async with smoke.deps.session_factory() as s:
        [ticket] = (await s.exec(select(Ticket))).all()
        events = (await s.exec(select(TicketEvent.action).order_by(TicketEvent.id))).all()
        inbox = (await s.exec(select(InboxUpdate.status, InboxUpdate.last_error))).all()
    assert ticket.number == NUMBER
    assert ticket.status == Status.CLOSED and ticket.rating == 3
    assert ticket.assignee_id == world.worker.member_id
    assert ticket.close_note == "已更换灯泡"
    assert len(events) >= 4, events
    assert {status for _kind, status in outbox} == {"sent"}, outbox
    assert inbox and all(status == "done" for status, _err in inbox), inbox
    # telegram-test-api 4.2.1 lacks setMyCommands (HTTP 500): the bot served all the same.
    # Anything else it lacks and the bot called would be a gap in this smoke test.
    assert "setMyCommands" in smoke.proxy.unsupported
    assert set(smoke.proxy.unsupported) == {"setMyCommands"}, smoke.proxy.unsupported
