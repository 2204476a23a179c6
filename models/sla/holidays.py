"""China's public holidays and make-up working days (调休), from the `chinesecalendar` package.

The State Council publishes next year's dates each November; the package is updated soon
after, so keeping it current is `pip install -U chinesecalendar`, not editing our policy file.
The policy file's own `holidays:`/`workdays:` are added on top (a local day off, a make-up day
the package does not know yet) and win over the package where they disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from chinese_calendar import constants


@dataclass(frozen=True)
class DayLists:
    holidays: frozenset[date]
    workdays: frozenset[date]
    years: frozenset[int]  # the years these lists cover: no data is not "no holidays"


def national_days() -> DayLists:
    holidays, workdays = frozenset(constants.holidays), frozenset(constants.workdays)
    return DayLists(holidays, workdays, frozenset(d.year for d in holidays))


def merge(national: DayLists, own_holidays: set[date], own_workdays: set[date]) -> DayLists:
    """The package's days with the policy's on top; the policy wins for a day in both."""
    holidays = (national.holidays - own_workdays) | own_holidays
    workdays = (national.workdays - own_holidays) | own_workdays
    own_years = {d.year for d in own_holidays | own_workdays}
    return DayLists(frozenset(holidays), frozenset(workdays), national.years | own_years)


def years_needed(today: date) -> tuple[int, ...]:
    """This year; from December also the next (deadlines set in late December run into it)."""
    return (today.year, today.year + 1) if today.month == 12 else (today.year,)


def missing_years_problem(calendars: Iterable[object], today: date) -> str | None:
    """One sentence when an office-hours calendar has no holiday data for a year it needs."""
    for calendar in calendars:
        known = getattr(calendar, "known_years", None)
        if known is None:  # a continuous clock counts every day alike: it needs no dates
            continue
        missing = [year for year in years_needed(today) if year not in known]
        if missing:
            years = ", ".join(map(str, missing))
            return (f"the office-hours calendar '{calendar.name}' has no public holidays for "
                    f"{years}: its deadlines would count those holidays as working days. Run "
                    "`pip install -U chinesecalendar`, or add the dates to the SLA policy file "
                    f"(holidays:/workdays:) / 工作时间日历缺少{years}年的节假日数据，"
                    "请升级 chinesecalendar 或在时限配置中补充")
    return None
