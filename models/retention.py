"""Retention rules, pure: what is old enough to prune, and what of a ticket is personal.

Unset days keep everything forever (the default). Both rules look only at finished tickets
(closed, rejected, duplicate: no way leads out of them) and count from `updated_at`, which a
finished ticket no longer changes, so it is the moment it was finished.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from models.lifecycle import FINAL_STATUSES

FINISHED = tuple(sorted(status.value for status in FINAL_STATUSES))

# What a resident or a worker wrote, and where she was: blanked. The number, grid, category,
# status, rating, people's ids and every timestamp stay, so the reports still add up.
PERSONAL_TICKET_FIELDS = {
    "text": "",
    "close_note": None,
    "reject_reason": None,
    "return_reason": None,
    "latitude": None,
    "longitude": None,
}


@dataclass(frozen=True)
class RetentionPolicy:
    photos_days: int | None = None
    resolved_days: int | None = None

    @property
    def keeps_everything(self) -> bool:
        return self.photos_days is None and self.resolved_days is None

    def photos_cutoff(self, now: datetime) -> datetime | None:
        """Photos of tickets finished before this moment lose their files."""
        return _cutoff(now, self.photos_days)

    def resolved_cutoff(self, now: datetime) -> datetime | None:
        """Tickets finished before this moment lose their personal text."""
        return _cutoff(now, self.resolved_days)


def _cutoff(now: datetime, days: int | None) -> datetime | None:
    if days is None:
        return None
    if days <= 0:  # settings refuse this already; a rule must never prune everything
        raise ValueError(f"retention days must be positive, not {days}")
    return now - timedelta(days=days)
