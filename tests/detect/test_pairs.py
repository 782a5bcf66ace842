from __future__ import annotations

import itertools
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pantau.detect.base import Batch
from pantau.detect.errors import DetectError
from pantau.detect.frame import Frame
from pantau.detect.pair_runs import run_medians
from pantau.detect.pairs import (
    COLUMNS,
    PairParams,
    PairSamples,
    PairStage,
    _sort_pairs,
    pair_order,
)
from pantau.detect.resample import NEVER_US, resample
from pantau.geo import haversine_m
from pantau.registry.schema import CATEGORIES
from tests.detect._tracks import (
    LAT0,
    LON0,
    MIN,
    T0,
    frame,
    offset,
    pair_context,
    run_pairs,
    track,
)


def _pairs(p: PairSamples) -> list[tuple[int, int]]:
    return sorted(set(zip(p.mmsi_a.tolist(), p.mmsi_b.tolist(), strict=True)))


def test_two_drifting_vessels_make_a_sample_every_minute() -> None:
    rows = track(7, T0 + 20_000_000, LON0, LAT0, [(60, 0.5, 90)], every_s=170)
    lon, lat = offset(LON0, LAT0, 0, 300)
    rows += track(3, T0, lon, lat, [(62, 0.5, 90)], every_s=45)
    ctx = pair_context({7: ("fishing", 30.0)})
    p, _ = run_pairs(frame(rows), ctx)
    # from the first grid time after vessel 7's first report to its last (60 min later)
    assert p.t_us.tolist() == [T0 + k * MIN for k in range(1, 61)]
    assert set(p.mmsi_a.tolist()) == {3} and set(p.mmsi_b.tolist()) == {7}
    assert np.allclose(p.distance_m, 300.0, atol=1.0)
    assert p.cat_b.tolist() == [CATEGORIES.index("fishing")] * 60
    assert p.cat_a.tolist() == [CATEGORIES.index("other")] * 60
    assert np.all(p.length_b_m == 30.0) and np.all(np.isnan(p.length_a_m))
    mid = offset(LON0, LAT0, 0, 150)[1]
    assert np.allclose(p.lat, mid, atol=1e-5)


def test_positions_are_interpolated_and_speeds_taken_from_the_nearer_report() -> None:
    f = frame([dict(mmsi=1, t_us=T0 + 30_000_000, lon=112.0, lat=5.0, sog_kn=1.0),
               dict(mmsi=1, t_us=T0 + 270_000_000, lon=112.04, lat=5.02, sog_kn=9.0)])
    s = resample(f, NEVER_US, T0 + 3600_000_000, 60_000_000, 1800_000_000)
    assert s.t_us.tolist() == [T0 + k * MIN for k in (1, 2, 3, 4)]
    frac = (np.array([60, 120, 180, 240]) - 30) / 240
    assert np.allclose(s.lon, 112.0 + 0.04 * frac) and np.allclose(s.lat, 5.0 + 0.02 * frac)
    assert s.sog_kn.tolist() == [1.0, 1.0, 9.0, 9.0]  # 150 s is exactly half-way: the first


def test_no_interpolation_across_a_long_silence_or_between_segments() -> None:
    rows = [dict(mmsi=1, t_us=T0, lon=112.0, lat=5.0),
            dict(mmsi=1, t_us=T0 + 40 * MIN + 1, lon=112.0, lat=5.0),
            dict(mmsi=1, t_us=T0 + 45 * MIN + 1, lon=112.0, lat=5.0, segment=2)]
    s = resample(frame(rows), NEVER_US, T0 + 3600_000_000, 60_000_000, 1800_000_000)
    assert s.t_us.tolist() == [T0]  # the only report on the grid


def test_only_pairs_with_a_slow_or_watched_vessel_are_kept() -> None:
    rows = track(1, T0, LON0, LAT0, [(20, 12, 0)])
    lon, lat = offset(LON0, LAT0, 500, 0)
    rows += track(2, T0, lon, lat, [(20, 12, 0)])
    ctx = pair_context()
    assert run_pairs(frame(rows), ctx)[0].n == 0
    p, _ = run_pairs(frame(rows), pair_context({2: ("coast_guard", 80.0)}))
    assert _pairs(p) == [(1, 2)] and p.n == 21


def test_vessels_beyond_the_largest_distance_are_not_pairs() -> None:
    rows = track(1, T0, LON0, LAT0, [(10, 0.0, 0)])
    lon, lat = offset(LON0, LAT0, 3010, 0)
    rows += track(2, T0, lon, lat, [(10, 0.0, 0)])
    watched = pair_context({1: ("navy", 100.0)})
    assert run_pairs(frame(rows), watched)[0].n == 0
    p, _ = run_pairs(frame(rows), watched, params=PairParams(max_distance_m=3100.0))
    assert p.n == 11


def test_pairs_without_a_watched_vessel_are_kept_closer_only() -> None:
    rows = track(1, T0, LON0, LAT0, [(10, 0.0, 0)])
    for m, east_m in ((2, 900.0), (3, 1100.0), (4, 2500.0)):
        lon, lat = offset(LON0, LAT0, east_m, 0)
        rows += track(m, T0, lon, lat, [(10, 0.0, 0)])
    assert _pairs(run_pairs(frame(rows), pair_context())[0]) == [(1, 2), (2, 3)]
    p, _ = run_pairs(frame(rows), pair_context({3: ("survey", None)}))
    assert _pairs(p) == [(1, 2), (1, 3), (2, 3), (3, 4)]
    wide = PairParams(unwatched_max_distance_m=3000.0)
    assert _pairs(run_pairs(frame(rows), pair_context(), params=wide)[0]) == [
        (1, 2), (1, 3), (1, 4), (2, 3), (2, 4), (3, 4)]


def test_pairs_across_the_antimeridian() -> None:
    rows = [dict(mmsi=m, t_us=T0 + k * MIN, lon=lon, lat=10.0, sog_kn=0.0)
            for m, lon in ((1, 179.999), (2, -179.999)) for k in range(3)]
    p, _ = run_pairs(frame(rows), pair_context())
    assert p.n == 3
    assert abs(p.distance_m[0] - haversine_m(179.999, 10.0, -179.999, 10.0)) < 1e-6
    assert abs(abs(p.lon[0]) - 180.0) < 1e-9


def test_empty_frame_and_single_positions() -> None:
    p, state = run_pairs(Frame.empty(), pair_context())
    assert p.n == 0 and state["rows"].num_rows == 0
    on_grid = [dict(mmsi=1, t_us=T0, lon=LON0, lat=LAT0, sog_kn=0.0),
               dict(mmsi=2, t_us=T0, lon=LON0 + 0.001, lat=LAT0, sog_kn=0.0)]
    p, _ = run_pairs(frame(on_grid), pair_context())
    assert _pairs(p) == [(1, 2)] and p.t_us.tolist() == [T0]
    off_grid = [dict(r, t_us=T0 + 1) for r in on_grid]
    assert run_pairs(frame(off_grid), pair_context())[0].n == 0


def test_a_batch_produces_only_what_no_later_batch_can_change() -> None:
    rows = track(1, T0, LON0, LAT0, [(60, 0.0, 0)], every_s=600)
    rows += track(2, T0, LON0 + 0.001, LAT0, [(60, 0.0, 0)], every_s=60)
    f = frame(rows)
    first = f.take(np.flatnonzero(f.t_us <= T0 + 25 * MIN))
    p, state = run_pairs(first, pair_context(), T0 + 25 * MIN, final=False)
    # vessel 1 was last heard at 20 min: 21..25 wait for its next report
    assert p.t_us.max() == T0 + 20 * MIN and p.horizon_us == T0 + 20 * MIN
    rest = f.take(np.flatnonzero(f.t_us > T0 + 25 * MIN))
    p2, state = run_pairs(rest, pair_context(), state=state)
    assert p2.t_us.min() == T0 + 21 * MIN and p.n + p2.n == 61
    assert state["rows"].num_rows == 0


def test_a_missing_stage_is_a_clear_error() -> None:
    from pantau.detect.encounter import Encounter

    with pytest.raises(DetectError, match="pair stage"):
        Encounter().run(Batch(Frame.empty(), 0, True), pair_context(), {})
    small = PairSamples.empty(params=PairParams(max_distance_m=100.0))
    with pytest.raises(DetectError, match=r"up to 100\.0 m"):
        Encounter().run(Batch(Frame.empty(), 0, True, shared={"pairs": small}),
                        pair_context(), {})


def test_twenty_thousand_vessels_finish_fast_and_find_only_the_planted_pair() -> None:
    # a lattice 10 km apart: nobody within 3 km of anybody, except the planted vessel
    side = 142
    gx, gy = np.meshgrid(np.arange(side), np.arange(side))
    lon = 105.0 + gx.ravel() * 0.09
    lat = -2.0 + gy.ravel() * 0.09
    n = lon.size
    mmsi = np.arange(n, dtype=np.int64) + 100_000_000
    lon = np.append(lon, lon[5000] + 0.0045)  # about 500 m east of vessel 5000
    lat = np.append(lat, lat[5000])
    mmsi = np.append(mmsi, 999_999_999)
    k = 3
    f = Frame(np.repeat(mmsi, k), np.tile(T0 + np.arange(k) * MIN, mmsi.size),
              np.repeat(lon, k), np.repeat(lat, k), np.zeros(mmsi.size * k),
              np.zeros(mmsi.size * k), np.ones(mmsi.size * k, np.int64),
              np.full(mmsi.size * k, 1e6), np.full(mmsi.size * k, 1e6),
              np.ones(mmsi.size * k, np.int32))
    # every 97th a coast guard: they look farther, and still find nobody
    ctx = pair_context({int(m): ("coast_guard", 50.0) for m in mmsi[::97]})
    run_pairs(f.take(np.arange(30)), ctx)  # compile or load the kernels first
    t0 = time.perf_counter()
    p, _ = run_pairs(f, ctx)
    took = time.perf_counter() - t0
    assert _pairs(p) == [(100_005_000, 999_999_999)] and p.n == k
    assert took < 1.0, f"{n + 1} vessels took {took:.2f} s"


@pytest.mark.parametrize("big", [False, True])
def test_pairs_are_sorted_by_pair_then_time(big: bool) -> None:
    # MMSIs of 30 bits take the radix sort, others (hand-made data) a comparison sort
    rng = np.random.default_rng(3)
    mmsi = rng.integers(0, 1 << 31 if big else 1 << 30, 50).astype(np.int64)
    t = np.sort(rng.integers(0, 10, 50)).astype(np.int64)
    i, j = rng.integers(0, 50, 400), rng.integers(0, 50, 400)
    i, j = np.sort(i[mmsi[i] < mmsi[j]]), j[mmsi[i] < mmsi[j]]
    a, b, d = _sort_pairs(i, j, i * 0.5, mmsi, t)
    order = pair_order(mmsi[i], mmsi[j], t[i])
    assert a.tolist() == i[order].tolist() and b.tolist() == j[order].tolist()
    assert d.tolist() == (i[order] * 0.5).tolist()


@st.composite
def _scene(draw: st.DrawFn) -> tuple[Frame, list[int]]:
    rows: list[dict[str, float]] = []
    for m in range(1, draw(st.integers(1, 5)) + 1):
        lon, lat = offset(LON0, LAT0, draw(st.floats(-2000, 2000)), draw(st.floats(-2000, 2000)))
        legs = draw(st.lists(st.tuples(st.integers(1, 40), st.sampled_from([0.0, 0.5, 3.0, 8.0]),
                                       st.floats(0, 359)), min_size=1, max_size=3))
        every = draw(st.sampled_from([7.0, 45.0, 60.0, 130.0, 700.0, 2400.0]))
        start = T0 + draw(st.integers(0, 3000)) * 1_000_000
        part = track(m, start, lon, lat, legs, every_s=every)
        seg_change = draw(st.integers(0, len(part)))
        for i, r in enumerate(part):
            r["segment"] = 1 if i < seg_change else 2
        rows += part
    span = max(r["t_us"] for r in rows) - T0
    cuts = sorted(draw(st.lists(st.integers(0, int(span)), min_size=1, max_size=2)))
    return frame(rows), [T0 + c for c in cuts]


@settings(max_examples=120, deadline=None)
@given(_scene())
def test_split_equals_whole(scene: tuple[Frame, list[int]]) -> None:
    f, cuts = scene
    ctx = pair_context({2: ("navy", 120.0)})
    whole, _ = run_pairs(f, ctx)
    parts: list[PairSamples] = []
    state: dict = {}
    lo = None
    for k, cut in enumerate([*cuts, None]):
        sel = np.ones(f.n, np.bool_) if lo is None else f.t_us > lo
        if cut is not None:
            sel &= f.t_us <= cut
        final = k == len(cuts)
        wm = cut if cut is not None else max(int(f.t_us.max()), lo or 0)
        p, state = PairStage().run(Batch(f.take(np.flatnonzero(sel)), wm, final), ctx, state)
        assert p.n == 0 or p.t_us.min() > (parts[-1].horizon_us if parts else NEVER_US)
        parts.append(p)
        lo = cut
    joined = {c: np.concatenate([getattr(p, c) for p in parts]) for c in COLUMNS}
    order = np.lexsort((joined["t_us"], joined["mmsi_b"], joined["mmsi_a"]))
    for c in COLUMNS:
        np.testing.assert_array_equal(joined[c][order], getattr(whole, c), err_msg=c)


def test_run_medians_equal_numpy_per_run() -> None:
    rng = np.random.default_rng(5)
    for _ in range(200):
        cuts = np.concatenate([[0], np.cumsum(rng.integers(0, 6, rng.integers(1, 6)))])
        v = rng.integers(0, 5, cuts[-1]).astype(float)
        v[rng.random(v.size) < 0.2] = np.nan  # unknown values are left out
        want = [np.nanmedian(v[a:b]) if np.isfinite(v[a:b]).any() else np.nan
                for a, b in itertools.pairwise(cuts)]
        np.testing.assert_array_equal(run_medians(v, cuts.astype(np.int64)), want)
