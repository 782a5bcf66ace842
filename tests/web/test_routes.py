"""`/`, `/assets/...` and `/api/map/...` over HTTP (no browser): who may read them, what
they answer, and the bad requests they refuse."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from pantau.api import users
from pantau.api.access import DataAccess
from pantau.api.app import create_app
from pantau.api.auth import READERS, require
from pantau.store.archive import PositionArchive
from pantau.store.embedded import EmbeddedStore
from pantau.web import serve


@pytest.fixture(scope="module")
def api(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory
        ) -> Iterator[tuple[TestClient, dict[str, dict[str, str]], Path]]:
    data = tmp_path_factory.mktemp("routes") / "data"
    shutil.copytree(demo_dir, data)
    auth: dict[str, dict[str, str]] = {}
    with EmbeddedStore(data) as store:
        for role in ("analyst", "auditor"):
            users.add_user(store, f"map-{role}", role)
            token = users.issue_token(store, f"map-{role}").token
            auth[role] = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(data)) as client:
        yield client, auth, data


def test_the_page_is_served_with_a_strict_policy(api: tuple[TestClient, dict, Path]) -> None:
    client, _, _ = api
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "http" not in csp  # no third-party origin: the page works offline
    script = re.search(r'src="(/assets/app-[^"]+\.js)"', r.text)
    style = re.search(r'href="(/assets/app-[^"]+\.css)"', r.text)
    assert script and style
    js = client.get(script.group(1))
    assert js.status_code == 200 and "immutable" in js.headers["cache-control"]
    assert "javascript" in js.headers["content-type"]
    assert client.get(style.group(1)).status_code == 200
    assert client.get("/assets/nothing-here.js").status_code == 404
    assert "//" not in "".join(re.findall(r'(?:src|href)="([^"]+)"', r.text)).replace(
        "/assets/", "")  # nothing loaded from elsewhere


def test_without_a_build_the_page_says_how_to_get_one(tmp_path: Path, demo_dir: Path) -> None:
    app = FastAPI()
    access = DataAccess(demo_dir)
    serve.mount(app, access, require(READERS, access.store), static=tmp_path / "empty")
    with TestClient(app) as client:
        r = client.get("/")
    assert r.status_code == 503 and "npm" in r.text and "pip install" in r.text


@pytest.mark.parametrize("path", ["/api/map/basemap", "/api/map/picture", "/api/map/replay"])
def test_the_map_endpoints_need_a_reader(api: tuple[TestClient, dict, Path], path: str) -> None:
    client, auth, _ = api
    assert client.get(path).status_code == 401
    assert client.get(path, headers=auth["auditor"]).status_code == 403


def test_the_basemap_is_gzipped_and_revalidated(api: tuple[TestClient, dict, Path]) -> None:
    client, auth, _ = api
    plain = client.get("/api/map/basemap", headers={**auth["analyst"],
                                                   "Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "content-encoding" not in plain.headers
    body = plain.json()
    assert len(body["land"]["features"]) > 100
    kinds = {f["properties"]["kind"] for f in body["zones"]["features"]}
    assert {"eez", "aoi", "exercise", "asset", "port"} <= kinds
    raw = client.stream("GET", "/api/map/basemap", headers={**auth["analyst"],
                                                           "Accept-Encoding": "gzip"})
    with raw as r:
        assert r.headers["content-encoding"] == "gzip"
        packed = b"".join(r.iter_raw())
    assert json.loads(gzip.decompress(packed)) == body
    assert len(packed) < len(plain.content) / 3
    again = client.get("/api/map/basemap", headers={**auth["analyst"],
                                                   "If-None-Match": plain.headers["etag"]})
    assert again.status_code == 304 and not again.content


def test_the_picture_matches_the_archive(api: tuple[TestClient, dict, Path]) -> None:
    client, auth, data = api
    p = client.get("/api/map/picture", headers=auth["analyst"]).json()
    fixes = PositionArchive(data).query(columns=["mmsi", "received_at", "lon", "lat"])
    newest: dict[int, tuple[object, float, float]] = {}
    for m, t, lon, lat in zip(*(fixes[c].to_pylist() for c in fixes.column_names),
                              strict=True):
        if lon is not None and lat is not None and (m not in newest or t >= newest[m][0]):
            newest[m] = (t, lon, lat)
    assert p["count"] == len(newest) == len(p["mmsi"]) == len(p["category"])
    for i in range(0, p["count"], 17):
        _, lon, lat = newest[p["mmsi"][i]]
        assert (p["lon"][i], p["lat"][i]) == (round(lon, 5), round(lat, 5))
    assert "coast_guard" in p["category"] and p["as_of"].endswith("Z")


def test_the_replay_defaults_to_the_last_three_hours(api: tuple[TestClient, dict, Path]) -> None:
    client, auth, _ = api
    r = client.get("/api/map/replay", headers=auth["analyst"]).json()
    assert r["step_s"] == 300 and len(r["times"]) == 36
    assert len(r["mmsi"]) == len(r["lon"]) == len(r["heading"]) > 50
    assert all(len(row) == 36 for row in r["lat"])


@pytest.mark.parametrize(("query", "message"), [
    ("hours=0", "greater than 0"), ("hours=49", "less than or equal to 48"),
    ("step_s=5", "greater than or equal to 10"), ("hours=abc", "number"),
    ("since=2025-09-15T00:00:00Z&hours=2", "not both"),
    ("since=2025-09-15T02:00:00Z&until=2025-09-15T01:00:00Z", "before until"),
    ("since=2025-09-15T00:00:00", "timezone"),
    ("bbox=1,2,3,4", "extra"),
])
def test_malformed_replay_requests_are_422(api: tuple[TestClient, dict, Path],
                                           query: str, message: str) -> None:
    client, auth, _ = api
    r = client.get(f"/api/map/replay?{query}", headers=auth["analyst"])
    assert r.status_code == 422, r.text
    assert message.lower() in json.dumps(r.json()).lower()


@pytest.mark.parametrize(("query", "message"), [
    ("until=0001-01-01T01:00:00Z", "out of range"),
    ("since=2025-01-01T00:00:00Z&until=2025-09-15T00:00:00Z&step_s=10", "longer step_s"),
    ("since=2030-01-01T00:00:00Z", "before until"),  # after the newest position
])
def test_replays_pantau_will_not_make_are_400(api: tuple[TestClient, dict, Path],
                                              query: str, message: str) -> None:
    client, auth, _ = api
    r = client.get(f"/api/map/replay?{query}", headers=auth["analyst"])
    assert r.status_code == 400, r.text
    assert message in r.json()["detail"]
