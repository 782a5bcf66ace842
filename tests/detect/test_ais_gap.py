from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pantau.detect.ais_gap import AisGap
from pantau.detect.base import Batch
from tests.detect._frames import HOUR, MIN, T0, context, frame, leg, split


def _run(f, state=None, final=True):
    wm = int(f.t_us.max()) if f.n else 0
    return AisGap().run(Batch(f, wm, final), context(), state or {})


def _others(minutes: int, lon: float = 112.6, start_us: int = T0) -> list[dict[str, float]]:
    """Two neighbours heard every minute near (lon, 5.0) throughout."""
    return (leg(901, start_us, minutes, lon, 5.01, 0.0001)
            + leg(902, start_us, minutes, lon + 0.01, 4.99, 0.0001))


def test_silent_while_neighbours_are_heard() -> None:
    rows = leg(1, T0, 60, 112.6, 5.0, 0.001)
    rows += leg(1, T0 + 60 * MIN + 3 * HOUR, 60, 112.79, 5.0, 0.001)
    events, _ = _run(frame(rows + _others(6 * 60)))
    assert len(events) == 1
    e = events[0]
    assert (e.kind, e.mmsi, e.start_us) == ("ais_gap", 1, T0 + 60 * MIN)
    assert e.end_us == T0 + 60 * MIN + 3 * HOUR
    assert e.details["basis"] == "area_heard"
    assert e.details["gap_s"] == 3 * 3600.0
    assert e.details["distance_m"] > 10_000
    assert 1.0 < e.details["implied_speed_kn"] < 5.0


def test_everyone_silent_at_once_is_an_outage() -> None:
    rows = []
    for m in (1, 2, 3):
        rows += leg(m, T0, 60, 112.6 + m * 0.01, 5.0, 0.0001)
        rows += leg(m, T0 + 60 * MIN + 3 * HOUR, 60, 112.6 + m * 0.01, 5.0, 0.0001)
    assert _run(frame(rows))[0] == []


def test_silent_because_its_receiver_went_down() -> None:
    # receiver 1 hears vessel 1 and goes down for 3 h; receiver 2 covers the same cell
    # and keeps hearing its own vessels: the area is heard, but not by vessel 1's receiver
    rows = leg(1, T0, 60, 112.6, 5.0, 0.0001, source=1 << 40)
    rows += leg(1, T0 + 60 * MIN + 3 * HOUR, 60, 112.6, 5.0, 0.0001, source=1 << 40)
    rows += [dict(r, source=2 << 40) for r in _others(6 * 60)]
    assert _run(frame(rows))[0] == []
    # while a vessel going dark under a working receiver is still a gap
    rows += leg(3, T0, 6 * 60, 112.62, 5.0, 0.0001, source=1 << 40)
    (e,) = _run(frame(rows))[0]
    assert e.mmsi == 1


def test_alone_reports_only_half_a_day() -> None:
    five = leg(1, T0, 30, 112.6, 5.0, 0.0) + leg(1, T0 + 30 * MIN + 5 * HOUR, 30, 112.6, 5.0, 0.0)
    assert _run(frame(five))[0] == []
    thirteen = leg(2, T0, 30, 112.6, 5.0, 0.0) + leg(2, T0 + 30 * MIN + 13 * HOUR, 30, 112.6,
                                                       5.0, 0.0)
    (e,) = _run(frame(thirteen))[0]
    assert e.details["basis"] == "coverage_unknown"


def test_judged_against_the_vessels_own_rate() -> None:
    # a thinned feed: one report every 30 minutes; a 2 h silence is 4 missed reports
    rows = leg(1, T0, 300, 112.6, 5.0, 0.0, every_min=30)
    rows += leg(1, T0 + 300 * MIN + 2 * HOUR, 120, 112.6, 5.0, 0.0, every_min=30)
    assert _run(frame(rows + _others(10 * 60)))[0] == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 3), st.integers(0, 900), st.integers(1, 300)),
                min_size=1, max_size=6), st.integers(0, 1200))
def test_split_equals_whole(legs: list[tuple[int, int, int]], cut_min: int) -> None:
    rows = _others(20 * 60)
    for m, start, length in legs:
        rows += leg(m, T0 + start * MIN + m, length, 112.6, 5.0, 0.0, every_min=5)
    seen = set()
    rows = [r for r in rows if (r["mmsi"], r["t_us"]) not in seen
            and not seen.add((r["mmsi"], r["t_us"]))]
    f = frame(rows)
    whole, _ = _run(f)
    a, b = split(f, T0 + cut_min * MIN)
    wm = T0 + cut_min * MIN
    first, state = AisGap().run(Batch(a, wm, False), context(), {})
    second, _ = AisGap().run(Batch(b, max(wm, int(f.t_us.max())), True), context(), state)
    key = lambda e: (e.event_id, e.end_us, e.details["basis"])  # noqa: E731
    assert sorted(map(key, first + second)) == sorted(map(key, whole))
