"""The location step names the attach button the person sees: ⊕ in the webchat, 📎 in Telegram."""

from __future__ import annotations

from dataclasses import replace

import pytest

from handlers import bus
from tests.support.outbox import find_send, take_outbox
from tests.support.world import Script, build_world


@pytest.mark.parametrize(("platform", "shown", "not_shown"),
                         [("webchat", "⊕ → 位置", "📎"), ("telegram", "📎 → 位置", "⊕")])
async def test_the_location_hint_names_this_platforms_button(sqlite_deps, platform, shown,
                                                             not_shown):
    deps = sqlite_deps
    world = await build_world(deps, platform=platform)
    script = Script()
    me = world.resident.private_chat
    for event in (script.text(world.resident, me, "小区门口井盖破损"),
                  script.press(world.resident, me, "cv:skip:")):
        await bus.receive(replace(event, platform=platform), deps)
    hint = find_send(await take_outbox(deps), me, "可以发送位置")
    assert shown in hint.text and not_shown not in hint.text
