"""The loaded SLA policy: which deadlines, clock and ladder apply to a ticket, and when it is due.

Which milestone a ticket is measured against, by status:
- new → take (接单); taken → on_site (到场)
- on_site and reopened → resolve (解决). A reopened ticket (返工) should be measured from the
  time it was reopened: pass that as `reported_at`, or it is born red after the first 24 h.
- resolved → feedback (反馈) until the resident has been told what was done, then accept (验收)
- rated → None: the resident's rating is the acceptance; closing it is bookkeeping.
- closed, rejected, duplicate → None; so is waiting (待居民配合): the clock stands still.
All deadlines count from the report, not from the previous milestone (the pilot's 3/24/36/48 h).
After a pause, measure from `clock_start(...)`: the report time moved on by the paused time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import pairwise
from typing import NamedTuple
from zoneinfo import ZoneInfo

from models.lifecycle import Status
from models.sla.ladder import Escalation
from models.sla.work_calendar import Calendar


class Milestone(StrEnum):
    TAKE = "take"  # 接单
    ON_SITE = "on_site"  # 到场
    RESOLVE = "resolve"  # 解决
    FEEDBACK = "feedback"  # 反馈
    ACCEPT = "accept"  # 验收


@dataclass(frozen=True)
class Deadlines:
    """How long after the report each milestone is due, counted on the rule's calendar."""

    take: timedelta
    on_site: timedelta
    resolve: timedelta
    feedback: timedelta
    accept: timedelta

    def of(self, milestone: Milestone | str) -> timedelta:
        return getattr(self, Milestone(milestone).value)

    def out_of_order(self) -> tuple[str, str] | None:
        """The first pair (earlier, later) where the later milestone is due first, or None."""
        names = [f.name for f in fields(self)]
        for earlier, later in pairwise(names):
            if getattr(self, later) < getattr(self, earlier):
                return earlier, later
        return None


class Rule(NamedTuple):
    deadlines: Deadlines
    calendar: Calendar
    escalation: Escalation


_MILESTONE_BY_STATUS = {
    Status.NEW: Milestone.TAKE,
    Status.TAKEN: Milestone.ON_SITE,
    Status.ON_SITE: Milestone.RESOLVE,
    Status.REOPENED: Milestone.RESOLVE,
}


def milestone_for(status: Status | str, feedback_given: bool = False) -> Milestone | None:
    """The deadline a ticket in `status` is racing against now, or None when none applies."""
    status = Status(status)
    if status is Status.RESOLVED:
        return Milestone.ACCEPT if feedback_given else Milestone.FEEDBACK
    return _MILESTONE_BY_STATUS.get(status)


@dataclass(frozen=True)
class SlaPolicy:
    timezone: ZoneInfo
    calendars: Mapping[str, Calendar]
    # (category code, urgent) → rule; the category None holds the defaults and the urgent rule.
    rules: Mapping[tuple[str | None, bool], Rule]
    urgent_categories: frozenset[str]

    def rule_for(self, category: str | None, urgent: bool = False) -> Rule:
        """The rule for a ticket. Categories marked urgent (gas) are urgent whatever the flag
        says; an unknown category gets the defaults."""
        urgent = urgent or category in self.urgent_categories
        return self.rules.get((category, urgent)) or self.rules[(None, urgent)]

    def clock_start(
        self, reported_at: datetime, category: str | None, urgent: bool, paused: timedelta
    ) -> datetime:
        """Where the deadline clock starts once `paused` of counted time has been spent waiting
        for the resident: pass it as `reported_at` to due_at, light and next_step. Measure
        each pause as `calendar.elapsed(paused_at, resumed_at)` (office time, for an office
        rule), not in wall seconds: a weekend's wait adds no office time."""
        return self.rule_for(category, urgent).calendar.add(reported_at, paused)

    def due_at(
        self,
        reported_at: datetime,
        category: str | None,
        urgent: bool,
        milestone: Milestone | str,
    ) -> datetime:
        deadlines, calendar, _ = self.rule_for(category, urgent)
        return calendar.add(reported_at, deadlines.of(milestone))
