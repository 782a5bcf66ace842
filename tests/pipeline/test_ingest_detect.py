"""Detection inside ingest: events are stored, and a feed ingested as two files in time
order gives exactly the events of the feed ingested as one file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pantau.pipeline import config
from pantau.pipeline.ingest import Ingestor
from pantau.registry import load_watchlist
from pantau.simulate import simulate
from pantau.store.embedded import EmbeddedStore
from pantau.zones.defaults import reference_zones

SPLIT_S = 1_757_894_400 + 5 * 3600  # 05:00 on the scenario's first day


@pytest.fixture(scope="module")
def feed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, Path]:
    d = tmp_path_factory.mktemp("feed")
    sim = simulate("malaysia", hours=9, seed=3, thin_s=30, cache_dir=d / "cache")
    whole = d / "whole.nmea"
    sim.write_feed(whole)
    sim.write_watchlist(d / "watch.csv")
    first, second = [], []
    for line in whole.read_bytes().splitlines(keepends=True):
        m = re.search(rb"c:(\d+)", line)
        (first if m is None or int(m.group(1)) <= SPLIT_S else second).append(line)
    (d / "a.nmea").write_bytes(b"".join(first))
    (d / "b.nmea").write_bytes(b"".join(second))
    return whole, d / "a.nmea", d / "b.nmea", d / "watch.csv"


def _events(data: Path, inputs: list[Path], watch: Path) -> list[tuple]:
    zones = reference_zones()
    ingestor = Ingestor(data, config.geography(zones, data / "cache"),
                        load_watchlist(watch).table, zones=zones)
    try:
        for name in inputs:
            ingestor.ingest(str(name))
        ingestor.flush_detectors()
    finally:
        ingestor.close()
    with EmbeddedStore(data, read_only=True) as store:
        rows = store.select("events").to_pylist()
    return sorted((r["event_id"], r["kind"], r["end"], r["details"]) for r in rows)


def test_two_files_in_time_order_equal_one(feed: tuple[Path, Path, Path, Path],
                                           tmp_path: Path) -> None:
    whole, a, b, watch = feed
    one = _events(tmp_path / "one", [whole], watch)
    two = _events(tmp_path / "two", [a, b], watch)
    kinds = {k for _, k, _, _ in one}
    assert {"escort", "close_approach", "identity_anomaly", "zone_entry"} <= kinds
    assert two == one


def test_ingesting_again_adds_no_event(feed: tuple[Path, Path, Path, Path],
                                       tmp_path: Path) -> None:
    whole, _, _, watch = feed
    first = _events(tmp_path / "d", [whole], watch)
    assert _events(tmp_path / "d", [whole], watch) == first
