"""Supervision (督办): the SLA sweep, escalation, /overdue /escalate /pause /resume."""
