"""What groups see (issue 8): personal data masked, the card true over time, long reports cut,
staff groups bound with /bind CODE staff."""

from __future__ import annotations

from sqlmodel import delete, select

from handlers import bus
from handlers.supervision.sweep import sweep
from models.message_limits import TEXT_LIMIT
from models.org import Area, Member, RoleAssignment
from tests.support.outbox import buttons_of, find_send, take_outbox, texts_to
from tests.support.world import Script, build_world
from tests.unit._helpers import (
    all_tickets,
    bind_staff_group,
    report_in_group,
    say_refused,
    ticket,
    undeliverable,
)

SAID = "我家电话13812345678，住四海小区3号楼2单元301室，楼道灯不亮，身份证210102198001011234"
PERSONAL = ("13812345678", "301室", "210102198001011234", "王阿姨")


async def _private_report(deps, world, script, text=SAID, button="pr:submit:"):
    me = world.resident.private_chat
    await bus.receive(script.text(world.resident, me, text), deps)
    await bus.receive(script.press(world.resident, me, "cv:skip:"), deps)
    await bus.receive(script.press(world.resident, me, "cv:skip:"), deps)
    summary = find_send(await take_outbox(deps), me, "请确认报事内容")
    assert "pr:named:" in buttons_of(summary) and "不显示您的姓名" in summary.text
    await bus.receive(script.press(world.resident, me, button), deps)
    return await take_outbox(deps)


def _leaks(text: str, words=PERSONAL) -> list[str]:
    return [w for w in words if w in text]


async def test_a_private_report_reaches_the_group_masked_and_nameless(deps):
    world = await build_world(deps)
    out = await _private_report(deps, world, Script())
    card = find_send(out, world.group_chat, "G0102-0001")
    assert _leaks(card.text) == [], card.text
    assert "3号楼2单元***" in card.text and "电话***" in card.text
    assert "报事人：居民（匿名）" in card.text and "网格：四海社区第二网格" in card.text
    # Staff privately still get everything (the worker's hand-over/alerts use the staff card).
    made = await ticket(deps)
    assert made.private_report and not made.reporter_named and made.text.startswith("我家电话138")


async def test_a_resident_may_choose_to_be_named(deps):
    world = await build_world(deps)
    out = await _private_report(deps, world, Script(), button="pr:named:")
    card = find_send(out, world.group_chat, "G0102-0001")
    assert "报事人：王阿姨" in card.text and _leaks(card.text, PERSONAL[:3]) == []


async def test_a_group_report_keeps_the_room_but_never_the_phone_or_id(deps):
    world = await build_world(deps)
    script = Script()
    await bus.receive(script.text(world.resident, world.group_chat, f"/report {SAID}"), deps)
    card = find_send(await take_outbox(deps), world.group_chat, "G0102-0001")
    assert "301室" in card.text and "王阿姨" in card.text
    assert _leaks(card.text, ("13812345678", "210102198001011234")) == []


async def test_the_same_matter_question_to_another_resident_is_masked(deps):
    world = await build_world(deps)
    script = Script()
    await _private_report(deps, world, script)
    await bus.receive(script.text(world.neighbour, world.group_chat, "/report 楼道灯不亮"), deps)
    out = await take_outbox(deps)
    offer = find_send(out, world.group_chat, "是同一件事吗")
    assert _leaks(offer.text) == [], offer.text


async def test_the_rating_request_by_name_in_the_group_is_masked(deps):
    world = await build_world(deps)
    async with deps.session_factory() as s, s.begin():  # she never opened the bot: by name
        (await s.get(Member, world.resident.member_id)).private_chat_id = None
    script = Script()
    made = await report_in_group(deps, script, world, SAID)
    await bus.receive(script.press(world.worker, world.group_chat, f"tk:done:{made.id}"), deps)
    await bus.receive(script.photo(world.worker, world.worker.private_chat, "已修好",
                                   uid="fix"), deps)
    await bus.receive(script.press(world.worker, world.worker.private_chat, "cv:done:"), deps)
    out = await take_outbox(deps)
    asks = [t for t in texts_to(out, world.group_chat) if "请评价" in t]
    assert asks and all(_leaks(t, ("13812345678", "210102198001011234")) == [] for t in asks)


async def test_ticket_in_a_group_is_masked_and_privately_to_staff_is_whole(deps):
    world = await build_world(deps)
    script = Script()
    await _private_report(deps, world, script)
    await bus.receive(script.text(world.neighbour, world.group_chat, "/ticket G0102-0001"), deps)
    shown = "\n".join(texts_to(await take_outbox(deps), world.group_chat))
    assert "G0102-0001" in shown and _leaks(shown) == [], shown
    me = world.worker.private_chat
    await bus.receive(script.text(world.worker, me, "/ticket G0102-0001"), deps)
    shown = "\n".join(texts_to(await take_outbox(deps), me))
    assert "13812345678" in shown and "王阿姨" in shown


async def test_a_long_report_is_stored_whole_and_every_message_fits(deps):
    world = await build_world(deps)
    script = Script()
    long_text = "3号楼楼道灯不亮。" + "情况说明" * 990  # ~4,000: the column's width today
    made = await report_in_group(deps, script, world, long_text)
    assert made.text == long_text
    await bus.receive(script.text(world.worker, world.group_chat, "/ticket G0102-0001"), deps)
    out = await take_outbox(deps)
    texts = texts_to(out, world.group_chat)
    assert texts and all(len(t) <= TEXT_LIMIT for t in texts)
    assert "情况说明" * 900 in "".join(texts), "/ticket gives everyone the whole report"
    me = world.worker.private_chat
    await bus.receive(script.text(world.worker, me, "/ticket G0102-0001"), deps)
    texts = texts_to(await take_outbox(deps), me)
    assert len(texts) >= 2 and all(len(t) <= TEXT_LIMIT for t in texts)
    assert "情况说明" * 900 in "".join(texts), "the whole report, privately, in parts"


async def test_the_card_cuts_a_long_report_and_points_to_ticket(deps):
    world = await build_world(deps)
    script = Script()
    await bus.receive(script.text(world.resident, world.group_chat,
                                  "/report " + "楼道灯不亮" * 200), deps)
    card = find_send(await take_outbox(deps), world.group_chat, "G0102-0001")
    assert "…" in card.text and "/ticket G0102-0001" in card.text and len(card.text) < 1000


async def test_the_card_stays_true_as_the_ladder_climbs(deps, clock):
    world = await build_world(deps)
    await bus.receive(Script().text(world.resident, world.group_chat, "/report 路灯不亮"), deps)
    card = find_send(await take_outbox(deps), world.group_chat, "G0102-0001")
    assert "🟢 接单时限" in card.text and "将于 3 小时内到场" in card.text

    clock.advance(minutes=30)
    assert await sweep(deps) == 0
    assert await take_outbox(deps) == [], "no step, no edit: Telegram rate-limits edits"

    clock.advance(minutes=18)  # 80 %: yellow
    await sweep(deps)
    [edit] = texts_to(await take_outbox(deps), world.group_chat)
    assert "🟡 接单时限快到了" in edit and "3 小时内" not in edit and "前到场" in edit

    clock.advance(hours=25)
    await sweep(deps)
    out = await take_outbox(deps)
    [edit] = [t for t in texts_to(out, world.group_chat) if t.startswith("📋")]
    assert "🔴 已超过接单时限" in edit and "超时 24 小时 48 分钟" in edit
    assert "督办：已上报至 双塔区 · 红牌督办" in edit
    assert "将于" not in edit, "no promise of a moment already past"
    notices = texts_to(out, world.admin.private_chat)
    assert any("超过接单时限" in t for t in notices) and not any("超时未办结" in t for t in notices)
    assert not any(t.startswith("⬆️") for t in texts_to(out, world.group_chat)), "staff-only"


async def test_a_grid_without_a_worker_does_not_name_the_grid_as_the_worker(deps):
    world = await build_world(deps)
    async with deps.session_factory() as s, s.begin():
        await s.exec(delete(RoleAssignment).where(RoleAssignment.role == "worker"))
    await bus.receive(Script().text(world.resident, world.group_chat, "/report 井盖破损"), deps)
    out = await take_outbox(deps)
    card = find_send(out, world.group_chat, "G0102-0001")
    assert "网格员 四海社区第二网格" not in card.text
    assert "本网格暂无网格员，已告知 四海社区" in card.text
    assert any("暂无网格员" in t for t in texts_to(out, world.admin.private_chat))


async def test_bind_staff_makes_a_staff_group_and_refuses_others(deps):
    world = await build_world(deps)
    script = Script()
    admin_in = script.text(world.admin, "-777", "/bind SIHAI staff")
    await bus.receive(admin_in, deps)
    assert any("工作群" in t for t in texts_to(await take_outbox(deps), "-777"))
    for person in (world.resident, world.worker, world.other_worker):
        reply = await say_refused(deps, script, person, "-778", "/bind SIHAI staff")
        assert "管理员" in reply
    reply = await say_refused(deps, script, world.admin, "-779", "/bind SIHAI everyone")
    assert "/bind" in reply
    # A building (楼栋) has no staff of its own to read a staff group.
    async with deps.session_factory() as s, s.begin():
        grid = (await s.exec(select(Area).where(Area.code == "G0102"))).one()
        s.add(Area(code="B0103", name="3号楼", kind="building", parent_id=grid.id))
    reply = await say_refused(deps, script, world.admin, "-780", "/bind B0103 staff")
    assert "B0103 是楼栋" in reply
    # A staff group is no place for reports: chatter there makes no ticket.
    await bus.receive(script.text(world.worker, "-777", "/report 路灯不亮"), deps)
    await take_outbox(deps)
    assert await all_tickets(deps) == []


async def test_a_breach_for_an_unreachable_leader_is_recorded_not_posted(deps, clock):
    world = await build_world(deps, started=False)
    await bus.receive(Script().text(world.resident, world.group_chat, "/report 路灯不亮"), deps)
    await take_outbox(deps)
    clock.advance(hours=1)
    await sweep(deps)
    out = await take_outbox(deps)
    assert not any("G0102-0001 已超过" in t for t in texts_to(out, world.group_chat))
    assert {n.kind for n in await undeliverable(deps)} == {"reminder", "breach"}
    await bind_staff_group(deps, "-900", "SIHAI")  # the community tier's staff group
    clock.advance(hours=2)
    await sweep(deps)
    out = await take_outbox(deps)
    assert not any("@" in t for t in texts_to(out, world.group_chat))
    assert any("@社区管理员" in t for t in texts_to(out, "-900"))


