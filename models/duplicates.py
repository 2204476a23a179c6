"""Is a new report the same matter as an open ticket? A pure rule, no database.

Same grid, same category, reported within the window before the new one, and, when both
carry a location, no further apart than the radius. "other" never matches: it only says we
could not tell what the report is about, and two such reports are rarely the same thing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from models.categories import OTHER
from models.lifecycle import OPEN_STATUSES, Status

EARTH_RADIUS_M = 6_371_008.8  # the mean radius (IUGG)


class Reported(Protocol):
    """What the rule reads of a ticket (a Ticket row fits)."""

    grid_id: int
    category: str
    status: str
    created_at: datetime
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class Probe:
    """The report about to become a ticket."""

    grid_id: int
    category: str
    at: datetime
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class MatchRule:
    window: timedelta = timedelta(hours=24)
    radius_m: float = 250.0


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def distance_m(probe: Probe, ticket: Reported) -> float | None:
    """The distance when both have a location, else None (the rule then ignores distance)."""
    if None in (probe.latitude, probe.longitude, ticket.latitude, ticket.longitude):
        return None
    return haversine_m(probe.latitude, probe.longitude, ticket.latitude, ticket.longitude)


def is_duplicate(probe: Probe, ticket: Reported, rule: MatchRule = MatchRule()) -> bool:
    if probe.category == OTHER or ticket.category != probe.category:
        return False
    if ticket.grid_id != probe.grid_id or Status(ticket.status) not in OPEN_STATUSES:
        return False
    if not (probe.at - rule.window <= ticket.created_at <= probe.at):
        return False
    distance = distance_m(probe, ticket)
    return distance is None or distance <= rule.radius_m


T = TypeVar("T", bound=Reported)


def best_duplicate(probe: Probe, tickets: Iterable[T], rule: MatchRule = MatchRule()) -> T | None:
    """The nearest matching ticket (by distance when known), then the newest; on a full tie
    the one that comes first."""
    matches = [t for t in tickets if is_duplicate(probe, t, rule)]
    if not matches:
        return None

    def key(ticket: T) -> tuple[float, float]:
        distance = distance_m(probe, ticket)
        return (math.inf if distance is None else distance, -ticket.created_at.timestamp())

    return min(matches, key=key)
