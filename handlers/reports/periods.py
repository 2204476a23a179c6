"""The periods the digests cover, cut on the deployment's local clock and held as UTC.

- day: the 24 hours up to 18:00 (18:00 to 18:00, so a ticket reported in the evening is
  counted in the next report rather than in none);
- week: last Monday 00:00 to this Monday 00:00;
- month: the last calendar month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAILY_AT = time(18, 0)  # the daily cut; the scheduler fires at this time too
MIDNIGHT = time()


@dataclass(frozen=True)
class Period:
    cadence: str  # day | week | month
    start: datetime  # UTC, inclusive
    end: datetime  # UTC, exclusive
    label: str  # 2026-11-22 | 2026-W47 | 2026-11: part of the idempotency ref
    first: date  # local dates, for the texts
    last: date


def _utc(day: date, when: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, when, tzinfo=tz).astimezone(UTC)


def _whole_days(cadence: str, label: str, first: date, following: date, tz: ZoneInfo) -> Period:
    """Local midnight of `first` up to local midnight of `following`."""
    return Period(cadence, _utc(first, MIDNIGHT, tz), _utc(following, MIDNIGHT, tz), label,
                  first, following - timedelta(days=1))


def day_period(now: datetime, tz: ZoneInfo) -> Period:
    """The 24 hours up to the latest 18:00 at or before `now`, local time."""
    local = now.astimezone(tz)
    day = local.date() if local.time() >= DAILY_AT else local.date() - timedelta(days=1)
    start = _utc(day - timedelta(days=1), DAILY_AT, tz)
    return Period("day", start, _utc(day, DAILY_AT, tz), day.isoformat(), day, day)


def week_period(now: datetime, tz: ZoneInfo) -> Period:
    """Last week, Monday 00:00 to Monday 00:00 local."""
    this_monday = now.astimezone(tz).date()
    this_monday -= timedelta(days=this_monday.weekday())
    first = this_monday - timedelta(days=7)
    year, week, _ = first.isocalendar()
    return _whole_days("week", f"{year}-W{week:02d}", first, this_monday, tz)


def month_period(now: datetime, tz: ZoneInfo) -> Period:
    """Last calendar month, local."""
    this_first = now.astimezone(tz).date().replace(day=1)
    first = (this_first - timedelta(days=1)).replace(day=1)
    return _whole_days("month", f"{first:%Y-%m}", first, this_first, tz)
