"""The weekly and monthly digests' figures, read from the store.

They describe the tickets received (受理) in the period as they stood when it ended, read from
the audit trail, so a report sent late says what the on-time one would have said:
- received: created in the period, less those rejected (不予受理) or merged as duplicates;
- closed (办结): resolved, rated or closed; closure rate = closed / received;
- overdue: a deadline was missed (the SLA sweep's `red` step) before the period ended;
- rating: the resident's last verdict before the end (优秀 4 … 不合格 1), averaged;
- 即知即办: fixed on the spot (resolved straight from new, with no dispatch).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.reports.periods import Period
from models.lifecycle import Action, Status
from models.sla.ladder import RED_STEP
from models.ticket import SlaStep, Ticket, TicketEvent

CLOSED = frozenset({Status.RESOLVED, Status.RATED, Status.CLOSED})
NOT_RECEIVED = frozenset({Status.REJECTED, Status.DUPLICATE})
FAIL_LEVEL = 1
_TENTH = Decimal("0.1")


def _one_decimal(numerator: int, denominator: int) -> Decimal | None:
    """Rounded half up, as the reports print it; None when there is nothing to divide by."""
    if not denominator:
        return None
    return (Decimal(numerator) / denominator).quantize(_TENTH, ROUND_HALF_UP)


@dataclass
class Figures:
    received: int = 0
    closed: int = 0
    overdue: int = 0
    on_the_spot: int = 0
    ratings: list[int] = field(default_factory=list)

    def __iadd__(self, other: Figures) -> Figures:
        self.received += other.received
        self.closed += other.closed
        self.overdue += other.overdue
        self.on_the_spot += other.on_the_spot
        self.ratings += other.ratings
        return self

    @classmethod
    def total(cls, parts: Iterable[Figures]) -> Figures:
        summed = cls()
        for part in parts:
            summed += part
        return summed

    @property
    def closure_rate(self) -> Decimal | None:
        """Percent, one decimal, rounded half up (1125 of 1161 is 96.9)."""
        return _one_decimal(100 * self.closed, self.received)

    @property
    def average_rating(self) -> Decimal | None:
        return _one_decimal(sum(self.ratings), len(self.ratings))


def created_in(period: Period) -> tuple:
    """The filter for tickets reported in the period."""
    return Ticket.created_at >= period.start, Ticket.created_at < period.end


async def period_figures(
    session: AsyncSession, grid_ids: list[int], period: Period
) -> dict[int, Figures]:
    """Figures per grid for the tickets received in the period, as they stood at its end."""
    figures = {grid_id: Figures() for grid_id in grid_ids}
    if not grid_ids:
        return figures
    in_period = (Ticket.grid_id.in_(grid_ids), *created_in(period))
    cohort = select(Ticket.id).where(*in_period)
    tickets = (await session.exec(select(Ticket).where(*in_period))).all()
    events = await session.exec(
        select(TicketEvent)
        .where(TicketEvent.ticket_id.in_(cohort), TicketEvent.at < period.end)
        .order_by(TicketEvent.at, TicketEvent.id)
    )
    late = set((await session.exec(
        select(SlaStep.ticket_id).where(SlaStep.ticket_id.in_(cohort), SlaStep.step == RED_STEP,
                                        SlaStep.at < period.end)
    )).all())
    status_at_end: dict[int, str] = {}
    resolved: set[int] = set()
    verdict: dict[int, str] = {}
    for event in events.all():
        status_at_end[event.ticket_id] = event.to_status
        if event.action == Action.RESOLVE:
            resolved.add(event.ticket_id)
        elif event.action in (Action.RATE_PASS, Action.RATE_FAIL):
            verdict[event.ticket_id] = event.action
    for ticket in tickets:
        status = status_at_end.get(ticket.id, ticket.status)
        if status in NOT_RECEIVED:
            continue
        grid = figures[ticket.grid_id]
        grid.received += 1
        grid.closed += status in CLOSED
        grid.overdue += ticket.id in late
        grid.on_the_spot += ticket.on_the_spot and ticket.id in resolved
        # A pass closes the ticket, so its stored rating is still that pass; a fail is a 1.
        if verdict.get(ticket.id) == Action.RATE_FAIL:
            grid.ratings.append(FAIL_LEVEL)
        elif verdict.get(ticket.id) == Action.RATE_PASS and ticket.rating:
            grid.ratings.append(ticket.rating)
    return figures
