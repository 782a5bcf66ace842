"""Paths and voyages: rounded corners, offsets, legs that join up, timed arrivals."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pantau.simulate.motion import AT_ANCHOR, MOORED, MS_PER_KN, Voyage
from pantau.simulate.paths import Path, angle_diff, distance_m, offset, round_corners


def test_round_corners_turns_on_an_arc_of_the_radius() -> None:
    pts = [(100.0, 2.0), (100.1, 2.0), (100.1, 2.1)]  # a 90 degree turn to port
    path = Path.of(round_corners(pts, 1000.0))
    # the arc never comes closer to the corner than r (sqrt 2 - 1)
    d = distance_m(path.lon, path.lat, 100.1, 2.0)
    assert d.min() == pytest.approx(1000.0 * (np.sqrt(2) - 1), rel=0.02)
    # course changes by at most the arc step between points
    assert np.abs(angle_diff(path.bearing[:-1], path.bearing[1:])).max() <= 5.01


@settings(max_examples=30, deadline=None)
@given(st.floats(-3000, 3000))
def test_offset_keeps_its_distance(right_m: float) -> None:
    pts = [(100.0, 2.0), (100.2, 2.1), (100.3, 2.4)]
    moved = offset(pts, right_m)
    d = distance_m(np.array([p[0] for p in moved]), np.array([p[1] for p in moved]),
                   np.array([p[0] for p in pts]), np.array([p[1] for p in pts]))
    assert np.all(d >= abs(right_m) * 0.999 - 1e-6)
    # to the right of travel: a northbound leg moves east for right_m > 0
    assert (moved[0][0] - pts[0][0]) * right_m >= 0


def test_legs_join_up_and_speeds_follow_the_profile() -> None:
    rng = np.random.default_rng(1)
    v = Voyage(0.0, (101.0, 2.8), 90.0).anchor(3600.0)
    v.sail([(101.1, 2.8), (101.2, 2.9)], 12.0, v_in=0.5, v_out=0.5)
    v.moor(v.t + 1800.0)
    v.drift(v.t + 3600.0, 1.0, rng)
    track = v.track()
    for a, b in zip(track.segments[:-1], track.segments[1:], strict=True):
        end, start = a.end(), b.sample(np.array([b.t0]))
        assert a.t1 == b.t0
        assert distance_m(end.lon, end.lat, start.lon, start.lat)[0] < 1.0
    s = track.sample(np.arange(0.0, track.t1, 10.0))
    assert s.status[0] == AT_ANCHOR and MOORED in s.status
    assert s.sog_kn.max() == pytest.approx(12.0, abs=0.01)
    # positions agree with the speed (away from the legs' ends, where it jumps)
    step = distance_m(s.lon[:-1], s.lat[:-1], s.lon[1:], s.lat[1:]) / 10.0 / MS_PER_KN
    inner = np.ones(len(step), np.bool_)
    for seg in track.segments:
        inner[np.flatnonzero(np.abs(s.t[:-1] - seg.t0) < 20.0)] = False
    err = np.abs(step - 0.5 * (s.sog_kn[:-1] + s.sog_kn[1:]))[inner]
    assert err.max() < 0.15


def test_sail_until_arrives_on_time_and_follow_keeps_station() -> None:
    lead = Voyage(0.0, (112.0, 4.0)).sail([(112.3, 4.3)], 10.0, v_in=10.0).track()
    v = Voyage(0.0, (111.95, 3.95)).join(lead, 1800.0, lead.t1, lag_s=300.0)
    assert v.segments[0].t1 == 1800.0
    t = np.arange(1800.0, lead.t1, 60.0)
    a, b = lead.sample(t), v.track().sample(t)
    d = distance_m(a.lon, a.lat, b.lon, b.lat)
    assert np.allclose(d, 300.0 * 10.0 * MS_PER_KN, rtol=0.01)
