from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pantau.detect.close_approach import CloseApproach, Params
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
    platform,
    track,
)

FISHER, OWN, OTHER, GUARD = 3, 5, 9, 412_000_900
KNOWN = {FISHER: ("fishing", 25.0), OWN: ("own_asset", 80.0), GUARD: ("coast_guard", 90.0)}
SK_A = (112.6, 4.3)



def _pass_by(mmsi: int, sog_kn: float, north_m: float = 200.0) -> list[dict[str, float]]:
    """``mmsi`` sails east past the stopped fishing vessel, ``north_m`` off, from 1 km west."""
    rows = track(FISHER, T0, LON0, LAT0, [(40, 0.0, 0.0)], every_s=180)
    lon, lat = offset(LON0, LAT0, -1000, north_m)
    return rows + track(mmsi, T0, lon, lat, [(40, sog_kn, 90.0)], every_s=30)


def test_a_coast_guard_slowly_passing_a_fishing_vessel_is_a_close_approach() -> None:
    events, _ = batches(CloseApproach(), frame(_pass_by(GUARD, 2.0)), pair_context(KNOWN))
    assert len(events) == 1
    e = events[0]
    assert (e.kind, e.mmsi, e.other_mmsi, e.zone) == ("close_approach", GUARD, FISHER, None)
    # 1000 m at 2 kn takes 16.2 min; within 270 m (3 x 90 m) from 13.3 to 19.1 min
    assert (e.start_us, e.end_us) == (T0 + 14 * MIN, T0 + 19 * MIN)
    d = e.details
    assert d["mode"] == "vessel" and e.discriminator == "vessel"
    assert d["threshold_m"] == 270.0 and d["length_m"] == 90.0 and d["other_length_m"] == 25.0
    assert abs(d["cpa_m"] - 200.0) < 1.0 and d["cpa_at"] == "2025-09-15T00:16:00Z"
    assert d["tcpa_s"] == 120.0
    assert (d["category"], d["other_category"]) == ("coast_guard", "fishing")
    assert d["params"]["min_duration_s"] == 240.0 and d["params"]["max_distance_m"] == 1000.0


def test_a_quick_pass_a_wide_pass_or_two_unwatched_vessels_are_not() -> None:
    ctx = pair_context(KNOWN)
    assert batches(CloseApproach(), frame(_pass_by(GUARD, 4.0)), ctx)[0] == []
    assert batches(CloseApproach(), frame(_pass_by(GUARD, 2.0, north_m=300.0)), ctx)[0] == []
    assert batches(CloseApproach(), frame(_pass_by(OTHER, 1.0, north_m=50.0)), ctx)[0] == []


def test_an_unknown_length_counts_as_a_hundred_metres() -> None:
    slow_at_280_m = frame(_pass_by(GUARD, 1.0, 280.0))
    assert batches(CloseApproach(), slow_at_280_m, pair_context(KNOWN))[0] == []  # 270 m
    known = {**KNOWN, GUARD: ("coast_guard", None)}
    events, _ = batches(CloseApproach(), slow_at_280_m, pair_context(known))
    assert [e.details["threshold_m"] for e in events] == [300.0]


def test_near_an_own_asset_the_other_vessel_is_the_subject() -> None:
    rows = track(OWN, T0, LON0, LAT0, [(40, 0.0, 0.0)], every_s=60)
    lon, lat = offset(LON0, LAT0, 100, 100)
    rows += track(OTHER, T0, lon, lat, [(20, 0.2, 0.0)], every_s=60)
    events, _ = batches(CloseApproach(), frame(rows), pair_context(KNOWN))
    assert [(e.mmsi, e.other_mmsi, e.details["mode"]) for e in events] == [(OTHER, OWN,
                                                                            "vessel")]
    two_own = pair_context({**KNOWN, OTHER: ("own_asset", 50.0)})
    assert batches(CloseApproach(), frame(rows), two_own)[0] == []


def test_shadowing_an_own_asset() -> None:
    rows = track(OWN, T0, LON0, LAT0, [(120, 10.0, 45.0)], every_s=60)
    lon, lat = offset(LON0, LAT0, -1414, -1414)  # 2 km astern
    rows += track(OTHER, T0, lon, lat, [(100, 10.0, 47.0)], every_s=120)
    events, _ = batches(CloseApproach(), frame(rows), pair_context(KNOWN))
    assert len(events) == 1
    e = events[0]
    assert (e.mmsi, e.other_mmsi, e.discriminator) == (OTHER, OWN, "shadowing")
    assert e.start_us == T0 and e.end_us == T0 + 100 * MIN
    assert 1900.0 < e.details["cpa_m"] < 2001.0 and e.details["tcpa_s"] >= 0.0
    assert e.details["median_cog_diff_deg"] == 2.0
    # crossing ahead of the asset at speed is not shadowing
    rows = track(OWN, T0, LON0, LAT0, [(120, 10.0, 45.0)], every_s=60)
    lon, lat = offset(LON0, LAT0, 2000, -1000)
    rows += track(OTHER, T0, lon, lat, [(100, 10.0, 315.0)], every_s=120)
    assert batches(CloseApproach(), frame(rows), pair_context(KNOWN))[0] == []


def _platform_pass(north_m: float, every_s: float = 120.0) -> Frame:
    lon, lat = offset(*SK_A, -1850, north_m)
    return frame(track(OTHER, T0, lon, lat, [(6, 20.0, 90.0)], every_s=every_s))


def test_a_fast_pass_between_two_reports_is_caught_at_a_platform() -> None:
    ctx = pair_context(KNOWN, [platform("Platform SK-A", *SK_A, 500.0)])
    f = _platform_pass(300.0)
    assert f.n == 4  # at 20 kn, 617 m a minute: the reports at 2 and 4 min are 685 m off
    events, state = batches(CloseApproach(), f, ctx)
    assert len(events) == 1
    e = events[0]
    assert (e.mmsi, e.other_mmsi, e.zone, e.discriminator) == (OTHER, None, "Platform SK-A",
                                                                "asset")
    d = e.details
    assert abs(d["cpa_m"] - 300.0) < 1.0 and d["radius_m"] == 500.0
    v_m_per_s = 20 * 1852 / 3600
    assert abs(e.start_us - T0 - (1850 - 400) / v_m_per_s * 1e6) < 1e5  # enters 400 m early
    assert abs(e.end_us - T0 - (1850 + 400) / v_m_per_s * 1e6) < 1e5
    assert abs(d["tcpa_s"] - 400 / v_m_per_s) < 0.1
    assert abs(d["cpa_lon"] - SK_A[0]) < 1e-5 and d["sog_kn"] == 20.0
    assert state["asset_open"].num_rows == 0
    # the same pass with the batch cut between the two reports
    split, _ = batches(CloseApproach(), f, ctx, cuts=[T0 + 3 * MIN])
    assert as_rows(split) == as_rows(events)


def test_a_wide_pass_a_tighter_radius_or_an_own_asset_is_not() -> None:
    ctx = pair_context(KNOWN, [platform("Platform SK-A", *SK_A, 500.0)])
    assert batches(CloseApproach(), _platform_pass(700.0), ctx)[0] == []
    assert batches(CloseApproach(Params(asset_radius_m=250.0)), _platform_pass(300.0),
                   ctx)[0] == []
    own = pair_context({OTHER: ("own_asset", 60.0)}, [platform("SK-A", *SK_A, 500.0)])
    assert batches(CloseApproach(), _platform_pass(300.0), own)[0] == []


def test_a_supply_boat_alongside_for_hours_is_one_pass_across_batches() -> None:
    ctx = pair_context(KNOWN, [platform("SK-A", *SK_A, 500.0)])
    lon, lat = offset(*SK_A, -700, 0)
    rows = track(OTHER, T0, lon, lat, [(10, 2.0, 90.0), (300, 0.0, 0.0), (10, 4.0, 270.0)])
    whole, _ = batches(CloseApproach(), frame(rows), ctx)
    assert [e.zone for e in whole] == ["SK-A"]
    assert whole[0].end_us - whole[0].start_us > 300 * MIN
    split, _ = batches(CloseApproach(), frame(rows), ctx,
                           cuts=[T0 + 100 * MIN, T0 + 200 * MIN])
    assert as_rows(split) == as_rows(whole)


def test_empty_frame_and_single_positions() -> None:
    ctx = pair_context(KNOWN, [platform("SK-A", *SK_A, 500.0)])
    assert batches(CloseApproach(), Frame.empty(), ctx)[0] == []
    one = frame([dict(mmsi=OTHER, t_us=T0 + 7, lon=SK_A[0], lat=SK_A[1] + 0.001)])
    events, _ = batches(CloseApproach(), one, ctx)
    assert [(e.start_us, e.end_us, round(e.details["cpa_m"])) for e in events] == [
        (T0 + 7, T0 + 7, 111)]


@st.composite
def _scene(draw: st.DrawFn) -> tuple[Frame, list[int]]:
    rows: list[dict[str, float]] = []
    for m in (FISHER, OWN, OTHER, GUARD, 11):
        lon, lat = offset(*SK_A, draw(st.floats(-1200, 1200)), draw(st.floats(-1200, 1200)))
        legs = draw(st.lists(st.tuples(st.integers(2, 40), st.sampled_from([0.0, 3.0, 8.0]),
                                       st.sampled_from([0.0, 10.0, 90.0, 225.0])),
                             min_size=1, max_size=4))
        every = draw(st.sampled_from([20.0, 60.0, 150.0, 700.0, 2000.0]))
        rows += track(m, T0 + draw(st.integers(0, 600)) * 1_000_000, lon, lat, legs,
                      every_s=every)
    span = max(r["t_us"] for r in rows) - T0
    cuts = draw(st.lists(st.integers(0, int(span)), min_size=1, max_size=2, unique=True))
    return frame(rows), [T0 + c for c in sorted(cuts)]


@settings(max_examples=80, deadline=None)
@given(_scene())
def test_split_equals_whole(scene: tuple[Frame, list[int]]) -> None:
    f, cuts = scene
    det = CloseApproach(Params(min_duration_s=120.0, max_break_s=60.0,
                               shadow_min_duration_s=600.0, shadow_max_break_s=120.0,
                               asset_max_leg_s=900.0))
    ctx = pair_context({**KNOWN, 11: ("survey", None)}, [platform("SK-A", *SK_A, 400.0),
                                                         platform("SK-B", SK_A[0] + 0.005,
                                                                  SK_A[1], 300.0)])
    whole, _ = batches(det, f, ctx)
    split, _ = batches(det, f, ctx, cuts=cuts)
    assert as_rows(split) == as_rows(whole)
