from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.store.archive import PositionArchive
from pantau.store.embedded import EmbeddedStore
from tests.conftest import DATA
from tests.pipeline._feeds import NORWAY, shifted_feed

runner = CliRunner()
DMA = DATA / "dma-ais_AisLib" / "stream_example.txt"


def _run(*args: str) -> dict | list:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _stats(data: Path) -> dict:
    out = _run("stats", "--data-dir", str(data))
    assert isinstance(out, dict)
    return out


def test_ingest_then_the_same_input_again_changes_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = _run("ingest", str(DMA), str(NORWAY), "--data-dir", str(data))
    assert isinstance(first, list) and [r["skipped"] for r in first] == [False, False]
    before = _stats(data)
    assert before["positions"] == sum(r["positions"] for r in first) > 3000
    assert before["vessels"] > 2000 and before["inputs"] == 2
    again = _run("ingest", str(NORWAY), str(DMA), "--data-dir", str(data))
    assert isinstance(again, list) and [r["skipped"] for r in again] == [True, True]
    assert _stats(data) == before
    # the same bytes under another name are the same input
    copy = tmp_path / "copy.nm4"
    copy.write_bytes(NORWAY.read_bytes())
    assert _run("ingest", str(copy), "--data-dir", str(data))[0]["skipped"]  # type: ignore[index]


def test_every_position_is_archived_or_set_aside_with_a_reason(tmp_path: Path) -> None:
    data = tmp_path / "data"
    report = _run("ingest", str(DMA), "--data-dir", str(data))[0]  # type: ignore[index]
    decoded_positions = 2511 + 7 + 369 + 101  # types 1, 2, 3, 18 in this recording
    assert report["positions"] + sum(report["dropped"].values()) == decoded_positions
    dropped = list((data / "rejects").glob("*-dropped.parquet"))
    assert dropped, "set-aside positions are kept"


def test_untimed_positions_are_rejected_unless_a_time_is_assumed(tmp_path: Path) -> None:
    untimed = DATA / "M0r13n_pyais" / "nmea_data_sample.txt"
    r = _run("ingest", str(untimed), "--data-dir", str(tmp_path / "a"))[0]  # type: ignore[index]
    assert r["positions"] == 0 and r["dropped"]["no_received_at"] > 500
    r = _run("ingest", str(untimed), "--data-dir", str(tmp_path / "b"),  # type: ignore[index]
             "--assume-time", "2026-11-23T00:00:00Z")[0]
    assert r["positions"] > 500
    bad = runner.invoke(app, ["ingest", str(untimed), "--data-dir", str(tmp_path / "c"),
                              "--assume-time", "yesterday"])
    assert bad.exit_code == 2 and "ISO 8601" in bad.output


def test_vessels_and_track_queries(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _run("ingest", str(DMA), "--data-dir", str(data))
    rows = _run("vessels", "--data-dir", str(data))
    assert isinstance(rows, list) and len(rows) > 1000
    kings = [r for r in rows if r["shipname"] == "KING OF SCANDINAVIA"]
    assert kings and kings[0]["flag"] == "DK"
    track = _run("track", "219000352", "--data-dir", str(data))  # 12 reports in 2010
    assert isinstance(track, list) and len(track) == 12
    times = [p["received_at"] for p in track]
    assert times == sorted(times)
    csv_out = runner.invoke(app, ["vessels", "--data-dir", str(data), "--csv"]).output
    assert csv_out.splitlines()[0].startswith("mmsi,shipname")
    none = runner.invoke(app, ["track", "123", "--data-dir", str(data)])
    assert none.exit_code == 2 and "no positions" in none.output
    assert runner.invoke(app, ["vessels", "--category", "pirate", "--data-dir",
                               str(data)]).exit_code == 2


def test_queries_on_a_directory_without_data_are_clear(tmp_path: Path) -> None:
    result = runner.invoke(app, ["stats", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2 and "no pantau data" in result.output


def _ingest_in_subprocess(feed: Path, data: Path) -> subprocess.Popen[bytes]:
    code = ("import sys; from pantau.pipeline.ingest import *; from pantau.pipeline import "
            "config; from pantau.store.embedded import EmbeddedStore; "
            "s = EmbeddedStore(sys.argv[2]); config.use_zones(s, None); z = "
            "config.load_zoneset(s); s.close(); "
            "i = Ingestor(sys.argv[2], config.geography(z, __import__('pathlib').Path("
            "sys.argv[2]) / 'cache'), None, IngestOptions(chunk_positions=5000)); "
            "i.ingest(sys.argv[1])")
    return subprocess.Popen([sys.executable, "-c", code, str(feed), str(data)],
                            stderr=subprocess.PIPE)


def test_a_killed_ingest_leaves_a_readable_store_and_a_rerun_completes(tmp_path: Path) -> None:
    feed = shifted_feed(tmp_path / "feed.nm4", copies=40)
    clean = tmp_path / "clean"
    _run("ingest", str(feed), "--data-dir", str(clean))
    data = tmp_path / "data"
    proc = _ingest_in_subprocess(feed, data)
    staging = data / "staging"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if staging.exists() and any(staging.glob("*/day=*/part-*.parquet")):
            break
        time.sleep(0.01)
    assert proc.poll() is None, "ingest finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _stats(data)["positions"] == 0  # readable; nothing half-committed is visible
    report = _run("ingest", str(feed), "--data-dir", str(data))[0]  # type: ignore[index]
    assert any("discarded unfinished run" in n for n in report["notes"])
    assert _stats(data) == _stats(clean)
    assert not any(staging.iterdir())


@pytest.fixture
def small_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3600k", "tmpfs", str(mount)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_disk_full_during_ingest_is_a_clear_error_and_corrupts_nothing(
        tmp_path: Path, small_disk: Path) -> None:
    data = small_disk / "data"
    _run("ingest", str(DMA), "--data-dir", str(tmp_path / "warm"))
    data.mkdir()
    (data / "cache").symlink_to(tmp_path / "warm" / "cache")  # the grid would not fit
    first = runner.invoke(app, ["ingest", str(NORWAY), "--data-dir", str(data)])
    assert first.exit_code == 0, first.output
    before = _stats(data)
    big = shifted_feed(tmp_path / "big.nm4", copies=800)
    full = runner.invoke(app, ["ingest", str(big), "--data-dir", str(data)])
    assert full.exit_code == 2, full.output
    assert "writing failed" in full.output and "Traceback" not in full.output
    assert _stats(data) == before  # what was ingested before is intact
    with EmbeddedStore(data, read_only=True) as store:
        assert store.count("ingests", {"status": "done"}) == 1
    assert PositionArchive(data).count() == before["positions"]


def test_a_bad_zones_file_is_refused_naming_the_feature(tmp_path: Path) -> None:
    zones = tmp_path / "zones.geojson"
    zones.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Box", "kind": "aoi"},
         "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1],
                                                          [0, 0]]]}}]}))
    result = runner.invoke(app, ["ingest", str(DMA), "--zones", str(zones),
                                 "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 2
    assert "Box" in result.output and "invalid polygon" in result.output
    assert "Traceback" not in result.output


def test_zones_and_watchlist_are_kept_and_malformed_rows_reported(tmp_path: Path) -> None:
    data = tmp_path / "data"
    zones = tmp_path / "baltic.geojson"
    zones.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Kattegat", "kind": "aoi"},
         "geometry": {"type": "Polygon", "coordinates": [[[10.0, 55.5], [13.0, 55.5],
                                                          [13.0, 58.0], [10.0, 58.0],
                                                          [10.0, 55.5]]]}}]}))
    watch = tmp_path / "watch.csv"
    watch.write_text("mmsi,category,name\n219000352,survey,test vessel\n12,navy,bad mmsi\n"
                     "219012415,pirate,bad category\n")
    result = runner.invoke(app, ["ingest", str(DMA), "--zones", str(zones), "--watchlist",
                                 str(watch), "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert "2 row(s) rejected" in result.output
    assert "line 3" in result.output and "line 4" in result.output
    in_zone = _run("vessels", "--zone", "Kattegat", "--data-dir", str(data))
    assert isinstance(in_zone, list) and 219000352 in [v["mmsi"] for v in in_zone]
    surveyed = _run("vessels", "--category", "survey", "--data-dir", str(data))
    assert [v["mmsi"] for v in surveyed] == [219000352]  # type: ignore[index]
    # a later ingest without --zones uses the zones kept in the store
    r = _run("ingest", str(NORWAY), "--data-dir", str(data))
    assert r[0]["skipped"] is False  # type: ignore[index]
    with EmbeddedStore(data, read_only=True) as store:
        assert store.get_config("active", "zones") == "baltic"
        assert store.get_config("watchlist", "watch") is not None
