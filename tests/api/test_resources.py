"""What each read endpoint returns, and that its filters and pagination agree with the
archive and the store they read."""

from __future__ import annotations

import pyarrow.compute as pc
from fastapi.testclient import TestClient

from pantau.store.archive import PositionArchive
from pantau.store.embedded import EmbeddedStore
from tests.api.conftest import Served

ALLERDIEP = 209273000  # a Cypriot cargo ship in the Kattegat in the DMA recording


def test_vessels_pages_through_the_registry(client: TestClient, served: Served) -> None:
    with EmbeddedStore(served.data_dir, read_only=True) as store:
        n = store.count("vessels")
    first = client.get("/api/vessels?limit=5", headers=served.auth()).json()
    assert first["total"] == n and first["limit"] == 5 and first["offset"] == 0
    second = client.get("/api/vessels?limit=5&offset=5", headers=served.auth()).json()
    mmsis = [v["mmsi"] for v in first["items"] + second["items"]]
    assert mmsis == sorted(mmsis) and len(set(mmsis)) == 10
    tail = client.get(f"/api/vessels?offset={n - 2}", headers=served.auth()).json()
    assert len(tail["items"]) == 2 and tail["total"] == n


def test_vessels_by_category_and_flag(client: TestClient, served: Served) -> None:
    fishing = client.get("/api/vessels?category=fishing&limit=1000",
                         headers=served.auth()).json()
    assert fishing["total"] > 0
    assert {v["category"] for v in fishing["items"]} == {"fishing"}
    danish = client.get("/api/vessels?flag=DK&category=fishing&limit=1000",
                        headers=served.auth()).json()
    assert 0 < danish["total"] < fishing["total"]
    assert {v["flag"] for v in danish["items"]} == {"DK"}


def test_vessels_in_a_box_and_a_zone_by_last_position(client: TestClient, served: Served
                                                      ) -> None:
    box = (11.0, 57.5, 11.5, 58.0)
    got = client.get("/api/vessels?limit=1000&bbox=" + ",".join(map(str, box)),
                     headers=served.auth()).json()
    assert got["total"] > 0 and ALLERDIEP in [v["mmsi"] for v in got["items"]]
    for v in got["items"]:
        assert box[0] <= v["lon"] <= box[2] and box[1] <= v["lat"] <= box[3]
    # the archive's last fix of every vessel in the box is in the box
    positions = PositionArchive(served.data_dir).query(mmsi=ALLERDIEP)
    assert (positions["lon"][-1].as_py(), positions["lat"][-1].as_py()) == (
        next(v for v in got["items"] if v["mmsi"] == ALLERDIEP)["lon"],
        next(v for v in got["items"] if v["mmsi"] == ALLERDIEP)["lat"])
    zone = client.get("/api/vessels?zone=Kattegat&limit=1000", headers=served.auth()).json()
    assert got["total"] <= zone["total"]
    assert all("Kattegat" in v["zones"] for v in zone["items"])
    assert client.get("/api/vessels?zone=Nowhere", headers=served.auth()).json()["total"] == 0


def test_one_vessel_with_identity_last_position_and_history(client: TestClient,
                                                            served: Served) -> None:
    v = client.get(f"/api/vessels/{ALLERDIEP}", headers=served.auth()).json()
    assert v["shipname"] == "ALLERDIEP" and v["flag"] == "CY"
    assert v["last_position"]["last_position_at"].endswith("Z")
    assert v["history"] == []
    missing = client.get("/api/vessels/999999999", headers=served.auth())
    assert missing.status_code == 404 and "999999999" in missing.json()["detail"]


def test_track_in_time_order_with_since_and_until(client: TestClient, served: Served
                                                  ) -> None:
    track = client.get(f"/api/vessels/{ALLERDIEP}/track", headers=served.auth()).json()
    times = [p["received_at"] for p in track["items"]]
    assert track["total"] == len(times) >= 3 and times == sorted(times)
    middle = times[len(times) // 2]
    later = client.get(f"/api/vessels/{ALLERDIEP}/track", params={"since": middle},
                       headers=served.auth()).json()
    assert [p["received_at"] for p in later["items"]] == [t for t in times if t >= middle]
    earlier = client.get(f"/api/vessels/{ALLERDIEP}/track", params={"until": middle},
                         headers=served.auth()).json()
    assert earlier["total"] + later["total"] == track["total"]
    one = client.get(f"/api/vessels/{ALLERDIEP}/track?limit=1&offset=1",
                     headers=served.auth()).json()
    assert [p["received_at"] for p in one["items"]] == times[1:2]


def test_events_filters(client: TestClient, served: Served) -> None:
    def get(**params: object) -> dict:
        r = client.get("/api/events", params=params, headers=served.auth())
        assert r.status_code == 200, r.text
        return r.json()

    everything = get(limit=1000)
    starts = [e["start"] for e in everything["items"]]
    assert everything["total"] == 8 and starts == sorted(starts, reverse=True)
    encounter = get(kind="encounter")["items"]
    assert [e["event_id"] for e in encounter] == ["t-encounter"]
    assert encounter[0]["details"] == {"max_distance_m": 500}  # an object, not text
    assert get(mmsi=219000001)["items"][0]["event_id"] == "t-encounter"  # the other side
    assert [e["event_id"] for e in get(zone="Kattegat")["items"]] == ["t-encounter"]
    assert [e["event_id"] for e in get(bbox="3,54,5,56")["items"]] == ["t-loitering"]
    assert [e["event_id"] for e in get(until="2010-06-10T12:00:00Z")["items"]] == [
        "t-loitering"]
    assert "t-loitering" not in [e["event_id"] for e in
                                 get(since="2010-06-11T00:00:00Z", limit=1000)["items"]]
    page = get(limit=3, offset=3)
    assert page["total"] == 8 and [e["start"] for e in page["items"]] == starts[3:6]


def test_zones_in_use_as_geojson(client: TestClient, served: Served) -> None:
    doc = client.get("/api/zones", headers=served.auth()).json()
    assert doc["type"] == "FeatureCollection"
    assert [f["properties"]["name"] for f in doc["features"]] == ["Kattegat"]
    assert doc["features"][0]["geometry"]["type"] == "Polygon"


def test_presence_matches_the_archive(client: TestClient, served: Served) -> None:
    r = client.get("/api/presence?zone=Kattegat&by=day", headers=served.auth())
    assert r.status_code == 200, r.text
    body = r.json()
    archive = PositionArchive(served.data_dir).query()
    inside = archive.filter(pc.greater(pc.list_value_length(archive["zones"]), 0))
    assert body["periods"] == [{"period": "2010-06-11", "days_present": 1,
                                "ship_days": len(pc.unique(inside["mmsi"])),
                                "vessels": len(pc.unique(inside["mmsi"])),
                                "days_with_data": 1}]
    assert body["rule"]["zone"] == "Kattegat" and body["rule"]["zone_digest"]
    fishing = client.get("/api/presence?zone=Kattegat&category=fishing",
                         headers=served.auth()).json()
    assert fishing["total"]["vessels"] < body["total"]["vessels"]
    unknown = client.get("/api/presence?zone=Atlantis", headers=served.auth())
    assert unknown.status_code == 400 and "unknown zone" in unknown.json()["detail"]
