"""A one-shot keyboard loses its buttons once used: [提交]/[取消], [是，+1]/[不是] in a private
report, the department list of [转派], the step buttons ([下一步], [跳过], [完成])."""

from __future__ import annotations

from handlers import bus
from handlers.events import EditText
from tests.support.outbox import find_send, take_outbox
from tests.support.world import Script, build_world
from tests.unit._helpers import report_in_group


def _cleared(out, chat_id: str, ref: str) -> EditText:
    [edit] = [a for a in out if isinstance(a, EditText) and a.chat_id == chat_id and a.ref == ref]
    assert edit.buttons == (), edit
    return edit


async def test_submit_and_cancel_go_once_the_report_is_submitted(deps):
    world = await build_world(deps)
    script = Script()
    me = world.resident.private_chat
    await bus.receive(script.text(world.resident, me, "小区门口井盖破损"), deps)
    asked = find_send(await take_outbox(deps), me, "照片")
    await bus.receive(script.press(world.resident, me, "cv:skip:"), deps)
    out = await take_outbox(deps)
    _cleared(out, me, asked.ref)
    location = find_send(out, me, "位置")
    await bus.receive(script.press(world.resident, me, "cv:skip:"), deps)
    out = await take_outbox(deps)
    _cleared(out, me, location.ref)
    summary = find_send(out, me, "请确认报事内容")
    assert summary.ref and summary.buttons
    await bus.receive(script.press(world.resident, me, "pr:submit:"), deps)
    out = await take_outbox(deps)
    assert _cleared(out, me, summary.ref).text == summary.text


async def test_same_or_not_goes_once_answered_privately(deps):
    world = await build_world(deps)
    script = Script()
    me = world.neighbour.private_chat
    await report_in_group(deps, script, world, "3号楼楼道声控灯不亮")
    await bus.receive(script.text(world.neighbour, me, "3号楼楼道声控灯不亮"), deps)
    for _ in range(2):
        await bus.receive(script.press(world.neighbour, me, "cv:skip:"), deps)
    await take_outbox(deps)
    await bus.receive(script.press(world.neighbour, me, "pr:submit:"), deps)
    question = find_send(await take_outbox(deps), me, "G0102-0001")
    assert question.buttons
    await bus.receive(script.press(world.neighbour, me, "pr:same:"), deps)
    _cleared(await take_outbox(deps), me, question.ref)


async def test_the_department_list_goes_once_one_is_chosen(deps):
    world = await build_world(deps)
    script = Script()
    me = world.worker.private_chat
    await report_in_group(deps, script, world, "5号楼暖气片不热")
    await bus.receive(script.press(world.worker, world.group_chat, "tk:disp:1"), deps)
    pick = find_send(await take_outbox(deps), me, "转派的部门")
    await bus.receive(script.press(world.worker, me, f"dp:1:{world.heating_id}"), deps)
    edit = _cleared(await take_outbox(deps), me, pick.ref)
    assert edit.text == "G0102-0001 已转派 供暖 · 联络员 王联络员"
