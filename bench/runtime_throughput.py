"""Inbound throughput of the two Telegram runtimes, measured in one run against the emulator.

    .venv/bin/python -m bench.runtime_throughput [N]

For each runtime: a fresh database with the test org, the real runtime polling the project's
Bot API emulator on 127.0.0.1, then N `/report` updates queued at once. The figure is how
long until every update is stored and handled (a ticket each), so it measures the framework's
update intake plus our handlers, not Telegram's send limits. Machines here are noisy: read
the ratio between runtimes of one run, not the absolute numbers.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func
from sqlmodel import select

from models.messaging import InboxUpdate
from tests.e2e.harness import TOKEN, make_stage, start_bot
from tests.emulator import BotApiEmulator


def _update(n: int, chat_id: int, user_id: int) -> dict:
    text = f"/report 第{n}号：楼道声控灯不亮"
    return {
        "update_id": 500_000 + n,
        "message": {
            "message_id": 10_000 + n, "date": 1_790_000_000,
            "chat": {"id": chat_id, "type": "supergroup", "title": "四海二网格群"},
            "from": {"id": user_id, "is_bot": False, "first_name": "王阿姨"},
            "text": text, "entities": [{"type": "bot_command", "offset": 0, "length": 7}],
        },
    }


async def _done(stage) -> int:
    async with stage.deps.session_factory() as s:
        return (await s.exec(select(func.count()).select_from(InboxUpdate).where(
            InboxUpdate.status == "done"))).one()


async def measure(runtime: str, n: int, tmp: Path) -> float:
    emu = BotApiEmulator(token=TOKEN, bot_username="gridbot_test_bot")
    await emu.start()
    stage = await make_stage(emu, tmp, runtime=runtime)
    try:
        await start_bot(stage)
        await asyncio.sleep(0.5)  # let start-up traffic (commands menu) settle
        started = time.perf_counter()
        for i in range(n):
            emu.inject_raw_update(_update(i, stage.group.id, stage.users["resident"].id))
        while await _done(stage) < n:  # noqa: ASYNC110 - the database is what we watch
            await asyncio.sleep(0.02)
        return time.perf_counter() - started
    finally:
        await stage.stop()
        await stage.deps.session_factory.kw["bind"].dispose()
        await emu.stop()


async def main(n: int, rounds: int = 3) -> None:
    results: dict[str, list[float]] = {"aiogram": [], "ptb": []}
    for round_no in range(rounds):
        for runtime in results:  # interleaved, so a noisy moment hits both
            with tempfile.TemporaryDirectory() as tmp:
                results[runtime].append(await measure(runtime, n, Path(tmp)))
        print(f"round {round_no + 1}: " + ", ".join(
            f"{r} {results[r][-1]:.2f}s" for r in results), flush=True)
    medians = {r: statistics.median(v) for r, v in results.items()}
    for runtime, seconds in medians.items():
        print(f"{runtime:8s} {n} updates in {seconds:.2f}s median → {n / seconds:.0f} updates/s")
    print(f"ratio ptb/aiogram time: {medians['ptb'] / medians['aiogram']:.2f}")


if __name__ == "__main__":
    count = int(next((a for a in sys.argv[1:] if a.isdigit()), "200"))
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(count))
