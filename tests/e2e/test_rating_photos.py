"""The rating request with the after-photos, over real HTTP on both Telegram runtimes: the
worker's album is re-sent by its file ids as one album, just before the poll; to a resident
who never started the bot, both go to the group, by name, as replies to her report."""

from __future__ import annotations

import pytest

from models.org import Member
from tests.e2e.harness import jpeg

pytestmark = pytest.mark.e2e


async def test_the_album_is_in_the_group_just_before_the_rating_request(stage):
    emu, u, group = stage.emu, stage.users, stage.group
    async with stage.deps.session_factory() as s, s.begin():
        resident = await s.get(Member, stage.world.resident.member_id)
        resident.private_chat_id = None  # she never opened a chat with the bot
        s.add(resident)
    report = await emu.send_text(u["resident"], group, "/report 3号楼楼道声控灯不亮")
    card = await emu.wait_for(lambda: stage.card("G0102-0001"))
    await emu.press_button(u["worker"], card, "tk:take:1")
    await emu.wait_for(lambda: "经办：杨超" in stage.card("G0102-0001")["text"])
    await emu.press_button(u["worker"], stage.card("G0102-0001"), "tk:done:1")
    worker_chat = emu.private_chat(u["worker"])
    await emu.wait_for(lambda: stage.last_bot_message(worker_chat, "办结后的照片"))
    # Two photos one after the other (an album's receipts depend on arrival order).
    sent = [await emu.send_photo(u["worker"], worker_chat, jpeg((20, 200, 20)))]
    await emu.wait_for(lambda: stage.last_bot_message(worker_chat, "照片 1 张"))
    sent.append(await emu.send_photo(u["worker"], worker_chat, jpeg((20, 20, 200)), "已更换灯泡"))
    receipt = await emu.wait_for(lambda: stage.last_bot_message(worker_chat, "照片 2 张"))
    await emu.press_button(u["worker"], receipt, "cv:done:")
    ask = await emu.wait_for(lambda: stage.last_bot_message(group, "请评价"), timeout=15)

    shown = emu.bot_messages(group)
    at = [m["message_id"] for m in shown].index(ask["message_id"])
    album = shown[at - 2:at]
    assert all("photo" in m for m in album), [m.get("text", "")[:20] for m in shown]
    assert album[0]["media_group_id"] == album[1]["media_group_id"]
    assert album[0]["caption"] == "G0102-0001 办结后的现场照片"
    assert album[0]["reply_to_message"]["message_id"] == report["message_id"]
    assert ask["text"].startswith("@王阿姨 ") and "处理说明：已更换灯泡" in ask["text"]
    assert ask["reply_to_message"]["message_id"] == report["message_id"]
    # No upload: the album is the worker's photos, by the file ids they arrived with.
    [call] = emu.calls("sendMediaGroup")
    assert [item["media"] for item in call["media"]] == [m["photo"][-1]["file_id"] for m in sent]
