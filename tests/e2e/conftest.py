from __future__ import annotations

import pytest

from tests.e2e.harness import TOKEN, make_stage, start_bot
from tests.emulator import BotApiEmulator


@pytest.fixture
async def emu():
    emulator = BotApiEmulator(token=TOKEN, bot_username="gridbot_test_bot")
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture(params=["aiogram", "ptb"])
async def stage(request, emu, tmp_path):
    """The real runtime (parametrised over the Telegram runtimes), polling the emulator."""
    staged = await make_stage(emu, tmp_path, runtime=request.param)
    await start_bot(staged)
    yield staged
    await staged.stop()
    await staged.deps.session_factory.kw["bind"].dispose()
