"""Albums in a group (one prompt, one ticket) and the guided report in a private chat."""

from __future__ import annotations

import asyncio
import random

from sqlmodel import select

from handlers import bus
from handlers.events import EditText, SendText
from models.lifecycle import Status
from models.messaging import Conversation, Draft
from tests.support.outbox import buttons_of, find_send, take_outbox, texts_to
from tests.support.world import Script, build_world
from tests.unit._helpers import (
    add_person,
    all_tickets,
    area_id,
    grant,
    only_alert,
    photos_of,
    snapshot,
)


def _album(script, person, chat, caption, group_id="alb-1", uids=("a1", "a2", "a3")):
    return [
        script.photo(person, chat, caption if i == 0 else "", uid=uid, media_group_id=group_id)
        for i, uid in enumerate(uids)
    ]


async def _conversation(deps, person) -> Conversation | None:
    async with deps.session_factory() as s:
        return (await s.exec(
            select(Conversation).where(Conversation.member_id == person.member_id))).first()


async def test_album_received_concurrently_makes_one_prompt_then_one_ticket(deps):
    world = await build_world(deps)
    script = Script()
    album = _album(script, world.resident, world.group_chat, "小区门口井盖破损")
    shuffled = album[:]
    random.Random(7).shuffle(shuffled)

    await asyncio.gather(*(bus.receive(e, deps) for e in shuffled))

    out = await take_outbox(deps)
    prompts = [a for a in out if isinstance(a, SendText) and "登记为报事" in a.text]
    assert len(prompts) == 1, out
    assert prompts[0].reply_to in {e.message_id for e in album}
    assert await all_tickets(deps) == []
    async with deps.session_factory() as s:
        drafts = (await s.exec(select(Draft))).all()
    assert len(drafts) == 1 and drafts[0].text == "小区门口井盖破损"

    await bus.receive(script.press(world.resident, world.group_chat, buttons_of(prompts[0])[0]),
                      deps)
    out = await take_outbox(deps)
    [made] = await all_tickets(deps)
    assert made.number == "G0102-0001" and made.category == "manhole"
    assert made.text == "小区门口井盖破损"
    assert made.source_message_id == album[0].message_id, "the card quotes the captioned photo"
    assert sorted(p.file_unique_id for p in await photos_of(deps, made.id)) == ["a1", "a2", "a3"]
    assert find_send(out, world.group_chat, "G0102-0001").ref == "card:1"


async def test_album_photo_arriving_after_confirmation_joins_the_ticket(deps):
    world = await build_world(deps)
    script = Script()
    first, second, late = _album(script, world.resident, world.group_chat, "楼道声控灯不亮")
    for event in (first, second):
        await bus.receive(event, deps)
    prompt = find_send(await take_outbox(deps), world.group_chat, "登记为报事")
    await bus.receive(script.press(world.resident, world.group_chat, buttons_of(prompt)[0]), deps)
    await bus.receive(late, deps)
    out = await take_outbox(deps)
    assert not [t for t in texts_to(out, world.group_chat) if "登记为报事？" in t]
    [made] = await all_tickets(deps)
    assert sorted(p.file_unique_id for p in await photos_of(deps, made.id)) == ["a1", "a2", "a3"]


async def test_captioned_album_photo_arriving_after_confirmation_fills_the_ticket(deps):
    """Album parts can arrive out of order: the caption must not be lost."""
    world = await build_world(deps)
    script = Script()
    captioned, second, third = _album(script, world.resident, world.group_chat, "楼道声控灯不亮")
    for event in (second, third):
        await bus.receive(event, deps)
    prompt = find_send(await take_outbox(deps), world.group_chat, "登记为报事")
    await bus.receive(script.press(world.resident, world.group_chat, buttons_of(prompt)[0]), deps)
    [made] = await all_tickets(deps)
    assert made.text == "" and made.category == "other"
    await take_outbox(deps)
    await bus.receive(captioned, deps)
    [made] = await all_tickets(deps)
    assert made.text == "楼道声控灯不亮" and made.category == "lighting"
    card = [a for a in await take_outbox(deps) if getattr(a, "ref", None) == "card:1"]
    assert card and "市政设施·照明" in card[-1].text, "the card is edited to show it"


async def test_album_with_report_caption_makes_a_ticket_without_prompt(deps):
    world = await build_world(deps)
    script = Script()
    album = _album(script, world.resident, world.group_chat, "/report 小区门口井盖破损")
    for event in album:
        await bus.receive(event, deps)

    out = await take_outbox(deps)
    [made] = await all_tickets(deps)
    assert made.text == "小区门口井盖破损" and made.category == "manhole"
    assert sorted(p.file_unique_id for p in await photos_of(deps, made.id)) == ["a1", "a2", "a3"]
    assert not [a for a in out if isinstance(a, SendText) and "登记为报事" in a.text]
    assert [a.ref for a in out if isinstance(a, SendText) and a.chat_id == world.group_chat] == [
        "card:1"
    ]


async def test_album_with_report_caption_in_any_order_shows_no_live_prompt(deps):
    world = await build_world(deps)
    script = Script()
    album = _album(script, world.resident, world.group_chat, "/report 小区门口井盖破损")
    shuffled = [album[1], album[2], album[0]]
    await asyncio.gather(*(bus.receive(e, deps) for e in shuffled))

    out = await take_outbox(deps)
    [made] = await all_tickets(deps)
    assert sorted(p.file_unique_id for p in await photos_of(deps, made.id)) == ["a1", "a2", "a3"]
    group_sends = [a for a in out if isinstance(a, SendText) and a.chat_id == world.group_chat]
    # A prompt an earlier photo queued is rewritten before it goes out: no [登记] button left.
    assert not [a for a in group_sends if buttons_of(a) and buttons_of(a)[0].startswith("dr:")]
    assert not [a for a in group_sends if "登记为报事？" in a.text]


async def test_guided_private_report_end_to_end(deps):
    world = await build_world(deps)
    script = Script()
    me = world.resident.private_chat

    await bus.receive(script.text(world.resident, me, "小区门口井盖破损"), deps)
    ask = find_send(await take_outbox(deps), me, "现场照片")
    assert buttons_of(ask) == ["cv:skip:"]
    assert ask.buttons[0][0].text == "下一步"

    await bus.receive(script.photo(world.resident, me, uid="pm1"), deps)
    assert find_send(await take_outbox(deps), me, "已收到 1 张照片")

    await bus.receive(script.press(world.resident, me, "cv:skip:"), deps)
    ask = find_send(await take_outbox(deps), me, "发送位置")
    assert buttons_of(ask) == ["cv:skip:"] and ask.buttons[0][0].text == "跳过"

    await bus.receive(script.location(world.resident, me, 41.5607, 120.4508), deps)
    summary = find_send(await take_outbox(deps), me, "请确认报事内容")
    for line in ("网格：四海社区第二网格", "描述：小区门口井盖破损", "照片：1 张", "位置：已提供"):
        assert line in summary.text
    assert buttons_of(summary) == ["pr:submit:", "pr:cancel:", "pr:named:"]
    assert await all_tickets(deps) == []

    await bus.receive(script.press(world.resident, me, "pr:submit:"), deps)
    out = await take_outbox(deps)
    [made] = await all_tickets(deps)
    assert made.number == "G0102-0001" and made.category == "manhole"
    assert made.status == Status.NEW and made.grid_id == world.grid_id
    assert (made.latitude, made.longitude) == (41.5607, 120.4508)
    assert [p.file_unique_id for p in await photos_of(deps, made.id)] == ["pm1"]
    card = find_send(out, world.group_chat, "G0102-0001")
    assert "井盖" in card.text and "小区门口井盖破损" in card.text and card.ref == "card:1"
    assert card.reply_to is None, "nothing in the group to quote"
    assert find_send(out, me, "您的报事已受理，编号 G0102-0001")
    assert await _conversation(deps, world.resident) is None

    # The journey is over: its buttons are stale now.
    event = script.press(world.resident, me, "pr:submit:")
    await bus.receive(event, deps)
    assert only_alert(await take_outbox(deps), event.callback_id).text.startswith("这个按钮已失效")
    assert len(await all_tickets(deps)) == 1


async def test_guided_report_without_words_asks_for_them(deps):
    world = await build_world(deps)
    script = Script()
    me = world.resident.private_chat
    await bus.receive(script.text(world.resident, me, "/report"), deps)
    assert find_send(await take_outbox(deps), me, "请用一句话描述问题")
    await bus.receive(script.text(world.resident, me, "3号楼楼道灯坏了"), deps)
    assert find_send(await take_outbox(deps), me, "现场照片")
    await bus.receive(script.press(world.resident, me, "cv:skip:"), deps)
    await bus.receive(script.press(world.resident, me, "cv:skip:"), deps)
    summary = find_send(await take_outbox(deps), me, "请确认报事内容")
    assert "照片：0 张" in summary.text and "位置：未提供" in summary.text
    await bus.receive(script.press(world.resident, me, "pr:submit:"), deps)
    [made] = await all_tickets(deps)
    assert made.category == "lighting" and made.latitude is None
    assert await photos_of(deps, made.id) == []


async def test_member_of_two_grids_picks_one_and_cannot_forge_another(deps):
    world = await build_world(deps)
    script = Script()
    me = world.resident.private_chat
    async with deps.session_factory() as s, s.begin():
        from models.org import Area

        s.add(Area(code="G0104", name="四海社区第四网格", kind="grid",
                   parent_id=await area_id(deps, "SIHAI")))
    await grant(deps, world.resident, "resident", "G0104")
    g0104, g0103 = await area_id(deps, "G0104"), await area_id(deps, "G0103")

    await bus.receive(script.text(world.resident, me, "楼下有建筑垃圾"), deps)
    pick = find_send(await take_outbox(deps), me, "请选择要报事的网格")
    assert buttons_of(pick) == [f"pr:grid:{world.grid_id}", f"pr:grid:{g0104}"]
    assert [row[0].text for row in pick.buttons] == ["四海社区第二网格（G0102）",
                                                    "四海社区第四网格（G0104）"]

    before = await snapshot(deps)
    forged = script.press(world.resident, me, f"pr:grid:{g0103}")
    await bus.receive(forged, deps)
    alert = only_alert(await take_outbox(deps), forged.callback_id)
    assert alert.text == "您不是该网格的成员，无法查看。"
    assert await snapshot(deps) == before
    assert (await _conversation(deps, world.resident)).step == "grid"

    await bus.receive(script.text(world.resident, me, "快点"), deps)
    assert find_send(await take_outbox(deps), me, "请先点选上面的网格")

    await bus.receive(script.press(world.resident, me, f"pr:grid:{g0104}"), deps)
    assert find_send(await take_outbox(deps), me, "现场照片")
    for _ in range(2):
        await bus.receive(script.press(world.resident, me, "cv:skip:"), deps)
    summary = find_send(await take_outbox(deps), me, "请确认报事内容")
    assert "网格：四海社区第四网格" in summary.text
    await bus.receive(script.press(world.resident, me, "pr:submit:"), deps)
    [made] = await all_tickets(deps)
    assert made.number == "G0104-0001" and made.grid_id == g0104


async def test_cancel_midway_drops_the_report(deps):
    world = await build_world(deps)
    script = Script()
    me = world.resident.private_chat
    await bus.receive(script.text(world.resident, me, "小区门口井盖破损"), deps)
    await bus.receive(script.photo(world.resident, me, uid="pm1"), deps)
    await take_outbox(deps)
    assert (await _conversation(deps, world.resident)).step == "photos"

    await bus.receive(script.text(world.resident, me, "/cancel"), deps)
    out = await take_outbox(deps)
    assert [a.text for a in out if isinstance(a, SendText)] == ["已取消。"]
    [cleared] = [a for a in out if isinstance(a, EditText)]  # its [下一步] is gone
    assert cleared.buttons == () and cleared.text.startswith("已收到 1 张照片")
    assert await _conversation(deps, world.resident) is None

    event = script.press(world.resident, me, "cv:skip:")
    await bus.receive(event, deps)
    assert only_alert(await take_outbox(deps), event.callback_id).text.startswith("这个按钮已失效")
    await bus.receive(script.text(world.resident, me, "/cancel"), deps)
    assert texts_to(await take_outbox(deps), me) == ["当前没有进行中的操作。"]
    assert await all_tickets(deps) == []


async def test_cancel_button_on_the_summary(deps):
    world = await build_world(deps)
    script = Script()
    me = world.resident.private_chat
    await bus.receive(script.text(world.resident, me, "小区门口井盖破损"), deps)
    for _ in range(2):
        await bus.receive(script.press(world.resident, me, "cv:skip:"), deps)
    await take_outbox(deps)
    await bus.receive(script.press(world.resident, me, "pr:cancel:"), deps)
    assert "已取消。" in texts_to(await take_outbox(deps), me)
    assert await _conversation(deps, world.resident) is None
    assert await all_tickets(deps) == []


async def test_person_with_no_grid_is_told_how_to_join(deps):
    await build_world(deps)
    stranger = await add_person(deps, "8001", "路人甲")
    script = Script()
    await bus.receive(script.text(stranger, stranger.private_chat, "小区门口井盖破损"), deps)
    out = await take_outbox(deps)
    assert texts_to(out, stranger.private_chat) == [
        "您还不属于任何网格。请在您所在网格的微信群/群聊里发言，或使用网格员给您的邀请链接。"
    ]
    assert await _conversation(deps, stranger) is None
    assert await all_tickets(deps) == []


async def test_private_album_received_concurrently_keeps_every_photo(deps):
    world = await build_world(deps)
    script = Script()
    me = world.resident.private_chat
    await bus.receive(script.text(world.resident, me, "小区门口井盖破损"), deps)
    await take_outbox(deps)
    album = _album(script, world.resident, me, "就在北门", uids=("b1", "b2", "b3"))
    await asyncio.gather(*(bus.receive(e, deps) for e in [album[2], album[0], album[1]]))
    await take_outbox(deps)

    for _ in range(2):
        await bus.receive(script.press(world.resident, me, "cv:skip:"), deps)
    summary = find_send(await take_outbox(deps), me, "请确认报事内容")
    assert "照片：3 张" in summary.text and "描述：小区门口井盖破损 就在北门" in summary.text
    await bus.receive(script.press(world.resident, me, "pr:submit:"), deps)
    [made] = await all_tickets(deps)
    assert sorted(p.file_unique_id for p in await photos_of(deps, made.id)) == ["b1", "b2", "b3"]
