"""Random releases: every format renders, and each output holds what the release holds."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pantau.share.formats import FORMATS, cot_events, cot_left_out, render
from pantau.share.formats.cot import MS_PER_KNOT
from pantau.share.model import AFFILIATIONS
from pantau.share.release import Release
from pantau.share.tlp import TLP_LEVELS

from ._release import release
from ._stix_classes import parse_strict

# any text Arrow can hold (no lone surrogates), controls and markup characters included
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
MAYBE_TEXT = st.none() | TEXT
TIMES = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1),
                     timezones=st.just(UTC))
MMSI = st.integers(100_000_000, 100_000_009)  # a few, so records share vessels
TLP = st.sampled_from(TLP_LEVELS)


def mostly(values: st.SearchStrategy[float]) -> st.SearchStrategy[float | None]:
    """A value three times in four, else null."""
    return st.one_of(values, values, values, st.none())


LAT = mostly(st.floats(-90, 90))
LON = mostly(st.floats(-180, 180))
NUM = mostly(st.floats(0, 1e4))
HASH = st.text("0123456789abcdef", min_size=64, max_size=64)


def _ids(prefix: str, n: int) -> list[str]:
    return [f"{prefix}-{i}" for i in range(n)]


track = st.fixed_dictionaries({
    "mmsi": MMSI, "t": TIMES, "lon": LON, "lat": LAT, "sog_kn": NUM, "cog_deg": NUM,
    "heading_deg": NUM, "tlp": TLP, "record_hash": HASH})
vessel = st.fixed_dictionaries({
    "shipname": MAYBE_TEXT, "callsign": MAYBE_TEXT, "imo": st.none() | st.integers(0, 10**7),
    "ship_type": st.none() | st.integers(0, 255), "length_m": st.none() | st.integers(0, 500),
    "flag": MAYBE_TEXT, "category": MAYBE_TEXT,
    "affiliation": st.none() | st.sampled_from(AFFILIATIONS)})
event = st.fixed_dictionaries({
    "kind": MAYBE_TEXT, "mmsi": st.none() | MMSI, "other_mmsi": st.none() | MMSI,
    "start": st.none() | TIMES, "end": st.none() | TIMES, "lat": LAT, "lon": LON,
    "zone": MAYBE_TEXT, "duration_s": NUM, "details": MAYBE_TEXT, "tlp": TLP,
    "record_hash": HASH})
alert = st.fixed_dictionaries({
    "rule": MAYBE_TEXT, "severity": MAYBE_TEXT, "event_id": st.none() | st.sampled_from(
        _ids("e", 4)), "kind": MAYBE_TEXT, "mmsi": st.none() | MMSI,
    "other_mmsi": st.none() | MMSI, "start": st.none() | TIMES, "lat": LAT, "lon": LON,
    "zone": MAYBE_TEXT, "title": MAYBE_TEXT, "tlp": TLP, "record_hash": HASH})
incident = st.fixed_dictionaries({
    "title": MAYBE_TEXT, "status": MAYBE_TEXT, "severity": MAYBE_TEXT,
    "created_at": st.none() | TIMES, "updated_at": st.none() | TIMES,
    "event_ids": st.none() | st.lists(st.sampled_from(_ids("e", 4)), max_size=3),
    "mmsis": st.none() | st.lists(MMSI, max_size=3), "lat": LAT, "lon": LON,
    "summary": MAYBE_TEXT, "tlp": TLP, "record_hash": HASH})


@st.composite
def releases(draw: st.DrawFn, min_tracks: int = 0) -> Release:
    vessel_mmsis = draw(st.lists(MMSI, unique=True, max_size=5))
    vessels = [{"mmsi": m, **draw(vessel)} for m in vessel_mmsis]
    events = [{"event_id": i, **e} for i, e in zip(_ids("e", 4), draw(
        st.lists(event, max_size=4)), strict=False)]
    alerts = [{"alert_id": f"{i}{draw(TEXT)}", **a}
              for i, a in enumerate(draw(st.lists(alert, max_size=4)))]
    incidents = [{"incident_id": f"{i}{draw(TEXT)}", **x}
                 for i, x in enumerate(draw(st.lists(incident, max_size=3)))]
    tracks = draw(st.lists(track, min_size=min_tracks, max_size=12))
    return release(tracks, vessels, events, alerts, incidents,
                   precision_m=draw(st.sampled_from([0.0, 10.0, 1852.0])),
                   released_at=draw(TIMES))


def tracked_vessels(r: Release) -> int:
    return len(set(r.table("tracks").column("mmsi").to_pylist()))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(releases())
def test_every_format_renders_a_random_release_and_holds_every_record(r: Release) -> None:
    out = {fmt: render(r, fmt) for fmt in FORMATS}
    assert render(r, "geojson") == out["geojson"]  # deterministic
    records = sum(r.counts()[n] for n in ("events", "alerts", "incidents"))
    doc = json.loads(out["geojson"])
    assert doc["type"] == "FeatureCollection"
    assert len(doc["features"]) == tracked_vessels(r) + records
    lines = list(csv.reader(io.StringIO(out["csv"].decode(), newline="")))
    assert len(lines) - 1 == sum(r.counts().values())
    assert all(len(line) == len(lines[0]) for line in lines)
    marks = ET.fromstring(out["kml"]).findall(".//{http://www.opengis.net/kml/2.2}Placemark")
    assert len(marks) == tracked_vessels(r) + records


def _latest_speeds(r: Release) -> dict[str, set[float | None]]:
    """For each vessel, the speeds of its latest located positions (ties all count)."""
    latest: dict[int, list[dict[str, Any]]] = {}
    for row in r.table("tracks").to_pylist():
        if row["lat"] is None or row["lon"] is None:
            continue
        best = latest.get(row["mmsi"])
        if best is None or row["t"] > best[0]["t"]:
            latest[row["mmsi"]] = [row]
        elif row["t"] == best[0]["t"]:
            best.append(row)
    return {f"pantau-mmsi-{m}": {row["sog_kn"] for row in rows} for m, rows in latest.items()}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(releases(min_tracks=1))
def test_cot_parses_and_every_speed_is_metres_per_second(r: Release) -> None:
    events = cot_events(r)
    speeds = _latest_speeds(r)
    vessel_uids = set()
    for doc in events:
        event = ET.fromstring(doc)
        uid = event.get("uid") or ""
        point = event.find("point")
        assert point is not None and -90 <= float(point.get("lat") or 0) <= 90
        track = event.find("detail/track")
        if uid.startswith("pantau-mmsi-"):
            vessel_uids.add(uid)
            if track is not None:
                speed = float(track.get("speed") or "nan")
                assert any(kn is not None and abs(speed - kn * 0.514444) <= 1e-6 * kn + 1e-6
                           for kn in speeds[uid])
                assert any(kn is not None and speed == round(kn * MS_PER_KNOT, 6)
                           for kn in speeds[uid])
    assert vessel_uids == set(speeds)
    alerts = r.counts()["alerts"]
    assert len(events) + len(cot_left_out(r)) == tracked_vessels(r) + alerts


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(releases())
def test_stix_bundle_of_a_random_release_validates_strictly(r: Release) -> None:
    bundle = parse_strict(render(r, "stix"))
    incidents = [o for o in bundle.objects if o.type == "incident"]
    assert len(incidents) == r.counts()["alerts"] + r.counts()["incidents"]
