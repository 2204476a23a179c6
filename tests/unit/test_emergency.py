"""Emergencies skip triage: a ticket at once, and the responders alerted at once."""

from __future__ import annotations

from datetime import timedelta

from handlers import bus
from handlers.events import SendText
from models.lifecycle import Status
from tests.support.outbox import buttons_of, find_send, take_outbox, texts_to
from tests.support.world import Script, build_world
from tests.unit._helpers import (
    add_person,
    all_tickets,
    bind_staff_group,
    card_edit,
    grant,
    photos_of,
    ticket,
    undeliverable,
)

ALERT = "🚨 紧急报事 G0102-0001，请立即处置！"
CALL = "如有危险，请先撤离并拨打 119（火警）、120（急救）或 110（报警）"


async def _command_centres(deps):
    """A started street command centre, and a district one who never opened the bot."""
    street = await add_person(deps, "5001", "街道指挥中心", "command", "ZHANNAN")
    district = await add_person(deps, "5002", "区指挥中心", "command", "SHUANGTA", started=False)
    elsewhere = await add_person(deps, "5003", "三网格指挥", "command", "G0103")  # not over G0102
    return street, district, elsewhere


def _sends(out, chat_id: str) -> list[SendText]:
    return [a for a in out if isinstance(a, SendText) and a.chat_id == chat_id]


async def test_gas_smell_makes_a_ticket_at_once_and_alerts_workers_and_command(deps):
    world = await build_world(deps)
    street, district, elsewhere = await _command_centres(deps)
    script = Script()
    said = script.text(world.resident, world.group_chat, "3单元煤气味很重")
    await bus.receive(said, deps)
    out = await take_outbox(deps)

    [made] = await all_tickets(deps)
    assert (made.number, made.category, made.urgent) == ("G0102-0001", "gas", True)
    assert made.status == Status.NEW and made.source_message_id == said.message_id
    assert made.due_at - made.created_at == timedelta(minutes=10), "the urgent take deadline"
    assert not [t for t in texts_to(out, world.group_chat) if "登记为报事" in t], "no prompt"

    card = find_send(out, world.group_chat, "G0102-0001")
    assert card.text.startswith("🔴【紧急】报事 G0102-0001 · 燃气")
    assert "将于 30 分钟内到场" in card.text, "the emergency promise, from the policy"
    assert card.ref == "card:1" and card.reply_to == said.message_id
    told = find_send(out, world.group_chat, "已按紧急情况登记 G0102-0001")
    assert CALL in told.text and told.reply_to == said.message_id

    for person in (world.worker, street):
        [alert] = _sends(out, person.private_chat)
        head, _, body = alert.text.partition("\n")
        assert head == ALERT
        assert body == card.text, "the card itself follows the alert"
        assert buttons_of(alert) == buttons_of(card) == [
            "tk:take:1", "tk:done:1", "tk:disp:1", "tk:rej:1"]
    # The district never started the bot and there is no staff group: an alert is staff-only,
    # so it is not posted in the residents' group but recorded as undeliverable.
    assert not [a for a in _sends(out, world.group_chat) if "区指挥中心" in a.text]
    assert district.private_chat not in {a.chat_id for a in out}
    [missed] = await undeliverable(deps)
    assert missed.kind == "emergency" and missed.member_id == district.member_id
    for person in (world.other_worker, world.leader, world.admin, world.liaison, elsewhere):
        assert _sends(out, person.private_chat) == [], person
    assert _sends(out, world.other_group_chat) == []


async def test_an_emergency_alert_reaches_a_staff_group_never_the_residents_group(deps):
    world = await build_world(deps)
    _street, district, _ = await _command_centres(deps)
    await bind_staff_group(deps, "-900", "ZHANNAN")  # the street's staff group covers below it
    await bus.receive(Script().text(world.resident, world.group_chat, "3单元煤气味很重"), deps)
    out = await take_outbox(deps)
    [by_name] = [a for a in _sends(out, "-900") if a.text.startswith("@区指挥中心 ")]
    assert by_name.text.startswith(f"@区指挥中心 {ALERT}\n🔴【紧急】")
    assert not [a for a in _sends(out, world.group_chat) if ALERT in a.text]
    assert await undeliverable(deps) == []
    assert district.private_chat not in {a.chat_id for a in out}


async def test_the_command_centre_takes_the_emergency_from_its_alert(deps):
    world = await build_world(deps)
    street, _district, _ = await _command_centres(deps)
    script = Script()
    await bus.receive(script.text(world.resident, world.group_chat, "3单元煤气味很重"), deps)
    await take_outbox(deps)
    await bus.receive(script.press(street, street.private_chat, "tk:take:1"), deps)
    made = await ticket(deps)
    assert made.status == Status.TAKEN and made.assignee_id == street.member_id


async def test_fire_and_injury_are_the_emergency_category(deps):
    world = await build_world(deps)
    script = Script()
    for text in ("2号楼5楼冒烟了，好像着火", "楼下打架有人受伤了"):
        await bus.receive(script.text(world.neighbour, world.group_chat, text), deps)
    out = await take_outbox(deps)
    assert [(t.category, t.urgent, t.reporter_id) for t in await all_tickets(deps)] == [
        ("emergency", True, world.neighbour.member_id)] * 2
    assert find_send(out, world.group_chat, "🔴【紧急】报事 G0102-0001 · 紧急情况")
    assert len(_sends(out, world.worker.private_chat)) == 2


async def test_chatter_and_ordinary_problems_still_wait(deps):
    world = await build_world(deps)
    script = Script()
    for text in ("大家早上好", "今天天气不错", "谁家的快递放错了", "垃圾桶那边有味道"):
        await bus.receive(script.text(world.resident, world.group_chat, text), deps)
    out = await take_outbox(deps)
    assert await all_tickets(deps) == []
    assert texts_to(out, world.group_chat) == ["王阿姨，登记为报事？"], "only the rubbish asks"
    assert _sends(out, world.worker.private_chat) == []


async def test_an_emergency_is_never_held_by_the_duplicate_question(deps):
    world = await build_world(deps)
    street, _district, _ = await _command_centres(deps)
    script = Script()
    await bus.receive(script.text(world.resident, world.group_chat, "3单元煤气味很重"), deps)
    await take_outbox(deps)
    await bus.receive(script.text(world.neighbour, world.group_chat, "楼道里一股煤气味"), deps)
    out = await take_outbox(deps)
    assert [t.number for t in await all_tickets(deps)] == ["G0102-0001", "G0102-0002"]
    assert not [t for t in texts_to(out, world.group_chat) if "是同一件事吗" in t]
    [alert] = _sends(out, street.private_chat)
    assert alert.text.splitlines()[:2] == [
        "🚨 紧急报事 G0102-0002，请立即处置！",
        "可能与 G0102-0001 是同一事件；如是，请发送 /merge G0102-0002 G0102-0001",
    ]
    await bus.receive(script.text(street, street.private_chat, "/merge G0102-0002 G0102-0001"),
                      deps)
    assert (await ticket(deps, "G0102-0002")).status == Status.DUPLICATE


async def test_report_command_with_an_emergency_alerts_too(deps):
    world = await build_world(deps)
    script = Script()
    await bus.receive(script.text(world.resident, world.group_chat, "/report 小区东门着火了"), deps)
    out = await take_outbox(deps)
    made = await ticket(deps)
    assert made.urgent and made.category == "emergency"
    assert made.due_at - made.created_at == timedelta(minutes=10)
    assert _sends(out, world.worker.private_chat)[0].text.startswith(ALERT)
    assert find_send(out, world.group_chat, "已按紧急情况登记 G0102-0001")


async def test_album_whose_caption_is_an_emergency_skips_the_prompt(deps):
    world = await build_world(deps)
    script = Script()
    first, captioned = (
        script.photo(world.resident, world.group_chat, caption, uid=uid, media_group_id="alb-f")
        for caption, uid in (("", "f1"), ("3号楼着火了！", "f2")))
    await bus.receive(first, deps)
    prompt = find_send(await take_outbox(deps), world.group_chat, "登记为报事")
    await bus.receive(captioned, deps)
    out = await take_outbox(deps)
    [made] = await all_tickets(deps)
    assert made.urgent and made.text == "3号楼着火了！"
    assert "已登记为报事 G0102-0001。" in [a.text for a in out if getattr(a, "ref", None)
                                        == prompt.ref]
    assert _sends(out, world.worker.private_chat)[0].text.startswith(ALERT)


async def test_a_late_caption_that_reveals_an_emergency_alerts_and_tightens_deadlines(deps):
    world = await build_world(deps)
    script = Script()
    first, captioned = (
        script.photo(world.resident, world.group_chat, caption, uid=uid, media_group_id="alb-g")
        for caption, uid in (("", "g1"), ("楼道里有人受伤了", "g2")))
    await bus.receive(first, deps)
    prompt = find_send(await take_outbox(deps), world.group_chat, "登记为报事")
    await bus.receive(script.press(world.resident, world.group_chat, buttons_of(prompt)[0]), deps)
    made = await ticket(deps)
    assert not made.urgent and made.due_at - made.created_at == timedelta(hours=1)
    await take_outbox(deps)

    await bus.receive(captioned, deps)
    out = await take_outbox(deps)
    made = await ticket(deps)
    assert (made.category, made.urgent) == ("emergency", True)
    assert made.due_at - made.created_at == timedelta(minutes=10)
    assert _sends(out, world.worker.private_chat)[0].text.startswith(ALERT)


async def test_a_private_emergency_is_filed_at_once_and_extras_follow(deps):
    world = await build_world(deps)
    script = Script()
    me = world.resident.private_chat
    await bus.receive(script.text(world.resident, me, "电梯困人了！"), deps)
    out = await take_outbox(deps)
    [made] = await all_tickets(deps)
    assert made.urgent and made.category == "emergency" and made.status == Status.NEW
    assert CALL in find_send(out, me, "已按紧急情况登记 G0102-0001").text
    assert _sends(out, world.worker.private_chat)[0].text.startswith(ALERT)
    assert find_send(out, world.group_chat, "G0102-0001").ref == "card:1"
    offer = find_send(out, me, "现场照片、位置或补充说明")
    assert buttons_of(offer) == ["cv:done:"]

    # Photos, the location and more words join the ticket; none starts another report.
    await bus.receive(script.photo(world.resident, me, uid="lift1"), deps)
    await bus.receive(script.location(world.resident, me, 40.52, 120.79), deps)
    await bus.receive(script.text(world.resident, me, "2单元东侧电梯，里面有老人"), deps)
    out = await take_outbox(deps)
    [made] = await all_tickets(deps)
    assert (made.latitude, made.longitude) == (40.52, 120.79)
    assert made.text == "电梯困人了！\n2单元东侧电梯，里面有老人"
    assert [p.file_unique_id for p in await photos_of(deps, made.id)] == ["lift1"]
    assert "2单元东侧电梯" in card_edit(out, world.group_chat).text
    await bus.receive(script.press(world.resident, me, "cv:done:"), deps)
    out = await take_outbox(deps)
    assert find_send(out, me, "正在紧急处置中")
    await bus.receive(script.text(world.resident, me, "谢谢"), deps)
    assert len(await all_tickets(deps)) == 1 and (await ticket(deps)).text.count("谢谢") == 0


async def test_a_private_emergency_with_two_grids_asks_only_the_grid(deps):
    world = await build_world(deps)
    await grant(deps, world.resident, "resident", "G0103")
    script = Script()
    me = world.resident.private_chat
    await bus.receive(script.text(world.resident, me, "楼道着火了"), deps)
    pick = find_send(await take_outbox(deps), me, "")
    assert all(d.startswith("pr:grid:") for d in buttons_of(pick))
    await bus.receive(script.press(world.resident, me, f"pr:grid:{world.other_grid_id}"), deps)
    out = await take_outbox(deps)
    [made] = await all_tickets(deps)
    assert made.urgent and made.number == "G0103-0001"
    assert find_send(out, me, "已按紧急情况登记 G0103-0001")


async def test_after_the_window_a_message_is_a_message_again(deps, clock):
    world = await build_world(deps)
    script = Script()
    me = world.resident.private_chat
    await bus.receive(script.text(world.resident, me, "电梯困人了！"), deps)
    clock.advance(minutes=31)
    await bus.receive(script.photo(world.resident, me, "5号楼门口井盖破损", uid="x1"), deps)
    [made] = await all_tickets(deps)
    assert await photos_of(deps, made.id) == [], "not added to the old emergency"
