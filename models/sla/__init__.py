"""The SLA policy (时限): deadlines as data in sla_policy.yaml, and pure functions over them.

The one module callers import. A sweep does, per open ticket:

    policy = default_policy()
    deadlines, calendar, escalation = policy.rule_for(ticket.category, ticket.urgent)
    milestone = milestone_for(ticket.status, feedback_given)
    if milestone:
        due = policy.due_at(ticket.reported_at, ticket.category, ticket.urgent, milestone)
        colour = light(ticket.reported_at, due, now, calendar, escalation.yellow_at)
        for step in next_step(ticket.reported_at, due, now, done, escalation, calendar):
            ...  # send it, and record (ticket, milestone, step) as done in the same transaction

Steps are per milestone: record them with the milestone, so reaching the next milestone starts
a fresh ladder.
"""

from models.sla.ladder import Escalation, Light, Tier, light, next_step, step_times, when_next
from models.sla.load import DEFAULT_PATH as DEFAULT_POLICY_PATH
from models.sla.load import default_policy, load_policy
from models.sla.parse import PolicyError, format_duration
from models.sla.rules import Deadlines, Milestone, Rule, SlaPolicy, milestone_for
from models.sla.work_calendar import Calendar, ContinuousCalendar, WorkingHoursCalendar

__all__ = [
    "DEFAULT_POLICY_PATH",
    "Calendar",
    "ContinuousCalendar",
    "Deadlines",
    "Escalation",
    "Light",
    "Milestone",
    "PolicyError",
    "Rule",
    "SlaPolicy",
    "Tier",
    "WorkingHoursCalendar",
    "default_policy",
    "format_duration",
    "light",
    "load_policy",
    "milestone_for",
    "next_step",
    "step_times",
    "when_next",
]
