"""Reporting rates (ITU-R M.1371), schedules and thinning."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pantau.simulate.motion import AT_ANCHOR, MOORED, UNDER_WAY
from pantau.simulate.reporting import report_interval, schedule
from pantau.simulate.simulation import thin_mask


def test_class_a_and_b_rates() -> None:
    sog = np.array([0.1, 2.9, 3.5, 0.1, 10.0, 14.0, 14.1, 23.0, 23.1])
    status = np.array([AT_ANCHOR, MOORED, AT_ANCHOR, UNDER_WAY, UNDER_WAY, UNDER_WAY,
                       UNDER_WAY, UNDER_WAY, UNDER_WAY], np.int8)
    assert report_interval("A", sog, status).tolist() == [180, 180, 10, 10, 10, 10, 6, 6, 2]
    assert report_interval("B", np.array([0.0, 2.0, 2.1, 30.0]),
                           np.zeros(4, np.int8)).tolist() == [180, 180, 30, 30]


def test_schedule_follows_the_rate_and_speeds_up_at_once() -> None:
    grid = np.arange(0.0, 3600.0, 10.0)
    interval = np.where(grid < 1800, 180.0, 10.0)
    t = schedule(grid, interval, 3600.0, 5.0)
    slow, fast = t[t < 1800], t[t >= 1800]
    assert np.allclose(np.diff(slow), 180.0)
    assert fast[0] <= 1800.0 + 10.0  # the first fast report does not wait 3 minutes
    assert np.allclose(np.diff(fast), 10.0)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0, 10_000), min_size=1, max_size=200), st.floats(1, 600))
def test_thinning_keeps_at_most_one_per_window(times: list[float], every: float) -> None:
    t = np.sort(np.array(times))
    keep = thin_mask(t, every)
    kept = t[keep]
    assert keep[0]
    assert np.all(np.diff(kept) >= every)
    # greedy: every dropped report falls within `every` of the last kept before it
    for x in t[~keep]:
        assert x - kept[kept <= x].max() < every
