"""End to end over real HTTP: the real aiogram client against the Bot API emulator."""

from __future__ import annotations

import hashlib

import pytest
from sqlmodel import select

from models.lifecycle import Status
from models.ticket import Photo, Ticket
from tests.e2e.harness import jpeg

pytestmark = pytest.mark.e2e


async def _tickets(stage) -> list[Ticket]:
    async with stage.deps.session_factory() as s:
        return list((await s.exec(select(Ticket).order_by(Ticket.id))).all())


async def _photos(stage) -> list[Photo]:
    async with stage.deps.session_factory() as s:
        return list((await s.exec(select(Photo).order_by(Photo.id))).all())


async def test_photo_report_take_resolve_rate(stage):
    emu, u = stage.emu, stage.users
    before = jpeg((90, 90, 90))
    await emu.send_photo(u["resident"], stage.group, before, caption="3号楼楼道声控灯不亮")
    prompt = await emu.wait_for(lambda: stage.last_bot_message(stage.group, "登记为报事"))
    await emu.press_button(u["resident"], prompt, prompt["reply_markup"]["inline_keyboard"][0][0]
                           ["callback_data"])
    card = await emu.wait_for(lambda: stage.card("G0102-0001"))
    assert "市政设施·照明" in card["text"] and "3 小时内到场" in card["text"]
    assert "G0102-0001" in (await emu.wait_for(
        lambda: stage.last_bot_message(emu.private_chat(u["resident"]), "G0102-0001")))["text"]

    cq = await emu.press_button(u["worker"], card, "tk:take:1")
    await emu.wait_for(lambda: emu.callback_answer(cq))
    assert "已接单" in emu.callback_answer(cq)["text"]
    await emu.wait_for(lambda: "经办：杨超" in stage.card("G0102-0001")["text"])
    card = stage.card("G0102-0001")
    assert card["edits"] >= 1 and len(emu.bot_messages(stage.group)) == 2, "edited in place"

    await emu.press_button(u["worker"], card, "tk:done:1")
    worker_chat = emu.private_chat(u["worker"])
    await emu.wait_for(lambda: stage.last_bot_message(worker_chat, "办结后的照片"))
    await emu.send_photo(u["worker"], worker_chat, jpeg((20, 200, 20)), caption="已更换灯泡")
    receipt = await emu.wait_for(lambda: stage.last_bot_message(worker_chat, "照片 1 张"))
    await emu.press_button(u["worker"], receipt, "cv:done:")
    resident_chat = emu.private_chat(u["resident"])
    ask = await emu.wait_for(lambda: stage.last_bot_message(resident_chat, "请评价"))
    await emu.press_button(u["resident"], ask, "rt:1:3")
    await emu.wait_for(lambda: "评价：良好" in stage.card("G0102-0001")["text"])
    [ticket] = await _tickets(stage)
    assert ticket.status == Status.CLOSED and ticket.rating == 3

    # Both photos were fetched with getFile and kept, EXIF-free, content-addressed.
    async def stored():
        return all(p.stored_path for p in await _photos(stage))

    await emu.wait_for(stored, timeout=10)
    photos = await _photos(stage)
    assert sorted(p.stage for p in photos) == ["after", "before"]
    for photo in photos:
        data = (stage.settings.media_dir / photo.stored_path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == photo.sha256


async def test_album_becomes_one_ticket_with_all_photos(stage):
    emu, u = stage.emu, stage.users
    await emu.send_album(u["resident"], stage.group, [jpeg((i * 40, 10, 10)) for i in range(3)],
                         caption="楼道里堆满建筑垃圾")
    prompt = await emu.wait_for(lambda: stage.last_bot_message(stage.group, "登记为报事"))
    await emu.press_button(u["resident"], prompt,
                           prompt["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
    await emu.wait_for(lambda: stage.card("G0102-0001"))
    assert len([m for m in emu.bot_messages(stage.group) if "登记为报事" in m["text"]]) == 1
    [ticket] = await _tickets(stage)
    assert ticket.category == "sanitation"
    assert len(await _photos(stage)) == 3


async def test_a_replayed_update_makes_no_second_ticket(stage):
    emu, u = stage.emu, stage.users
    update = {
        "update_id": 990001,
        "message": {
            "message_id": 5001, "date": 1_790_000_000,
            "chat": {"id": stage.group.id, "type": "supergroup", "title": "四海二网格群"},
            "from": {"id": u["resident"].id, "is_bot": False, "first_name": "王阿姨"},
            "text": "/report 小区门口井盖破损",
            "entities": [{"type": "bot_command", "offset": 0, "length": 7}],
        },
    }
    emu.inject_raw_update(update)
    emu.inject_raw_update(update)  # Telegram redelivers what it thinks was not received
    await emu.wait_for(lambda: stage.card("G0102-0001"))
    await emu.send_text(u["resident"], stage.group, "/report 路灯不亮")
    await emu.wait_for(lambda: stage.card("G0102-0002"))
    assert [t.number for t in await _tickets(stage)] == ["G0102-0001", "G0102-0002"]


async def test_a_429_on_send_is_delivered_once_after_retry_after(stage):
    emu, u = stage.emu, stage.users
    emu.fail_next("sendMessage", 429, retry_after=1, chat_id=stage.group.id)
    await emu.send_text(u["resident"], stage.group, "/report 3单元门口污水冒出来了")
    await emu.wait_for(lambda: stage.card("G0102-0001"), timeout=8)
    cards = [m for m in emu.bot_messages(stage.group) if "G0102-0001" in m["text"]]
    assert len(cards) == 1
    attempts = [p for m, p in emu.requests if m == "sendMessage"
                and str(p.get("chat_id")) == str(stage.group.id)]
    assert len(attempts) == 2, "one refused with 429, one delivered"


async def test_refusals_reach_the_presser_as_alerts(stage):
    emu, u = stage.emu, stage.users
    await emu.send_text(u["resident"], stage.group, "/report 暖气不热")
    card = await emu.wait_for(lambda: stage.card("G0102-0001"))
    cq = await emu.press_button(u["resident"], card, "tk:take:1")
    answer = await emu.wait_for(lambda: emu.callback_answer(cq))
    assert answer["show_alert"] and "只有本网格的网格员" in answer["text"]
    assert (await _tickets(stage))[0].status == Status.NEW


async def test_command_menu_is_set_in_chinese_and_english(stage):
    emu = stage.emu
    # Set in the background once the bot serves; the default menu is the last of the three.
    await emu.wait_for(lambda: emu.commands())
    zh = {c["command"]: c["description"] for c in emu.commands(language_code="zh")}
    en = {c["command"]: c["description"] for c in emu.commands(language_code="en")}
    default = {c["command"]: c["description"] for c in emu.commands()}
    assert set(zh) == set(en) == set(default) >= {"report", "ticket", "mytasks", "help"}
    assert zh["mytasks"] == "我的待办（工作人员）" and en["mytasks"] == "My open tickets (staff)"
    assert default == zh, "clients in other languages get the default locale, zh_CN"
