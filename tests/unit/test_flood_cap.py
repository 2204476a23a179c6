"""A resident flooding a group: at most N reports per person per sliding hour, a polite
refusal (zh and en), staff and emergencies exempt (handlers/intake/flood_cap.py)."""

from __future__ import annotations

from handlers import bus
from handlers.events import AnswerButton, SendText
from tests.support.outbox import find_send, take_outbox
from tests.support.world import Script, build_world
from tests.unit._helpers import (
    add_person,
    all_tickets,
    only_alert,
    report_in_group,
    say_refused,
)

CAP = 10
PROBLEMS = [f"{n}号楼楼道灯坏了" for n in range(1, CAP + 2)]  # one more than the cap


def _fresh(deps):
    deps.config.report_cap_per_hour = CAP
    deps.config.duplicate_window_hours = 0  # every report here is its own ticket


async def _fill_the_hour(deps, script, world, person=None):
    for text in PROBLEMS[:CAP]:
        await report_in_group(deps, script, world, text, person=person)


async def test_the_eleventh_report_is_refused_and_the_emergency_goes_through(deps, clock):
    _fresh(deps)
    world = await build_world(deps)
    script = Script()
    await _fill_the_hour(deps, script, world)
    assert len(await all_tickets(deps)) == CAP

    refusal = await say_refused(deps, script, world.resident, world.group_chat,
                                f"/report {PROBLEMS[CAP]}")
    assert refusal.startswith(f"您一小时内已经报了 {CAP} 件事")
    # the first report was made at the fake clock's start: she may report again an hour on
    assert "请 " in refusal and "以后再报" in refusal and "紧急情况" in refusal

    await bus.receive(script.text(world.resident, world.group_chat, "/report 3号楼燃气泄漏了"),
                      deps)
    out = await take_outbox(deps)
    tickets = await all_tickets(deps)
    assert len(tickets) == CAP + 1 and tickets[-1].urgent
    assert find_send(out, world.group_chat, tickets[-1].number)

    # A plain problem message gets the same sentence instead of a [登记] prompt.
    await say_refused(deps, script, world.resident, world.group_chat, "楼道灯坏了，没人修")


async def test_the_window_slides_and_other_residents_are_not_affected(deps, clock):
    _fresh(deps)
    world = await build_world(deps)
    script = Script()
    await _fill_the_hour(deps, script, world)
    await report_in_group(deps, script, world, PROBLEMS[CAP], person=world.neighbour)
    clock.advance(minutes=61)
    await report_in_group(deps, script, world, PROBLEMS[CAP])
    assert len(await all_tickets(deps)) == CAP + 2


async def test_staff_are_never_capped(deps):
    _fresh(deps)
    world = await build_world(deps)
    script = Script()
    await _fill_the_hour(deps, script, world, person=world.worker)
    await report_in_group(deps, script, world, PROBLEMS[CAP], person=world.worker)
    assert len(await all_tickets(deps)) == CAP + 1


async def test_a_prompt_shown_before_the_cap_is_refused_when_pressed(deps):
    """Eleven [登记] prompts while under the cap must not make eleven tickets."""
    _fresh(deps)
    world = await build_world(deps)
    script = Script()
    await bus.receive(script.text(world.resident, world.group_chat, PROBLEMS[CAP]), deps)
    prompt = find_send(await take_outbox(deps), world.group_chat, "登记为报事")
    await _fill_the_hour(deps, script, world)
    data = prompt.buttons[0][0].data
    assert data.startswith("dr:y:")
    event = script.press(world.resident, world.group_chat, data)
    await bus.receive(event, deps)
    alert = only_alert(await take_outbox(deps), event.callback_id)
    assert alert.text.startswith(f"您一小时内已经报了 {CAP} 件事")
    assert len(await all_tickets(deps)) == CAP


async def test_the_private_report_is_capped_too_in_english(deps):
    _fresh(deps)
    world = await build_world(deps)
    script = Script()
    await _fill_the_hour(deps, script, world)
    async with deps.session_factory() as s, s.begin():
        from models.org import Member

        member = await s.get(Member, world.resident.member_id)
        member.locale = "en"
    me = world.resident.private_chat
    await bus.receive(script.text(world.resident, me, "the lift button is broken"), deps)
    [reply] = await take_outbox(deps)
    assert isinstance(reply, SendText) and reply.chat_id == me
    assert reply.text.startswith(f"You have reported {CAP} problems within the hour")
    assert "error-" not in reply.text and "{" not in reply.text
    assert len(await all_tickets(deps)) == CAP


async def test_a_private_report_begun_under_the_cap_is_refused_at_submit(deps):
    _fresh(deps)
    world = await build_world(deps)
    script = Script()
    me = world.resident.private_chat
    await bus.receive(script.text(world.resident, me, PROBLEMS[CAP]), deps)
    for _ in range(2):  # no photo, no location
        await bus.receive(script.press(world.resident, me, "cv:skip:"), deps)
    await take_outbox(deps)
    await _fill_the_hour(deps, script, world)
    event = script.press(world.resident, me, "pr:submit:")
    await bus.receive(event, deps)
    [answer] = [a for a in await take_outbox(deps) if isinstance(a, AnswerButton)]
    assert answer.alert and answer.text.startswith(f"您一小时内已经报了 {CAP} 件事")
    assert len(await all_tickets(deps)) == CAP


async def test_zero_turns_the_cap_off(deps):
    _fresh(deps)
    deps.config.report_cap_per_hour = 0
    world = await build_world(deps)
    script = Script()
    extra = await add_person(deps, "1009", "张阿姨")
    for text in PROBLEMS:
        await report_in_group(deps, script, world, text, person=extra)
    assert len(await all_tickets(deps)) == len(PROBLEMS)


def test_the_setting_reaches_the_handlers(monkeypatch, tmp_path):
    from bot.bootstrap import build_core
    from bot.settings import load_settings

    monkeypatch.setenv("GRIDBOT_REPORT_CAP_PER_HOUR", "3")
    settings = load_settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/x.db")
    assert settings.report_cap_per_hour == 3
    assert build_core(settings).deps.config.report_cap_per_hour == 3
    assert type(settings).model_fields["report_cap_per_hour"].default == 10
