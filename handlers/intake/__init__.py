"""Intake: a report becomes a ticket (group, albums, private guided, duplicates, emergencies)."""
