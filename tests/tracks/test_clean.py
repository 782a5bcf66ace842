"""prepare(): what is dropped and why, the order of what is kept, and misuse."""

from __future__ import annotations

import random
from datetime import timedelta

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pantau.schema import POSITIONS, UTC_TS
from pantau.tracks import DropReason, TracksError, prepare
from tests.tracks._oracle import Row, prepare_rows
from tests.tracks._tables import T0_US, positions, rows_of


def test_sorts_by_vessel_then_time_and_keeps_every_column() -> None:
    rows: list[Row] = [(3, T0_US + 5, 1.0, 1.0), (1, T0_US + 9, 2.0, 2.0),
                       (1, T0_US + 1, 3.0, 3.0), (2, T0_US + 4, 4.0, 4.0)]
    clean, dropped = prepare(positions(rows))
    assert rows_of(clean) == [rows[2], rows[1], rows[3], rows[0]]
    assert clean.schema == POSITIONS
    assert dropped.num_rows == 0
    assert dropped.column_names == [*POSITIONS.names, "reason"]


def test_exact_duplicates_keep_the_first_and_near_ones_stay() -> None:
    a: Row = (7, T0_US, 101.0, 3.0)
    rows: list[Row] = [a, (7, T0_US, 101.0, 3.00001), a, (7, T0_US + 1, 101.0, 3.0), a]
    clean, dropped = prepare(positions(rows))
    assert rows_of(clean) == [rows[0], rows[1], rows[3]]
    assert dropped.column("reason").to_pylist() == ["duplicate", "duplicate"]
    assert rows_of(dropped) == [a, a]


def test_every_reason_in_input_order() -> None:
    rows: list[Row] = [
        (None, T0_US, 1.0, 1.0), (1, None, 1.0, 1.0), (1, T0_US, None, 1.0),
        (1, T0_US, 1.0, None), (1, T0_US, 181.0, 1.0), (1, T0_US, 1.0, -91.0),
        (1, T0_US, float("nan"), 1.0), (1, T0_US, 180.0, -90.0), (1, T0_US, 180.0, -90.0),
        (None, None, None, None),
    ]
    clean, dropped = prepare(positions(rows))
    assert rows_of(clean) == [rows[7]]
    assert dropped.column("reason").to_pylist() == [
        "no_mmsi", "no_received_at", "no_position", "no_position", "position_out_of_range",
        "position_out_of_range", "position_out_of_range", "duplicate", "no_mmsi"]
    assert set(dropped.column("reason").to_pylist()) == {r.value for r in DropReason}


def test_single_rows_empty_tables_and_record_batches() -> None:
    one = positions([(5, T0_US, 0.0, 0.0)])
    assert prepare(one).clean.num_rows == 1
    empty = prepare(POSITIONS.empty_table())
    assert empty.clean.num_rows == empty.dropped.num_rows == 0
    assert prepare(one.to_batches()[0]).clean.equals(one)


def test_times_in_another_zone_become_utc() -> None:
    tz8 = pa.timestamp("ms", tz="+08:00")
    table = pa.table({"mmsi": [1], "received_at": pa.array([T0_US // 1000], pa.int64()).cast(
        tz8), "lon": [1.0], "lat": [1.0]})
    clean = prepare(table).clean
    assert clean.schema.field("received_at").type == UTC_TS
    assert clean.column("received_at").cast(pa.int64()).to_pylist() == [T0_US // 1000 * 1000]
    assert clean.column("received_at")[0].as_py().utcoffset() == timedelta(0)


@pytest.mark.parametrize("table, message", [
    (pa.table({"mmsi": [1], "lon": [1.0], "lat": [1.0]}), "lacks column"),
    (pa.table({"mmsi": [1], "received_at": pa.array([0], pa.timestamp("us")), "lon": [1.0],
               "lat": [1.0]}), "timezone-aware"),
    (pa.table({"mmsi": ["x"], "received_at": pa.array([0], UTC_TS), "lon": [1.0],
               "lat": [1.0]}), "integers"),
])
def test_misuse_is_an_error(table: pa.Table, message: str) -> None:
    with pytest.raises(TracksError, match=message):
        prepare(table)


_mmsi = st.one_of(st.none(), st.integers(1, 4))
_t = st.one_of(st.none(), st.integers(0, 5).map(lambda s: T0_US + s * 1_000_000))
_coord = st.one_of(st.none(), st.sampled_from([0.0, 1.0, -1.5, 91.0, 179.0, -181.0]))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_mmsi, _t, _coord, _coord), max_size=40))
def test_matches_the_row_by_row_rule(rows: list[Row]) -> None:
    clean, dropped = prepare(positions(rows))
    want_clean, want_dropped = prepare_rows(rows)
    assert rows_of(clean) == [rows[i] for i in want_clean]
    assert rows_of(dropped) == [rows[i] for i, _ in want_dropped]
    assert dropped.column("reason").to_pylist() == [r for _, r in want_dropped]
    assert clean.num_rows + dropped.num_rows == len(rows)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 30), st.integers(0, 50), st.floats(-1, 1),
                          st.floats(-1, 1)), min_size=1, max_size=60), st.randoms())
def test_order_of_input_does_not_matter_for_distinct_times(rows: list[Row],
                                                           rnd: random.Random) -> None:
    distinct = list({(r[0], r[1]): r for r in rows}.values())
    shuffled = distinct[:]
    rnd.shuffle(shuffled)
    a, b = prepare(positions(distinct)).clean, prepare(positions(shuffled)).clean
    assert a.equals(b)
    m = np.array(a.column("mmsi").to_pylist())
    assert bool(np.all(np.diff(m) >= 0))
