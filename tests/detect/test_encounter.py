from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pantau.detect.encounter import Encounter, Params
from pantau.detect.frame import Frame
from tests.detect._tracks import (
    HOUR,
    LAT0,
    LON0,
    MIN,
    T0,
    as_rows,
    batches,
    frame,
    offset,
    pair_context,
    track,
)


def _alongside(minutes: int, sog: float = 0.5, apart_m: float = 200.0,
               **extra: float) -> list[dict[str, float]]:
    """Two vessels sailing in, drifting side by side for ``minutes``, then apart."""
    rows = track(1, T0, LON0, LAT0, [(30, 10, 90), (minutes, sog, 90), (30, 10, 90)],
                 every_s=120, **extra)
    lon, lat = offset(LON0, LAT0, 0, apart_m)
    rows += track(2, T0, lon, lat, [(30, 10, 90), (minutes, sog, 90), (30, 10, 0)],
                  every_s=180, **extra)
    return rows



def test_three_hours_alongside_far_from_port_is_an_encounter() -> None:
    events, state = batches(Encounter(), frame(_alongside(180)), pair_context())
    assert len(events) == 1
    e = events[0]
    assert (e.kind, e.mmsi, e.other_mmsi) == ("encounter", 1, 2)
    assert e.start_us == T0 + 30 * MIN
    # vessel 1 reports at 208 and 210 min (10 kn); 209 is nearer 208 for it, and nearer
    # vessel 2's 210-min report (10 kn): slow together until 208
    assert e.end_us == T0 + 208 * MIN
    d = e.details
    assert d["samples"] == 179
    assert abs(d["min_distance_m"] - 200.0) < 0.5 and abs(d["mean_distance_m"] - 200.0) < 0.5
    assert d["median_sog_kn"] == 0.5 and d["other_median_sog_kn"] == 0.5
    assert d["min_port_distance_m"] == 1e6
    assert d["params"] == {"max_distance_m": 500.0, "max_sog_kn": 2.0,
                           "min_duration_s": 7200.0, "min_port_m": 10000.0,
                           "max_break_s": 600.0}
    assert d["pair_grid"] == {"step_s": 60.0, "max_interp_s": 1800.0}
    assert state["open"].num_rows == 0 and state["samples"].num_rows == 0


def test_too_short_too_fast_too_far_apart_or_near_a_port_is_not() -> None:
    ctx = pair_context()
    assert batches(Encounter(), frame(_alongside(100)), ctx)[0] == []
    assert batches(Encounter(), frame(_alongside(180, sog=2.5)), ctx)[0] == []
    assert batches(Encounter(), frame(_alongside(180, apart_m=700.0)), ctx)[0] == []
    assert batches(Encounter(), frame(_alongside(180, port_m=8000.0)), ctx)[0] == []
    assert batches(Encounter(), frame(_alongside(180, port_m=float("nan"))), ctx)[0] == []


def test_a_short_drift_apart_is_tolerated() -> None:
    rows = track(1, T0, LON0, LAT0, [(240, 0.0, 0)], every_s=60)
    lon, lat = offset(LON0, LAT0, 0, 300)
    # vessel 2 moves off at 5 kn and back, 100 to 108 min: 8 min of samples that fail
    rows += track(2, T0, lon, lat, [(100, 0.0, 0), (4, 5.0, 0), (4, 5.0, 180), (132, 0, 0)])
    events, _ = batches(Encounter(), frame(rows), pair_context())
    assert [(e.start_us, e.end_us) for e in events] == [(T0, T0 + 240 * MIN)]
    assert events[0].details["samples"] == 241 - 8
    # with a 1 min tolerance it splits: 0..99 min is too short, 108..240 min is not
    events, _ = batches(Encounter(Params(max_break_s=60.0)), frame(rows), pair_context())
    assert [(e.start_us, e.end_us) for e in events] == [(T0 + 108 * MIN, T0 + 240 * MIN)]


def test_an_encounter_over_three_batches_is_the_same_event() -> None:
    f = frame(_alongside(180))
    whole, _ = batches(Encounter(), f, pair_context())
    split, _ = batches(Encounter(), f, pair_context(), cuts=[T0 + 50 * MIN, T0 + 2 * HOUR])
    assert as_rows(split) == as_rows(whole) and len(whole) == 1


def test_empty_frame_and_single_positions() -> None:
    assert batches(Encounter(), Frame.empty(), pair_context())[0] == []
    rows = [dict(mmsi=1, t_us=T0, lon=LON0, lat=LAT0, sog_kn=0.0),
            dict(mmsi=2, t_us=T0, lon=LON0, lat=LAT0, sog_kn=0.0)]
    assert batches(Encounter(Params(min_duration_s=0.0)), frame(rows), pair_context())[0] \
        != []


@st.composite
def _scene(draw: st.DrawFn) -> tuple[Frame, list[int]]:
    rows: list[dict[str, float]] = []
    for m in range(1, draw(st.integers(2, 4)) + 1):
        lon, lat = offset(LON0, LAT0, draw(st.floats(-250, 250)), draw(st.floats(-250, 250)))
        legs = draw(st.lists(st.tuples(st.integers(5, 90),
                                       st.sampled_from([0.0, 0.1, 0.3, 1.5, 4.0]),
                                       st.sampled_from([0.0, 90.0, 200.0])),
                             min_size=1, max_size=4))
        every = draw(st.sampled_from([30.0, 60.0, 170.0, 600.0]))
        port = draw(st.sampled_from([50_000.0, 50_000.0, 50_000.0, 5_000.0]))
        rows += track(m, T0 + draw(st.integers(0, 1800)) * 1_000_000, lon, lat, legs,
                      every_s=every, port_m=port)
    span = max(r["t_us"] for r in rows) - T0
    cuts = draw(st.lists(st.integers(0, int(span)), min_size=1, max_size=2, unique=True))
    return frame(rows), [T0 + c for c in sorted(cuts)]


@settings(max_examples=80, deadline=None)
@given(_scene())
def test_split_equals_whole(scene: tuple[Frame, list[int]]) -> None:
    f, cuts = scene
    det = Encounter(Params(min_duration_s=20 * 60.0, max_break_s=180.0))
    whole, _ = batches(det, f, pair_context())
    split, _ = batches(det, f, pair_context(), cuts=cuts)
    assert as_rows(split) == as_rows(whole)
