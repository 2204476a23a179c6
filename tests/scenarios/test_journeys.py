"""The ticket journeys, written once, run on every adapter."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import select

from models.lifecycle import Status
from models.ticket import Photo, Ticket
from tests.e2e.harness import jpeg
from tests.scenarios.drivers import Msg

pytestmark = pytest.mark.e2e


async def wait_msg(d, chat, contains: str, within: float = 15) -> Msg:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        if hasattr(d, "refresh"):
            await d.refresh(chat)
        for message in reversed(d.bot_messages(chat)):
            if contains in message.text:
                return message
        if loop.time() > deadline:
            texts = [m.text[:40] for m in d.bot_messages(chat)]
            raise AssertionError(f"no bot message with {contains!r} in {chat}: {texts}")
        await asyncio.sleep(0.05)


async def tickets(d) -> list[Ticket]:
    async with d.deps.session_factory() as s:
        return list((await s.exec(select(Ticket).order_by(Ticket.id))).all())


async def test_report_take_resolve_rate(driver):
    d = driver
    await d.photo("resident", d.group, jpeg(), "3号楼楼道声控灯不亮")
    prompt = await wait_msg(d, d.group, "登记为报事")
    await d.press("resident", d.group, prompt, prompt.buttons[0])
    card = await wait_msg(d, d.group, "G0102-0001")
    assert "市政设施·照明" in card.text and card.buttons[0] == "tk:take:1"

    answer = await d.press("worker", d.group, card, "tk:take:1")
    assert "已接单" in answer
    card = await wait_msg(d, d.group, "经办：杨超")
    await d.press("worker", d.group, card, "tk:done:1", answer=False)
    ask = await wait_msg(d, d.private("worker"), "办结后的照片")
    # As anyone does in WeChat: the photo, then the note as a second message, then [完成].
    await d.photo("worker", d.private("worker"), jpeg((10, 200, 10)))
    await wait_msg(d, d.private("worker"), "照片 1 张，说明 0 条")
    await d.say("worker", d.private("worker"), "已更换灯泡")
    receipt = await wait_msg(d, d.private("worker"), "照片 1 张，说明 1 条")
    assert len(await tickets(d)) == 1, "the note started no report"
    await d.press("worker", d.private("worker"), receipt, "cv:done:", answer=False)
    rate = await wait_msg(d, d.private("resident"), "请评价")
    assert rate.buttons == ["rt:1:4", "rt:1:3", "rt:1:2", "rt:1:1"]
    # She sees the after-photo itself, just before the request (the sender keeps the order).
    shown = d.bot_messages(d.private("resident"))
    before_rate = shown[[m.id for m in shown].index(rate.id) - 1]
    assert before_rate.photo and before_rate.text == "G0102-0001 办结后的现场照片"
    await d.press("resident", d.private("resident"), rate, "rt:1:3")
    await wait_msg(d, d.group, "评价：良好")
    [ticket] = await tickets(d)
    assert ticket.status == Status.CLOSED and ticket.rating == 3
    assert ticket.close_note == "已更换灯泡"
    async with d.deps.session_factory() as s:
        stages = sorted(p.stage for p in (await s.exec(select(Photo))).all())
    assert stages == ["after", "before"]
    assert ask.id


async def test_album_is_one_ticket(driver):
    d = driver
    await d.album("resident", d.group, [jpeg((i * 60, 0, 0)) for i in range(3)], "楼道堆满建筑垃圾")
    prompt = await wait_msg(d, d.group, "登记为报事")
    await d.press("resident", d.group, prompt, prompt.buttons[0])
    await wait_msg(d, d.group, "G0102-0001")
    async with d.deps.session_factory() as s:
        photos = (await s.exec(select(Photo))).all()
    assert len(await tickets(d)) == 1 and len(photos) == 3


async def test_resident_cannot_take_and_is_told_why(driver):
    d = driver
    await d.say("resident", d.group, "/report 暖气不热")
    card = await wait_msg(d, d.group, "G0102-0001")
    answer = await d.press("resident", d.group, card, "tk:take:1")
    assert answer == "只有本网格的网格员、网格长或指挥中心可以处理 G0102-0001。"
    assert (await tickets(d))[0].status == Status.NEW


async def test_guided_private_report(driver):
    d = driver
    me = d.private("resident")
    await d.say("resident", me, "小区门口井盖破损")
    step = await wait_msg(d, me, "现场照片")
    await d.press("resident", me, step, "cv:skip:", answer=False)
    step = await wait_msg(d, me, "发送位置")
    await d.press("resident", me, step, "cv:skip:", answer=False)
    summary = await wait_msg(d, me, "请确认报事内容")
    await d.press("resident", me, summary, "pr:submit:", answer=False)
    await wait_msg(d, d.group, "G0102-0001")
    [ticket] = await tickets(d)
    assert ticket.category == "manhole"
