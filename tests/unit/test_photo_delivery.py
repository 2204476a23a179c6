"""The sender delivers photo messages like texts: in the chat's order, through a 429, and a
blocked resident's after-photos follow her rating request into the group."""

from __future__ import annotations

from functools import partial

from bot.adapters.base import RetryAfter, Undeliverable
from bot.sender import Sender
from handlers import bus, delivery
from handlers.events import OutPhoto, SendPhotos, SendText
from tests.support.world import Script, build_world
from tests.unit.test_sender import FAST, FakeTransport, _queue, _statuses

ALBUM = (OutPhoto("file-a"), OutPhoto("file-b"))


async def test_a_429_on_the_photos_holds_the_rating_request_behind_them(deps, clock):
    transport = FakeTransport()
    transport.faults = [RetryAfter(5)]
    sender = Sender(deps.session_factory, {"telegram": transport}, clock, FAST)
    await _queue(deps, SendPhotos("telegram", "1001", ALBUM, "办结后的现场照片"),
                 SendText("telegram", "1001", "请评价"))
    await sender.run_once()
    assert transport.calls == [] and await _statuses(deps) == ["pending", "pending"]
    clock.advance(seconds=6)
    await sender.run_once()
    assert transport.calls == [("photos", "1001", "办结后的现场照片"), ("send", "1001", "请评价")]
    assert await _statuses(deps) == ["sent", "sent"]


class BlockedResident(FakeTransport):
    def __init__(self, blocked: str) -> None:
        super().__init__()
        self.blocked = blocked

    async def send_text(self, action, reply_to):
        if action.chat_id == self.blocked:
            raise Undeliverable("Forbidden: bot was blocked by the user")
        return await super().send_text(action, reply_to)

    async def send_photos(self, action, reply_to):
        if action.chat_id == self.blocked:
            raise Undeliverable("Forbidden: bot was blocked by the user")
        return await super().send_photos(action, reply_to)


async def test_a_blocked_resident_gets_the_photos_in_the_group_before_the_request(deps, clock):
    world = await build_world(deps)
    transport = BlockedResident(world.resident.private_chat)
    sender = Sender(deps.session_factory, {"telegram": transport}, clock, FAST,
                    on_undeliverable=partial(delivery.on_undeliverable, deps))
    script = Script()
    await bus.receive(script.text(world.resident, world.group_chat, "/report 3号楼声控灯不亮"),
                      deps)
    for data in ("tk:take:1", "tk:done:1"):
        await bus.receive(script.press(world.worker, world.group_chat, data), deps)
    me = world.worker.private_chat
    await bus.receive(script.photo(world.worker, me, uid="after1"), deps)
    await bus.receive(script.press(world.worker, me, "cv:done:"), deps)
    for _ in range(5):
        await sender.run_once()
    in_group = [(kind, text) for kind, chat, text in transport.calls
                if chat == world.group_chat and (kind == "photos" or "请评价" in text)]
    assert in_group == [("photos", "G0102-0001 办结后的现场照片"),
                        ("send", in_group[1][1])], transport.calls
    assert in_group[1][1].startswith("@王阿姨 ")
