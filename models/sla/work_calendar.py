"""Which stretches of time count towards a deadline: round the clock, or office hours only.

Datetimes go in and come out timezone-aware UTC. Office hours are wall-clock times in the
policy's timezone, so "08:30" means 08:30 in Shanghai whatever the server's zone is.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ZERO = timedelta(0)
# One office period of a day, as minutes after local midnight: (510, 720) is 08:30–12:00.
Period = tuple[int, int]


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: pass a timezone-aware (UTC) datetime")
    return moment.astimezone(UTC)


def _check_duration(duration: timedelta) -> None:
    if duration < ZERO:
        raise ValueError(f"negative duration {duration}")


class Calendar(ABC):
    """Counts time towards deadlines. `elapsed(start, add(start, d)) == d` for every d >= 0."""

    name: str

    @abstractmethod
    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest moment by which `duration` of counted time has passed since `start`."""

    @abstractmethod
    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Counted time in [start, end); zero when end is not after start."""


class ContinuousCalendar(Calendar):
    """Every second counts: nights, weekends and holidays too (24×7)."""

    def __init__(self, name: str = "continuous") -> None:
        self.name = name

    def add(self, start: datetime, duration: timedelta) -> datetime:
        _check_duration(duration)
        return _utc(start) + duration

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        return max(_utc(end) - _utc(start), ZERO)

    def __repr__(self) -> str:
        return f"ContinuousCalendar({self.name!r})"


@dataclass(eq=False)
class WorkingHoursCalendar(Calendar):
    """Office hours per weekday, minus public holidays, plus make-up working days (调休).

    `hours[0]` is Monday. A make-up day is worked with `makeup_hours` (a normal weekday's),
    whatever weekday it falls on; a holiday has no hours even on a weekday.
    """

    name: str
    tz: ZoneInfo
    hours: tuple[tuple[Period, ...], ...]
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    makeup_hours: tuple[Period, ...] = ((510, 720), (810, 1050))
    # The years the holiday lists cover (models/sla/holidays.py); None: not tracked.
    known_years: frozenset[int] | None = None
    _cache: dict[date, tuple[tuple[datetime, datetime], ...]] = field(
        default_factory=dict, init=False, repr=False
    )

    def __post_init__(self) -> None:
        if len(self.hours) != 7:
            raise ValueError("hours needs one entry per weekday, Monday first")
        if not any(self.hours):
            # Without a working weekday, add() would search the future for ever.
            raise ValueError(f"calendar {self.name!r} has no office hours on any weekday")

    def day_periods(self, day: date) -> tuple[Period, ...]:
        if day in self.workdays:
            return self.makeup_hours
        if day in self.holidays:
            return ()
        return self.hours[day.weekday()]

    def _periods_utc(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        cached = self._cache.get(day)
        if cached is None:
            midnight = datetime.combine(day, time())
            spans = []
            for first, last in self.day_periods(day):
                a = (midnight + timedelta(minutes=first)).replace(tzinfo=self.tz)
                b = (midnight + timedelta(minutes=last)).replace(tzinfo=self.tz)
                a, b = a.astimezone(UTC), b.astimezone(UTC)
                if a < b:  # a DST gap could swallow a period; Asia/Shanghai has none
                    spans.append((a, b))
            cached = self._cache[day] = tuple(spans)
        return cached

    def _open_from(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Office periods from `start` on, the first one clipped to begin at `start`."""
        day = start.astimezone(self.tz).date() - timedelta(days=1)
        while True:
            for a, b in self._periods_utc(day):
                if b > start:
                    yield max(a, start), b
            day += timedelta(days=1)

    def add(self, start: datetime, duration: timedelta) -> datetime:
        _check_duration(duration)
        start = _utc(start)
        if duration == ZERO:
            return start
        remaining = duration
        for a, b in self._open_from(start):
            if remaining <= b - a:
                return a + remaining
            remaining -= b - a
        raise AssertionError("unreachable: the office periods never end")

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        start, end = _utc(start), _utc(end)
        total = ZERO
        if end <= start:
            return total
        for a, b in self._open_from(start):
            if a >= end:
                break
            total += min(b, end) - a
        return total
