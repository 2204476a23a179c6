"""`gridbot demo`: the demo org, its groups, and a clock the viewer can fast-forward."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import select

import locales
from models.clock import Clock
from models.org import Area, ChatGroup, Member
from models.org.importer import import_org
from web.webchat import PLATFORM
from web.webchat.tables import DemoClockState

DEMO_ORG = Path(__file__).with_name("demo_org.yaml")


class DemoClock(Clock):
    """Real time plus an offset the viewer moves forward; never backwards.

    The offset is kept in the database (`demo_clock`): restarting `gridbot demo` on the same
    file must not put the clock back, or the chat would show 12-01 followed by 11-30 and the
    deadlines already passed would seem to lie in the future again.
    """

    def __init__(self) -> None:
        self._offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def advance(self, **delta: float) -> datetime:
        self._offset += timedelta(**delta)
        return self.now()

    async def restore(self, session_factory) -> None:
        async with session_factory() as s:
            row = await s.get(DemoClockState, 1)
        if row is not None:
            self._offset = max(self._offset, timedelta(seconds=row.offset_seconds))

    async def save(self, session_factory) -> None:
        async with session_factory() as s, s.begin():
            row = await s.get(DemoClockState, 1) or DemoClockState(id=1)
            row.offset_seconds = self._offset.total_seconds()
            s.add(row)


async def seed_if_empty(session_factory, clock: Clock, locale: str = locales.DEFAULT) -> bool:
    """Load the demo org and open one group per grid, unless there is data already.

    The groups speak `locale` (GRIDBOT_DEFAULT_LOCALE): an English demo has English groups."""
    async with session_factory() as s:
        if (await s.exec(select(Area.id).limit(1))).first() is not None:
            return False
    await import_org(session_factory, DEMO_ORG, clock=clock)
    async with session_factory() as s, s.begin():
        grids = (await s.exec(select(Area).where(Area.kind == "grid").order_by(Area.code))).all()
        for grid in grids:
            s.add(ChatGroup(platform=PLATFORM, chat_id=f"-{grid.code.lower()}",
                            area_id=grid.id, locale=locale,
                            title=locales.t(locale, "webchat-demo-group-title", grid=grid.name),
                            bound_at=clock.now()))
        members = (await s.exec(select(Member).where(Member.platform == PLATFORM))).all()
        for member in members:
            member.private_chat_id = member.platform_user_id  # everyone can open the bot chat
            s.add(member)
    return True
