"""The people of the multi-worker test, acting through the emulator: residents report in
their groups, workers take the cards and close some. Telegram (the emulator) delivers each
update to the one webhook address, the balancer in front of the workers."""

from __future__ import annotations

import asyncio

from models.lifecycle import Status
from tests.workers import outcome
from tests.workers.cluster import until


class Stream:
    def __init__(self, emu, deps, grids, workers) -> None:
        self.emu, self.deps, self.grids, self.workers = emu, deps, grids, workers
        self.reports: list[str] = []  # the distinct reports, as the tickets must hold them
        self.sent: list[str] = []  # those posted so far

    def _grid(self, number: str):
        return next(g for g in self.grids if number.startswith(g.code + "-"))

    def _card(self, number: str) -> dict | None:
        group = self._grid(number).group
        cards = [m for m in self.emu.bot_messages(group) if number in m.get("text", "")]
        return cards[0] if cards else None

    async def report(self, per_grid: int, start: int = 1) -> None:
        """Each of `per_grid` new residents of every grid sends one /report, all at once."""
        async def one(grid, k: int) -> None:
            uid = 100_000 + int(grid.code[1:]) * 100 + k
            resident = self.emu.add_user(f"居民{uid}", language_code="zh-hans", started=True,
                                         user_id=uid)
            self.emu.add_member(grid.group, resident)
            text = f"{grid.code} 第{k}号楼楼道声控灯不亮"
            self.reports.append(text)
            await self.emu.send_text(resident, grid.group, f"/report {text}")
            self.sent.append(text)

        await asyncio.gather(*(one(grid, k) for k in range(start, start + per_grid)
                               for grid in self.grids))
        await until(self._all_cards_out, "a card for every report", 90, self.workers)

    async def _all_cards_out(self) -> bool:
        tickets = {t.text: t for t in await outcome.tickets(self.deps)}
        return all(text in tickets and self._card(tickets[text].number)
                   for text in self.reports)

    async def _press(self, user, message: dict | None, verb: str) -> None:
        assert message is not None, f"no message to press {verb} on: {self.emu.requests[-5:]}"
        [data] = [b["callback_data"] for row in message["reply_markup"]["inline_keyboard"]
                  for b in row if b.get("callback_data", "").startswith(verb)]
        await self.emu.press_button(user, message, data)

    async def take_all(self) -> None:
        new = [t for t in await outcome.tickets(self.deps) if t.status == Status.NEW]
        for ticket in new:
            await self._press(self._grid(ticket.number).worker, self._card(ticket.number),
                              "tk:take:")

        async def all_taken() -> bool:
            return all(t.status != Status.NEW for t in await outcome.tickets(self.deps))

        await until(all_taken, "every ticket taken", 90, self.workers)

    async def close_first_of_each_grid(self) -> None:
        """[办结] on each grid's first ticket, then [跳过] in the worker's private chat."""
        async def close(grid) -> None:
            number = f"{grid.code}-0001"
            await self._press(grid.worker, self._card(number), "tk:done:")
            chat = self.emu.private_chat(grid.worker)

            def prompt():
                asks = [m for m in self.emu.bot_messages(chat)
                        if number in m.get("text", "") and m.get("reply_markup")]
                return asks[-1] if asks else None

            await until(prompt, f"the [办结] step of {number}", 60, self.workers)
            await self._press(grid.worker, prompt(), "cv:skip")

        await asyncio.gather(*(close(grid) for grid in self.grids))

        async def all_resolved() -> bool:
            done = {t.number for t in await outcome.tickets(self.deps)
                    if t.status not in (Status.NEW, Status.TAKEN)}
            return all(f"{g.code}-0001" in done for g in self.grids)

        await until(all_resolved, "each grid's first ticket resolved", 90, self.workers)

    def assert_one_card_per_ticket(self, tickets, may_repeat: frozenset = frozenset()) -> None:
        """A card's first line, as first sent, is "📋 报事 G0201-0001 · 类别". A card in
        `may_repeat` (a killed sender's uncommitted sends) may have a second copy."""
        received = outcome.received_messages(self.emu)
        for ticket in tickets:
            group = self._grid(ticket.number).group
            cards = [key for key, n in received.items() for _ in range(n)
                     if key[0] == str(group.id)
                     and f"报事 {ticket.number} " in key[1].split("\n", 1)[0]]
            allowed = 2 if cards and cards[0] in may_repeat else 1
            assert 1 <= len(cards) <= allowed, f"{ticket.number}: {cards} in its group"
