"""Vessel identity merged from static reports: real recordings, an oracle, and the
incremental property."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pantau.decode import DecodeOptions, decode_inputs
from pantau.registry import (
    IDENTITY_HISTORY,
    VESSELS,
    VesselState,
    merge_statics,
    parse_watchlist,
)
from pantau.registry.errors import RegistryError
from pantau.schema import STATICS
from tests.conftest import DATA, real_files

Row = dict[str, Any]
T0 = datetime(2025, 10, 27, tzinfo=UTC)
IDENTITY = ("shipname", "callsign", "imo", "ship_type")


def decoded_statics(*paths: Path) -> pa.Table:
    batches = [b.statics for b in decode_inputs([str(p) for p in paths],
                                                DecodeOptions(dedup=False))]
    return pa.Table.from_batches(batches, schema=STATICS)


def canonical(table: pa.Table) -> pa.Table:
    """The order merge_statics applies reports in: untimed first, then by time, stable."""
    ts = table.column("received_at").cast(pa.int64()).to_numpy(zero_copy_only=False)
    known = table.column("received_at").is_valid().to_numpy(zero_copy_only=False)
    order = np.lexsort((np.arange(len(ts)), np.where(known, np.nan_to_num(ts), 0), known))
    return table.take(pa.array(order))


def by_mmsi(vessels: pa.Table) -> dict[int, Row]:
    return {r["mmsi"]: r for r in vessels.to_pylist()}


# -- real recordings ---------------------------------------------------------------------

def test_type24_parts_a_and_b_make_one_vessel() -> None:
    result = merge_statics(decoded_statics(DATA / "GlobalFishingWatch_ais-tools/sample.nmea"))
    assert result.vessels.schema == VESSELS
    [vessel] = result.vessels.to_pylist()
    assert vessel == {
        "mmsi": 985200250, "shipname": "DAKUWAQA", "callsign": "H985200", "imo": None,
        "ship_type": 37, "length_m": None, "beam_m": None, "flag": "FJ",
        "mmsi_kind": "auxiliary_craft",
        "first_seen": datetime(2020, 9, 4, 17, 13, 7, 658000, tzinfo=UTC),
        "last_seen": datetime(2020, 9, 4, 17, 14, 4, 720000, tzinfo=UTC),
        "n_static_reports": 2, "category": "other", "category_basis": "default"}
    assert result.history.num_rows == 0 and result.history.schema == IDENTITY_HISTORY


def test_type24_part_b_fills_what_part_a_lacks_in_a_class_b_stream() -> None:
    vessels = by_mmsi(merge_statics(
        decoded_statics(DATA / "dma-ais_AisLib/ais250.txt")).vessels)
    oasis = vessels[367320570]  # part A (name) then part B (call sign, type, size)
    assert (oasis["shipname"], oasis["callsign"], oasis["ship_type"]) == ("OASIS", "WDE2113", 37)
    assert (oasis["length_m"], oasis["beam_m"], oasis["n_static_reports"]) == (19, 5, 2)
    assert (oasis["flag"], oasis["category"], oasis["category_basis"]) == ("US", "other",
                                                                           "default")
    assert vessels[338131199]["length_m"] is None  # type 5 with all dimensions 0


def test_a_real_rename_goes_to_history() -> None:
    # DFDS renamed KING OF SCANDINAVIA to KING SEAWAYS in 2011; the 2010 stream has the
    # old name, the 2012 example the new one, timed by the $PGHP line before it
    statics = decoded_statics(DATA / "dma-ais_AisLib/stream_example.txt",
                              DATA / "dma-ais_AisLib/small_cb_example.txt")
    result = merge_statics(statics)
    assert result.history.filter(pa.compute.equal(result.history["mmsi"], 220449000)
                                 ).to_pylist() == [
        {"mmsi": 220449000, "field": "shipname", "old_value": "KING OF SCANDINAVIA",
         "new_value": "KING SEAWAYS",
         "changed_at": datetime(2012, 12, 6, 9, 53, 48, 612000, tzinfo=UTC)}]
    king = by_mmsi(result.vessels)[220449000]
    assert (king["shipname"], king["imo"], king["ship_type"], king["length_m"]) == (
        "KING SEAWAYS", 8502406, 60, 162)  # the new report's null type keeps the known 60


def test_all_real_recordings_in_one_or_many_calls() -> None:
    statics = canonical(decoded_statics(*real_files()))
    whole = merge_statics(statics)
    assert whole.vessels.num_rows == len(set(statics.column("mmsi").to_pylist()))
    assert whole.history.num_rows >= 4  # the real renames and type changes in the data
    state: VesselState | None = None
    parts: list[pa.Table] = []
    for start in range(0, statics.num_rows, 97):
        step = merge_statics(statics.slice(start, 97), state)
        state, parts = step.state, [*parts, step.history]
    assert state is not None and state.vessels.equals(whole.vessels)
    assert pa.concat_tables(parts).equals(whole.history)


def test_watchlist_sets_category() -> None:
    watchlist = parse_watchlist("mmsi,category,name\n985200250,survey,\n")
    statics = decoded_statics(DATA / "GlobalFishingWatch_ais-tools/sample.nmea")
    [vessel] = merge_statics(statics, watchlist=watchlist).vessels.to_pylist()
    assert (vessel["category"], vessel["category_basis"]) == ("survey", "watchlist")


def test_state_survives_parquet() -> None:
    statics = canonical(decoded_statics(DATA / "dma-ais_AisLib/ais250.txt"))
    first = merge_statics(statics.slice(0, 10))
    buf = io.BytesIO()
    pq.write_table(first.vessels, buf)
    stored = VesselState(pq.read_table(io.BytesIO(buf.getvalue())))
    assert merge_statics(statics.slice(10), stored).vessels.equals(merge_statics(statics).vessels)


def test_misuse_is_a_clear_error() -> None:
    statics = decoded_statics(DATA / "GlobalFishingWatch_ais-tools/sample.nmea")
    with pytest.raises(RegistryError, match="shipname"):
        merge_statics(statics.drop_columns(["shipname"]))
    naive = statics.set_column(statics.schema.get_field_index("received_at"), "received_at",
                               statics.column("received_at").cast(pa.timestamp("us")))
    with pytest.raises(RegistryError, match="timezone"):
        merge_statics(naive)
    doubled = merge_statics(statics).vessels
    with pytest.raises(RegistryError, match="more than one row"):
        merge_statics(statics, VesselState(pa.concat_tables([doubled, doubled])))


def test_empty() -> None:
    result = merge_statics(STATICS.empty_table())
    assert result.vessels.num_rows == 0 and result.vessels.schema == VESSELS
    assert result.history.num_rows == 0
    again = merge_statics(STATICS.empty_table(), VesselState.empty())
    assert again.vessels.num_rows == 0


# -- an oracle and the properties --------------------------------------------------------

def oracle(rows: list[Row]) -> tuple[dict[int, Row], list[tuple[Any, ...]]]:
    """The rules of pantau.registry.identity, one report at a time."""
    order = sorted(range(len(rows)), key=lambda i: (
        rows[i]["received_at"] is not None, rows[i]["received_at"] or T0, i))
    vessels: dict[int, Row] = {}
    history = []
    for i in order:
        r = rows[i]
        if r["mmsi"] is None:
            continue
        v = vessels.setdefault(r["mmsi"], {
            "shipname": None, "callsign": None, "imo": None, "ship_type": None,
            "length_m": None, "beam_m": None, "first_seen": None, "last_seen": None,
            "n_static_reports": 0})
        new = {f: r[f] for f in IDENTITY}
        new["length_m"] = ((r["to_bow"] or 0) + (r["to_stern"] or 0)) or None
        new["beam_m"] = ((r["to_port"] or 0) + (r["to_starboard"] or 0)) or None
        for field, value in new.items():
            if value is None:
                continue
            if field in IDENTITY and v[field] is not None and v[field] != value:
                history.append((r["mmsi"], field, str(v[field]), str(value), r["received_at"]))
            v[field] = value
        t = r["received_at"]
        if t is not None:
            v["first_seen"] = t if v["first_seen"] is None else min(v["first_seen"], t)
            v["last_seen"] = t if v["last_seen"] is None else max(v["last_seen"], t)
        v["n_static_reports"] += 1
    return vessels, history


def maybe(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), values)


REPORT = st.fixed_dictionaries({
    "msg_type": st.sampled_from([5, 19, 24]),
    "mmsi": st.one_of(st.sampled_from([533000001, 412000002, 985331234]),
                      st.just(None)),
    "shipname": maybe(st.sampled_from(["ALPHA", "BRAVO", "CHARLIE"])),
    "callsign": maybe(st.sampled_from(["9MAA1", "BXYZ"])),
    "imo": maybe(st.sampled_from([9000001, 9000002])),
    "ship_type": maybe(st.sampled_from([30, 35, 55, 70])),
    "to_bow": maybe(st.integers(0, 30)),
    "to_stern": maybe(st.integers(0, 30)),
    "to_port": maybe(st.integers(0, 8)),
    "to_starboard": maybe(st.integers(0, 8)),
    "received_at": maybe(st.integers(0, 5).map(lambda s: T0 + timedelta(seconds=s))),
})


def table_of(rows: list[Row]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=STATICS)


@settings(max_examples=150, deadline=None)
@given(st.lists(REPORT, max_size=25))
def test_matches_the_oracle(rows: list[Row]) -> None:
    result = merge_statics(table_of(rows))
    vessels, history = oracle(rows)
    got = by_mmsi(result.vessels)
    assert set(got) == set(vessels)
    for mmsi, expected in vessels.items():
        assert {k: got[mmsi][k] for k in expected} == expected
    assert [tuple(r.values()) for r in result.history.to_pylist()] == history


@settings(max_examples=150, deadline=None)
@given(st.lists(REPORT, max_size=25), st.data())
def test_one_call_equals_two_calls(rows: list[Row], data: st.DataObject) -> None:
    statics = canonical(table_of(rows))
    split = data.draw(st.integers(0, statics.num_rows))
    whole = merge_statics(statics)
    first = merge_statics(statics.slice(0, split))
    second = merge_statics(statics.slice(split), first.state)
    assert second.vessels.equals(whole.vessels)
    assert pa.concat_tables([first.history, second.history]).equals(whole.history)


@settings(max_examples=100, deadline=None)
@given(st.lists(REPORT, max_size=25), st.randoms(use_true_random=False))
def test_out_of_order_equals_sorted(rows: list[Row], rnd: Any) -> None:
    timed = [{**r, "received_at": T0 + timedelta(seconds=i)} for i, r in enumerate(rows)]
    shuffled = list(timed)
    rnd.shuffle(shuffled)
    a, b = merge_statics(table_of(timed)), merge_statics(table_of(shuffled))
    assert a.vessels.equals(b.vessels) and a.history.equals(b.history)
