from __future__ import annotations

import json
import random
from typing import Any

from pantau.share.formats import render
from pantau.share.formats.geojson import render_geojson

from ._release import (
    ALERTS,
    EVENTS,
    FISHER,
    FRIEND,
    HOSTILE,
    INCIDENTS,
    TRACKS,
    TRICKY,
    UNNAMED,
    VESSELS,
    empty_release,
    golden_release,
    position,
    release,
)


def collection() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(render_geojson(golden_release()))
    return doc


def by_id(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["id"]: f for f in doc["features"]}


def test_a_feature_per_vessel_track_then_events_alerts_incidents_in_order() -> None:
    doc = collection()
    assert doc["type"] == "FeatureCollection"
    kinds = [(f["properties"]["record_type"], f["id"]) for f in doc["features"]]
    assert kinds == [
        ("track", f"mmsi-{UNNAMED}"), ("track", f"mmsi-{HOSTILE}"), ("track", f"mmsi-{FRIEND}"),
        ("track", f"mmsi-{FISHER}"), ("event", "ev-loiter"), ("event", "ev-meet"),
        ("alert", "al-1"), ("alert", "al-2"), ("alert", "al-3"), ("incident", "inc-1"),
        ("incident", "inc-2")]


def test_track_is_a_linestring_in_time_order_with_identity_and_aligned_arrays() -> None:
    friend = by_id(collection())[f"mmsi-{FRIEND}"]
    assert friend["geometry"] == {"type": "LineString",
                                  "coordinates": [[112.5, 4.25], [112.52, 4.27], [112.54, 4.29]]}
    p = friend["properties"]
    assert p["mmsi"] == FRIEND and p["identity"] == TRICKY
    assert p["vessel"]["affiliation"] == "friend" and p["vessel"]["category"] == "law_enforcement"
    assert p["times"] == ["2026-03-01T00:00:00Z", "2026-03-01T00:10:00.007380Z",
                          "2026-03-01T00:20:00Z"]
    assert p["sog_kn"] == [10.0, 11.0, 12.5] and p["heading_deg"] == [44.0, None, 45.0]
    assert len(p["record_hashes"]) == 3 and p["tlp"] == "green"


def test_one_position_is_a_point_none_is_no_geometry_and_the_label_is_the_strictest() -> None:
    features = by_id(collection())
    fisher = features[f"mmsi-{FISHER}"]
    assert fisher["geometry"] == {"type": "Point", "coordinates": [113.2, 5.1]}
    assert fisher["properties"]["identity"] == "XVAB"  # no name: the call sign
    unnamed = features[f"mmsi-{UNNAMED}"]
    assert unnamed["geometry"] is None and unnamed["properties"]["vessel"] is None
    assert unnamed["properties"]["identity"] == f"MMSI {UNNAMED}"
    assert unnamed["properties"]["times"] == []
    assert unnamed["properties"]["unlocated_times"] == ["2026-03-01T00:07:00Z"]
    hostile = features[f"mmsi-{HOSTILE}"]["properties"]
    assert hostile["tlps"] == ["amber", "green"] and hostile["tlp"] == "amber"


def test_records_are_points_with_their_columns_and_record_type() -> None:
    features = by_id(collection())
    loiter = features["ev-loiter"]
    assert loiter["geometry"] == {"type": "Point", "coordinates": [113.1, 5.0]}
    p = loiter["properties"]
    assert p["record_type"] == "event" and p["kind"] == "loitering" and p["tlp"] == "amber"
    assert p["start"] == "2026-03-01T00:00:00Z" and p["end"] == "2026-03-01T04:00:00Z"
    assert p["details"] == {"min_duration_s": 14400, "note": "unicode ✓"}
    assert p["zone"] == "Luconia <North> & co" and p["identity"] == "海警 3901"
    assert features["ev-meet"]["properties"]["details"] == "not json"
    assert features["al-2"]["geometry"] is None
    assert features["al-2"]["properties"]["other_mmsi"] == FISHER
    inc = features["inc-1"]["properties"]
    assert inc["event_ids"] == ["ev-loiter", "ev-meet"] and inc["mmsis"] == [HOSTILE, FISHER]
    assert inc["tlp"] == "amber+strict" and inc["summary"].startswith("Line one\nLine <two>")
    assert features["inc-2"]["properties"]["created_at"] is None


def test_pantau_member_says_what_was_released_to_whom() -> None:
    assert collection()["pantau"] == {
        "agreement_id": "MY-AU-US-GOLD", "agreement_version": 1,
        "policy_version": "share-policy/1 MY-AU-US-GOLD v1",
        "released_at": "2026-03-02T08:00:00Z", "releasable_to": ["AUS", "USA"],
        "since": "2026-03-01T00:00:00Z", "until": "2026-03-02T00:00:00Z"}


def test_row_order_in_the_release_does_not_change_the_bytes() -> None:
    rng = random.Random(7)
    shuffled = [list(rows) for rows in (TRACKS, VESSELS, EVENTS, ALERTS, INCIDENTS)]
    for rows in shuffled:
        rng.shuffle(rows)
    assert render(release(*shuffled), "geojson") == render(golden_release(), "geojson")


def test_positions_of_one_vessel_at_one_time_keep_a_stable_order() -> None:
    a = position(FRIEND, 0, 112.0, 4.0, tlp="green")
    b = {**position(FRIEND, 0, 112.1, 4.1, tlp="amber"), "record_hash": "0" * 64}
    assert render(release([a, b]), "geojson") == render(release([b, a]), "geojson")


def test_empty_release_is_an_empty_feature_collection() -> None:
    doc = json.loads(render_geojson(empty_release()))
    assert doc["type"] == "FeatureCollection" and doc["features"] == []
    assert doc["pantau"]["releasable_to"] == ["AUS", "USA"]
