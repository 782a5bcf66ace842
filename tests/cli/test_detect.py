"""`pantau detect` on files: the contract of DESIGN.md, stable ids, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from typer.testing import CliRunner

from pantau.cli.main import app
from tests.conftest import DATA

runner = CliRunner()
DMA = DATA / "dma-ais_AisLib" / "stream_example.txt"
FIELDS = ["event_id", "kind", "mmsi", "other_mmsi", "start", "end", "lat", "lon", "zone",
          "duration_s", "details"]


def _detect(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["detect", *args])
    return result.exit_code, result.output


def test_real_recording_twice_gives_the_same_events(tmp_path: Path) -> None:
    outs = []
    for name in ("a.jsonl", "b.jsonl"):
        code, output = _detect(str(DMA), "--out", str(tmp_path / name))
        assert code == 0, output
        outs.append((tmp_path / name).read_text())
    assert outs[0] == outs[1] and outs[0]
    for line in outs[0].splitlines():
        event = json.loads(line)
        assert list(event) == FIELDS
        assert event["start"].endswith("Z") and isinstance(event["details"], dict)
    kinds = {json.loads(line)["kind"] for line in outs[0].splitlines()}
    assert "identity_anomaly" in kinds  # the recording has MMSIs 111111111, 123456789, ...


def test_decoded_directory_and_parquet_give_the_same_events(tmp_path: Path) -> None:
    assert runner.invoke(app, ["decode", str(DMA), "--out", str(tmp_path / "dec")]).exit_code == 0
    _detect(str(DMA), "--out", str(tmp_path / "nmea.jsonl"))
    code, output = _detect(str(tmp_path / "dec"), "--out", str(tmp_path / "dir.jsonl"))
    assert code == 0, output
    assert (tmp_path / "dir.jsonl").read_text() == (tmp_path / "nmea.jsonl").read_text()


def test_existing_output_is_refused_without_force(tmp_path: Path) -> None:
    out = tmp_path / "events.jsonl"
    out.write_text("keep me\n")
    code, output = _detect(str(DMA), "--out", str(out))
    assert code == 2 and "--force" in output
    assert out.read_text() == "keep me\n"


def test_empty_input_gives_no_events(tmp_path: Path) -> None:
    empty = tmp_path / "empty.nmea"
    empty.write_bytes(b"")
    code, output = _detect(str(empty), "--out", str(tmp_path / "e.jsonl"))
    assert code == 0, output
    assert (tmp_path / "e.jsonl").read_text() == ""


def test_watchlist_naming_unknown_vessels_and_zones_missing_the_data(tmp_path: Path) -> None:
    watch = tmp_path / "watch.csv"
    watch.write_text("mmsi,category,name\n412000001,coast_guard,HAIJING 1\n")
    zones = tmp_path / "zones.geojson"
    zones.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"name": "Far away", "kind": "aoi"},
        "geometry": {"type": "Polygon", "coordinates": [[[112, 5], [113, 5], [113, 6],
                                                          [112, 6], [112, 5]]]}}]}))
    code, output = _detect(str(DMA), "--watchlist", str(watch), "--zones", str(zones),
                           "--out", str(tmp_path / "e.jsonl"))
    assert code == 0, output
    kinds = {json.loads(x)["kind"] for x in (tmp_path / "e.jsonl").read_text().splitlines()}
    assert "zone_entry" not in kinds


def test_bad_inputs_are_clear_errors(tmp_path: Path) -> None:
    broken = tmp_path / "positions.parquet"
    broken.write_bytes(b"PAR1 not really")
    code, output = _detect(str(broken), "--out", str(tmp_path / "e.jsonl"))
    assert code == 2 and "not a readable positions Parquet file" in output
    lacking = tmp_path / "lacking.parquet"
    pq.write_table(pa.table({"mmsi": [1], "lon": [1.0]}), lacking)
    code, output = _detect(str(lacking), "--out", str(tmp_path / "e.jsonl"))
    assert code == 2 and "lacks received_at, lat" in output
    code, output = _detect(str(tmp_path / "missing.nmea"), "--out", str(tmp_path / "e.jsonl"))
    assert code == 2
    assert not (tmp_path / "e.jsonl").exists()


def test_unsorted_and_duplicated_positions(tmp_path: Path) -> None:
    t0 = 1_757_894_400_000_000
    rows = [(533000001, t0 + k * 60_000_000, 112.0 + k * 0.003, 5.0) for k in range(30)]
    rows = rows[::-1] + rows[:5]  # newest first, five twice
    table = pa.table({"mmsi": [r[0] for r in rows],
                      "received_at": pa.array([r[1] for r in rows]).cast(
                          pa.timestamp("us", "UTC")),
                      "lon": [r[2] for r in rows], "lat": [r[3] for r in rows]})
    pq.write_table(table, tmp_path / "p.parquet")
    ordered = table.sort_by("received_at")
    pq.write_table(ordered, tmp_path / "q.parquet")
    assert _detect(str(tmp_path / "p.parquet"), "--out", str(tmp_path / "p.jsonl"))[0] == 0
    assert _detect(str(tmp_path / "q.parquet"), "--out", str(tmp_path / "q.jsonl"))[0] == 0
    assert (tmp_path / "p.jsonl").read_text() == (tmp_path / "q.jsonl").read_text()


def test_events_query_after_ingest(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert runner.invoke(app, ["ingest", str(DMA), "--data-dir", str(data)]).exit_code == 0
    result = runner.invoke(app, ["events", "--data-dir", str(data), "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    # ingest leaves episodes open for later data, but instant ones are out already
    assert {r["kind"] for r in rows} == {"identity_anomaly"}
    assert all(isinstance(r["details"], dict) for r in rows)
    assert [r["start"] for r in rows] == sorted((r["start"] for r in rows), reverse=True)
    one = runner.invoke(app, ["events", "--data-dir", str(data), "--mmsi", "111111111",
                              "--csv"])
    assert one.exit_code == 0 and one.output.count("\n") == 2  # header and one event
    bad = runner.invoke(app, ["events", "--data-dir", str(data), "--kind", "nope"])
    assert bad.exit_code == 2 and "is not one of" in bad.output


def test_alerts_from_stored_events(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert runner.invoke(app, ["ingest", str(DMA), "--data-dir", str(data)]).exit_code == 0
    result = runner.invoke(app, ["alerts", "--data-dir", str(data), "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found and {a["rule"] for a in found} == {"identity anomaly"}
    assert {a["severity"] for a in found} == {"low"}
    high = runner.invoke(app, ["alerts", "--data-dir", str(data), "--severity", "high",
                               "--json"])
    assert json.loads(high.output) == []
    bad = runner.invoke(app, ["alerts", "--data-dir", str(data), "--severity", "urgent"])
    assert bad.exit_code == 2 and "is not one of" in bad.output
    rules = tmp_path / "rules.json"
    rules.write_text('{"rules": [{"name": "x", "severity": "low", "kinds": ["nope"]}]}')
    bad = runner.invoke(app, ["alerts", "--data-dir", str(data), "--rules", str(rules)])
    assert bad.exit_code == 2 and "'nope'" in bad.output
