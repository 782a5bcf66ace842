from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pantau.detect.escort import Escort, Params
from pantau.detect.frame import Frame
from tests.detect._tracks import (
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

SURVEY, GUARD = 412_000_001, 412_000_900
KNOWN = {SURVEY: ("survey", 90.0), GUARD: ("coast_guard", 110.0), 3: ("fishing", 25.0)}

#: survey lines: 70 min east, a 6 min turn, 70 min west
LINES = [(70, 8.0, 90.0), (6, 4.0, 0.0), (70, 8.0, 270.0)]



def _escorted(escort: int = GUARD, apart_m: float = 1000.0) -> list[dict[str, float]]:
    rows = track(SURVEY, T0, LON0, LAT0, LINES, every_s=30)
    lon, lat = offset(LON0, LAT0, 0, apart_m)
    return rows + track(escort, T0, lon, lat, LINES, every_s=180)


def test_a_survey_ship_with_a_coast_guard_alongside_is_escorted() -> None:
    events, state = batches(Escort(), frame(_escorted()), pair_context(KNOWN))
    assert len(events) == 1
    e = events[0]
    assert (e.kind, e.mmsi, e.other_mmsi) == ("escort", SURVEY, GUARD)
    assert (e.start_us, e.end_us) == (T0, T0 + 146 * MIN)
    d = e.details
    assert abs(d["mean_distance_m"] - 1000.0) < 1.0
    assert d["median_sog_kn"] == 8.0 and d["escort_median_sog_kn"] == 8.0
    assert d["median_cog_diff_deg"] == 0.0
    assert d["params"]["max_break_s"] == 1200.0 and d["params"]["max_distance_m"] == 2000.0
    assert state["open"].num_rows == 0


def test_the_survey_ship_is_mmsi_whichever_number_is_lower() -> None:
    events, _ = batches(Escort(), frame(_escorted(escort=5)),
                        pair_context({**KNOWN, 5: ("navy", 120.0)}))
    assert [(e.mmsi, e.other_mmsi) for e in events] == [(SURVEY, 5)]


def test_crossing_traffic_at_speed_is_not_an_escort() -> None:
    rows = track(SURVEY, T0, LON0, LAT0, [(180, 8.0, 90.0)], every_s=30)
    # the coast guard steams north across the survey line, passing close once
    lon, lat = offset(LON0, LAT0, 6000, -6000)
    rows += track(GUARD, T0, lon, lat, [(180, 12.0, 0.0)], every_s=60)
    assert batches(Escort(), frame(rows), pair_context(KNOWN))[0] == []


def test_too_far_apart_not_watched_or_stopped_is_not() -> None:
    assert batches(Escort(), frame(_escorted(apart_m=2500.0)), pair_context(KNOWN))[0] == []
    assert batches(Escort(), frame(_escorted(escort=3)), pair_context(KNOWN))[0] == []
    rows = track(SURVEY, T0, LON0, LAT0, [(180, 0.5, 90)])
    rows += track(GUARD, T0, LON0 + 0.005, LAT0, [(180, 0.5, 90)])
    assert batches(Escort(), frame(rows), pair_context(KNOWN))[0] == []


def test_a_long_stop_breaks_the_escort() -> None:
    legs = [(130, 8.0, 90.0), (30, 0.5, 90.0), (130, 8.0, 270)]
    rows = track(SURVEY, T0, LON0, LAT0, legs)
    lon, lat = offset(LON0, LAT0, 0, 1000)
    rows += track(GUARD, T0, lon, lat, legs)
    events, _ = batches(Escort(), frame(rows), pair_context(KNOWN))
    # both under 1 kn for 30 min, longer than the 20 min tolerated
    assert [(e.start_us, e.end_us) for e in events] == [(T0, T0 + 129 * MIN),
                                                        (T0 + 160 * MIN, T0 + 290 * MIN)]
    events, _ = batches(Escort(Params(max_break_s=1900.0)), frame(rows), pair_context(KNOWN))
    assert [(e.start_us, e.end_us) for e in events] == [(T0, T0 + 290 * MIN)]


def test_empty_frame() -> None:
    assert batches(Escort(), Frame.empty(), pair_context(KNOWN))[0] == []


@st.composite
def _scene(draw: st.DrawFn) -> tuple[Frame, list[int]]:
    rows: list[dict[str, float]] = []
    for m in (SURVEY, GUARD, 3):
        lon, lat = offset(LON0, LAT0, draw(st.floats(-1500, 1500)), draw(st.floats(-1500, 1500)))
        legs = draw(st.lists(st.tuples(st.integers(5, 60), st.sampled_from([0.5, 6.0, 8.0]),
                                       st.sampled_from([85.0, 90.0, 180.0])),
                             min_size=1, max_size=4))
        every = draw(st.sampled_from([20.0, 60.0, 180.0, 900.0]))
        rows += track(m, T0 + draw(st.integers(0, 1200)) * 1_000_000, lon, lat, legs,
                      every_s=every)
    span = max(r["t_us"] for r in rows) - T0
    cuts = draw(st.lists(st.integers(0, int(span)), min_size=1, max_size=2, unique=True))
    return frame(rows), [T0 + c for c in sorted(cuts)]


@settings(max_examples=80, deadline=None)
@given(_scene())
def test_split_equals_whole(scene: tuple[Frame, list[int]]) -> None:
    f, cuts = scene
    det = Escort(Params(min_duration_s=15 * 60.0, max_break_s=300.0))
    ctx = pair_context({**KNOWN, 3: ("navy", None)})
    whole, _ = batches(det, f, ctx)
    split, _ = batches(det, f, ctx, cuts=cuts)
    assert as_rows(split) == as_rows(whole)
