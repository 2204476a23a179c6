"""Is the office-hours clock's holiday data current? Asked at start and by `gridbot check`.

Without next year's dates, a deadline on office hours would count 元旦 or 春节 as working
days and the ladder would escalate tickets nobody could work on; the operator must hear of it
before that, which is why December already looks at the next year.
"""

from __future__ import annotations

import structlog

from models.clock import Clock
from models.sla.holidays import missing_years_problem
from models.sla.load import load_policy
from models.sla.rules import SlaPolicy

log = structlog.get_logger(__name__)


def holiday_data_problem(settings, clock: Clock | None = None,
                         policy: SlaPolicy | None = None) -> str | None:
    """The problem in one sentence, or None when every office-hours rule has its dates.

    For `gridbot check`: `holiday_data_problem(settings)`. A bad policy file is not this
    check's business (loading it raises PolicyError, which the caller reports).
    """
    if policy is None:
        policy = load_policy(settings.sla_policy) if settings.sla_policy else load_policy()
    today = (clock or Clock()).now().astimezone(policy.timezone).date()
    in_use = {id(rule.calendar): rule.calendar for rule in policy.rules.values()}
    return missing_years_problem(in_use.values(), today)


def warn_if_holiday_data_missing(settings, clock: Clock, policy: SlaPolicy) -> str | None:
    problem = holiday_data_problem(settings, clock, policy)
    if problem:
        log.warning("sla.holiday_data_missing", problem=problem)
    return problem
