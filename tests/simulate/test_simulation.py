"""A short run end to end: deterministic, off land, in coverage, decodable, at the ITU
rates, thinned on request, with well-formed truth and watchlist."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
import shapely

from pantau.errors import OutputError
from pantau.registry import mid_table, mmsi_kind, parse_watchlist
from pantau.simulate import ScenarioError, Simulation, simulate, simulate_to_files
from pantau.simulate.fleet import MERCHANT_MIDS, MY_MID
from pantau.simulate.malaysia_places import INVALID_MMSI
from pantau.simulate.paths import distance_m
from pantau.zones.defaults import land_geometry
from tests.simulate.conftest import Decoded

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
KEYS = ["event_id", "kind", "mmsi", "other_mmsi", "start", "end", "lat", "lon", "zone",
        "duration_s", "details"]


def test_same_seed_same_bytes(cache_dir: Path) -> None:
    a = simulate(hours=0.5, seed=11, cache_dir=cache_dir)
    b = simulate(hours=0.5, seed=11, cache_dir=cache_dir)
    c = simulate(hours=0.5, seed=12, cache_dir=cache_dir)
    assert a.feed_bytes() == b.feed_bytes()
    assert a.truth_jsonl() == b.truth_jsonl()
    assert a.watchlist_csv() == b.watchlist_csv()
    assert a.feed_bytes() != c.feed_bytes()


def test_tracks_stay_off_land(short: Simulation) -> None:
    land = land_geometry()
    for v, life in zip(short.scenario.vessels, short.lives, strict=True):
        if life is not None:
            assert not shapely.contains_xy(land, life.truth.lon, life.truth.lat).any(), v.key


def test_every_report_is_in_range_of_a_receiver(short: Simulation,
                                                short_decoded: Decoded) -> None:
    assert short.stats.uncovered_reports == 0
    assert short.stats.coverage_holes == 0
    # independently: each decoded report lies within range of the station it came from
    rx = {r.id: r for r in short.scenario.receivers}
    pos = short_decoded.positions
    src = pos.column("source").to_pylist()
    lon = pos.column("lon").to_numpy()
    lat = pos.column("lat").to_numpy()
    for name in set(src):
        sel = np.array([s == name for s in src])
        r = rx[name]
        assert (distance_m(lon[sel], lat[sel], r.lon, r.lat) <= r.range_m + 100).all(), name


def test_feed_decodes_with_only_the_deliberate_rejects(short: Simulation,
                                                       short_decoded: Decoded) -> None:
    counts = short_decoded.counts
    assert counts.n_rejected == short.stats.corrupt_lines > 0
    assert set(counts.rejected) <= {"bad_checksum", "no_checksum", "malformed"}
    assert set(counts.skipped) <= {"duplicate"}
    assert counts.lines == short.stats.lines
    sent = short.stats.messages_by_type
    for t, n in counts.by_type.items():
        # a message is lost only when every copy of it was damaged (0.1% of lines)
        assert 0.995 * sent[t] <= n <= sent[t]
    assert sum(counts.by_type.values()) == short_decoded.positions.num_rows + \
        short_decoded.statics.num_rows


def test_lines_carry_tag_blocks(short: Simulation) -> None:
    lines = short.feed_bytes().splitlines()
    assert all(line.startswith(b"\\c:") and b",s:MY-" in line[:40] for line in lines)
    multi = [line for line in lines if b"!AIVDM,2," in line]
    assert multi and all(b",g:" in line.split(b"\\")[1] for line in multi)


def _intervals(table, mask) -> dict[int, np.ndarray]:  # type: ignore[no-untyped-def]
    sub = table.filter(mask)
    t = sub.column("received_at").cast("int64").to_numpy() / 1e6
    mmsi = sub.column("mmsi").to_numpy()
    out: dict[int, list[float]] = defaultdict(list)
    order = np.lexsort((t, mmsi))
    t, mmsi = t[order], mmsi[order]
    same = mmsi[1:] == mmsi[:-1]
    for m, d in zip(mmsi[1:][same], np.diff(t)[same], strict=True):
        out[int(m)].append(float(d))
    return {m: np.array(v) for m, v in out.items()}


def test_reporting_rates(short_decoded: Decoded) -> None:
    pos = short_decoded.positions
    speed = pos.column("speed")
    moving_a = pc.and_(pc.is_in(pos.column("msg_type"), value_set=pa.array([1, 2, 3], pa.uint8())),
                       pc.and_(pc.greater(speed, 4.0), pc.less(speed, 13.0)))
    fast_a = pc.and_(pc.is_in(pos.column("msg_type"), value_set=pa.array([1, 2, 3], pa.uint8())),
                     pc.and_(pc.greater(speed, 15.0), pc.less(speed, 22.0)))
    anchored = pc.and_(pc.equal(pos.column("status"), 1), pc.less(speed, 1.0))
    class_b = pc.and_(pc.equal(pos.column("msg_type"), 18), pc.greater(speed, 2.5))
    for mask, expected in ((moving_a, 10), (fast_a, 6), (anchored, 180), (class_b, 30)):
        gaps = np.concatenate(list(_intervals(pos, mask).values()))
        assert abs(np.median(gaps) - expected) <= 1, expected
    statics = short_decoded.statics
    type5 = _intervals(statics, pc.equal(statics.column("msg_type"), 5))
    assert abs(np.median(np.concatenate(list(type5.values()))) - 360) <= 1
    assert pc.sum(pc.equal(statics.column("msg_type"), 24)).as_py() > 0


def test_thinning(cache_dir: Path) -> None:
    full = simulate(hours=1, seed=3, cache_dir=cache_dir)
    thin = simulate(hours=1, seed=3, thin_s=60, cache_dir=cache_dir)
    out = Decoded(thin.feed_bytes())
    gaps = _intervals(out.positions, pc.is_valid(out.positions.column("mmsi")))
    shared = {v.mmsi for v in thin.scenario.vessels if v.key.startswith("shared-")}
    assert min(g.min() for m, g in gaps.items() if m not in shared) >= 60
    assert "duplicate" not in out.counts.skipped  # one line per message
    for t in (5, 24):  # statics are all kept
        assert thin.stats.messages_by_type[t] == full.stats.messages_by_type[t]
    assert thin.stats.lines < full.stats.lines / 5
    assert thin.truth == full.truth or all(r["kind"] != "ais_gap" for r in full.truth)


def test_truth_is_well_formed(short: Simulation) -> None:
    rows = [json.loads(line) for line in short.truth_jsonl().splitlines()]
    assert rows and [r["event_id"] for r in rows] == [f"truth-{k:06d}" for k in range(len(rows))]
    starts = [r["start"] for r in rows]
    assert starts == sorted(starts)
    t0 = datetime(2025, 9, 15, tzinfo=UTC)
    for r in rows:
        assert list(r) == KEYS
        assert ISO.match(r["start"]) and ISO.match(r["end"])
        a = datetime.fromisoformat(r["start"])
        b = datetime.fromisoformat(r["end"])
        assert t0 <= a <= b <= t0 + timedelta(hours=2)
        assert r["duration_s"] == (b - a).total_seconds()
        assert "behaviour" in r["details"]


def test_watchlist_and_mmsis(short: Simulation) -> None:
    result = parse_watchlist(short.watchlist_csv())
    assert result.rejects.num_rows == 0
    assert set(result.table.column("category").to_pylist()) == {"coast_guard", "survey",
                                                               "own_asset"}
    mmsis = sorted({v.mmsi for v, life in zip(short.scenario.vessels, short.lives,
                                               strict=True) if life})
    kinds = dict(zip(mmsis, mmsi_kind(mmsis).to_pylist(), strict=True))
    assert kinds.pop(INVALID_MMSI) == "invalid"
    assert set(kinds.values()) == {"ship"}


def test_simulate_to_files(tmp_path: Path, cache_dir: Path) -> None:
    feed, truth, watch = tmp_path / "f.nmea", tmp_path / "t.jsonl", tmp_path / "w.csv"
    sim = simulate_to_files(feed, truth, watch, hours=0.2, seed=2, cache_dir=cache_dir)
    assert feed.read_bytes() == sim.feed_bytes()
    assert truth.read_text() == sim.truth_jsonl()
    assert watch.read_text().startswith("mmsi,category,name\n")
    with pytest.raises(OutputError, match="exists"):
        simulate_to_files(feed, truth, hours=0.2, cache_dir=cache_dir)
    with pytest.raises(ScenarioError, match="unknown scenario"):
        simulate_to_files(tmp_path / "a", tmp_path / "b", scenario="nowhere",
                          cache_dir=cache_dir)


def test_flags_are_real_mids() -> None:
    mids = [mid for mid, _ in MERCHANT_MIDS] + [MY_MID]
    assert all(mid_table().allocated[mids])
