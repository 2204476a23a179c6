"""Read one calendar of sla_policy.yaml: office hours, holidays and make-up days (调休)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from models.sla.holidays import DayLists, merge, national_days
from models.sla.parse import WEEKDAYS, Reader
from models.sla.work_calendar import Calendar, ContinuousCalendar, WorkingHoursCalendar

CALENDAR_KEYS = {"type", "hours", "makeup_hours", "holidays", "workdays", "national_holidays"}


def read_calendar(read: Reader, spec: object, name: str, tz: ZoneInfo) -> Calendar:
    """One entry of `calendars:`, continuous or working_hours."""
    key = f"calendars.{name}"
    spec = read.mapping(spec, key, CALENDAR_KEYS)
    kind = spec.get("type")
    if kind == "continuous":
        if set(spec) != {"type"}:
            raise read.fail(key, "a continuous calendar takes no other keys than type")
        return ContinuousCalendar(name)
    if kind != "working_hours":
        raise read.fail(f"{key}.type", f"{kind!r}: expected continuous or working_hours")
    by_day = read.mapping(spec.get("hours"), f"{key}.hours", set(WEEKDAYS))
    hours = tuple(read.periods(by_day.get(day), f"{key}.hours.{day}") for day in WEEKDAYS)
    if not any(hours):
        raise read.fail(f"{key}.hours", "no office hours on any weekday")
    # A make-up day is worked like an ordinary weekday: the first one with hours, unless told.
    makeup = next(h for h in hours if h)
    if "makeup_hours" in spec:
        makeup = read.periods(spec["makeup_hours"], f"{key}.makeup_hours")
    if not makeup:
        raise read.fail(f"{key}.makeup_hours", "make-up working days (调休) need office hours")
    holidays = read.dates(spec.get("holidays"), f"{key}.holidays")
    workdays = read.dates(spec.get("workdays"), f"{key}.workdays")
    national = spec.get("national_holidays", True)
    if not isinstance(national, bool):
        raise read.fail(f"{key}.national_holidays", f"{national!r}: expected true or false")
    # China's holidays and 调休 days from chinesecalendar, the file's own dates on top.
    base = national_days() if national else DayLists(frozenset(), frozenset(), frozenset())
    for day in sorted(workdays):
        if day in holidays:
            raise read.fail(f"{key}.workdays", f"{day} is listed as a holiday too")
        if hours[day.weekday()] and day not in base.holidays:  # working a national holiday
            raise read.fail(
                f"{key}.workdays",
                f"{day} is a {WEEKDAYS[day.weekday()]}, a working day already; "
                "make-up days (调休) are days without office hours",
            )
    days = merge(base, holidays, workdays)
    return WorkingHoursCalendar(name, tz, hours, days.holidays, days.workdays,
                                makeup_hours=makeup, known_years=days.years)
