"""Reading the small values of sla_policy.yaml, each failure naming the key that holds it."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from models.sla.work_calendar import Period

_DURATION = re.compile(r"(?:\d+[dhm])+")
_DURATION_PART = re.compile(r"(\d+)([dhm])")
_UNITS = {"d": timedelta(days=1), "h": timedelta(hours=1), "m": timedelta(minutes=1)}
_PERIOD = re.compile(r"(\d{1,2}):(\d{2})\s*[-–~]\s*(\d{1,2}):(\d{2})")
_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def format_duration(duration: timedelta) -> str:
    """In the policy's notation, in hours as people say them: 90 minutes is 1h30m, 3 days 72h."""
    hours, minutes = divmod(int(duration.total_seconds() // 60), 60)
    return "".join(f"{n}{unit}" for n, unit in ((hours, "h"), (minutes, "m")) if n) or "0m"


class PolicyError(ValueError):
    """sla_policy.yaml is wrong: says which file, which key and what is wrong with it."""

    def __init__(self, source: str, key: str, problem: str) -> None:
        super().__init__(f"{source}: {key}: {problem}")
        self.source, self.key, self.problem = source, key, problem


class Reader:
    """Parses values of one file, raising PolicyError with the file's name."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, problem: str) -> PolicyError:
        return PolicyError(self.source, key, problem)

    def mapping(self, value: object, key: str, allowed: set[str] | None = None) -> dict:
        if not isinstance(value, dict):
            raise self.fail(key, f"expected a mapping of keys, got {value!r}")
        for name in value:
            if allowed is not None and name not in allowed:
                raise self.fail(
                    f"{key}.{name}", f"unknown key; expected one of {', '.join(sorted(allowed))}"
                )
        return value

    def duration(self, value: object, key: str) -> timedelta:
        text = str(value).strip().replace(" ", "")
        if isinstance(value, bool) or not _DURATION.fullmatch(text):
            raise self.fail(key, f"{value!r} is not a duration; write it like 90m, 3h, 2d or 1h30m")
        total = sum((int(n) * _UNITS[u] for n, u in _DURATION_PART.findall(text)), timedelta())
        if total <= timedelta(0):
            raise self.fail(key, f"{value!r} must be longer than zero")
        return total

    def fraction(self, value: object, key: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
            raise self.fail(key, f"{value!r} must be a number between 0 and 1, like 0.8")
        return float(value)

    def periods(self, value: object, key: str) -> tuple[Period, ...]:
        """A day's office hours: a list like ["08:30-12:00", "13:30-17:30"], or []."""
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(
                key, f'expected a list like ["08:30-12:00", "13:30-17:30"], got {value!r}'
            )
        periods: list[Period] = []
        for i, item in enumerate(value):
            found = _PERIOD.fullmatch(item.strip()) if isinstance(item, str) else None
            if not found:
                raise self.fail(
                    f"{key}[{i}]", f"{item!r} is not a period; write it quoted, like '08:30-12:00'"
                )
            h1, m1, h2, m2 = map(int, found.groups())
            first, last = h1 * 60 + m1, h2 * 60 + m2
            if m1 > 59 or m2 > 59 or last > 24 * 60 or first >= last:
                raise self.fail(f"{key}[{i}]", f"{item!r}: the start must come before the end")
            if periods and first < periods[-1][1]:
                raise self.fail(f"{key}[{i}]", f"{item!r} overlaps or precedes the period before")
            periods.append((first, last))
        return tuple(periods)

    def dates(self, value: object, key: str) -> set[date]:
        """A list of dates (2026-10-01) and inclusive ranges ("2026-10-01..2026-10-07")."""
        if value is None:
            return set()
        if not isinstance(value, list):
            raise self.fail(key, f"expected a list of dates, got {value!r}")
        days: set[date] = set()
        for i, item in enumerate(value):
            try:
                if isinstance(item, datetime):
                    raise ValueError(item)
                if isinstance(item, date):
                    first = last = item
                else:
                    found = _RANGE.fullmatch(str(item).strip())
                    ends = found.groups() if found else (str(item).strip(),) * 2
                    first, last = (date.fromisoformat(end) for end in ends)
            except ValueError:
                raise self.fail(
                    f"{key}[{i}]",
                    f"{item!r} is not a date like 2026-10-01 or a range "
                    "like 2026-10-01..2026-10-07",
                ) from None
            if last < first:
                raise self.fail(f"{key}[{i}]", f"{item!r}: the range ends before it starts")
            days.update(first + timedelta(days=n) for n in range((last - first).days + 1))
        return days
