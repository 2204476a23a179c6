"""The traffic light and the reminder/escalation ladder (督办) for one deadline.

Ladder, in order: `yellow` (reminder to the holder once `yellow_at` of the time is used), `red`
(breach notice when the deadline is reached), then `escalate_1`, `escalate_2`, … one tier up
each (grid → community → street → district), each a margin after the step before. Margins
count on the rule's calendar: an office-hours matter does not climb to the district overnight.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from fractions import Fraction

from models.sla.work_calendar import Calendar


class Light(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


YELLOW_STEP, RED_STEP = "yellow", "red"


@dataclass(frozen=True)
class Tier:
    to: str  # the org level that takes over the follow-up: community, street or district
    after: timedelta  # wait after the previous step (after the deadline, for the first tier)
    card: str | None = None  # the 督办 card it comes with: yellow_card 黄牌, red_card 红牌


@dataclass(frozen=True)
class Escalation:
    yellow_at: float
    tiers: tuple[Tier, ...]

    @property
    def steps(self) -> tuple[str, ...]:
        return (YELLOW_STEP, RED_STEP, *(f"escalate_{i}" for i in range(1, len(self.tiers) + 1)))

    def tier_of(self, step: str) -> Tier | None:
        """The tier an `escalate_N` step goes to; None for `yellow` and `red`."""
        if not step.startswith("escalate_"):
            return None
        return self.tiers[int(step.removeprefix("escalate_")) - 1]


def yellow_after(total: timedelta, yellow_at: float) -> timedelta:
    """Counted time after which the light turns yellow, rounded up to the microsecond.

    Exact arithmetic (0.8 is 4/5, not 0.8000000000000000444), so the light and the ladder agree
    to the microsecond on when 80 % is reached.
    """
    share = Fraction(str(yellow_at)) * (total // timedelta(microseconds=1))
    return timedelta(microseconds=math.ceil(share))


def light(
    reported_at: datetime, due: datetime, now: datetime, calendar: Calendar, yellow_at: float
) -> Light:
    """Green below `yellow_at` of the counted time from report to due, yellow from there, and red
    from the deadline itself on (at 100 % the time is used up)."""
    if now >= due:
        return Light.RED
    used = calendar.elapsed(reported_at, now)
    total = calendar.elapsed(reported_at, due)
    return Light.YELLOW if used >= yellow_after(total, yellow_at) else Light.GREEN


def step_times(
    reported_at: datetime, due: datetime, escalation: Escalation, calendar: Calendar
) -> list[tuple[str, datetime]]:
    """Each ladder step with the moment it falls due, in ladder (and time) order."""
    total = calendar.elapsed(reported_at, due)
    times = [
        (YELLOW_STEP, calendar.add(reported_at, yellow_after(total, escalation.yellow_at))),
        (RED_STEP, due),
    ]
    at = due
    for step, tier in zip(escalation.steps[2:], escalation.tiers, strict=True):
        at = calendar.add(at, tier.after)
        times.append((step, at))
    return times


def next_step(
    reported_at: datetime,
    due: datetime,
    now: datetime,
    steps_done: Collection[str],
    escalation: Escalation,
    calendar: Calendar,
) -> list[str]:
    """Every step that is due by `now` and not in `steps_done`, in ladder order.

    The caller records what it emitted; a sweep that runs late gets all the steps it missed, so
    none is skipped and none repeats.
    """
    return [
        step
        for step, at in step_times(reported_at, due, escalation, calendar)
        if at <= now and step not in steps_done
    ]


def when_next(
    reported_at: datetime,
    due: datetime,
    steps_done: Collection[str],
    escalation: Escalation,
    calendar: Calendar,
) -> datetime | None:
    """When the earliest step not yet done falls due (for a scheduler's wake-up), or None."""
    pending = [
        at
        for step, at in step_times(reported_at, due, escalation, calendar)
        if step not in steps_done
    ]
    return min(pending, default=None)
