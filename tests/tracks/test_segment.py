"""segment(): the scenarios the rule exists for, its state, misuse, and two properties
(batches give the labels of one call; the Numba kernel follows the row-by-row oracle)."""

from __future__ import annotations

import io
import itertools

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pantau.tracks import (
    SEGMENT_STATE,
    SegmentParams,
    SegmentState,
    TracksError,
    prepare,
    segment,
)
from pantau.tracks._ids import segment_id_of
from tests.tracks._oracle import Open, Point, segment_points
from tests.tracks._tables import DEG_LAT_M, T0_US, positions, rows_of, track

DAY_S = 86_400.0


def run(points: list[Point], state: SegmentState | None = None,
        params: SegmentParams | None = None) -> tuple[pa.Table, SegmentState]:
    in_time_order: list[Point] = sorted(points, key=lambda p: p[1])
    clean = prepare(positions(in_time_order)).clean
    return segment(clean, state, params)


def ids(labelled: pa.Table) -> list[int]:
    return list(labelled.column("segment_id").to_pylist())


def test_two_transmitters_on_one_mmsi_make_two_segments_not_a_zigzag() -> None:
    a = track(533000001, 0, 60, 60, 101.0, 3.0, dlon=0.002)    # ~7 kn eastwards
    b = track(533000001, 30, 60, 60, 101.0, 4.8, dlat=0.001)   # 200 km north
    labelled, state = run(a + b)
    by_id: dict[int, set[float]] = {}
    for sid, lat in zip(ids(labelled), labelled.column("lat").to_pylist(), strict=True):
        by_id.setdefault(sid, set()).add(round(lat))
    assert sorted(by_id.values(), key=min) == [{3}, {5}]
    speeds = [s for s in labelled.column("implied_speed_kn").to_pylist() if s is not None]
    assert max(speeds) < 10
    assert state.segments.num_rows == 2
    assert sorted(state.segments.column("n_points").to_pylist()) == [60, 60]


def test_a_silence_over_seven_days_splits_and_under_does_not() -> None:
    first = track(1, 0, 60, 10, 101.0, 3.0)
    back_in_6d = track(1, 6 * DAY_S, 60, 10, 101.0, 3.0)
    back_in_10d = track(1, 10 * DAY_S, 60, 10, 101.0, 3.0)
    assert len(set(ids(run(first + back_in_6d)[0]))) == 1
    labelled, _ = run(first + back_in_10d)
    assert len(set(ids(labelled))) == 2
    assert labelled.column("dt_s")[10].as_py() is None


def test_exactly_seven_days_still_joins() -> None:
    pts = track(1, 0, 60, 3, 101.0, 3.0) + track(1, 120 + 7 * DAY_S, 60, 3, 101.0, 3.0)
    labelled, _ = run(pts)
    assert len(set(ids(labelled))) == 1
    assert labelled.column("dt_s")[3].as_py() == 7 * DAY_S


def test_a_fast_jump_splits() -> None:
    before = track(2, 0, 60, 10, 101.0, 3.0, dlon=0.001)
    after = track(2, 600, 60, 10, 101.5, 3.0, dlon=0.001)  # 55 km in a minute
    labelled, state = run(before + after)
    got = ids(labelled)
    assert len(set(got[:10])) == 1 and len(set(got[10:])) == 1 and got[0] != got[10]
    assert state.segments.num_rows == 2


def test_a_single_glitch_does_not_break_the_track() -> None:
    pts = track(3, 0, 10, 30, 101.0, 3.0, dlat=0.0003)
    glitch = (3, pts[15][1] + 5_000_000, 0.0, 0.0)
    labelled, _ = run([*pts, glitch])
    got = ids(labelled)
    main = got[0]
    assert got.count(main) == 30 and len(set(got)) == 2


def test_gps_noise_over_a_few_seconds_does_not_split() -> None:
    rng = np.random.default_rng(7)
    pts = [(4, T0_US + i * 2_000_000, 101.0 + rng.normal(0, 0.0008),
            3.0 + rng.normal(0, 0.0008)) for i in range(200)]  # ~90 m jitter every 2 s
    labelled, _ = run(pts)
    assert len(set(ids(labelled))) == 1
    speeds = [s for s in labelled.column("implied_speed_kn").to_pylist() if s is not None]
    assert max(speeds) > 25  # raw implied speeds are reported as they are


def test_single_position_vessels() -> None:
    labelled, state = run([(10, T0_US, 1.0, 1.0), (11, T0_US, 1.0, 1.0)])
    assert labelled.column("dt_s").to_pylist() == [None, None]
    assert labelled.column("implied_speed_kn").null_count == 2
    assert state.segments.column("n_points").to_pylist() == [1, 1]


def test_labels_and_units() -> None:
    pts = track(5, 0, 60, 2, 101.0, 3.0, dlat=0.004)
    labelled, _ = run(pts)
    row = labelled.slice(1).to_pylist()[0]
    assert row["dt_s"] == 60.0
    assert row["distance_m"] == pytest.approx(0.004 * DEG_LAT_M, rel=1e-6)
    assert row["implied_speed_kn"] == pytest.approx(0.004 * DEG_LAT_M / 60 * 3600 / 1852,
                                                    rel=1e-6)
    zero_dt = run([(6, T0_US, 1.0, 1.0), (6, T0_US, 1.0, 1.001)])[0]
    assert zero_dt.column("dt_s").to_pylist() == [None, 0.0]
    assert zero_dt.column("implied_speed_kn").to_pylist() == [None, None]


def test_ids_are_a_hash_of_the_first_point_and_stable_across_runs() -> None:
    pts = track(533123456, 0, 60, 5, 101.5, 2.5, dlon=0.001)
    first, _ = run(pts)
    again, _ = run(list(reversed(pts)))
    assert ids(first) == ids(again)
    assert set(ids(first)) == {segment_id_of(533123456, T0_US, 101.5, 2.5)}
    # pinned: ids must never change, or a re-run would duplicate every stored segment
    assert segment_id_of(533123456, T0_US, 101.5, 2.5) == 1858142063675198757
    assert 0 <= ids(first)[0] < 2**63


def test_same_mmsi_same_second_two_places_get_two_ids() -> None:
    labelled, _ = run([(8, T0_US, 101.0, 3.0), (8, T0_US, 104.0, 3.0)])
    assert len(set(ids(labelled))) == 2


def test_late_data_opens_its_own_segment_and_never_fails() -> None:
    pts = track(9, 0, 60, 100, 101.0, 3.0, dlon=0.0005)
    _, state = run(pts[:60])
    late = [(*pts[30][:3], 3.0005)]  # 30 minutes older than the segment's last point
    labelled, state2 = run([*late, *pts[60:]], state)
    got = ids(labelled)
    main = state.segments.column("segment_id")[0].as_py()
    assert got.count(main) == 40 and len(set(got)) == 2
    assert labelled.column("dt_s")[0].as_py() is None
    assert state2.segments.num_rows == 2


def test_re_segmenting_replaces_the_labels() -> None:
    labelled, _ = run(track(1, 0, 60, 5, 101.0, 3.0))
    again, _ = segment(labelled)
    assert again.equals(labelled)


def test_empty_input_and_state_pass_through() -> None:
    _, state = run(track(1, 0, 60, 5, 101.0, 3.0))
    empty = prepare(positions([])).clean
    out, same = segment(empty, state)
    assert out.num_rows == 0 and out.column_names[-4:] == ["segment_id", "dt_s", "distance_m",
                                                          "implied_speed_kn"]
    assert same.segments.equals(state.segments)
    assert segment(empty)[1].segments.schema == SEGMENT_STATE


def test_state_drops_segments_no_point_can_join() -> None:
    _, state = run(track(1, 0, 60, 5, 101.0, 3.0) + track(2, 8 * DAY_S, 60, 5, 1.0, 3.0))
    assert state.segments.column("mmsi").to_pylist() == [2]


def test_at_most_max_open_segments_per_mmsi() -> None:
    pts = [p for k in range(6) for p in track(7, k, 6, 20, 10.0 * k, 0.0)]
    params = SegmentParams(max_open=3)
    labelled, state = run(pts, params=params)
    assert state.segments.num_rows == 3
    want, _ = segment_points(rows_of(labelled), params)  # type: ignore[arg-type]
    assert ids(labelled) == [w[0] for w in want]
    assert len(set(ids(labelled))) > 6  # evicted transmitters come back as new segments


@pytest.mark.parametrize("rows, message", [
    ([(1, T0_US, None, 1.0)], "null lon"),
    ([(1, None, 1.0, 1.0)], "null received_at"),
    ([(2, T0_US, 1.0, 1.0), (1, T0_US, 1.0, 1.0)], "sorted"),
    ([(1, T0_US + 1, 1.0, 1.0), (1, T0_US, 1.0, 1.0)], "sorted"),
])
def test_unprepared_input_is_misuse(rows: list, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(TracksError, match=message):
        segment(positions(rows))


def test_a_bad_state_is_misuse() -> None:
    with pytest.raises(TracksError, match="lacks column"):
        segment(positions([]), SegmentState(pa.table({"mmsi": [1]})))


@pytest.mark.parametrize("kwargs", [
    {"max_speed_kn": 0}, {"max_gap_s": -1.0}, {"noise_m": float("nan")}, {"max_open": 0},
    {"short_seg_points": 1.5}, {"buffer_s": -1.0}, {"penalty_speed_kn": float("inf")},
])
def test_bad_params_are_misuse(kwargs: dict[str, float]) -> None:
    with pytest.raises(TracksError):
        SegmentParams(**kwargs)  # type: ignore[arg-type]


# -- properties ---------------------------------------------------------------------------
_STEPS_S = [0, 1, 2, 10, 30, 60, 600, 3600, 5 * 3600, 3 * 86400, 8 * 86400]
_PARAMS = [SegmentParams(), SegmentParams(max_open=2),
           SegmentParams(max_gap_s=6 * 3600.0, noise_m=0.0, buffer_s=0.0)]


@st.composite
def streams(draw: st.DrawFn) -> list[Point]:
    """A time-ordered feed: a few MMSIs, each heard from up to three places ~220 km apart,
    with noise-sized and ship-sized moves, silences of all lengths and repeated times."""
    n = draw(st.integers(1, 60))
    t = T0_US
    out: list[Point] = []
    for _ in range(n):
        t += draw(st.sampled_from(_STEPS_S)) * 1_000_000
        mmsi = draw(st.integers(1, 3))
        where = draw(st.integers(0, 2))
        dx = draw(st.sampled_from([0.0, 0.0005, -0.003, 0.02, 0.3]))
        dy = draw(st.sampled_from([0.0, 0.0004, 0.004, -0.05]))
        out.append((mmsi, t, 100.0 + 2.0 * where + dx, 3.0 + dy))
    return out


def _sorted_rows(table: pa.Table) -> list[tuple]:  # type: ignore[type-arg]
    cols = [table.column(c).to_pylist() for c in
            ("mmsi", "received_at", "lon", "lat", "segment_id", "dt_s", "distance_m",
             "implied_speed_kn")]
    return sorted(zip(*cols, strict=True), key=lambda r: (r[0], r[1]))


def _stored(state: SegmentState, seed: int) -> SegmentState:
    """The state as a store would give it back: through Parquet, rows in any order."""
    buf = io.BytesIO()
    pq.write_table(state.segments, buf)
    table = pq.read_table(io.BytesIO(buf.getvalue()))
    order = np.random.default_rng(seed).permutation(table.num_rows)
    return SegmentState(table.take(pa.array(order, pa.int64())))


@settings(max_examples=300, deadline=None)
@given(streams(), st.lists(st.integers(0, 60), max_size=3), st.sampled_from(_PARAMS))
def test_batches_with_state_give_the_labels_of_one_call(
        stream: list[Point], cuts: list[int], params: SegmentParams) -> None:
    whole, whole_state = segment(prepare(positions(stream)).clean, None, params)
    times = sorted({stream[min(c, len(stream) - 1)][1] for c in cuts})
    bounds = [stream[0][1], *times, stream[-1][1] + 1]
    parts: list[pa.Table] = []
    state: SegmentState | None = None
    for lo, hi in itertools.pairwise(bounds):
        batch = [p for p in stream if lo <= p[1] < hi]
        labelled, state = segment(prepare(positions(batch)).clean,
                                  _stored(state, len(parts)) if state else None, params)
        parts.append(labelled)
    assert _sorted_rows(pa.concat_tables(parts)) == _sorted_rows(whole)
    assert state is not None and state.segments.equals(whole_state.segments)


@settings(max_examples=300, deadline=None)
@given(streams(), st.sampled_from(_PARAMS))
def test_kernel_follows_the_row_by_row_oracle(stream: list[Point],
                                              params: SegmentParams) -> None:
    labelled, state = segment(prepare(positions(stream)).clean, None, params)
    want, want_state = segment_points(rows_of(labelled), params)  # type: ignore[arg-type]
    assert ids(labelled) == [w[0] for w in want]
    for col, k in (("dt_s", 1), ("distance_m", 2), ("implied_speed_kn", 3)):
        got = labelled.column(col).to_pylist()
        assert [g is None for g in got] == [w[k] is None for w in want]
        assert [g for g in got if g is not None] == pytest.approx(
            [w[k] for w in want if w[k] is not None], rel=1e-9, abs=1e-9)
    got_state = {(r["mmsi"], r["segment_id"], r["n_points"])
                 for r in state.segments.to_pylist()}
    assert got_state == {(m, s.segment_id, s.n) for m, segs in want_state.items()
                         for s in segs}
    assert all(isinstance(s, Open) for segs in want_state.values() for s in segs)
