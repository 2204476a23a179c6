"""429s and 5xx on a third of sendMessage calls: each message once, in order per chat.

The emulator's injected faults do not run the method (as a 429 never does, and as a 5xx from
Telegram's front end before the request reached the bot API may not): so no repeat is
allowed here. A 5xx after the message went out is the documented repeat window (README).
"""

from __future__ import annotations

import itertools

import pytest

from handlers.events import SendText
from handlers.outbox import write_outbox
from tests.emulator.api import fault_error

pytestmark = pytest.mark.e2e

PER_CHAT = 5


def fail_every_third_send(emu) -> None:
    original, counter = emu.world.take_fault, itertools.count(1)
    faults = itertools.cycle([fault_error(429, 1, None), fault_error(502, None, None),
                              fault_error(500, None, None)])

    def take_fault(method: str, params: dict):
        if method.lower() == "sendmessage" and next(counter) % 3 == 0:
            return next(faults)
        return original(method, params)

    emu.world.take_fault = take_fault


async def test_faults_on_a_third_of_calls_deliver_each_message_once_in_order(stage):
    emu, world = stage.emu, stage.world
    fail_every_third_send(emu)
    chats = [world.group_chat, world.worker.private_chat, world.leader.private_chat]
    async with stage.deps.session_factory() as s, s.begin():
        await write_outbox(s, [SendText("telegram", chat, f"第{n}条通知 #{chat}")
                               for n in range(PER_CHAT) for chat in chats],
                           stage.deps.clock.now())

    def delivered(chat):
        return [m["text"] for m in emu.bot_messages(int(chat)) if "条通知" in m["text"]]

    await emu.wait_for(lambda: all(len(delivered(c)) >= PER_CHAT for c in chats), timeout=60,
                       message="not every message arrived")
    for chat in chats:
        assert delivered(chat) == [f"第{n}条通知 #{chat}" for n in range(PER_CHAT)]
    failed = len(emu.calls("sendMessage")) - PER_CHAT * len(chats)
    assert failed >= PER_CHAT * len(chats) // 2, "a third of the calls failed and were retried"
