"""kill -9 of `gridbot run` at random points of report → ticket → reply, again and again,
then one last life that finishes the work; and the count of what came out.

Each round queues a few reports at the emulator, starts the bot, waits a random moment and
kills it with SIGKILL, so the kills land anywhere: before the store, between the store and
the handling, inside the handling transaction, between a send and its "sent" commit. The
tally compares, per report: tickets (one each), cards sent to the group (one per ticket) and
the reporter's private notice (one per ticket). A message sent twice is a duplicate; one
whose outbox row was claimed more than once is in the documented window (sent, then killed
before "sent" was committed), any other duplicate is not.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from dataclasses import dataclass, field

from sqlmodel import select

from models.messaging import OutboxMessage
from models.ticket import Ticket
from tests.e2e.test_ingest_kill import _kill, _start
from tests.faults.common import card_numbers, queue_state, report_update

FIRST_ID = 820_001
NOTICE = "您的报事已受理，编号 "


@dataclass
class Tally:
    reports: int = 0
    kills: int = 0
    tickets: int = 0
    lost_reports: int = 0
    duplicate_tickets: int = 0
    missing_messages: int = 0
    duplicate_messages: int = 0
    duplicates_in_window: int = 0
    seconds: float = 0.0
    unexplained: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.lost_reports or self.duplicate_tickets or self.missing_messages
                    or self.duplicate_messages != self.duplicates_in_window)


async def kill_loop(stage, env: dict, cwd, kills: int, per_round: int, seed: int = 9,
                    longest_life: float = 3.0) -> Tally:
    emu, rng = stage.emu, random.Random(seed)
    tally, resident = Tally(kills=kills), stage.users["resident"].id
    started = asyncio.get_running_loop().time()
    for _ in range(kills):
        for _ in range(per_round):
            n = tally.reports
            emu.inject_raw_update(report_update(FIRST_ID + n, stage.group.id, resident, n))
            tally.reports += 1
        process = _start(cwd, env)
        await asyncio.sleep(rng.uniform(0.5, longest_life))  # start-up is part of the range
        await _kill(process)
    process = _start(cwd, env)  # the last life: everything must come out, once
    try:
        # Telegram's limits pace the last life: 20 messages a minute in one group.
        await _settled(stage, tally.reports, seconds=max(300.0, tally.reports * 4.0))
    finally:
        await _kill(process)
    tally.seconds = asyncio.get_running_loop().time() - started
    await _count(stage, tally)
    return tally


async def _settled(stage, reports: int, seconds: float = 300) -> None:
    async def done() -> bool:
        async with stage.deps.session_factory() as s:
            tickets = len((await s.exec(select(Ticket.id))).all())
            busy = (await s.exec(select(OutboxMessage.id).where(
                OutboxMessage.status.in_(["pending", "sending"])))).first()
        return tickets >= reports and busy is None

    for _ in range(int(seconds / 0.2)):
        if await done():
            await asyncio.sleep(0.5)  # a late duplicate would show now
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"not settled after {seconds}s: "
                         f"{await queue_state(stage.deps.session_factory)}")


async def _count(stage, tally: Tally) -> None:
    async with stage.deps.session_factory() as s:
        tickets = list((await s.exec(select(Ticket))).all())
        rows = list((await s.exec(select(OutboxMessage))).all())
    tally.tickets = len(tickets)
    per_report = Counter(int(t.source_message_id) - 30_000 for t in tickets)
    tally.lost_reports = sum(1 for n in range(tally.reports) if n not in per_report)
    tally.duplicate_tickets = sum(c - 1 for c in per_report.values())
    sent = Counter(card_numbers(stage.emu, stage.group.id))
    private = stage.emu.calls("sendMessage")
    sent.update(f"notice {c['text'][len(NOTICE):].split('。')[0]}" for c in private
                if str(c.get("chat_id")) == str(stage.users["resident"].id)
                and c.get("text", "").startswith(NOTICE))
    attempts = _attempts_by_message(rows)
    for t in tickets:
        for key in (t.number, f"notice {t.number}"):
            times = sent.get(key, 0)
            tally.missing_messages += times == 0
            if times > 1:
                tally.duplicate_messages += times - 1
                if attempts.get(key, 1) > 1:
                    tally.duplicates_in_window += times - 1
                else:
                    tally.unexplained.append(key)


def _attempts_by_message(rows: list[OutboxMessage]) -> dict[str, int]:
    """How often each card's and notice's outbox row was claimed (a claim per attempt)."""
    import json

    attempts = {}
    for row in rows:
        text = json.loads(row.payload).get("text", "") if row.kind == "send_text" else ""
        if text.startswith("📋 报事 "):
            attempts[text.split()[2]] = row.attempts
        elif text.startswith(NOTICE):
            attempts[f"notice {text[len(NOTICE):].split('。')[0]}"] = row.attempts
    return attempts
