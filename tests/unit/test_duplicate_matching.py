"""The duplicate rule as a pure function: distances at known points, the window, the radius."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.duplicates import (
    EARTH_RADIUS_M,
    MatchRule,
    Probe,
    best_duplicate,
    haversine_m,
    is_duplicate,
)
from models.lifecycle import Status

NOW = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
# 四海社区 in Chaoyang; 0.001° of latitude is about 111 m.
HERE = (41.5607, 120.4508)


@dataclass
class Old:
    grid_id: int = 7
    category: str = "lighting"
    status: str = Status.NEW
    created_at: datetime = NOW - timedelta(hours=1)
    latitude: float | None = None
    longitude: float | None = None
    number: str = "G0102-0001"


def probe(**kw) -> Probe:
    return Probe(**{"grid_id": 7, "category": "lighting", "at": NOW, **kw})


# ---- distances ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "metres", "tolerance"),
    [
        (HERE, HERE, 0.0, 1e-9),
        ((0.0, 0.0), (1.0, 0.0), 111_195.08, 0.01),  # one degree along a meridian
        ((0.0, 0.0), (0.0, 1.0), 111_195.08, 0.01),  # one degree along the equator
        ((60.0, 0.0), (60.0, 1.0), 55_597.0, 1.0),  # shrinks with cos(latitude) near a parallel
        ((0.0, 0.0), (0.0, 180.0), math.pi * EARTH_RADIUS_M, 1e-6),  # half the world
        ((51.5074, -0.1278), (48.8566, 2.3522), 343_556.0, 1_000.0),  # London - Paris
        ((39.9087, 116.3975), (31.2304, 121.4737), 1_068_140.0, 2_000.0),  # 天安门 - 人民广场
        (HERE, (41.5627, 120.4508), 222.39, 0.05),  # 0.002° north in 四海社区
        (HERE, (41.5607, 120.4538), 249.61, 0.05),  # 0.003° east: just inside 250 m
    ],
)
def test_haversine_at_known_points(a, b, metres, tolerance):
    assert haversine_m(*a, *b) == pytest.approx(metres, abs=tolerance)


@given(
    st.floats(-89.9, 89.9), st.floats(-180, 180), st.floats(-89.9, 89.9), st.floats(-180, 180)
)
def test_haversine_is_symmetric_and_bounded(lat1, lon1, lat2, lon2):
    there = haversine_m(lat1, lon1, lat2, lon2)
    assert there == pytest.approx(haversine_m(lat2, lon2, lat1, lon1), abs=1e-6)
    assert 0.0 <= there <= math.pi * EARTH_RADIUS_M + 1e-6


# ---- the rule ------------------------------------------------------------------------------


def test_same_grid_and_category_within_the_window_is_a_duplicate():
    assert is_duplicate(probe(), Old())
    assert is_duplicate(probe(), Old(created_at=NOW - timedelta(hours=23, minutes=59)))
    assert is_duplicate(probe(), Old(created_at=NOW - timedelta(hours=24)))  # the edge counts


def test_outside_the_window_or_from_the_future_is_not():
    assert not is_duplicate(probe(), Old(created_at=NOW - timedelta(hours=24, seconds=1)))
    assert not is_duplicate(probe(), Old(created_at=NOW + timedelta(seconds=1)))


def test_the_window_is_configurable():
    six_hours = MatchRule(window=timedelta(hours=6))
    assert not is_duplicate(probe(), Old(created_at=NOW - timedelta(hours=7)), six_hours)
    assert is_duplicate(probe(), Old(created_at=NOW - timedelta(hours=5)), six_hours)


def test_another_grid_or_category_is_not():
    assert not is_duplicate(probe(), Old(grid_id=8))
    assert not is_duplicate(probe(), Old(category="manhole"))


def test_other_never_matches_other():
    assert not is_duplicate(probe(category="other"), Old(category="other"))


@pytest.mark.parametrize("status", [Status.RESOLVED, Status.RATED, Status.CLOSED,
                                    Status.REJECTED, Status.DUPLICATE])
def test_only_open_tickets_are_candidates(status):
    assert not is_duplicate(probe(), Old(status=status))


@pytest.mark.parametrize("status", [Status.NEW, Status.TAKEN, Status.ON_SITE, Status.REOPENED,
                                    Status.WAITING])
def test_every_open_status_is_a_candidate(status):
    assert is_duplicate(probe(), Old(status=status))


def test_distance_counts_only_when_both_have_a_location():
    near, far = (41.5627, 120.4508), (41.5632, 120.4508)  # 222 m and 278 m north
    assert is_duplicate(probe(latitude=HERE[0], longitude=HERE[1]),
                        Old(latitude=near[0], longitude=near[1]))
    assert not is_duplicate(probe(latitude=HERE[0], longitude=HERE[1]),
                            Old(latitude=far[0], longitude=far[1]))
    # One side without a location: the grid and the category decide.
    assert is_duplicate(probe(), Old(latitude=far[0], longitude=far[1]))
    assert is_duplicate(probe(latitude=HERE[0], longitude=HERE[1]), Old())


def test_the_radius_is_configurable():
    far = Old(latitude=41.5632, longitude=120.4508)  # 278 m
    assert is_duplicate(probe(latitude=HERE[0], longitude=HERE[1]), far, MatchRule(radius_m=300))


def test_best_duplicate_is_the_nearest_then_the_newest():
    at_here = probe(latitude=HERE[0], longitude=HERE[1])
    near = Old(latitude=41.5608, longitude=120.4508, number="near",
               created_at=NOW - timedelta(hours=5))
    nearer_but_closed = replace(near, latitude=HERE[0], status=Status.CLOSED, number="closed")
    unplaced = Old(number="unplaced")
    assert best_duplicate(at_here, [unplaced, nearer_but_closed, near]).number == "near"
    older, newer = Old(number="older", created_at=NOW - timedelta(hours=9)), Old(number="newer")
    assert best_duplicate(probe(), [older, newer]).number == "newer"
    assert best_duplicate(probe(), [Old(category="noise")]) is None
    assert best_duplicate(probe(), []) is None
